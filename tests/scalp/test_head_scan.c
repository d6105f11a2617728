/* The head fitted to a scan (plan head.mesh): the procedural head written out and read back fits onto itself;
 * a reshaped head written in OBJ, PLY, STL and glTF, in mm, cm and m, gives the same landmarks (within 1 mm)
 * and the same treated area (within 3 %) in each; a scan with a hole keeps the procedural surface there
 * without a step; bad scans and landmarks are refused with one line naming the file. */
#include "scalp/scalp.h"
#include "scalp/scan.h"
#include "scan_files.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture {
    char dir[256];
    scalp_head procedural; /* the default head */
    plan plan;             /* the built-in plan */
    scan_warnings warn;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (test_dir_make(f->dir, sizeof f->dir, "smp_head_scan") != 0) return -1;
    plan_init_default(&f->plan);
    smp_error err = {0};
    if (scalp_head_create(&f->procedural, &f->plan.head, f->plan.patient.sex, &err) != SMP_OK) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (test_dir_remove(f->dir) != 0) return -1;
    scalp_head_destroy(&f->procedural);
    free(f);
    return 0;
}

static double dist3(const float a[3], const float b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

static void fit(fixture *f, const char *path, plan_mesh_units units, const plan_scan_landmarks *lm,
                scalp_head *out)
{
    plan_head h = f->plan.head;
    snprintf(h.mesh, sizeof h.mesh, "%s", path);
    h.mesh_units = units;
    if (lm) h.landmarks = *lm;
    smp_error err = {0};
    double t0 = smp_now_s();
    if (scalp_head_create_logged(out, &h, PLAN_SEX_MALE, scan_warning_record, &f->warn, &err) != SMP_OK)
        fail_msg("%s: %s", path, err.message);
    print_message("%-24s fitted in %.2f s: %d of %d vertices on the scan\n", strrchr(path, '/') + 1,
                  smp_now_s() - t0, out->scan_vertex_count, out->mesh.vertex_count);
    assert_true(out->scanned);
    /* The test heads are written without colours: the fitted head has none (tests/scalp/test_scan_colour.c
     * has the coloured ones). */
    assert_null(out->vertex_rgb);
    assert_null(out->vertex_rgb_weight);
}

static void procedural_head_written_out_should_fit_back_onto_itself(void **state)
{
    fixture *f = *state;
    const scalp_head *p = &f->procedural;
    scan_mesh m = scan_mesh_of_head(p, true);
    char path[512];
    snprintf(path, sizeof path, "%s/procedural.ply", f->dir);
    scan_write_ply(path, &m, 1.0, true);
    scan_mesh_free(&m);
    plan_scan_landmarks lm;
    scan_landmarks_of_head(p, 1.0, &lm);
    scalp_head h;
    fit(f, path, PLAN_MESH_UNITS_MM, &lm, &h);
    assert_int_equal(h.mesh.vertex_count, p->mesh.vertex_count);
    assert_true(h.scan_vertex_count > 0.999 * h.mesh.vertex_count);
    double worst = 0.0;
    for (int v = 0; v < h.mesh.vertex_count; v++)
        worst = fmax(worst, dist3(&h.mesh.positions_mm[3 * v], &p->mesh.positions_mm[3 * v]));
    print_message("largest vertex move %.3f mm\n", worst);
    assert_true(worst < 0.5);
    for (int l = 0; l < SCALP_LM_COUNT; l++)
        assert_true(dist3(h.landmarks_mm[l], p->landmarks_mm[l]) < 1.0);
    assert_near(h.measured_circumference_mm, p->measured_circumference_mm, 2.0);
    assert_near(h.measured_length_mm, p->measured_length_mm, 1.0);
    assert_near(h.measured_breadth_mm, p->measured_breadth_mm, 1.0);
    double a0 = scalp_treated_area_cm2(p, &f->plan), a1 = scalp_treated_area_cm2(&h, &f->plan);
    print_message("treated area %.1f cm2 procedural, %.1f cm2 read back\n", a0, a1);
    assert_near(a1, a0, 0.01 * a0);
    scalp_head_destroy(&h);
}

/* The scan as head_scan_create orients it: read in the given units, moved by the landmarks (file units). */
static void oriented_scan(fixture *f, const char *path, plan_mesh_units units, const plan_scan_landmarks *lm,
                          scalp_scan *out)
{
    static const double unit_mm[] = {1.0, 1.0, 10.0, 1000.0};
    smp_error err = {0};
    if (scalp_scan_load(path, (scalp_scan_units)units, NULL, scan_warning_record, &f->warn, out, &err) !=
        SMP_OK)
        fail_msg("%s", err.message);
    scalp_scan_landmarks l = {.front_is_nasion = true};
    for (int k = 0; k < 3; k++) {
        l.front_mm[k] = (float)(lm->nasion[k] * unit_mm[out->units]);
        l.tragion_left_mm[k] = (float)(lm->tragus_left[k] * unit_mm[out->units]);
        l.tragion_right_mm[k] = (float)(lm->tragus_right[k] * unit_mm[out->units]);
    }
    if (scalp_scan_orient(out, &l, NULL, NULL, &err) != SMP_OK) fail_msg("%s", err.message);
}

/* Where the scan has its hole the vertices keep the procedural surface moved by the offsets around it, so
 * nothing steps at the hole's edge: along every edge near it both ends move alike (the lattice's edges are
 * about 1.2 mm; a step would make some far longer than in the procedural head). */
static void hole_check(const fixture *f, const scalp_head *h)
{
    const float *crown = f->procedural.landmarks_mm[SCALP_LM_CROWN];
    int missed = h->mesh.vertex_count - h->scan_vertex_count;
    assert_true(missed > 100);
    double worst = 0.0;
    for (int t = 0; t < h->mesh.triangle_count; t++)
        for (int k = 0; k < 3; k++) {
            uint32_t a = h->mesh.indices[3 * t + k], b = h->mesh.indices[3 * t + (k + 1) % 3];
            double now = dist3(&h->mesh.positions_mm[3 * a], &h->mesh.positions_mm[3 * b]);
            double was =
                dist3(&f->procedural.mesh.positions_mm[3 * a], &f->procedural.mesh.positions_mm[3 * b]);
            if (dist3(&f->procedural.mesh.positions_mm[3 * a], crown) < 40.0) worst = fmax(worst, now / was);
        }
    print_message("%d vertices in the hole; longest edge near it %.2f x its procedural length\n", missed,
                  worst);
    assert_true(worst < 1.5);
    /* The crown sits above the procedural one: the offsets around the hole (the crown raised by up to 8 mm)
     * carry into it. */
    assert_true(h->landmarks_mm[SCALP_LM_CROWN][1] > f->procedural.landmarks_mm[SCALP_LM_CROWN][1] + 1.0);
}

static void every_format_should_give_the_same_landmarks_and_treated_area_and_a_hole_no_step(void **state)
{
    fixture *f = *state;
    /* The reshaped head with a hole in the crown: the triangles within 25 mm of the crown whorl dropped. */
    scan_mesh m = scan_mesh_of_head(&f->procedural, false);
    const float *crown = f->procedural.landmarks_mm[SCALP_LM_CROWN];
    int kept = 0;
    for (int t = 0; t < m.nt; t++) {
        float c[3] = {0, 0, 0};
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 3; j++)
                c[j] += m.p[3 * m.t[3 * t + k] + j] / 3.0f;
        if (dist3(c, crown) < 25.0) continue;
        memmove(&m.t[3 * kept++], &m.t[3 * t], sizeof(uint32_t[3]));
    }
    m.nt = kept;
    for (int v = 0; v < m.nv; v++)
        scan_reshape(&m.p[3 * v]);
    const struct {
        const char *name;
        int format; /* 0 OBJ, 1 PLY, 2 STL, 3 glTF */
        plan_mesh_units units;
        double scale;
    } cases[] = {
        {"head.obj", 0, PLAN_MESH_UNITS_MM, 1.0},
        {"head.ply", 1, PLAN_MESH_UNITS_CM, 0.1},
        {"head.stl", 2, PLAN_MESH_UNITS_GUESS, 0.001},
        {"head.gltf", 3, PLAN_MESH_UNITS_M, 0.001},
    };
    scalp_head first;
    scalp_scan scans[4] = {0};
    double area0 = 0.0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", f->dir, cases[i].name);
        if (cases[i].format == 0) scan_write_obj(path, &m, cases[i].scale);
        if (cases[i].format == 1) scan_write_ply(path, &m, cases[i].scale, false);
        if (cases[i].format == 2) scan_write_stl(path, &m, cases[i].scale);
        if (cases[i].format == 3) scan_write_gltf(path, &m, cases[i].scale, NULL);
        plan_scan_landmarks lm;
        scan_reshaped_landmarks(&f->procedural, cases[i].scale, &lm);
        /* The fit depends on nothing but the oriented scan: PLY and STL are checked to read as the same
         * oriented scan as the OBJ (every vertex within 0.01 mm), OBJ and glTF fitted in full (keeps the test
         * short). */
        oriented_scan(f, path, cases[i].units, &lm, &scans[i]);
        if (i == 1 || i == 2) {
            assert_int_equal(scans[i].vertex_count, scans[0].vertex_count);
            double worst = 0.0;
            for (int v = 0; v < scans[i].vertex_count; v++)
                worst = fmax(worst, dist3(&scans[i].positions_mm[3 * v], &scans[0].positions_mm[3 * v]));
            print_message("%-24s oriented scan within %.4f mm of the OBJ's\n", cases[i].name, worst);
            assert_true(worst < 0.01);
            continue;
        }
        scalp_head h;
        fit(f, path, cases[i].units, &lm, &h);
        double area = scalp_treated_area_cm2(&h, &f->plan);
        if (i == 0) {
            first = h;
            area0 = area;
            /* It is the scan's head, not the procedural one: larger, the back flatter, the crown higher. */
            print_message("measured %.1f / %.1f / %.1f mm (procedural %.1f / %.1f / %.1f); treated %.1f cm2 "
                          "(procedural %.1f)\n",
                          h.measured_circumference_mm, h.measured_length_mm, h.measured_breadth_mm,
                          f->procedural.measured_circumference_mm, f->procedural.measured_length_mm,
                          f->procedural.measured_breadth_mm, area,
                          scalp_treated_area_cm2(&f->procedural, &f->plan));
            assert_true(h.measured_breadth_mm > f->procedural.measured_breadth_mm + 5.0);
            assert_true(h.landmarks_mm[SCALP_LM_VERTEX][1] >
                        f->procedural.landmarks_mm[SCALP_LM_VERTEX][1] + 8.0);
            hole_check(f, &h);
            /* The midline is the fitted surface's: its top is the scan's vertex, not the procedural one's. */
            float top = -1e9f, q[3], n[3];
            for (double arc = 0.0; arc <= scalp_head_midline_length_mm(&h); arc += 1.0) {
                scalp_head_midline_point(&h, arc, q, n);
                top = fmaxf(top, q[1]);
            }
            assert_near(top, h.landmarks_mm[SCALP_LM_VERTEX][1], 1.0);
            continue;
        }
        for (int l = 0; l < SCALP_LM_COUNT; l++) {
            double d = dist3(h.landmarks_mm[l], first.landmarks_mm[l]);
            if (!(d < 1.0)) fail_msg("%s: landmark %d %.2f mm from the OBJ's", cases[i].name, l, d);
        }
        assert_near(area, area0, 0.03 * area0);
        scalp_head_destroy(&h);
    }
    scalp_head_destroy(&first);
    for (int i = 0; i < 4; i++)
        scalp_scan_destroy(&scans[i]);
    scan_mesh_free(&m);
    assert_int_equal(f->warn.count, 1); /* the STL's units guessed (the fits read the OBJ and glTF again) */
}

static void landmarks_not_given_should_be_estimated_with_a_warning(void **state)
{
    fixture *f = *state;
    scan_mesh m = scan_mesh_of_head(&f->procedural, false);
    char path[512];
    snprintf(path, sizeof path, "%s/estimated.ply", f->dir);
    scan_write_ply(path, &m, 1.0, true);
    scan_mesh_free(&m);
    f->warn.count = 0;
    scalp_head h;
    fit(f, path, PLAN_MESH_UNITS_GUESS, NULL, &h);
    assert_true(f->warn.count >= 1);
    assert_non_null(strstr(f->warn.last, "estimated"));
    /* The estimate puts the frame within about 15 mm of the true one (the height comes from the bounding box,
     * the front from the procedural head's): the scalp's landmarks follow, the glabella closely. */
    double worst = 0.0;
    for (int l = 0; l < SCALP_LM_COUNT; l++)
        worst = fmax(worst, dist3(h.landmarks_mm[l], f->procedural.landmarks_mm[l]));
    print_message("landmarks within %.1f mm of the procedural head's, the glabella within %.1f mm\n", worst,
                  dist3(h.landmarks_mm[SCALP_LM_GLABELLA], f->procedural.landmarks_mm[SCALP_LM_GLABELLA]));
    assert_true(worst < 20.0);
    assert_true(dist3(h.landmarks_mm[SCALP_LM_GLABELLA], f->procedural.landmarks_mm[SCALP_LM_GLABELLA]) <
                3.0);
    scalp_head_destroy(&h);
}

/* A ray against a mesh whose answer is known: the octahedron |x| + |y| + |z| = 10 mm. */
static void mesh_ray_should_meet_the_nearest_entering_face(void **state)
{
    (void)state;
    float p[6][3] = {{10, 0, 0}, {-10, 0, 0}, {0, 10, 0}, {0, -10, 0}, {0, 0, 10}, {0, 0, -10}};
    uint32_t t[8][3];
    int n = 0;
    for (int sx = 0; sx < 2; sx++)
        for (int sy = 0; sy < 2; sy++)
            for (int sz = 0; sz < 2; sz++) {
                /* The x, y and z corners are counter-clockwise seen from outside on the + + + face; each
                 * mirror (a minus) turns the order. */
                uint32_t a = (uint32_t)sx, b = (uint32_t)(2 + sy), c = (uint32_t)(4 + sz);
                bool flip = (sx + sy + sz) % 2 == 1;
                t[n][0] = a, t[n][1] = flip ? c : b, t[n][2] = flip ? b : c;
                n++;
            }
    scalp_mesh m = {.vertex_count = 6, .triangle_count = 8, .positions_mm = &p[0][0], .indices = &t[0][0]};
    int tri = -1;
    /* From above along -z through (1, 2): the top face z = 10 - 1 - 2, 43 mm away; not the bottom one. */
    double o[3] = {1.0, 2.0, 50.0}, d[3] = {0.0, 0.0, -1.0};
    assert_near(scalp_mesh_ray(&m, o, d, &tri), 43.0, 1e-9);
    assert_int_equal(tri, 0); /* the + + + face */
    /* The same ray looking away, and one from inside (it only leaves the surface): nothing. */
    d[2] = 1.0;
    assert_true(scalp_mesh_ray(&m, o, d, &tri) < 0.0);
    assert_int_equal(tri, -1);
    double inside[3] = {0.5, -0.5, 0.0};
    assert_true(scalp_mesh_ray(&m, inside, d, NULL) < 0.0);
    /* Passing beside it. */
    double beside[3] = {8.0, 8.0, 50.0}, down[3] = {0.0, 0.0, -1.0};
    assert_true(scalp_mesh_ray(&m, beside, down, NULL) < 0.0);
}

/* The head scanned in a pose of its own (turned 25 degrees about a slanted axis, moved, written in cm) with
 * its landmarks given: a point picked on the fitted head by a ray from a camera converts to where it is in
 * the file, and the conversion goes back and forth exactly. */
static void picked_point_should_convert_to_the_files_coordinates(void **state)
{
    fixture *f = *state;
    const scalp_head *p = &f->procedural;
    double pose[3][4];
    scan_pose(25.0, (double[3]){1.0, 2.0, 0.5}, (double[3]){30.0, -120.0, 45.0}, pose);
    scan_mesh m = scan_mesh_of_head(p, false);
    scan_mesh_pose(&m, pose);
    char path[512];
    snprintf(path, sizeof path, "%s/posed.ply", f->dir);
    scan_write_ply(path, &m, 0.1, true);
    scan_mesh_free(&m);
    plan_scan_landmarks lm;
    scan_landmarks_posed(p, pose, 0.1, &lm);
    scalp_head h;
    fit(f, path, PLAN_MESH_UNITS_CM, &lm, &h);
    assert_near(h.file_unit_mm, 10.0, 0.0);
    /* The landmarks fix the frame: points of the head frame land where the pose put them in the file (cm). */
    double worst = 0.0, back = 0.0;
    for (int l = 0; l < SCALP_LM_COUNT + 1; l++) {
        double q[3], want[3], got[3], again[3];
        for (int k = 0; k < 3; k++)
            q[k] = l < SCALP_LM_COUNT ? p->landmarks_mm[l][k] : p->face_landmarks_mm[SCALP_FACE_NASION][k];
        scan_pose_point(pose, 0.1, q, want);
        scalp_head_to_file(&h, q, got);
        scalp_head_from_file(&h, got, again);
        for (int k = 0; k < 3; k++) {
            worst = fmax(worst, 10.0 * fabs(got[k] - want[k]));
            back = fmax(back, fabs(again[k] - q[k]));
        }
    }
    print_message("head frame to file: within %.4f mm of the pose; back again within %.2g mm\n", worst, back);
    assert_true(worst < 0.1);
    assert_true(back < 1e-3);
    /* A ray from a camera half a metre in front, through the nasion: it meets the fitted face there, not the
     * back of the head, and the point is the file's nasion. */
    const float *n = p->face_landmarks_mm[SCALP_FACE_NASION];
    double eye[3] = {40.0, 60.0, 500.0}, d[3] = {n[0] - eye[0], n[1] - eye[1], n[2] - eye[2]};
    double len = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (int k = 0; k < 3; k++)
        d[k] /= len;
    double t0 = smp_now_s();
    int tri = -1;
    double t = scalp_mesh_ray(&h.mesh, eye, d, &tri);
    double took = smp_now_s() - t0;
    assert_true(tri >= 0 && tri < h.mesh.triangle_count);
    double hit[3] = {eye[0] + t * d[0], eye[1] + t * d[1], eye[2] + t * d[2]}, file[3];
    scalp_head_to_file(&h, hit, file);
    double off = 10.0 * sqrt((file[0] - lm.nasion[0]) * (file[0] - lm.nasion[0]) +
                             (file[1] - lm.nasion[1]) * (file[1] - lm.nasion[1]) +
                             (file[2] - lm.nasion[2]) * (file[2] - lm.nasion[2]));
    print_message("the ray met the fitted head %.3f mm from the nasion (%.2f ms); in the file %.3f mm from "
                  "the written nasion\n",
                  fabs(t - len), 1000.0 * took, off);
    assert_true(fabs(t - len) < 0.5);
    assert_true(off < 0.5);
    /* Looking away from the head: nothing. */
    for (int k = 0; k < 3; k++)
        d[k] = -d[k];
    assert_true(scalp_mesh_ray(&h.mesh, eye, d, NULL) < 0.0);
    scalp_head_destroy(&h);
    /* A procedural head's file is its own frame in mm. */
    double q[3] = {12.5, -3.0, 80.0}, got[3];
    scalp_head_to_file(p, q, got);
    for (int k = 0; k < 3; k++)
        assert_near(got[k], q[k], 1e-12);
}

static void expect_refused(fixture *f, const char *path, plan_mesh_units units, const plan_scan_landmarks *lm,
                           const char *field, const char *why)
{
    plan_head h = f->plan.head;
    snprintf(h.mesh, sizeof h.mesh, "%s", path);
    h.mesh_units = units;
    if (lm) h.landmarks = *lm;
    scalp_head head;
    smp_error err = {0};
    assert_int_equal(scalp_head_create_logged(&head, &h, PLAN_SEX_MALE, NULL, NULL, &err), SMP_ERR_INPUT);
    print_message("refused: %s\n", err.message);
    assert_null(strchr(err.message, '\n'));
    assert_true(strncmp(err.message, field, strlen(field)) == 0);
    assert_non_null(strstr(err.message, strrchr(path, '/') ? strrchr(path, '/') + 1 : path));
    if (why && !strstr(err.message, why)) fail_msg("'%s' does not say '%s'", err.message, why);
    assert_null(head.mesh.positions_mm);
}

static void bad_scans_should_be_refused_with_one_line_naming_the_file(void **state)
{
    fixture *f = *state;
    char path[512];
    snprintf(path, sizeof path, "%s/missing.obj", f->dir);
    expect_refused(f, path, PLAN_MESH_UNITS_GUESS, NULL, "head.mesh: ", NULL);
    /* The head in the wrong units: 10 times too small is out of every unit's range, or too small a head. */
    scan_mesh m = scan_mesh_of_head(&f->procedural, false);
    snprintf(path, sizeof path, "%s/small.ply", f->dir);
    for (int v = 0; v < 3 * m.nv; v++)
        m.p[v] *= 0.7f;
    scan_write_ply(path, &m, 1.0, true);
    expect_refused(f, path, PLAN_MESH_UNITS_MM, NULL, "head.mesh: ", "expected");
    /* Landmarks that cannot be a head's. */
    snprintf(path, sizeof path, "%s/head.ply", f->dir);
    for (int v = 0; v < 3 * m.nv; v++)
        m.p[v] /= 0.7f;
    scan_write_ply(path, &m, 1.0, true);
    plan_scan_landmarks lm = {
        .given = true, .nasion = {0, 0, 10}, .tragus_left = {1, 0, 0}, .tragus_right = {-1, 0, 0}};
    expect_refused(f, path, PLAN_MESH_UNITS_MM, &lm, "head.landmarks: ", NULL);
    scan_mesh_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(procedural_head_written_out_should_fit_back_onto_itself),
        cmocka_unit_test(every_format_should_give_the_same_landmarks_and_treated_area_and_a_hole_no_step),
        cmocka_unit_test(landmarks_not_given_should_be_estimated_with_a_warning),
        cmocka_unit_test(bad_scans_should_be_refused_with_one_line_naming_the_file),
        cmocka_unit_test(mesh_ray_should_meet_the_nearest_entering_face),
        cmocka_unit_test(picked_point_should_convert_to_the_files_coordinates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
