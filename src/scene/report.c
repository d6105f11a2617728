/* report: the consultation report (report.h): images, plots and index.html, built in a temporary folder and
 * renamed onto the output at the end. */
#define _XOPEN_SOURCE 700 /* mkdtemp, lstat, localtime_r */
#include "scene/report.h"

#include "analysis/scielab.h"
#include "scene/draw.h"
#include "scene/image.h"
#include "scene/fade.h"
#include "scene/fade_plot.h"
#include "scene/visibility_plot.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* index.html's generator tag: how an earlier report is recognised */
#define REPORT_GENERATOR "smpsim report"
#define REPORT_PATH_MAX 1100

/* ---- the output folder ---- */

/* dir without trailing slashes, its parent folder and its last component. */
static smp_status split_dir(const char *dir, char clean[REPORT_PATH_MAX], char parent[REPORT_PATH_MAX],
                            const char **base, smp_error *err)
{
    if (!dir || !dir[0])
        return smp_error_set(err, SMP_ERR_INPUT, "-o: an output directory is required (e.g. -o report)");
    if (strlen(dir) >= REPORT_PATH_MAX - 40)
        return smp_error_set(err, SMP_ERR_INPUT, "-o: the path is longer than %d characters",
                             REPORT_PATH_MAX - 41);
    snprintf(clean, REPORT_PATH_MAX, "%s", dir);
    size_t n = strlen(clean);
    while (n > 1 && clean[n - 1] == '/')
        clean[--n] = '\0';
    char *slash = strrchr(clean, '/');
    *base = slash ? slash + 1 : clean;
    if (!**base || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "-o %s: must name a directory to create or replace (not '.', '..' or /)", dir);
    if (!slash)
        snprintf(parent, REPORT_PATH_MAX, ".");
    else if (slash == clean)
        snprintf(parent, REPORT_PATH_MAX, "/");
    else
        snprintf(parent, REPORT_PATH_MAX, "%.*s", (int)(slash - clean), clean);
    return SMP_OK;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* Whether dir holds an earlier report: index.html with smpsim's generator tag, and PNG files, nothing else.
 */
static bool earlier_report(const char *dir, bool *empty)
{
    DIR *d = opendir(dir);
    if (!d) return false;
    bool ok = true, has_index = false;
    int entries = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        entries++;
        char path[2 * REPORT_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            ok = false;
            continue;
        }
        if (strcmp(e->d_name, "index.html") == 0) {
            char head[4096] = {0};
            FILE *f = fopen(path, "rb");
            size_t got = f ? fread(head, 1, sizeof head - 1, f) : 0;
            if (f) fclose(f);
            head[got] = '\0';
            has_index = strstr(head, "<meta name=\"generator\" content=\"" REPORT_GENERATOR) != NULL;
            if (!has_index) ok = false;
        } else if (!ends_with(e->d_name, ".png")) {
            ok = false;
        }
    }
    closedir(d);
    *empty = entries == 0;
    return ok && has_index;
}

smp_status scene_report_output_check(const char *dir, smp_error *err)
{
    char clean[REPORT_PATH_MAX], parent[REPORT_PATH_MAX];
    const char *base;
    smp_status s = split_dir(dir, clean, parent, &base, err);
    if (s != SMP_OK) return s;
    struct stat st;
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: directory '%s' does not exist", dir, parent);
    if (access(parent, W_OK | X_OK) != 0)
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: directory '%s' is not writable", dir, parent);
    if (lstat(clean, &st) != 0) {
        if (errno == ENOENT) return SMP_OK;
        return smp_error_set(err, SMP_ERR_INPUT, "-o %s: cannot be read (%s)", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "-o %s: exists and is not a directory; expected a new or empty "
                             "directory, or an earlier smpsim report to replace",
                             dir);
    bool empty = false;
    if (!earlier_report(clean, &empty) && !empty)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "-o %s: the directory is not empty and is not an earlier smpsim "
                             "report; expected a new or empty directory, or an earlier report to replace",
                             dir);
    return SMP_OK;
}

/* Removes a flat folder this code made (its regular files, then the folder). */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[2 * REPORT_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Moves the finished folder tmp onto dir: straight onto an absent or empty dir (rename replaces an empty
 * folder), or after moving an earlier report aside, which is deleted once the new one is in place. */
static smp_status install(const char *tmp, const char *clean, const char *parent, const char *base,
                          smp_error *err)
{
    if (rename(tmp, clean) == 0) return SMP_OK;
    if (errno != ENOTEMPTY && errno != EEXIST)
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot move the report into place (%s)", clean,
                             strerror(errno));
    bool empty = false;
    if (!earlier_report(clean, &empty))
        return smp_error_set(err, SMP_ERR_INPUT,
                             "-o %s: changed while the report was made and is no longer an "
                             "earlier smpsim report",
                             clean);
    char old[REPORT_PATH_MAX + 64];
    snprintf(old, sizeof old, "%s/.%s.smpsim-old-XXXXXX", parent, base);
    if (!mkdtemp(old))
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot make a folder (%s)", parent, strerror(errno));
    if (rename(clean, old) != 0) {
        int e = errno;
        rmdir(old);
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot move the earlier report aside (%s)", clean,
                             strerror(e));
    }
    if (rename(tmp, clean) != 0) {
        int e = errno;
        rename(old, clean); /* put the earlier report back */
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot move the report into place (%s)", clean,
                             strerror(e));
    }
    remove_flat_dir(old);
    return SMP_OK;
}

/* ---- text ---- */

/* Text from the plan or a message, escaped for HTML. */
static void sb_text(smp_buffer *b, const char *s)
{
    for (; s && *s; ++s) {
        switch (*s) {
        case '&':
            smp_buffer_append(b, "&amp;", 5);
            break;
        case '<':
            smp_buffer_append(b, "&lt;", 4);
            break;
        case '>':
            smp_buffer_append(b, "&gt;", 4);
            break;
        case '"':
            smp_buffer_append(b, "&quot;", 6);
            break;
        case '\'':
            smp_buffer_append(b, "&#39;", 5);
            break;
        default:
            smp_buffer_append(b, s, 1);
        }
    }
}

/* ---- progress ---- */

typedef struct report_state {
    const scene_report_params *p;
    double done, total; /* work units: a rendered image is 1 */
    double span_base, span;
} report_state;

static void progress_at(report_state *rs, const char *stage)
{
    if (rs->p->progress) rs->p->progress(rs->p->progress_user, fmin(1.0, rs->done / rs->total), stage);
}

/* The visibility measurement's own fraction, mapped onto its share of the report. */
static void vis_progress(void *user, double fraction, const char *stage)
{
    report_state *rs = user;
    (void)stage;
    rs->done = rs->span_base + rs->span * fraction;
    progress_at(rs, "measuring how visible each scar is (32 renders per scar)");
}

/* ---- images ---- */

static const char *const time_ids[SCENE_REPORT_TIMES] = {"before", "healed", "5y", "10y"};
static const char *const time_names[SCENE_REPORT_TIMES] = {"before", "healed", "+5 years", "+10 years"};
static const char *const light_ids[SCENE_REPORT_LIGHTS] = {"daylight", "office", "bathroom", "raking"};
static const char *const light_titles[SCENE_REPORT_LIGHTS] = {"Daylight", "Office", "Bathroom",
                                                              "Raking light"};
/* the pair's camera above the vertex: the head fills most of the image's height */
#define PAIR_DISTANCE_M 0.45

/* A grazing key for the view of cam: for a close-up, SCENE_REPORT_RAKING_DEG above the skin at the field's
 * centre, coming along the skin from the image's top (across a FUT line); for a far view, that far above the
 * horizon from the side, a quarter turn from the camera (shadows fall across the picture). */
/* A preset's light with its key moved to azimuth_deg (and elevation_deg when has_elevation), at the preset's
 * intensity and colour (what smpsim render's --light-preset with --light-azimuth and --light-elevation
 * gives). */
static scene_light preset_turned(const char *preset, double azimuth_deg, bool has_elevation,
                                 double elevation_deg)
{
    scene_light l = scene_light_of_preset(scene_light_preset_at(scene_light_preset_index(preset)));
    l.azimuth_deg = azimuth_deg, l.on_camera = false;
    if (has_elevation) l.elevation_deg = elevation_deg;
    scene_light_set_key(&l, 1.0, l.key_kelvin);
    return l;
}

static scene_light raking_light(const scene_camera *cam, bool closeup)
{
    double n[3], up[3], l[3], len = 0.0, a = SCENE_REPORT_RAKING_DEG * SMP_PI / 180.0;
    for (int k = 0; k < 3; ++k)
        n[k] = cam->eye_mm[k] - cam->target_mm[k], len += n[k] * n[k];
    for (int k = 0; k < 3; ++k)
        n[k] /= sqrt(len);
    double elevation_deg, azimuth_deg;
    if (closeup) {
        double d = cam->up[0] * n[0] + cam->up[1] * n[1] + cam->up[2] * n[2], ul = 0.0;
        for (int k = 0; k < 3; ++k)
            up[k] = cam->up[k] - d * n[k], ul += up[k] * up[k];
        for (int k = 0; k < 3; ++k)
            l[k] = cos(a) * up[k] / sqrt(ul) + sin(a) * n[k];
        elevation_deg = asin(smp_clamp(l[1], -1.0, 1.0)) * 180.0 / SMP_PI;
        azimuth_deg = atan2(l[0], l[2]) * 180.0 / SMP_PI;
    } else {
        elevation_deg = SCENE_REPORT_RAKING_DEG;
        azimuth_deg = atan2(n[0], n[2]) * 180.0 / SMP_PI - 90.0;
    }
    return preset_turned(SCENE_REPORT_RAKING_PRESET, azimuth_deg, true, elevation_deg);
}

static scene_light column_light(int column, const scene_camera *cam, bool closeup)
{
    return column == 3 ? raking_light(cam, closeup) : scene_light_named(light_ids[column]);
}

/* The scar close-up's daylight: the preset's sun turned with the camera, so it stays behind the person
 * looking (on the occiput the preset's own sun, from the front, would leave the field in the head's shadow).
 */
static scene_light daylight_behind_viewer(const scene_camera *cam)
{
    scene_light day = scene_light_named("daylight");
    double azimuth_deg =
        day.azimuth_deg +
        atan2(cam->eye_mm[0] - cam->target_mm[0], cam->eye_mm[2] - cam->target_mm[2]) * 180.0 / SMP_PI;
    return preset_turned("daylight", azimuth_deg, false, 0.0);
}

typedef struct report_images {
    render_context *rc;
    int width, height;
    uint8_t *rgba;
    char dir[REPORT_PATH_MAX + 64];
} report_images;

/* Renders scene at t_days from cam under light and writes NAME.png with its metadata. */
static smp_status shoot(report_images *im, const scene_model *s, const scene_camera *cam,
                        const scene_light *light, double t_days, const char *view_name, const char *name,
                        smp_error *err)
{
    render_frame f;
    scene_frame(s, cam, light, t_days, im->width, im->height, &f);
    smp_status st = render_frame_read_srgb8(im->rc, &f, im->rgba, err);
    char path[2 * REPORT_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.png", im->dir, name);
    if (st == SMP_OK)
        st = scene_png_write(path, im->rgba, im->width, im->height, s, light, t_days, view_name, err);
    return st;
}

/* A plot with the plan in its metadata (a plot has no light, time or view). */
static smp_status write_plot(const report_images *im, const scene_model *s, const char *name,
                             const char *what, uint8_t *rgba, int w, int h, smp_error *err)
{
    char path[2 * REPORT_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s.png", im->dir, name);
    char *plan_json = plan_to_json(&s->plan);
    scene_png_text texts[3] = {
        {"Software", "smpsim"}, {"smpsim:plot", what}, {"smpsim:plan", plan_json ? plan_json : ""}};
    smp_status st = scene_png_write_text(path, rgba, w, h, texts, plan_json ? 3 : 2, err);
    free(plan_json);
    return st;
}

/* The times of the grid's rows: before (day 0 of the untreated plan), healed, and 5 and 10 years later. */
static double row_days(const scene_model *s, int row)
{
    double healed = scene_default_days(s);
    static const double years_after[SCENE_REPORT_TIMES] = {0.0, 0.0, 5.0, 10.0};
    return row == 0 ? 0.0 : healed + years_after[row] * 365.25;
}

/* ---- the plan in words ---- */

/* A name as the plan file spells it ("1RL", "medical"): plan_to_json is its one owner. */
static const char *json_name(const cJSON *root, const char *object, const char *field)
{
    const cJSON *o = object ? cJSON_GetObjectItemCaseSensitive(root, object) : root;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field);
    return cJSON_IsString(v) ? v->valuestring : "?";
}

static const char *json_array_name(const cJSON *root, const char *array, int index, const char *field)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, array);
    return json_name(cJSON_GetArrayItem(a, index), NULL, field);
}

static const char *yes_no(bool v)
{
    return v ? "yes" : "no";
}

static void fact(smp_buffer *b, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fact(smp_buffer *b, const char *name, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    smp_buffer_printf(b, "<tr><th>%s</th><td>", name);
    sb_text(b, text);
    smp_buffer_printf(b, "</td></tr>\n");
}

static void plan_in_words(smp_buffer *b, const plan *p, const cJSON *j)
{
    static const char *const skin[6] = {"I: very fair, always burns, never tans",
                                        "II: fair, burns easily, tans a little",
                                        "III: medium, sometimes burns, tans gradually",
                                        "IV: olive, rarely burns, tans easily",
                                        "V: brown, very rarely burns",
                                        "VI: dark brown to black, never burns"};
    const plan_patient *pt = &p->patient;
    smp_buffer_printf(b, "<h3>You</h3>\n<table class=\"facts\">\n");
    fact(b, "Skin type", "Fitzpatrick %s", skin[pt->fitzpatrick - 1]);
    smp_buffer_printf(
        b,
        "<tr><th>Hair colour</th><td><span class=\"swatch\" style=\"background:#%02x%02x%02x\"></span>"
        "#%02x%02x%02x",
        pt->hair_color_srgb8[0], pt->hair_color_srgb8[1], pt->hair_color_srgb8[2], pt->hair_color_srgb8[0],
        pt->hair_color_srgb8[1], pt->hair_color_srgb8[2]);
    if (pt->grey_fraction > 0.0)
        smp_buffer_printf(b, ", %.0f %% of the hairs grey", 100.0 * pt->grey_fraction);
    else
        smp_buffer_printf(b, ", no grey hairs");
    smp_buffer_printf(b, "</td></tr>\n");
    if (pt->hair_length_mm == 0.0)
        fact(b, "Hair length", "0 mm: shaved with a blade");
    else if (pt->hair_length_mm <= 0.6)
        fact(b, "Hair length", "%.1f mm: about a #0 clipper guard", pt->hair_length_mm);
    else
        fact(b, "Hair length", "%.1f mm", pt->hair_length_mm);
    const char *pattern = plan_pattern_name(pt->pattern);
    if (pt->pattern == PLAN_PATTERN_NONE)
        fact(b, "Hair loss", "none (a full head of hair)");
    else
        fact(b, "Hair loss", "%s %s", plan_pattern_is_ludwig(pt->pattern) ? "Ludwig" : "Norwood", pattern);
    const plan_progression *pr = &p->progression;
    if (pr->pattern != PLAN_PATTERN_NONE)
        fact(b, "Hair loss to come", "%s %s by %.0f years from the first session%s",
             plan_pattern_is_ludwig(pr->pattern) ? "Ludwig" : "Norwood", plan_pattern_name(pr->pattern),
             pr->years,
             pr->treat_future_area ? "; the sessions already cover that area"
                                   : "; the sessions cover today's area only");
    if (pr->grey_fraction != PLAN_NONE)
        fact(b, "Greying to come", "%.0f %% of the hairs grey by %.0f years", 100.0 * pr->grey_fraction,
             pr->grey_years);
    fact(b, "Head", "%.1f cm around, %.1f cm long, %.1f cm wide (%s)%s%s", p->head.circumference_cm,
         p->head.length_cm, p->head.breadth_cm, json_name(j, "patient", "sex"),
         p->head.mesh[0] ? "; the shape from the scan " : "; a standard head of these measures",
         p->head.mesh[0] ? p->head.mesh : "");
    smp_buffer_printf(b, "</table>\n<h3>The treatment</h3>\n<table class=\"facts\">\n");
    const plan_hairline *h = &p->hairline;
    if (h->point_count >= 2)
        fact(b, "Hairline", "%s, drawn through %d measured points, feathered over %.0f mm",
             json_name(j, "hairline", "style"), h->point_count, h->transition_mm);
    else
        fact(b, "Hairline",
             "%s, %.1f cm above the brow (glabella) in the middle, %.1f cm at the temples, feathered "
             "over %.0f mm",
             json_name(j, "hairline", "style"), h->height_cm, h->temple_height_cm, h->transition_mm);
    const plan_pigment *pg = &p->pigment;
    fact(b, "Ink", "%s grade, strength %.0f %% of the darkest working dilution",
         json_name(j, "pigment", "ink_quality"), 100.0 * pg->shade);
    if (pg->dot_diameter_mm > 0.0)
        fact(b, "Needle", "%s, %.2f mm pins, %.1f mm deep, dots %.2f mm across",
             json_name(j, "pigment", "needle"), pg->pin_diameter_mm, pg->depth_mm, pg->dot_diameter_mm);
    else
        fact(b, "Needle", "%s, %.2f mm pins, %.1f mm deep (the dot's size follows from the needle)",
             json_name(j, "pigment", "needle"), pg->pin_diameter_mm, pg->depth_mm);
    const plan_zones *z = &p->zones;
    if (z->front != 1.0 || z->mid_scalp != 1.0 || z->crown != 1.0 || z->temples != 1.0 || z->sides != 1.0)
        fact(b, "Density by zone",
             "front x%.2g, mid-scalp x%.2g, crown x%.2g, temples x%.2g, sides and back x%.2g", z->front,
             z->mid_scalp, z->crown, z->temples, z->sides);
    const plan_aftercare *a = &p->aftercare;
    if (a->spf > 0.0)
        fact(b, "Aftercare",
             "%.1f hours of sun a day, sunscreen SPF %.0f, hat: %s, alcohol-based lotions: %s, washed "
             "before day 3: %s, sauna or heavy sweating before day 3: %s",
             a->sun_hours_per_day, a->spf, yes_no(a->hat), yes_no(a->alcohol_topicals),
             yes_no(a->washed_before_day3), yes_no(a->sauna_before_day3));
    else
        fact(b, "Aftercare",
             "%.1f hours of sun a day, no sunscreen, hat: %s, alcohol-based lotions: %s, washed "
             "before day 3: %s, sauna or heavy sweating before day 3: %s",
             a->sun_hours_per_day, yes_no(a->hat), yes_no(a->alcohol_topicals), yes_no(a->washed_before_day3),
             yes_no(a->sauna_before_day3));
    smp_buffer_printf(b, "</table>\n<h3>Sessions</h3>\n");
    if (p->session_count == 0) {
        smp_buffer_printf(b, "<p>No sessions are planned.</p>\n");
    } else {
        smp_buffer_printf(b,
                          "<table class=\"facts\"><tr><th>Session</th><th>Day</th><th>Dots added</th><th>Ink "
                          "strength</th></tr>\n");
        for (int i = 0; i < p->session_count; ++i)
            smp_buffer_printf(
                b, "<tr><td>%d</td><td>day %.0f</td><td>%.0f per cm&sup2;</td><td>%.0f %%</td></tr>\n", i + 1,
                p->sessions[i].day, p->sessions[i].density_per_cm2, 100.0 * p->sessions[i].shade);
        smp_buffer_printf(b, "</table>\n");
    }
    smp_buffer_printf(b, "<h3>Touch-ups</h3>\n");
    if (p->touch_up_count == 0) {
        smp_buffer_printf(b, "<p>None planned yet (the fade curve above says when one would be due).</p>\n");
    } else {
        smp_buffer_printf(
            b, "<table class=\"facts\"><tr><th>Touch-up</th><th>When</th><th>Dots added</th><th>Ink "
               "strength</th></tr>\n");
        for (int i = 0; i < p->touch_up_count; ++i)
            smp_buffer_printf(
                b,
                "<tr><td>%d</td><td>%.1f years after the first session</td><td>%.0f per cm&sup2;</td>"
                "<td>%.0f %%</td></tr>\n",
                i + 1, p->touch_ups[i].year, p->touch_ups[i].density_per_cm2, 100.0 * p->touch_ups[i].shade);
        smp_buffer_printf(b, "</table>\n");
    }
    smp_buffer_printf(b, "<h3>Scars</h3>\n");
    if (p->scar_count == 0) {
        smp_buffer_printf(b, "<p>None.</p>\n");
    } else {
        smp_buffer_printf(b, "<table class=\"facts\">\n");
        for (int i = 0; i < p->scar_count; ++i) {
            const plan_scar *s = &p->scars[i];
            char name[32];
            snprintf(name, sizeof name, "Scar %d", i + 1);
            const char *form = json_array_name(j, "scars", i, "form");
            if (s->type == PLAN_SCAR_FUT)
                fact(b, name,
                     "a strip (FUT) line %.1f cm long and %.1f mm wide, %.1f cm above the nape, %.2f mm %s "
                     "the skin around it (%s)",
                     s->length_cm, s->width_mm, s->height_above_nape_cm, s->depth_mm,
                     s->form == PLAN_SCAR_FORM_HYPERTROPHIC ? "above" : "below", form);
            else
                fact(b, name, "%d punch (FUE) scars %.1f mm across, %.2f mm %s the skin around them (%s)",
                     s->count, s->diameter_mm, s->depth_mm,
                     s->form == PLAN_SCAR_FORM_HYPERTROPHIC ? "above" : "below", form);
        }
        smp_buffer_printf(b, "</table>\n");
    }
}

/* ---- the page ---- */

static const char page_style[] =
    "body{font-family:\"DejaVu Sans\",\"Segoe UI\",Helvetica,Arial,sans-serif;max-width:1200px;margin:0 auto;"
    "padding:1em 1.5em;color:#222;line-height:1.45;background:#fff}\n"
    "h1{font-size:1.7em;margin:.3em 0 .1em}h2{border-bottom:1px solid "
    "#ccc;padding-bottom:.2em;margin-top:1.8em}\n"
    "h3{margin:1.2em 0 .4em}img{width:100%;height:auto;display:block;border-radius:3px;background:#eee}\n"
    "figure{margin:0}figcaption{font-size:.85em;color:#555;margin:.25em 0 .7em}\n"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:.8em}\n"
    "table.grid{border-collapse:collapse;width:100%;table-layout:fixed}\n"
    "table.grid td,table.grid th{padding:.2em;vertical-align:top;text-align:left}\n"
    "table.grid th{font-size:.85em;font-weight:normal;color:#444}table.grid th "
    "b{color:#222;font-size:1.1em}\n"
    "table.grid th.row{width:9em}\n"
    "table.facts{border-collapse:collapse}table.facts td,table.facts th{border-bottom:1px solid #e3e3e3;"
    "padding:.3em 1em .3em 0;text-align:left;vertical-align:top}table.facts th{font-weight:600}\n"
    ".limits li{margin:.5em 0}.note{background:#f4f3ee;border-left:4px solid #b3a98c;padding:.5em .9em}\n"
    ".swatch{display:inline-block;width:1em;height:1em;border:1px solid #888;vertical-align:-.15em;"
    "margin-right:.35em}\n"
    "footer{margin-top:2.5em;font-size:.85em;color:#666;border-top:1px solid #ccc;padding-top:.6em}\n"
    "@media print{body{max-width:none}h2{break-after:avoid}figure,tr{break-inside:avoid}}\n";

/* Marks the body once every image has loaded (data-images="all-loaded"), for the headless browser test; the
 * page needs no script otherwise. */
static const char page_script[] =
    "<script>\nwindow.addEventListener('load', function () {\n"
    "  var imgs = document.images, ok = 0;\n"
    "  for (var i = 0; i < imgs.length; ++i) if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;\n"
    "  document.body.setAttribute('data-images', ok === imgs.length ? 'all-loaded' : ok + ' of ' + "
    "imgs.length);\n"
    "});\n</script>\n";

static void figure(smp_buffer *b, const char *file, const char *alt, const char *caption)
{
    smp_buffer_printf(b, "<figure><a href=\"%s.png\"><img src=\"%s.png\" alt=\"", file, file);
    sb_text(b, alt);
    smp_buffer_printf(b, "\"></a>");
    if (caption) {
        smp_buffer_printf(b, "<figcaption>");
        sb_text(b, caption);
        smp_buffer_printf(b, "</figcaption>");
    }
    smp_buffer_printf(b, "</figure>\n");
}

typedef struct report_content {
    const scene_model *scene;
    scene_view view;
    bool fade_ok;
    char fade_why[512];
    scene_fade_curve fade;
    bool vis_ok;
    char vis_why[512];
    scene_vis_result *vis;
    int vis_plots;
} report_content;

static void time_label(const scene_model *s, int row, char *title, size_t ts, char *detail, size_t ds)
{
    double healed = scene_default_days(s);
    double last = s->plan.session_count ? s->plan.sessions[s->plan.session_count - 1].day : 0.0;
    switch (row) {
    case 0:
        snprintf(title, ts, "Before");
        snprintf(detail, ds, "today, without pigment");
        break;
    case 1:
        snprintf(title, ts, "Healed");
        snprintf(detail, ds, "day %.0f, two months after the last session (day %.0f)", healed, last);
        break;
    default:
        snprintf(title, ts, "+%s years", row == 2 ? "5" : "10");
        snprintf(detail, ds, "%.1f years after the first session", row_days(s, row) / 365.25);
    }
}

static char *page(const report_content *c, const scene_report_params *p, const char *source)
{
    const scene_model *s = c->scene;
    const plan *pl = &s->plan;
    smp_buffer b = {0};
    smp_buffer_printf(
        &b,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"generator\" content=\"" REPORT_GENERATOR " " SMP_VERSION "\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n<title>SMP consultation report</title>\n<style>\n%s</style>\n"
        "</head>\n<body>\n",
        page_style);
    smp_buffer_printf(
        &b,
        "<h1>Scalp micropigmentation: what to expect</h1>\n"
        "<p>These pictures are a computer simulation of the plan below: pigment dots in a model of the skin, "
        "light in the skin and in the room, healing and fading over the years. They show what the plan is "
        "expected to look like, not a photograph of you. The limits are stated at the end.</p>\n");

    smp_buffer_printf(
        &b, "<h2 id=\"pair\">Before and after</h2>\n<p>From above, in daylight: the scalp today, and "
            "two months after the "
            "last session, once healed.</p>\n<div class=\"pair\">\n");
    figure(&b, "pair-before", "The scalp from above before treatment, in daylight", "Before");
    figure(&b, "pair-healed", "The scalp from above once healed, in daylight", "Healed");
    smp_buffer_printf(&b, "</div>\n");

    smp_buffer_printf(
        &b,
        "<h2 id=\"grid\">Over the years, in different light</h2>\n<p>Seen from the %s view. Each row is one "
        "time, "
        "each column "
        "one light; click a picture to see it full size. Raking light grazes the scalp, as a low sun or a "
        "lamp right above a mirror does: it shows relief (scars, bumps) that light from the front "
        "hides.</p>\n<table class=\"grid\">\n<tr><th class=\"row\"></th>",
        scene_view_name(c->view));
    for (int l = 0; l < SCENE_REPORT_LIGHTS; ++l) {
        const scene_light_preset *pr = scene_light_preset_at(scene_light_preset_index(light_ids[l]));
        smp_buffer_printf(&b, "<th><b>%s</b><br>", light_titles[l]);
        if (l == 3) {
            char d[160];
            snprintf(d, sizeof d, "a low sun %.0f\u00b0 %s, grazing the scalp", SCENE_REPORT_RAKING_DEG,
                     scene_view_is_closeup(c->view) ? "above the skin" : "above the horizon, from the side");
            sb_text(&b, d);
        } else {
            sb_text(&b, pr ? pr->summary : "");
        }
        smp_buffer_printf(&b, "</th>");
    }
    smp_buffer_printf(&b, "</tr>\n");
    for (int t = 0; t < SCENE_REPORT_TIMES; ++t) {
        char title[64], detail[160];
        time_label(s, t, title, sizeof title, detail, sizeof detail);
        smp_buffer_printf(&b, "<tr><th class=\"row\"><b>%s</b><br>", title);
        sb_text(&b, detail);
        smp_buffer_printf(&b, "</th>");
        for (int l = 0; l < SCENE_REPORT_LIGHTS; ++l) {
            char file[64], alt[256];
            snprintf(file, sizeof file, "grid-%s-%s", time_ids[t], light_ids[l]);
            snprintf(alt, sizeof alt, "%s (%s), %s light", title, detail, l == 3 ? "raking" : light_ids[l]);
            smp_buffer_printf(&b, "<td>");
            figure(&b, file, alt, NULL);
            smp_buffer_printf(&b, "</td>");
        }
        smp_buffer_printf(&b, "</tr>\n");
    }
    smp_buffer_printf(&b, "</table>\n");

    smp_buffer_printf(&b, "<h2 id=\"fade\">How the pigment fades</h2>\n");
    if (c->fade_ok) {
        const scene_fade_curve *f = &c->fade;
        smp_buffer_printf(
            &b,
            "<p>How much the treated scalp stands out from untreated skin at conversation distance "
            "(about 1 m), from the first session to 20 years. Right after each session the skin is red and "
            "the ink dark (those days run off the top); once healed the contrast is %.1f (CIEDE2000; 1 is "
            "just noticeable side by side). ",
            f->healed_delta_e);
        if (isfinite(f->touch_up_years)) {
            smp_buffer_printf(
                &b,
                "It falls below %.0f %% of that, when a touch-up is advised, at about <b>%.1f years</b> "
                "after the first session",
                100.0 * f->threshold_fraction, f->touch_up_years);
            if (isfinite(f->touch_up_early_years) && isfinite(f->touch_up_late_years))
                smp_buffer_printf(&b, " (for most people between %.1f and %.1f years)",
                                  f->touch_up_early_years, f->touch_up_late_years);
            else if (isfinite(f->touch_up_early_years))
                smp_buffer_printf(&b, " (for most people from %.1f years to after 20)",
                                  f->touch_up_early_years);
            smp_buffer_printf(&b, ".");
        } else {
            smp_buffer_printf(
                &b,
                "It stays above %.0f %% of that for the 20 years shown: no touch-up is predicted to be due.",
                100.0 * f->threshold_fraction);
        }
        smp_buffer_printf(&b, " The shaded band is the spread of the fading rates between people.</p>\n");
        figure(&b, "fade", "Predicted contrast of the treated scalp against years, with the touch-up date",
               NULL);
    } else {
        smp_buffer_printf(&b, "<p class=\"note\">No fade curve: ");
        sb_text(&b, c->fade_why);
        smp_buffer_printf(&b, "</p>\n");
    }

    smp_buffer_printf(&b, "<h2 id=\"scars\">Scars</h2>\n");
    if (pl->scar_count == 0) {
        smp_buffer_printf(
            &b,
            "<p class=\"note\">The plan has no scars, so there is no scar to show or measure. A scar from a "
            "hair transplant (a strip line or punch marks) should be added to the plan if there is one: it "
            "can show under some light even with SMP.</p>\n");
    } else {
        smp_buffer_printf(
            &b,
            "<p>The scar area close up, as a phone held a hand's width away sees it, before and once "
            "healed, in daylight (the sun behind the person looking) and in raking light %.0f\u00b0 above "
            "the skin. Pigment changes the colour "
            "of a scar, not its shape: where the scar is dented or raised, grazing light still casts its "
            "shadow.</p>\n<table class=\"grid\"><tr><th class=\"row\"></th><th><b>Daylight</b></th>"
            "<th><b>Raking light</b></th></tr>\n",
            SCENE_REPORT_RAKING_DEG);
        for (int t = 0; t < 2; ++t) {
            smp_buffer_printf(&b, "<tr><th class=\"row\"><b>%s</b></th>", t ? "Healed" : "Before");
            for (int l = 0; l < 2; ++l) {
                char file[64], alt[160];
                snprintf(file, sizeof file, "scar-%s-%s", t ? "healed" : "before", l ? "raking" : "daylight");
                snprintf(alt, sizeof alt, "The scar area close up, %s, in %s",
                         t ? "healed" : "before treatment", l ? "raking light" : "daylight");
                smp_buffer_printf(&b, "<td>");
                figure(&b, file, alt, NULL);
                smp_buffer_printf(&b, "</td>");
            }
            smp_buffer_printf(&b, "</tr>\n");
        }
        smp_buffer_printf(&b, "</table>\n");
        if (c->vis_ok) {
            smp_buffer_printf(
                &b,
                "<p>How visible each scar is to someone 0.3, 1 and 2 m away, against the angle of the light "
                "above the scalp at the scar (5\u00b0: grazing, 90\u00b0: straight on), with the plan's SMP "
                "(solid lines) and without (dashed). Above the dotted line (a difference of 1, just "
                "noticeable) a careful observer sees the scar.</p>\n");
            for (int i = 0; i < c->vis_plots; ++i) {
                char file[64], alt[128];
                snprintf(file, sizeof file, "visibility-scar%d", c->vis->scars[i].scar + 1);
                snprintf(alt, sizeof alt,
                         "Visibility of scar %d against the light's angle and the viewing distance",
                         c->vis->scars[i].scar + 1);
                figure(&b, file, alt, NULL);
            }
        } else {
            smp_buffer_printf(&b, "<p class=\"note\">The scars' visibility could not be measured: ");
            sb_text(&b, c->vis_why);
            smp_buffer_printf(&b, "</p>\n");
        }
    }

    smp_buffer_printf(&b, "<h2 id=\"plan\">The plan</h2>\n");
    char *json = plan_to_json(pl);
    cJSON *j = json ? cJSON_Parse(json) : NULL;
    free(json);
    if (!j)
        b.failed = true;
    else
        plan_in_words(&b, pl, j);
    cJSON_Delete(j);

    smp_buffer_printf(
        &b,
        "<h2 id=\"limits\">What this simulation cannot tell you</h2>\n<ul class=\"limits\">\n"
        "<li><b>SMP is not hair.</b> It is pigment in the skin that imitates the dots of a closely shaved "
        "head. It has no length, does not grow and cannot be styled; from about a metre it reads as shaved "
        "stubble, close up the dots are seen as dots.</li>\n"
        "<li><b>A scar's indentation shows in some light.</b> Pigment can hide the colour of a scar, not its "
        "shape: a dented or raised scar casts a shadow when light grazes it (a low sun, a lamp right above "
        "it), with or without SMP.</li>\n"
        "<li><b>Fading varies between people.</b> The fade curve uses average published rates; skin, sun, "
        "sunscreen, lotions and aftercare move it, and some people fade faster or slower than the band "
        "shows. Touch-ups every few years are normal.</li>\n"
        "<li><b>These are simulations, not photographs.</b> The head is %s, the light is a model of each "
        "room, and colours depend on the screen or the printer. The clinic's own photographs of healed "
        "work on skin like yours are the best guide.</li>\n</ul>\n",
        pl->head.mesh[0] ? "a scan of yours" : "a standard model with your head's measures");

    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm))
        strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
    else
        snprintf(date, sizeof date, "an unknown date");
    smp_buffer_printf(&b, "<footer>Made with smpsim %s on %s from ", SMP_VERSION, date);
    sb_text(&b, source);
    smp_buffer_printf(
        &b,
        " (dot placement seed %llu); images %d x %d pixels. Every picture holds the plan, the time, the "
        "light and the view in its metadata.</footer>\n%s</body>\n</html>\n",
        (unsigned long long)pl->seed, p->width ? p->width : SCENE_REPORT_WIDTH,
        p->height ? p->height : SCENE_REPORT_HEIGHT, page_script);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return b.data;
}

/* ---- the builder ---- */

/* Every image of one scene: the grid's rows in rows[0..count), the pair, and the scar close-ups. */
static smp_status shoot_scene(report_images *im, report_state *rs, const scene_model *s, const int *rows,
                              int count, scene_view view, const char *pair_name, const char *scar_time,
                              smp_error *err)
{
    double aspect = (double)im->width / im->height;
    scene_camera cam = scene_view_camera(s, view, 0.0, aspect);
    smp_status st = SMP_OK;
    for (int r = 0; r < count && st == SMP_OK; ++r)
        for (int l = 0; l < SCENE_REPORT_LIGHTS && st == SMP_OK; ++l) {
            char name[64], stage[96];
            snprintf(name, sizeof name, "grid-%s-%s", time_ids[rows[r]], light_ids[l]);
            snprintf(stage, sizeof stage, "rendering: %s, %s", time_names[rows[r]], light_ids[l]);
            progress_at(rs, stage);
            scene_light light = column_light(l, &cam, scene_view_is_closeup(view));
            st = shoot(im, s, &cam, &light, row_days(s, rows[r]), scene_view_name(view), name, err);
            rs->done += 1.0;
        }
    double t = scar_time[0] == 'b' ? 0.0 : scene_default_days(s);
    if (st == SMP_OK) {
        progress_at(rs, "rendering: the before / after pair");
        scene_camera top = scene_view_camera(s, SCENE_VIEW_TOP, PAIR_DISTANCE_M, aspect);
        scene_light day = scene_light_named("daylight");
        st = shoot(im, s, &top, &day, t, scene_view_name(SCENE_VIEW_TOP), pair_name, err);
        rs->done += 1.0;
    }
    if (st == SMP_OK && s->plan.scar_count > 0) {
        scene_camera close = scene_view_camera(s, SCENE_VIEW_CLOSEUP_SCAR, 0.0, aspect);
        for (int l = 0; l < 2 && st == SMP_OK; ++l) {
            char name[64];
            snprintf(name, sizeof name, "scar-%s-%s", scar_time, l ? "raking" : "daylight");
            progress_at(rs, "rendering: the scar close up");
            scene_light light = l ? raking_light(&close, true) : daylight_behind_viewer(&close);
            st = shoot(im, s, &close, &light, t, scene_view_name(SCENE_VIEW_CLOSEUP_SCAR), name, err);
            rs->done += 1.0;
        }
    }
    return st;
}

static smp_status build(render_context *rc, const scene_model *scene, const scene_report_params *p,
                        report_state *rs, report_images *im, report_content *c, const char *source,
                        smp_error *err)
{
    const plan *pl = &scene->plan;
    /* The fade curve (no rendering). */
    progress_at(rs, "computing the fade curve");
    smp_error ferr = {0};
    smp_status st = scene_fade_compute(scene, &(scene_fade_params){.years_max = 20.0}, &c->fade, &ferr);
    if (st == SMP_ERR_INPUT) {
        snprintf(c->fade_why, sizeof c->fade_why, "%s", ferr.message);
    } else if (st != SMP_OK) {
        *err = ferr;
        return st;
    } else {
        uint8_t *rgba = NULL;
        int w = 0, h = 0;
        st = scene_fade_plot_render(&c->fade, pl, &rgba, &w, &h, err);
        if (st == SMP_OK)
            st = write_plot(im, scene, "fade", "fade curve: contrast against years since the first session",
                            rgba, w, h, err);
        free(rgba);
        if (st != SMP_OK) return st;
        c->fade_ok = true;
    }
    rs->done += 4.0;

    /* Before: the same plan without its sessions and touch-ups (render --set 'sessions=[]' --set
     * 'touch_ups=[]'), on its first day. */
    progress_at(rs, "building the untreated head");
    plan untreated = *pl;
    untreated.session_count = 0;
    untreated.touch_up_count = 0;
    scene_model *before = calloc(1, sizeof *before);
    if (!before) return smp_error_set(err, SMP_ERR_NOMEM, "report: out of memory");
    st = scene_create_from_plan(before, &untreated, source, err);
    if (st == SMP_OK) st = scene_upload(rc, before, err);
    rs->done += 2.0;
    static const int before_rows[] = {0}, treated_rows[] = {1, 2, 3};
    if (st == SMP_OK) st = shoot_scene(im, rs, before, before_rows, 1, c->view, "pair-before", "before", err);
    scene_destroy(before);
    free(before);
    if (st != SMP_OK) return st;

    if ((st = scene_upload(rc, scene, err)) != SMP_OK) return st;
    if ((st = shoot_scene(im, rs, scene, treated_rows, 3, c->view, "pair-healed", "healed", err)) != SMP_OK)
        return st;

    if (pl->scar_count > 0) {
        c->vis = calloc(1, sizeof *c->vis);
        if (!c->vis) return smp_error_set(err, SMP_ERR_NOMEM, "report: out of memory");
        scene_vis_params vp = p->vis;
        vp.progress = vis_progress;
        vp.progress_user = rs;
        rs->span_base = rs->done;
        rs->span = rs->total - 1.0 - rs->done;
        smp_error verr = {0};
        if (p->vis_result)
            *c->vis = *p->vis_result, st = SMP_OK; /* measured already (the window's) */
        else
            st = scene_visibility_run(rc, pl, &vp, c->vis, &verr);
        rs->done = rs->span_base + rs->span;
        if (st == SMP_ERR_INPUT) {
            snprintf(c->vis_why, sizeof c->vis_why, "%s", verr.message);
        } else if (st != SMP_OK) {
            *err = verr;
            return st;
        } else {
            c->vis_ok = true;
            for (int i = 0; i < c->vis->scar_count && st == SMP_OK; ++i) {
                uint8_t *rgba = NULL;
                int w = 0, h = 0;
                char name[64], what[96];
                snprintf(name, sizeof name, "visibility-scar%d", c->vis->scars[i].scar + 1);
                snprintf(what, sizeof what,
                         "scar %d visibility: S-CIELAB difference against the light's angle",
                         c->vis->scars[i].scar + 1);
                st = scene_visibility_plot_render(c->vis, i, &rgba, &w, &h, err);
                if (st == SMP_OK) st = write_plot(im, scene, name, what, rgba, w, h, err);
                free(rgba);
                if (st == SMP_OK) c->vis_plots++;
            }
            if (st != SMP_OK) return st;
        }
        /* The measurement drew its own heads: the caller's scene goes back (scene_report_write does it). */
    }

    progress_at(rs, "writing the page");
    char *html = page(c, p, source);
    if (!html) return smp_error_set(err, SMP_ERR_NOMEM, "report: out of memory for the page");
    char path[2 * REPORT_PATH_MAX];
    snprintf(path, sizeof path, "%s/index.html", im->dir);
    st = smp_file_write_atomic(path, html, strlen(html), err);
    free(html);
    return st;
}

smp_status scene_report_write(render_context *rc, const scene_model *scene, const scene_report_params *params,
                              const char *dir, smp_error *err)
{
    smp_status st = scene_report_output_check(dir, err);
    if (st != SMP_OK) return st;
    char clean[REPORT_PATH_MAX], parent[REPORT_PATH_MAX];
    const char *base;
    split_dir(dir, clean, parent, &base, err);
    scene_report_params p = *params;
    if (!p.width) p.width = SCENE_REPORT_WIDTH;
    if (!p.height) p.height = SCENE_REPORT_HEIGHT;
    if (p.width < 16 || p.width > 8192 || p.height < 16 || p.height > 8192)
        return smp_error_set(err, SMP_ERR_INPUT,
                             "report: images of %d x %d pixels: each side must be 16..8192", p.width,
                             p.height);
    const char *source = p.plan_source ? p.plan_source : "the built-in plan";

    report_images im = {.rc = rc, .width = p.width, .height = p.height};
    im.rgba = malloc((size_t)p.width * p.height * 4);
    if (!im.rgba)
        return smp_error_set(err, SMP_ERR_NOMEM, "report: out of memory for %d x %d images", p.width,
                             p.height);
    snprintf(im.dir, sizeof im.dir, "%s/.%s.smpsim-XXXXXX", parent, base);
    if (!mkdtemp(im.dir)) {
        free(im.rgba);
        return smp_error_set(err, SMP_ERR_IO, "%s: cannot make a folder beside %s (%s)", parent, base,
                             strerror(errno));
    }
    /* mkdtemp makes it private (0700); the report is a folder like any other, as the umask allows. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(im.dir, 0777 & ~mask);

    /* Work units: a rendered image is 1; the fade curve 4, the untreated head 2, the page 1, and each of the
     * visibility measurement's renders about 5 (a 764-pixel field, two head builds per angle pair, the
     * S-CIELAB filter at three distances). */
    int scar_images = scene->plan.scar_count > 0 ? 4 : 0;
    double vis_units = 0.0;
    if (scene->plan.scar_count > 0 && !p.vis_result) {
        int angles = p.vis.angle_count > 0 ? p.vis.angle_count : 8;
        vis_units = 5.0 * 4.0 * angles * scene->plan.scar_count;
    }
    report_state rs = {.p = &p,
                       .total = 4.0 + 2.0 + SCENE_REPORT_TIMES * SCENE_REPORT_LIGHTS + 2 + scar_images +
                                vis_units + 1.0};
    report_content c = {.scene = scene, .view = p.has_view ? p.view : SCENE_VIEW_THREE_QUARTER};
    st = build(rc, scene, &p, &rs, &im, &c, source, err);
    scene_fade_curve_free(&c.fade);
    free(c.vis);
    free(im.rgba);
    /* The caller's renderer holds the caller's scene again, whatever was drawn last. */
    smp_error uerr = {0};
    smp_status up = scene_upload(rc, scene, &uerr);
    if (st == SMP_OK && up != SMP_OK) st = up, *err = uerr;
    if (st == SMP_OK) st = install(im.dir, clean, parent, base, err);
    if (st != SMP_OK) {
        remove_flat_dir(im.dir);
        return st;
    }
    rs.done = rs.total;
    progress_at(&rs, "done");
    return SMP_OK;
}
