#include "optics/tone.h"

#include "optics/colour.h"

#include <math.h>

/* Middle of each ITA class (degrees) and a typical b* for it (Del Bino 2006 Fig. 2 shows b* of about
 * 13–19 across classes). L* follows from ITA = atan((L* − 50) / b*). */
static const float ita_mid_deg[6] = {62.0f, 48.0f, 34.5f, 19.0f, -10.0f, -45.0f};
static const float b_star[6] = {13.0f, 15.0f, 17.0f, 18.5f, 17.0f, 12.0f};
static const float a_star[6] = {8.0f, 9.5f, 10.5f, 11.5f, 11.5f, 10.0f};

void optics_tone_skin_lab(int fitzpatrick, float lab[3])
{
    int i = fitzpatrick < 1 ? 0 : (fitzpatrick > 6 ? 5 : fitzpatrick - 1);
    lab[0] = 50.0f + b_star[i] * tanf(ita_mid_deg[i] * 3.14159265f / 180.0f);
    lab[1] = a_star[i];
    lab[2] = b_star[i];
}

void optics_tone_lab_to_linear_rgb(const float lab[3], float rgb[3])
{
    double l[3] = {lab[0], lab[1], lab[2]}, xyz[3], out[3];
    optics_lab_to_xyz(l, xyz);
    optics_xyz_to_linear_rgb(xyz, out);
    for (int k = 0; k < 3; ++k) rgb[k] = (float)out[k];
}

void optics_tone_skin_linear_rgb(int fitzpatrick, float rgb[3])
{
    float lab[3];
    optics_tone_skin_lab(fitzpatrick, lab);
    optics_tone_lab_to_linear_rgb(lab, rgb);
}

void optics_tone_ink_linear_rgb(int fitzpatrick, double depth_mm, float rgb[3])
{
    /* Light reflected by the epidermis and the dermis above the ink never meets it: a floor of the skin's
     * own reflectance that shrinks with less tissue above. Deeper ink: more tissue above, and that tissue
     * scatters short wavelengths back more than long ones, so the floor is bluer (Tyndall effect). First
     * approximation; the Monte Carlo tables replace it. */
    float skin[3];
    optics_tone_skin_linear_rgb(fitzpatrick, skin);
    double above = 1.0 - exp(-depth_mm / 0.6); /* fraction of the skin's backscatter that is above the ink */
    const double blue_bias[3] = {0.75, 0.95, 1.25};
    for (int k = 0; k < 3; ++k) rgb[k] = (float)(skin[k] * (0.06 + 0.30 * above * blue_bias[k]));
}
