/* Writes a plan with a scanned head for the window tests, and prints where its landmarks truly are. Usage:
 * scan_plan_write DIR. DIR/head.ply is the default procedural head (its coarse lattice, 43,200 triangles) in
 * a pose of its own, turned 8 degrees about the vertical and moved (15, -40, 25) mm, written in centimetres;
 * DIR/plan.json is the built-in plan on it, without scars, head.landmarks left out (estimated). Printed, in
 * the file's centimetres: "nasion X Y Z", "tragus_left X Y Z", "tragus_right X Y Z": the head's nasion, and
 * the points where the line through the ear canals (the head frame's x axis) meets the surface (on the ears).
 * Not a test itself (tests/CMakeLists.txt builds it for test_window_pick.sh). */
#include "scalp/scalp.h"
#include "scan_files.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: scan_plan_write DIR\n");
        return 2;
    }
    plan pl;
    plan_init_default(&pl);
    scalp_head head;
    smp_error err = {0};
    if (scalp_head_create(&head, &pl.head, pl.patient.sex, &err) != SMP_OK) {
        fprintf(stderr, "scan_plan_write: %s\n", err.message);
        return 1;
    }
    double pose[3][4];
    scan_pose(8.0, (double[3]){0.0, 1.0, 0.0}, (double[3]){15.0, -40.0, 25.0}, pose);
    scan_mesh m = scan_mesh_of_head(&head, false);
    scan_mesh_pose(&m, pose);
    char path[4096];
    snprintf(path, sizeof path, "%s/head.ply", argv[1]);
    scan_write_ply(path, &m, 0.1, true);
    scan_mesh_free(&m);
    snprintf(path, sizeof path, "%s/plan.json", argv[1]);
    FILE *fp = scan_file_open(path);
    fprintf(
        fp,
        "{ \"version\": 1, \"head\": { \"mesh\": \"head.ply\", \"mesh_units\": \"cm\" }, \"scars\": [] }\n");
    fclose(fp);
    double truth[3][3] = {{head.face_landmarks_mm[SCALP_FACE_NASION][0],
                           head.face_landmarks_mm[SCALP_FACE_NASION][1],
                           head.face_landmarks_mm[SCALP_FACE_NASION][2]}};
    for (int side = 0; side < 2; side++) {
        double o[3] = {side == 0 ? 300.0 : -300.0, 0.0, 0.0}, d[3] = {side == 0 ? -1.0 : 1.0, 0.0, 0.0};
        double t = scalp_mesh_ray(&head.mesh, o, d, NULL);
        if (t < 0.0) {
            fprintf(stderr, "scan_plan_write: the ear canals' line meets no surface\n");
            return 1;
        }
        truth[1 + side][0] = o[0] + t * d[0];
    }
    static const char *const names[3] = {"nasion", "tragus_left", "tragus_right"};
    for (int i = 0; i < 3; i++) {
        double f[3];
        scan_pose_point(pose, 0.1, truth[i], f);
        printf("%s %.6f %.6f %.6f\n", names[i], f[0], f[1], f[2]);
    }
    scalp_head_destroy(&head);
    return 0;
}
