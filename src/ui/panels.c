/* The panels of the three modes: the plan, time, light and view, the patient's, the trainer's. */
#include "ui/window_internal.h"

#include "analysis/scielab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const mode_names[MODE_COUNT] = {"patient", "doctor", "trainer"};

/* Names a rectangle for the test script ("click:NAME", "set:NAME=U", "drag:NAME=DY"). */
void name_rect(named_rects *n, const char *name, ui_rect r)
{
    for (int i = 0; i < n->count; ++i)
        if (strcmp(n->name[i], name) == 0) {
            n->rect[i] = r;
            return;
        }
    if (n->count == NAMED_MAX) return;
    snprintf(n->name[n->count], sizeof n->name[0], "%s", name);
    n->rect[n->count++] = r;
}

void name_last(named_rects *n, const ui_ctx *ui, const char *name)
{
    name_rect(n, name, ui_last_rect(ui));
}

/* A plan field as a slider in the plan panel; a change is recorded in the editor for the undo step. */
void field_slider(ui_ctx *ui, editor *ed, named_rects *names, const char *name, const char *label,
                  double *value, double before, float min, float max, float step, const char *format,
                  const char *unit)
{
    float v = (float)*value;
    if (ui_slider(ui, label, &v, min, max, step, format)) {
        *value = v;
        snprintf(ed->pending_what, sizeof ed->pending_what, "%s", label);
        snprintf(ed->pending_unit, sizeof ed->pending_unit, "%s", unit ? unit : "");
        ed->pending_edit = (history_edit){ed->pending_what, true, before, *value, ed->pending_unit, NULL, 0};
    }
    name_last(names, ui, name);
}

/* A discrete plan edit (a choice, an added or removed row): one undo step described by what. */
static void pending_note(editor *ed, const char *what)
{
    snprintf(ed->pending_what, sizeof ed->pending_what, "%s", what);
    ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
}

/* Hair loss: the Norwood class (men) or Ludwig class (women), from none to the last. */
static void hair_loss_section(ui_ctx *ui, editor *ed, named_rects *names, plan *p)
{
    bool open = ui_section(ui, "hair loss", true);
    name_last(names, ui, "hair-loss");
    if (!open) return;
    float u = (float)p->patient.pattern;
    char format[48];
    const char *name = plan_pattern_name(p->patient.pattern);
    snprintf(format, sizeof format, "%s %s",
             plan_pattern_is_ludwig(p->patient.pattern) ? "Ludwig" : "Norwood", name ? name : "none");
    if (ui_slider(ui, "pattern", &u, 0.0f, (float)(PLAN_PATTERN_COUNT - 1), 1.0f, format)) {
        plan_pattern next = (plan_pattern)lrintf(u);
        if (next != p->patient.pattern) {
            char what[48];
            snprintf(what, sizeof what, "hair loss %s",
                     plan_pattern_name(next) ? plan_pattern_name(next) : "none");
            pending_note(ed, what);
            p->patient.pattern = next;
        }
    }
    name_last(names, ui, "pattern");
}

/* The hairline: its style, the mid-frontal point's and the temples' heights, the feathered zone. */
static void hairline_section(ui_ctx *ui, editor *ed, named_rects *names, plan *p, const plan *now)
{
    bool open = ui_section(ui, "hairline", false);
    name_last(names, ui, "hairline-section");
    if (!open) return;
    static const char *const styles[] = {"soft", "linear"};
    int c = ui_choice(ui, "style", styles, 2, (int)p->hairline.style);
    if (c != (int)p->hairline.style && c >= 0) {
        pending_note(ed, c ? "a linear hairline" : "a soft hairline");
        p->hairline.style = (plan_hairline_style)c;
    }
    name_last(names, ui, "hairline-style");
    if (p->hairline.point_count >= 2) {
        ui_label(ui, "drawn with %d points (plan file)", p->hairline.point_count);
        return;
    }
    field_slider(ui, ed, names, "hairline", "height", &p->hairline.height_cm, now->hairline.height_cm, 5.0f,
                 12.0f, 0.1f, "%.1f cm", "cm");
    field_slider(ui, ed, names, "temples", "temples", &p->hairline.temple_height_cm,
                 now->hairline.temple_height_cm, 5.0f, 12.0f, 0.1f, "%.1f cm", "cm");
    field_slider(ui, ed, names, "transition", "feathering", &p->hairline.transition_mm,
                 now->hairline.transition_mm, 0.0f, 30.0f, 1.0f, "%.0f mm", "mm");
}

/* Density by zone: factors on every session's density. */
static void zones_section(ui_ctx *ui, editor *ed, named_rects *names, plan *p, const plan *now)
{
    bool open = ui_section(ui, "zones", false);
    name_last(names, ui, "zones");
    if (!open) return;
    field_slider(ui, ed, names, "zone-front", "front", &p->zones.front, now->zones.front, 0.0f, 3.0f, 0.05f,
                 "x %.2f", NULL);
    field_slider(ui, ed, names, "zone-mid", "mid-scalp", &p->zones.mid_scalp, now->zones.mid_scalp, 0.0f,
                 3.0f, 0.05f, "x %.2f", NULL);
    field_slider(ui, ed, names, "zone-crown", "crown", &p->zones.crown, now->zones.crown, 0.0f, 3.0f, 0.05f,
                 "x %.2f", NULL);
    field_slider(ui, ed, names, "zone-temples", "temples", &p->zones.temples, now->zones.temples, 0.0f, 3.0f,
                 0.05f, "x %.2f", NULL);
    field_slider(ui, ed, names, "zone-sides", "sides, back", &p->zones.sides, now->zones.sides, 0.0f, 3.0f,
                 0.05f, "x %.2f", NULL);
}

/* Scars: each one's size and relief; a FUT line or an FUE field added with the clinics' typical sizes, the
 * last one removed. */
static void scars_section(ui_ctx *ui, editor *ed, named_rects *names, plan *p, const plan *now)
{
    bool open = ui_section(ui, "scars", true);
    name_last(names, ui, "scars");
    if (!open) return;
    for (int i = 0; i < p->scar_count; ++i) {
        plan_scar *s = &p->scars[i];
        const plan_scar *was = i < now->scar_count ? &now->scars[i] : s;
        ui_push_id_int(ui, i);
        ui_label(ui, "scar %d: %s", i + 1, s->type == PLAN_SCAR_FUT ? "FUT line" : "FUE punches");
        if (s->type == PLAN_SCAR_FUT) {
            field_slider(ui, ed, names, "scar-length", "length", &s->length_cm, was->length_cm, 1.0f, 40.0f,
                         0.5f, "%.1f cm", "cm");
            field_slider(ui, ed, names, "scar-width", "width", &s->width_mm, was->width_mm, 0.5f, 10.0f, 0.1f,
                         "%.1f mm", "mm");
        } else {
            float n = (float)s->count;
            if (ui_slider(ui, "punches", &n, 0.0f, 5000.0f, 50.0f, "%.0f")) {
                pending_note(ed, "FUE punches");
                s->count = (int)lrintf(n);
            }
            name_last(names, ui, "scar-count");
        }
        field_slider(ui, ed, names, "scar-depth", "relief depth", &s->depth_mm, was->depth_mm, 0.0f, 3.0f,
                     0.05f, "%.2f mm", "mm");
        ui_pop_id(ui);
    }
    static const char *const actions[] = {"+ FUT line", "+ FUE field", "- last"};
    ui_layout_columns(ui, false);
    int a = ui_choice(ui, "##scar-actions", actions, 3, -1);
    name_last(names, ui, "scar-actions");
    ui_layout_columns(ui, true);
    if (a == 0 || a == 1) {
        if (p->scar_count < PLAN_MAX_SCARS) {
            plan_scar s = {0};
            s.type = a == 0 ? PLAN_SCAR_FUT : PLAN_SCAR_FUE;
            s.length_cm = 20.0, s.width_mm = 2.0,
            s.height_above_nape_cm = 6.0; /* a typical strip (DESIGN.md) */
            s.count = 1500, s.diameter_mm = 0.9;
            s.depth_mm = a == 0 ? 0.4 : 0.15;
            p->scars[p->scar_count++] = s;
            pending_note(ed, a == 0 ? "a FUT scar added" : "an FUE field added");
        }
    } else if (a == 2 && p->scar_count > 0) {
        p->scar_count--;
        pending_note(ed, "a scar removed");
    }
}

/* The scars' visibility (scene/visibility.h, measured by the editor's job between frames): against the key
 * light's angle above the scar, at one viewing distance, with SMP; the dashes are the just-noticeable
 * difference. */
static void visibility_section(ui_ctx *ui, editor *ed, named_rects *names, const scene_model *scene)
{
    if (scene->plan.scar_count == 0) return;
    bool open = ui_section(ui, "scar visibility", true);
    name_last(names, ui, "visibility");
    if (!open) return;
    bool current = plan_equal(&ed->vis.of, &scene->plan);
    if (ed->vis.job) {
        ui_label(ui, "measuring: %.0f %% (%.0f s)", 100.0 * scene_vis_job_fraction(ed->vis.job),
                 smp_now_s() - ed->vis.started_s);
        ui_label(ui, "about a minute a scar; it pauses");
        ui_label(ui, "while the view moves");
        return;
    }
    if (!current || !ed->vis.valid) {
        ui_label(ui, "%.44s", ed->vis.why[0] ? ed->vis.why : "not measured yet");
        return;
    }
    const scene_vis_result *r = &ed->vis.result;
    ui_layout_columns(ui, false);
    if (r->scar_count > 1) {
        const char *scars[PLAN_MAX_SCARS];
        char labels[PLAN_MAX_SCARS][24];
        for (int i = 0; i < r->scar_count; ++i) {
            snprintf(labels[i], sizeof labels[i], "scar %d", r->scars[i].scar + 1);
            scars[i] = labels[i];
        }
        int c = ui_choice(ui, "##vis-scar", scars, r->scar_count, ed->vis.scar);
        if (c >= 0) ed->vis.scar = c;
        name_last(names, ui, "vis-scar");
    }
    static const char *const distances[SCENE_VIS_DISTANCES] = {"at 0.3 m", "at 1 m", "at 2 m"};
    int d = ui_choice(ui, "##vis-distance", distances, SCENE_VIS_DISTANCES, ed->vis.distance);
    if (d >= 0) ed->vis.distance = d;
    name_last(names, ui, "vis-distance");
    const scene_vis_scar *v = &r->scars[ed->vis.scar < r->scar_count ? ed->vis.scar : 0];
    const double *with = v->delta_e[1][ed->vis.distance], *without = v->delta_e[0][ed->vis.distance];
    double top = 2.0 * ANALYSIS_JND_DELTA_E00, worst = 0.0, worst_without = 0.0;
    for (int a = 0; a < r->angle_count; ++a) {
        top = fmax(top, 1.1 * with[a]);
        worst = fmax(worst, with[a]);
        worst_without = fmax(worst_without, without[a]);
    }
    ui_plot(ui, r->angles_deg, with, r->angle_count, 0.0, 90.0, 0.0, top, NAN, ANALYSIS_JND_DELTA_E00, 2);
    name_last(names, ui, "vis-plot");
    ui_tooltip(
        ui, "how visible the scar is with SMP (dE00, S-CIELAB) against the light's angle above it, 0 to 90 "
            "degrees; the dashes: just noticeable");
    ui_layout_columns(ui, true);
    ui_label(ui, "worst dE00 %.1f with SMP, %.1f without", worst, worst_without);
}

/* The natural hair colour (patient.hair_color, which also sets the stubble's and the shade match's colour):
 * six common colours; a plan's own colour that is none of them shows no segment lit until one is picked. */
static void hair_colour_row(ui_ctx *ui, editor *ed, named_rects *names, plan *p)
{
    static const char *const labels[] = {"black", "dark", "brown", "light", "blond", "red"};
    static const unsigned char rgb[][3] = {{0x1b, 0x15, 0x12}, {0x2b, 0x1e, 0x16}, {0x4b, 0x34, 0x26},
                                           {0x7b, 0x5b, 0x3d}, {0xb8, 0x95, 0x65}, {0x8c, 0x3f, 0x22}};
    int count = (int)(sizeof labels / sizeof labels[0]), current = -1;
    for (int i = 0; i < count; ++i)
        if (memcmp(rgb[i], p->patient.hair_color_srgb8, 3) == 0) current = i;
    ui_layout_columns(ui, false); /* the label above, the six segments across the panel's width */
    int c = ui_choice(ui, "hair colour", labels, count, current);
    name_last(names, ui, "hair-colour");
    ui_layout_columns(ui, true);
    if (c == current || c < 0) return;
    snprintf(ed->pending_what, sizeof ed->pending_what, "hair colour %s", labels[c]);
    ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
    memcpy(p->patient.hair_color_srgb8, rgb[c], 3);
}

/* The patient's photo of the scalp (head.photo, docs/scans.md): dropped on the window; here the view it was
 * taken from, what its hair becomes, and its removal. Each change bakes the photo again (a second or two). */
static void photo_section(ui_ctx *ui, editor *ed, named_rects *names, plan *p, const plan *now,
                          const scene_model *scene)
{
    bool open = ui_section(ui, "photo", false);
    name_last(names, ui, "photo");
    if (!open) return;
    if (!p->head.photo[0]) {
        ui_label(ui, "drop a JPEG or PNG of the scalp");
        ui_label(ui, "on the window (docs/scans.md)");
        return;
    }
    const char *slash = strrchr(p->head.photo, '/');
    ui_label(ui, "%.36s", slash ? slash + 1 : p->head.photo);
    if (scene->skin_map.size > 0)
        ui_label(ui, "covers %.0f cm2, shading %.0f%% -> %.0f%%", scene->skin_map.covered_cm2,
                 100.0 * scene->skin_map.shading_spread, 100.0 * scene->skin_map.residual_spread);
    plan_head *h = &p->head;
    const plan_head *was = &now->head;
    field_slider(ui, ed, names, "photo-azimuth", "taken from", &h->photo_azimuth_deg, was->photo_azimuth_deg,
                 -180.0f, 180.0f, 5.0f, "azimuth %.0f deg", "deg");
    field_slider(ui, ed, names, "photo-elevation", "height", &h->photo_elevation_deg,
                 was->photo_elevation_deg, -30.0f, 90.0f, 5.0f, "elevation %.0f deg", "deg");
    field_slider(ui, ed, names, "photo-distance", "distance", &h->photo_distance_m, was->photo_distance_m,
                 0.2f, 3.0f, 0.05f, "%.2f m", "m");
    field_slider(ui, ed, names, "photo-fov", "field of view", &h->photo_fov_deg, was->photo_fov_deg, 5.0f,
                 120.0f, 1.0f, "%.0f deg vertical", "deg");
    static const char *const hairs[] = {"keep its hair", "remove its hair"};
    ui_layout_columns(ui, false);
    int c = ui_choice(ui, "##photo-hair", hairs, 2, (int)h->photo_hair);
    name_last(names, ui, "photo-hair");
    static const char *const actions[] = {"remove the photo"};
    int a = ui_choice(ui, "##photo-actions", actions, 1, -1);
    name_last(names, ui, "photo-remove");
    ui_layout_columns(ui, true);
    if (c >= 0 && c != (int)h->photo_hair) {
        h->photo_hair = (plan_photo_hair)c;
        pending_note(ed, c ? "photo's hair removed" : "photo's hair kept");
    } else if (a == 0) {
        h->photo[0] = '\0';
        pending_note(ed, "photo removed");
    }
}

/* Touch-ups: the year, density and shade of each; one added four years after the last, the last removed. */
static void touch_ups_section(ui_ctx *ui, editor *ed, named_rects *names, plan *p, const plan *now)
{
    bool open = ui_section(ui, "touch-ups", true);
    name_last(names, ui, "touch-ups");
    if (!open) return;
    for (int i = 0; i < p->touch_up_count; ++i) {
        plan_touch_up *t = &p->touch_ups[i];
        const plan_touch_up *was = i < now->touch_up_count ? &now->touch_ups[i] : t;
        ui_push_id_int(ui, i);
        char label[32];
        snprintf(label, sizeof label, "touch-up %d", i + 1);
        field_slider(ui, ed, names, "touch-year", label, &t->year, was->year, 0.0f, 20.0f, 0.5f, "year %.1f",
                     "years");
        field_slider(ui, ed, names, "touch-density", "density", &t->density_per_cm2, was->density_per_cm2,
                     0.0f, 100.0f, 1.0f, "%.0f dots/cm2", "dots/cm2");
        ui_pop_id(ui);
    }
    static const char *const actions[] = {"+ touch-up", "- last"};
    ui_layout_columns(ui, false);
    int a = ui_choice(ui, "##touch-actions", actions, 2, -1);
    name_last(names, ui, "touch-actions");
    ui_layout_columns(ui, true);
    if (a == 0 && p->touch_up_count < PLAN_MAX_TOUCH_UPS) {
        double last = p->touch_up_count ? p->touch_ups[p->touch_up_count - 1].year : 0.0;
        double shade = p->session_count ? p->sessions[p->session_count - 1].shade : p->pigment.shade;
        p->touch_ups[p->touch_up_count++] =
            (plan_touch_up){.year = fmin(last + 4.0, 50.0), .density_per_cm2 = 10.0, .shade = shade};
        pending_note(ed, "a touch-up added");
    } else if (a == 1 && p->touch_up_count > 0) {
        p->touch_up_count--;
        pending_note(ed, "a touch-up removed");
    }
}

void plan_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, named_rects *names, float x,
                float y, float w, float h, double t_days)
{
    plan *p = &ed->pending;
    const plan *now = &scene->plan;
    ui_panel_begin(ui, "plan", x, y, w, h);
    mode_row(ui, vs, names);
    ui_layout_columns(ui, true);
    /* Four tabs keep each group within a 720-pixel window; the fading numbers stay below them. */
    static const char *const tabs[PLAN_TAB_COUNT] = {"head", "ink", "sessions", "scars, care"};
    ui_layout_columns(ui, false);
    int tab = ui_choice(ui, "##plan-tab", tabs, PLAN_TAB_COUNT, vs->plan_tab);
    name_last(names, ui, "plan-tab");
    if (tab >= 0) vs->plan_tab = tab;
    ui_layout_columns(ui, true);
    if (vs->plan_tab == PLAN_TAB_HEAD) {
        if (ui_section(ui, "patient", true)) {
            int fitz = p->patient.fitzpatrick;
            if (ui_slider_int(ui, "skin type", &fitz, 1, 6)) {
                snprintf(ed->pending_what, sizeof ed->pending_what, "skin type");
                ed->pending_edit =
                    (history_edit){ed->pending_what, true, now->patient.fitzpatrick, fitz, NULL, NULL, 0};
                p->patient.fitzpatrick = fitz;
            }
            name_last(names, ui, "skin");
            hair_colour_row(ui, ed, names, p);
            field_slider(ui, ed, names, "grey", "grey hair", &p->patient.grey_fraction,
                         now->patient.grey_fraction, 0.0f, 1.0f, 0.05f, "%.2f", NULL);
            field_slider(ui, ed, names, "length", "hair length", &p->patient.hair_length_mm,
                         now->patient.hair_length_mm, 0.0f, 30.0f, 0.5f, "%.1f mm", "mm");
        }
        hair_loss_section(ui, ed, names, p);
        hairline_section(ui, ed, names, p, now);
        landmark_section(ui, vs, ed, scene, names);
        photo_section(ui, ed, names, p, now, scene);
    } else if (vs->plan_tab == PLAN_TAB_INK) {
        if (ui_section(ui, "pigment and needle", true)) {
            field_slider(ui, ed, names, "shade", "shade", &p->pigment.shade, now->pigment.shade, 0.0f, 1.0f,
                         0.05f, "%.2f", NULL);
            field_slider(ui, ed, names, "depth", "needle depth", &p->pigment.depth_mm, now->pigment.depth_mm,
                         0.1f, 3.0f, 0.05f, "%.2f mm", "mm");
            static const char *const needles[] = {"1RL", "3RL", "5RL", "7RL"};
            int n = ui_choice(ui, "needle", needles, 4, (int)p->pigment.needle);
            if (n != (int)p->pigment.needle) {
                snprintf(ed->pending_what, sizeof ed->pending_what, "needle %s", needles[n]);
                ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
                p->pigment.needle = (plan_needle)n;
            }
            name_last(names, ui, "needle");
        }
        zones_section(ui, ed, names, p, now);
    } else if (vs->plan_tab == PLAN_TAB_SESSIONS) {
        if (ui_section(ui, "sessions", true)) {
            for (int i = 0; i < p->session_count; ++i) {
                char label[48];
                snprintf(label, sizeof label, "session %d (day %.0f)", i + 1, p->sessions[i].day);
                ui_push_id_int(ui, i);
                field_slider(ui, ed, names, i == 0 ? "density1" : "densityN", label,
                             &p->sessions[i].density_per_cm2, now->sessions[i].density_per_cm2, 0.0f, 100.0f,
                             1.0f, "%.0f dots/cm2", "dots/cm2");
                ui_pop_id(ui);
            }
            if (p->session_count == 0) ui_label(ui, "no sessions");
            ui_label(ui, "%d dots placed", scene->field.count);
        }
        touch_ups_section(ui, ed, names, p, now);
    } else {
        scars_section(ui, ed, names, p, now);
        visibility_section(ui, ed, names, scene);
        if (ui_section(ui, "aftercare", false)) {
            field_slider(ui, ed, names, "sun", "sun a day", &p->aftercare.sun_hours_per_day,
                         now->aftercare.sun_hours_per_day, 0.0f, 8.0f, 0.5f, "%.1f h", "h");
            field_slider(ui, ed, names, "spf", "sunscreen SPF", &p->aftercare.spf, now->aftercare.spf, 0.0f,
                         50.0f, 5.0f, "%.0f", NULL);
            bool hat = p->aftercare.hat;
            if (ui_checkbox(ui, "hat outdoors", &hat)) {
                snprintf(ed->pending_what, sizeof ed->pending_what, hat ? "hat outdoors" : "no hat");
                ed->pending_edit = (history_edit){ed->pending_what, false, 0, 0, NULL, NULL, 0};
                p->aftercare.hat = hat;
            }
        }
    }
    if (ui_section(ui, "fading, seen from 1 m", true)) {
        ed->fade.shown = true;
        if (ed->fade.stale) {
            ui_label(ui, "computing the curve of this plan");
        } else if (!ed->fade.valid) {
            ui_label(ui, "%.40s", ed->fade.why);
        } else {
            ageing_params ap;
            ageing_params_from_plan(&scene->plan, &ap);
            double lab[3], current = scene_fade_contrast_at(scene, &ap, t_days, lab);
            ui_label(ui, "dE00 %.1f healed, %.1f now (%.0f%%)", ed->fade.healed_delta_e, current,
                     ed->fade.healed_delta_e > 0.0 ? 100.0 * current / ed->fade.healed_delta_e : 0.0);
            if (isnan(ed->fade.touch_up_years))
                ui_label(ui, "touch-up: not within 20 years");
            else
                ui_label(ui, "touch-up at %.0f%%: year %.1f", 100.0 * ed->fade.threshold,
                         ed->fade.touch_up_years);
            ui_layout_columns(ui, false);
            /* The fresh wounds' spike goes off the top: the years after healing are what the plot is for. */
            ui_plot(ui, ed->fade.years, ed->fade.delta_e, ed->fade.count, 0.0, 20.0, 0.0,
                    fmin(1.5 * ed->fade.healed_delta_e, ed->fade.max_delta_e), t_days / 365.25,
                    ed->fade.threshold * ed->fade.healed_delta_e, 2);
            name_last(names, ui, "fade-plot");
            ui_tooltip(ui,
                       "contrast (dE00) from day 0 to 20 years; the line is the time shown, the dashes the "
                       "touch-up threshold");
        }
    }
    ui_panel_end(ui);
}

void light_preset_set(view_state *vs, editor *ed, int preset)
{
    vs->preset = preset;
    const scene_light_preset *p = scene_light_preset_at(preset);
    vs->light = scene_light_of_preset(p);
    vs->sweeping = false;
    snprintf(ed->status, sizeof ed->status, "light %s: %s", p->name, p->summary);
}

void sweep_toggle(view_state *vs)
{
    if (vs->sweeping) {
        vs->light = vs->before_sweep;
        vs->sweeping = false;
        return;
    }
    vs->before_sweep = vs->light;
    vs->light.on_camera = false;
    vs->sweeping = true;
    vs->sweep_u = 0.0;
    vs->light.elevation_deg = scene_light_sweep_phase_elevation_deg(0.0);
}

/* The before / after split: a box to turn it on, and the split's place. */
void compare_controls(ui_ctx *ui, view_state *vs, named_rects *names)
{
    if (ui_checkbox(ui, "before | after", &vs->compare)) vs->compare_ready = false, vs->side = false;
    name_last(names, ui, "compare");
    if (vs->compare) {
        ui_slider(ui, "##split", &vs->split, 0.0f, 1.0f, 0.0f, "split %.2f");
        name_last(names, ui, "split");
    }
}

/* Side by side A | B: what B changes, and by how much. */
void side_controls(ui_ctx *ui, view_state *vs, const scene_model *scene, named_rects *names)
{
    if (!vs->side) return;
    int k = ui_choice(ui, "##side-kind", side_kind_names, SIDE_KIND_COUNT, vs->side_kind);
    name_last(names, ui, "side-kind");
    if (k != vs->side_kind && k >= 0) vs->side_kind = k, vs->side_ready = false;
    double healed = plan_healed_day(&scene->plan);
    if (vs->side_kind == SIDE_YEAR) {
        float u = (float)scene_timeline_position(vs->side_t_days, healed);
        char format[64];
        snprintf(format, sizeof format, "B: day %.0f (%.1f years)", vs->side_t_days,
                 vs->side_t_days / 365.25);
        if (ui_slider(ui, "##side-b", &u, 0.0f, 1.0f, 0.0f, format))
            vs->side_t_days = scene_timeline_days(u, healed), vs->side_ready = false;
    } else if (vs->side_kind == SIDE_LIGHT) {
        float u = (float)vs->side_preset;
        char format[64];
        snprintf(format, sizeof format, "B: %s light", scene_light_preset_at(vs->side_preset)->name);
        if (ui_slider(ui, "##side-b", &u, 0.0f, (float)(scene_light_preset_count() - 1), 1.0f, format))
            vs->side_preset = (int)lrintf(u), vs->side_ready = false;
    } else if (vs->side_kind == SIDE_DEPTH) {
        if (ui_slider(ui, "##side-b", &vs->side_depth_mm, 0.2f, 2.0f, 0.05f, "B: ink %.2f mm deep"))
            vs->side_ready = false;
    } else if (vs->side_kind == SIDE_SHADE) {
        if (ui_slider(ui, "##side-b", &vs->side_shade, 0.1f, 1.0f, 0.05f, "B: shade %.2f"))
            vs->side_ready = false;
    }
    if (vs->side_kind != SIDE_PLAN)
        name_last(names, ui, "side-b");
    else
        ui_label(ui, "B: %s", vs->side_plan_set ? vs->side_caption : "drop a plan file here");
}

/* The doctor's export row (in the view panel, whose rows are few): the image as shown, the report with 960 x
 * 540 images, or a quick one with 320 x 180 images; next to the plan file, or into a folder dropped on the
 * window. */
static void doctor_export_section(ui_ctx *ui, view_state *vs, named_rects *names)
{
    bool open = ui_section(ui, "export", true);
    name_last(names, ui, "export");
    if (!open) return;
    ui_layout_columns(ui, false);
    static const char *const actions[] = {"save image", "report", "quick report"};
    int a = ui_choice(ui, "##export-actions", actions, 3, -1);
    name_last(names, ui, "export-actions");
    if (a == 0)
        vs->export_requested = true;
    else if (a > 0)
        vs->report_requested = true, vs->export_size = a == 1 ? EXPORT_SIZE_REPORT : EXPORT_SIZE_SMALL;
    ui_tooltip(
        ui,
        "the image as shown (Ctrl+E); or the consultation report, a folder with index.html next to the plan "
        "file (drop a folder on the window to choose another), its images 960 x 540 or, quick, 320 x 180");
}

/* The trainer's export: the healing timeline, the fade or the light sweep of the view shown, as numbered PNG
 * frames and an MP4 when ffmpeg is installed, at a size and a number of frames. */
static void trainer_export_section(ui_ctx *ui, view_state *vs, named_rects *names)
{
    bool open = ui_section(ui, "export an animation", true);
    name_last(names, ui, "export");
    if (!open) return;
    ui_layout_columns(ui, false);
    int z = ui_choice(ui, "##export-size", export_size_names, EXPORT_SIZE_COUNT, vs->export_size);
    if (z >= 0) vs->export_size = z;
    name_last(names, ui, "export-size");
    float frames = (float)vs->animation_frames;
    if (ui_slider(ui, "##anim-frames", &frames, 6.0f, 240.0f, 1.0f, "%.0f frames at 10 a second"))
        vs->animation_frames = (int)lrintf(frames);
    name_last(names, ui, "anim-frames");
    static const char *const kinds[] = {"healing", "fade", "light sweep"};
    int a = ui_choice(ui, "##anim-kinds", kinds, 3, -1);
    name_last(names, ui, "anim-kinds");
    if (a >= 0) vs->animation_requested = 1 + a;
    ui_tooltip(
        ui,
        "numbered PNG frames of the view shown and an MP4 when ffmpeg is installed, next to the plan file "
        "(drop a folder on the window to choose another): healing from day 0, the fade from healed to 20 "
        "years, or the key light from overhead to raking");
}

void view_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, const ui_window_desc *opts,
                named_rects *names, float x, float y, float w, float h, int width, int height)
{
    ui_panel_begin(ui, "time, light, view", x, y, w, h);
    double healed = scene_default_days(scene);
    if (ui_section(ui, "time", true)) {
        /* The slider says the day, the years and the phase (its own position, 0..1, is not worth a row). */
        double latest = -1.0;
        for (int i = 0; i < scene->field.layer_count; ++i)
            if (scene->field.layer_day[i] <= vs->t_days) latest = fmax(latest, scene->field.layer_day[i]);
        const char *phase =
            latest >= 0.0 ? ageing_phase_name(vs->t_days - latest) : "before the first session";
        char format[96];
        snprintf(format, sizeof format, "day %.0f (%.2f y): %s", vs->t_days, vs->t_days / 365.25,
                 phase ? phase : "");
        for (char *c = format; *c; ++c)
            if (*c == '%') *c = ' '; /* the text goes to the slider as its format */
        float u = (float)scene_timeline_position(vs->t_days, plan_healed_day(&scene->plan));
        if (ui_slider(ui, "##time", &u, 0.0f, 1.0f, 0.0f, format)) {
            vs->t_days = scene_timeline_days(u, plan_healed_day(&scene->plan));
            vs->playing = false;
        }
        name_last(names, ui, "time");
        const char *const buttons[] = {vs->playing ? "pause" : "play the years", "healed (+60 days)"};
        int b = ui_choice(ui, "##time-buttons", buttons, 2, -1); /* two buttons in one row */
        name_last(names, ui, "time-buttons");
        if (b == 0) {
            vs->playing = !vs->playing;
            if (vs->playing && scene_timeline_position(vs->t_days, plan_healed_day(&scene->plan)) >= 1.0)
                vs->t_days = 0.0;
        } else if (b == 1) {
            vs->t_days = healed;
            vs->playing = false;
        }
    }
    if (ui_section(ui, "light", true)) {
        const char *rows[2][4];
        int n = scene_light_preset_count();
        for (int i = 0; i < 8; ++i)
            rows[i / 4][i % 4] = i < n ? scene_light_preset_at(i)->name : "";
        for (int r = 0; r < 2; ++r) {
            int count = n - 4 * r < 4 ? n - 4 * r : 4;
            if (count <= 0) break;
            int cur = vs->preset >= 4 * r && vs->preset < 4 * r + count ? vs->preset - 4 * r : -1;
            char label[24];
            snprintf(label, sizeof label, "##presets%d", r);
            int c = ui_choice(ui, label, rows[r], count, cur);
            if (c != cur && c >= 0) light_preset_set(vs, ed, 4 * r + c);
            name_last(names, ui, r == 0 ? "preset1" : "preset2");
        }
        ui_layout_columns(ui, true);
        float az = (float)vs->light.azimuth_deg, el = (float)vs->light.elevation_deg;
        float in = (float)vs->light.intensity, k = (float)vs->light.key_kelvin;
        bool moved = ui_slider(ui, "azimuth", &az, 0.0f, 360.0f, 5.0f, "%.0f deg");
        name_last(names, ui, "azimuth");
        moved |= ui_slider(ui, "elevation", &el, 0.0f, 90.0f, 1.0f, "%.0f deg");
        name_last(names, ui, "elevation");
        if (moved) {
            vs->light.on_camera = false;
            vs->light.azimuth_deg = az;
            vs->light.elevation_deg = el;
            vs->sweeping = false;
        }
        bool keyed = ui_slider(ui, "intensity", &in, 0.1f, 5.0f, 0.05f, "%.2f");
        keyed |= ui_slider(ui, "colour", &k, 1500.0f, 12000.0f, 50.0f, "%.0f K");
        if (keyed) scene_light_set_key(&vs->light, in, k);
        ui_layout_columns(ui, false);
        if (ui_button(ui, vs->sweeping ? "stop the sweep" : "sweep: overhead to raking")) sweep_toggle(vs);
        name_last(names, ui, "sweep");
        if (vs->light.on_camera) ui_label(ui, "key light on the camera's axis");
    }
    if (ui_section(ui, "view", true)) {
        static const scene_view rows[2][5] = {
            {SCENE_VIEW_FRONT, SCENE_VIEW_THREE_QUARTER, SCENE_VIEW_TOP, SCENE_VIEW_BACK, SCENE_VIEW_LEFT},
            {SCENE_VIEW_CLOSEUP_HAIRLINE, SCENE_VIEW_CLOSEUP_CROWN, SCENE_VIEW_CLOSEUP_SCAR,
             SCENE_VIEW_CLOSEUP_SIDE, SCENE_VIEW_RIGHT}};
        static const char *const labels[2][5] = {{"front", "3/4", "top", "back", "left"},
                                                 {"hairline", "crown", "scar", "side", "right"}};
        for (int r = 0; r < 2; ++r) {
            int cur = -1;
            for (int i = 0; i < 5; ++i)
                if (rows[r][i] == vs->view) cur = i;
            char label[16];
            snprintf(label, sizeof label, "##views%d", r);
            int c = ui_choice(ui, label, labels[r], 5, cur);
            if (c != cur && c >= 0) view_set(vs, scene, opts, rows[r][c], width, height);
            name_last(names, ui, r == 0 ? "view1" : "view2");
        }
        /* Where the person looking stands: the camera that far from what it looks at (a normal lens: at 2 m
         * the head is small, as across a room). */
        static const char *const distances[] = {"from 0.3 m", "from 1 m", "from 2 m"};
        static const float distance_mm[] = {300.0f, 1000.0f, 2000.0f};
        int d_cur = -1;
        for (int i = 0; i < 3; ++i)
            if (fabsf(vs->o.distance - distance_mm[i]) < 1.0f) d_cur = i;
        int d = ui_choice(ui, "##distance", distances, 3, d_cur);
        if (d != d_cur && d >= 0) vs->o.distance = distance_mm[d];
        name_last(names, ui, "distance");
        ui_tooltip(ui, "the viewing distance: what someone that far away sees (the wheel zooms freely)");
        static const char *const compares[] = {"one image", "before | after", "A | B"};
        int cur = vs->side ? 2 : vs->compare ? 1 : 0;
        int c = ui_choice(ui, "##compare-kind", compares, 3, cur);
        name_last(names, ui, "compare-kind");
        if (c != cur && c >= 0) {
            vs->compare = c == 1, vs->compare_ready = false;
            vs->side = c == 2, vs->side_ready = false;
        }
        if (vs->compare) {
            ui_slider(ui, "##split", &vs->split, 0.0f, 1.0f, 0.0f, "split %.2f");
            name_last(names, ui, "split");
        }
        side_controls(ui, vs, scene, names);
    }
    if (vs->mode == MODE_DOCTOR) doctor_export_section(ui, vs, names);
    ui_panel_end(ui);
}

void mode_row(ui_ctx *ui, view_state *vs, named_rects *names)
{
    ui_layout_columns(ui, false);
    vs->mode = (window_mode)ui_choice(ui, "##mode", mode_names, MODE_COUNT, (int)vs->mode);
    name_last(names, ui, "mode");
}

int preset_by_name(const char *name)
{
    int i = scene_light_preset_index(name);
    return i < 0 ? 0 : i;
}

/* Patient mode: when, which light, from where, and what it means, in plain words. */
void patient_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene,
                   const ui_window_desc *opts, named_rects *names, float x, float y, float w, float h,
                   int width, int height)
{
    ui_panel_begin(ui, "your result", x, y, w, h);
    mode_row(ui, vs, names);
    double healed = scene_default_days(scene);
    static const char *const whens[] = {"before", "healed", "+5 years", "+10 years"};
    const double when_days[] = {-1.0, healed, healed + 5.0 * 365.25, healed + 10.0 * 365.25};
    int when = -1;
    for (int i = 0; i < 4; ++i)
        if (fabs(vs->t_days - when_days[i]) < 0.5) when = i;
    ui_label(ui, "when");
    int c = ui_choice(ui, "##when", whens, 4, when);
    if (c != when && c >= 0) {
        vs->t_days = when_days[c];
        vs->playing = false;
        when = c;
    }
    name_last(names, ui, "when");
    static const char *const lights[] = {"daylight", "office", "bathroom"};
    int light = -1;
    for (int i = 0; i < 3; ++i)
        if (vs->preset == preset_by_name(lights[i])) light = i;
    ui_label(ui, "light");
    c = ui_choice(ui, "##light", lights, 3, light);
    if (c != light && c >= 0) light_preset_set(vs, ed, preset_by_name(lights[c]));
    name_last(names, ui, "light");
    static const char *const views[] = {"front", "top", "back", "side"};
    static const scene_view view_of[] = {SCENE_VIEW_FRONT, SCENE_VIEW_TOP, SCENE_VIEW_BACK, SCENE_VIEW_LEFT};
    int view = -1;
    for (int i = 0; i < 4; ++i)
        if (vs->view == view_of[i]) view = i;
    ui_label(ui, "look from");
    c = ui_choice(ui, "##look", views, 4, view);
    if (c != view && c >= 0) view_set(vs, scene, opts, view_of[c], width, height);
    name_last(names, ui, "look");
    compare_controls(ui, vs, names);
    static const char *const words[4][2] = {
        {"Before: the scalp as it is today,", "without any pigment."},
        {"Healed: two months after the last", "session, as it is meant to look."},
        {"Five years on: the dots have faded", "and softened, as your plan ages them."},
        {"Ten years on: lighter again; a", "touch-up brings the density back."},
    };
    if (when >= 0) {
        ui_label(ui, "%s", words[when][0]);
        ui_label(ui, "%s", words[when][1]);
    }
    ui_label(ui, "SMP is not hair: from a normal");
    ui_label(ui, "distance it reads as a shaved head.");
    ui_label(ui, "Drag the head to turn it.");
    ui_panel_end(ui);
}

/* The trainer's technique examples: the plan as it was, and two faults made on it. */
static const char *const technique_names[] = {"as planned", "too deep", "helmet"};
static const char *const technique_words[3][3] = {
    {"The plan as it was: 1RL, shallow,", "three sessions of moderate density,", "a soft hairline."},
    {"Too deep: at 1.5 mm the ink sits", "in the deep dermis and spreads into", "wide blue-grey blobs."},
    {"The helmet: full-strength ink, a 3RL",
     "needle, 180 dots/cm2 and a hard line:", "a painted cap, not stubble."},
};

plan technique_plan(const plan *base, int technique)
{
    plan p = *base;
    if (technique == 1) p.pigment.depth_mm = 1.5; /* assets/plans/bad-practice-too-deep.json */
    if (technique == 2) {                         /* assets/plans/bad-practice-helmet.json */
        p.pigment.shade = 1.0;
        p.pigment.needle = PLAN_NEEDLE_3RL;
        for (int i = 0; i < p.session_count; ++i)
            p.sessions[i].density_per_cm2 = 60.0, p.sessions[i].shade = 1.0;
        p.hairline.style = PLAN_HAIRLINE_LINEAR;
        p.hairline.transition_mm = 0.0;
    }
    return p;
}

/* Trainer mode: the animations and the technique examples. */
void trainer_panel(ui_ctx *ui, view_state *vs, const scene_model *scene, named_rects *names, float x, float y,
                   float w, float h)
{
    ui_panel_begin(ui, "teaching", x, y, w, h);
    mode_row(ui, vs, names);
    if (ui_section(ui, "animations", true)) {
        if (ui_button(ui, "healing: day 0 onwards")) vs->t_days = 0.0, vs->playing = true;
        name_last(names, ui, "healing");
        if (ui_button(ui, "fading: healed to 20 years"))
            vs->t_days = scene_default_days(scene), vs->playing = true;
        name_last(names, ui, "fading");
        if (ui_button(ui, vs->sweeping ? "stop the light sweep" : "light sweep: overhead to raking"))
            sweep_toggle(vs);
        name_last(names, ui, "trainer-sweep");
    }
    if (ui_section(ui, "technique", true)) {
        /* A fault is shown beside the plan as it is (A | B by plan); the plan itself is not edited. */
        int c = ui_choice(ui, "##technique", technique_names, 3, vs->technique);
        name_last(names, ui, "technique");
        if (c != vs->technique && c >= 0) {
            vs->technique = c;
            vs->side = c > 0;
            vs->compare = false;
            vs->side_kind = SIDE_PLAN;
            vs->side_plan = technique_plan(&scene->plan, c);
            vs->side_plan_set = c > 0;
            snprintf(vs->side_caption, sizeof vs->side_caption, "%s", technique_names[c]);
            vs->side_ready = false;
        }
        for (int i = 0; i < 3; ++i)
            ui_label(ui, "%s", technique_words[vs->technique][i]);
        if (vs->technique > 0)
            ui_label(ui, "A (left): as planned; B (right): %s.", technique_names[vs->technique]);
    }
    trainer_export_section(ui, vs, names);
    ui_panel_end(ui);
}
