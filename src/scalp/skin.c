#include "scalp/skin.h"

#include <math.h>

float scalp_skin_sebum_weight(const scalp_head *head, const float p[3], float scalp_weight)
{
    const float(*f)[3] = head->face_landmarks_mm;
    /* The forehead: face skin above the brows (10 mm over the closed lids' apexes), in front of the ears. */
    double brow_y = 0.5 * (f[SCALP_FACE_PUPIL_LEFT][1] + f[SCALP_FACE_PUPIL_RIGHT][1]) + 10.0;
    double ear_front_z = head->ear_center_mm[2] + head->ear_radius_z_mm;
    double forehead = smp_smoothstep(brow_y - 5.0, brow_y + 5.0, p[1]) *
                      smp_smoothstep(ear_front_z, ear_front_z + 10.0, p[2]);
    /* The nose: between the alae (plus 4 mm), from the nasion down to the subnasale. */
    double half_width = 0.5 * fabs(f[SCALP_FACE_ALARE_LEFT][0] - f[SCALP_FACE_ALARE_RIGHT][0]) + 4.0;
    double nose = (1.0 - smp_smoothstep(half_width - 4.0, half_width + 4.0, fabs(p[0]))) *
                  smp_smoothstep(f[SCALP_FACE_SUBNASALE][1] - 4.0, f[SCALP_FACE_SUBNASALE][1] + 2.0, p[1]) *
                  (1.0 - smp_smoothstep(f[SCALP_FACE_NASION][1], f[SCALP_FACE_NASION][1] + 6.0, p[1])) *
                  smp_smoothstep(f[SCALP_FACE_ALARE_LEFT][2] - 8.0, f[SCALP_FACE_ALARE_LEFT][2], p[2]);
    double most = fmax(fmax((double)scalp_weight, forehead), nose);
    return (float)smp_mix(SCALP_SKIN_SEBUM_LOW, 1.0, fmin(fmax(most, 0.0), 1.0));
}
