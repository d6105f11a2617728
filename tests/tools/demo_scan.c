/* Writes a stand-in for a patient's head scan, for docs/scans.md's images (scripts/docs-images-scan.sh): no
 * real scan can ship here. The procedural head made unlike itself (scan_reshape: 6 % larger, the occiput
 * flattened, the crown raised), coloured per vertex as a scanner records skin (a fair scalp, a redder face,
 * freckles on the forehead and the front of the scalp, a mole), and written as a binary PLY in metres
 * standing +z up, as many scanners export, with the plan that imports it: head.mesh, mesh_units and the
 * landmarks in the file's own coordinates.
 * Usage: demo_scan DIR   (writes DIR/scan.ply and DIR/plan.json) */
#include "scan_files.h"

#include "plan/plan.h"
#include "scalp/scalp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The scanner's frame: +z up, the face towards -y, in metres. */
static void to_file(const float p[3], double out[3])
{
    out[0] = p[0] / 1000.0;
    out[1] = -p[2] / 1000.0;
    out[2] = p[1] / 1000.0 + 1.2; /* the head 1.2 m above the scanner's floor */
}

static float hash01(uint32_t x)
{
    x ^= x >> 16, x *= 0x7feb352dU, x ^= x >> 15, x *= 0x846ca68bU, x ^= x >> 16;
    return (float)(x & 0xFFFFFF) / (float)0x1000000;
}

static float smooth(float lo, float hi, float x)
{
    float t = fminf(fmaxf((x - lo) / (hi - lo), 0.0f), 1.0f);
    return t * t * (3.0f - 2.0f * t);
}

/* sRGB 8-bit colour of the skin at the procedural head point p (before the reshape). */
static void skin_colour(const scalp_head *h, const float p[3], uint8_t out[3])
{
    double rgb[3] = {222, 184, 164}; /* a fair scalp */
    const float *nasion = h->face_landmarks_mm[SCALP_FACE_NASION];
    /* The face redder and a little darker (sun, blood), fading in over a few centimetres. */
    float red = smooth(30.0f, 60.0f, p[2]) * smooth(nasion[1] + 30.0f, nasion[1] + 5.0f, p[1]);
    rgb[0] -= 4 * red, rgb[1] -= 26 * red, rgb[2] -= 22 * red;
    /* Freckles: cells of 7 mm over the forehead and the front of the scalp, one in four holds a spot. */
    if (p[2] > 20.0f && p[1] > nasion[1] + 10.0f) {
        int cx = (int)floorf(p[0] / 7.0f), cy = (int)floorf(p[1] / 7.0f), cz = (int)floorf(p[2] / 7.0f);
        uint32_t id = (uint32_t)(cx * 73856093) ^ (uint32_t)(cy * 19349663) ^ (uint32_t)(cz * 83492791);
        if (hash01(id) < 0.25f) {
            float sx = 7.0f * ((float)cx + 0.2f + 0.6f * hash01(id + 1));
            float sy = 7.0f * ((float)cy + 0.2f + 0.6f * hash01(id + 2));
            float d = hypotf(p[0] - sx, p[1] - sy), r = 0.6f + 0.7f * hash01(id + 3);
            float a = smooth(r + 0.4f, r - 0.4f, d);
            rgb[0] -= 35 * a, rgb[1] -= 50 * a, rgb[2] -= 50 * a;
        }
    }
    /* A mole on the crown's right. */
    if (hypotf(p[0] + 25.0f, p[2] + 20.0f) < 2.2f && p[1] > 60.0f) rgb[0] = 120, rgb[1] = 85, rgb[2] = 70;
    for (int c = 0; c < 3; c++)
        out[c] = (uint8_t)fmax(0.0, fmin(255.0, rgb[c]));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: demo_scan DIR\n");
        return 2;
    }
    plan pl;
    plan_init_default(&pl);
    scalp_head head;
    smp_error err = {0};
    if (scalp_head_create(&head, &pl.head, pl.patient.sex, &err) != SMP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    scan_mesh m = scan_mesh_of_head(&head, true);
    char path[1024];
    snprintf(path, sizeof path, "%s/scan.ply", argv[1]);
    FILE *fp = scan_file_open(path);
    fprintf(fp,
            "ply\nformat binary_little_endian 1.0\ncomment smpsim demo scan: a reshaped procedural head\n"
            "element vertex %d\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\n"
            "property uchar green\nproperty uchar blue\nelement face %d\n"
            "property list uchar int vertex_indices\nend_header\n",
            m.nv, m.nt);
    for (int v = 0; v < m.nv; v++) {
        float q[3] = {m.p[3 * v], m.p[3 * v + 1], m.p[3 * v + 2]};
        uint8_t rgb[3];
        skin_colour(&head, q, rgb);
        scan_reshape(q);
        double f[3];
        to_file(q, f);
        float ff[3] = {(float)f[0], (float)f[1], (float)f[2]};
        fwrite(ff, sizeof ff, 1, fp);
        fwrite(rgb, 1, 3, fp);
    }
    for (int t = 0; t < m.nt; t++) {
        unsigned char three = 3;
        int32_t id[3] = {(int32_t)m.t[3 * t], (int32_t)m.t[3 * t + 1], (int32_t)m.t[3 * t + 2]};
        fwrite(&three, 1, 1, fp);
        fwrite(id, sizeof id, 1, fp);
    }
    fclose(fp);
    plan_scan_landmarks lm;
    scan_reshaped_landmarks(&head, 1.0, &lm);
    double *pts[3] = {lm.nasion, lm.tragus_left, lm.tragus_right};
    for (int i = 0; i < 3; i++) {
        float q[3] = {(float)pts[i][0], (float)pts[i][1], (float)pts[i][2]};
        to_file(q, pts[i]);
    }
    snprintf(path, sizeof path, "%s/plan.json", argv[1]);
    fp = scan_file_open(path);
    fprintf(fp,
            "{\"version\": 1, \"head\": {\"mesh\": \"scan.ply\", \"mesh_units\": \"m\", \"landmarks\": {"
            "\"nasion\": [%.6f, %.6f, %.6f], \"tragus_left\": [%.6f, %.6f, %.6f], "
            "\"tragus_right\": [%.6f, %.6f, %.6f]}, \"photo_hair\": \"remove\"}}\n",
            lm.nasion[0], lm.nasion[1], lm.nasion[2], lm.tragus_left[0], lm.tragus_left[1], lm.tragus_left[2],
            lm.tragus_right[0], lm.tragus_right[1], lm.tragus_right[2]);
    fclose(fp);
    scan_mesh_free(&m);
    scalp_head_destroy(&head);
    return 0;
}
