/* The interactive window's parts and what they share (ui/window.c runs it): the camera (camera.c), the plan
 * editor with undo and autosave (editor.c), the panels of the three modes (panels.c), the compare views
 * (compare.c). Internal to ui/. */
#ifndef SMP_UI_WINDOW_INTERNAL_H
#define SMP_UI_WINDOW_INTERNAL_H

#include "scene/draw.h"
#include "scene/fade.h"
#include "scene/image.h"
#include "scene/scene.h"
#include "scene/visibility.h"
#include "ui/autosave.h"
#include "ui/history.h"
#include "ui/widgets.h"
#include "ui/window.h"

#include <SDL2/SDL.h>

typedef struct orbit {
    float target[3];
    float yaw, pitch, distance, fov_y_deg;
} orbit;

/* Where a frame's camera shows the head frame on the screen (camera.c): the pixel of a head point and the ray
 * through a pixel; pixels of the window's drawable from its top left (output_x included), head frame in mm.
 */
typedef struct screen_camera {
    mat4 view, proj;
    float eye_mm[3];
    int width, height, output_x;
} screen_camera;
screen_camera screen_camera_of(const render_frame *f);
bool screen_camera_project(const screen_camera *c, const float p[3], float out[2]); /* false: behind it */
/* The ray from the eye through pixel (x, y): origin, unit direction. */
void screen_camera_ray(const screen_camera *c, float x, float y, double origin[3], double dir[3]);

/* The play key runs through the timeline (scene_timeline_days) in TIMELINE_PLAY_S seconds. */
#define TIMELINE_PLAY_S 15.0

/* The light sweep (G): the key from overhead to raking and back in LIGHT_SWEEP_S seconds. */
#define LIGHT_SWEEP_S 8.0
/* Progressive refinement: the interactive path until this long after the last input, and the blend from the
 * last interactive image to the full-quality one. */
#define VIEW_SETTLE_S 0.12
#define VIEW_BLEND_S 0.25
/* Panels (logical pixels): each side's width; below WINDOW_PANELS_MIN_W the window shows the status line
 * only. */
#define PANEL_W 330.0f
#define WINDOW_PANELS_MIN_W 1000.0f
#define UNDO_STEPS 256
#define FADE_PLOT_POINTS 120

/* What the window edits: the plan (the scene's), its undo history and autosave, where it is saved, whether
 * it changed since, the last message; pending is what the panels show, applied to the scene once no widget
 * is held (a rebuild costs about a second, so a drag is applied when it ends). */
typedef struct editor {
    char save_path[PLAN_PATH_MAX];
    char export_dir[PLAN_PATH_MAX]; /* a folder dropped on the window: reports and animations go there */
    bool dirty;
    bool quit_warned;
    char status[PLAN_PATH_MAX + 600];
    history *hist;
    autosave *as;
    bool offering; /* a crashed session's plan waits for recover / discard */
    autosave_recovery offer;
    plan pending;
    history_edit pending_edit; /* what the latest panel change was, for the undo step's description */
    char pending_what[64], pending_unit[16];
    /* The doctor's numbers (scene/fade.h, at about 1 m): the healed contrast and the touch-up date, computed
     * when the plan changes; valid false when the plan puts no dots near the vertex. After an edit they are
     * stale until computed again between two frames, once the full-quality image is shown, nothing moves and
     * the panel shows them (shown: its section was drawn this frame): a burst of edits computes them once,
     * and no edit's image waits for them (about 0.25 s). */
    struct {
        bool stale, shown;
        bool valid;
        double healed_delta_e, touch_up_years, threshold;
        char why[600];
        int count; /* the curve, thinned to at most FADE_PLOT_POINTS: years and dE00 */
        double years[FADE_PLOT_POINTS], delta_e[FADE_PLOT_POINTS], max_delta_e;
    } fade;
    /* The doctor's scar visibility plot (scene/visibility.h), measured while the window runs: a job of small
     * steps, one between two frames while the scars tab is shown and nothing moves, with a renderer of its
     * own; started when the tab is shown for a plan with scars that was not measured yet, started again when
     * the plan changes; paused on the other tabs and modes. */
    struct {
        scene_vis_job *job; /* running; NULL when none */
        render_context *rc; /* the job's renderer, while it runs */
        plan of;            /* the plan measured or being measured */
        bool valid;         /* result is of's */
        scene_vis_result result;
        double started_s, took_s, longest_step_s;
        int scar, distance; /* what the plot shows: a result.scars index, a scene_vis_distances_m index */
        char why[600];      /* why there is no result (a failure) */
    } vis;
} editor;
/* The window's measurement: fewer angles and a coarser image than smpsim visibility's (100 pixels a degree at
 * 0.3 m, 8 angles) so that it takes about a minute a scar on two cores; each step a fraction of a second. */
#define VIS_WINDOW_PX_PER_DEG 50.0
#define VIS_WINDOW_ANGLES 5
extern const double vis_window_angles_deg[VIS_WINDOW_ANGLES];

/* Who sits at the window: a patient (few large controls, plain words), a doctor (every parameter), a trainer
 * (animations, good and bad technique with what is wrong). */
typedef enum window_mode { MODE_PATIENT = 0, MODE_DOCTOR, MODE_TRAINER, MODE_COUNT } window_mode;
extern const char *const mode_names[MODE_COUNT];
/* The patient mode's controls are this much larger. */
#define PATIENT_SCALE 1.35f

/* A handle on the head (handles.c): the hairline's (on the midline) or the temples' (the left frontotemporal
 * point): where it is on the screen, and the track it may be dragged along (HAIRLINE_MIN_CM to _MAX_CM, in
 * HANDLE_SAMPLES steps of a millimetre). */
#define HAIRLINE_MIN_CM 5.0
#define HAIRLINE_MAX_CM 12.0
#define HANDLE_SAMPLES 71
#define HANDLE_GRAB_PX 12.0f
typedef struct hairline_handle {
    bool visible, dragging;
    float at[2];      /* the handle, screen pixels from the top left */
    double height_cm; /* while dragging: where it is */
    float track[HANDLE_SAMPLES][2];
    bool ok[HANDLE_SAMPLES];
    /* The temples' track on the surface, kept while the head and the hairline stay (the hairline's is the
     * midline, found each frame). */
    const scalp_head *track_head;
    plan_hairline track_for;
    plan_head track_measures;
    plan_sex track_sex;
    float points[HANDLE_SAMPLES][3], normals[HANDLE_SAMPLES][3];
} hairline_handle;

/* Picking a scan's landmarks with the mouse (landmarks.c), on the doctor's head tab of a plan with a scanned
 * head: the nasion, then the left and the right tragion, each set by a click on the head (a ray from the
 * camera through the pixel against the head's mesh); the three go into the plan's head.landmarks as one edit,
 * in the scan file's own coordinates and units, and the head is fitted again. A press that moves more than
 * LANDMARK_CLICK_PX before its release turns the head instead; a click beside the picture (the other half
 * of an A | B) picks nothing. */
enum { LANDMARK_NASION = 0, LANDMARK_LEFT, LANDMARK_RIGHT, LANDMARK_COUNT };
extern const char *const landmark_names[LANDMARK_COUNT];
#define LANDMARK_CLICK_PX 4.0f
typedef struct landmark_pick {
    int step;                       /* the landmark the next click sets; -1: not picking */
    double file[LANDMARK_COUNT][3]; /* the ones picked so far (step of them), the file's units */
    const float *picked_on;         /* the head's vertices when the pick started: a head rebuilt since (a
                                     * plan dropped, an undo) is another frame, and the pick is cancelled */
    bool pressed;                   /* a press on the head while picking, not yet released */
    float press_at[2];
    bool camera_valid; /* cam is the frame last shown's (a click is on what was seen) */
    screen_camera cam;
    /* The markers: the picked points while picking, else the plan's landmarks when given; where they are on
     * the head (with the nearest vertex's normal, to hide those facing away) and on the screen. */
    int marker_count;
    const float *marker_mesh; /* the vertices marker_normal was taken from */
    float marker_mm[LANDMARK_COUNT][3], marker_normal[LANDMARK_COUNT][3];
    bool visible[LANDMARK_COUNT];
    float at[LANDMARK_COUNT][2];
} landmark_pick;

/* The view panel's state that is not the plan. */
typedef struct view_state {
    orbit o;
    scene_view view;
    scene_light light, before_sweep;
    int preset;
    bool sweeping, playing, help;
    double sweep_u, t_days;
    window_mode mode;
    bool export_requested;   /* Ctrl+E, done once the frame is described */
    bool report_requested;   /* the doctor's "write the report", done after the frame */
    int animation_requested; /* the trainer's export: 1 + scene_animation_kind, 0 none; done after the frame
                              */
    int export_size;         /* EXPORT_SIZE_* of the report's images and the animation's frames */
    int animation_frames;
    bool compare;       /* before / after: the untreated head left of the split, the plan's right */
    bool compare_ready; /* the "before" image is captured for the frame shown, at compare_w x compare_h */
    int compare_w, compare_h;
    float split;   /* 0..1 of the width */
    int technique; /* trainer: 0 the plan as it was, 1 too deep, 2 the helmet (B of an A | B by plan) */
    /* Side by side A | B: the window's left half shows the scene as set (A), the right half the same camera
     * with one thing changed (B): the time, the light, the needle depth, the shade, or another plan. */
    bool side;
    int side_kind;                   /* SIDE_YEAR .. SIDE_PLAN */
    double side_t_days;              /* B's time (SIDE_YEAR) */
    int side_preset;                 /* B's light preset (SIDE_LIGHT) */
    float side_depth_mm, side_shade; /* B's needle depth and ink shade (SIDE_DEPTH, SIDE_SHADE) */
    plan side_plan;                  /* B's plan (SIDE_PLAN): a dropped plan file or a technique example */
    bool side_plan_set;
    char side_caption[64];                      /* what B is, in a few words (SIDE_PLAN) */
    bool side_ready;                            /* B's full-quality image is captured for the frame shown */
    int plan_tab;                               /* the plan panel's tab: PLAN_TAB_HEAD .. */
    hairline_handle hairline, temples;          /* shown on the head tab of the doctor's plan panel */
    double hairline_shown_cm, temples_shown_cm; /* the heights the handles' labels give when not dragged */
    landmark_pick pick;                         /* the scan's landmarks picked with the mouse */
} view_state;

/* Side by side, each picture is half the window's width: the camera steps back by this much so the head fits.
 */
#define SIDE_ZOOM_OUT 1.6f

enum { PLAN_TAB_HEAD = 0, PLAN_TAB_INK, PLAN_TAB_SESSIONS, PLAN_TAB_SCARS, PLAN_TAB_COUNT };
enum { SIDE_YEAR = 0, SIDE_LIGHT, SIDE_DEPTH, SIDE_SHADE, SIDE_PLAN, SIDE_KIND_COUNT };
extern const char *const side_kind_names[SIDE_KIND_COUNT];

/* Named widgets' rectangles in the last frame, for the scripted test input ("click:NAME", "set:NAME=U"). */
#define NAMED_MAX 96
typedef struct named_rects {
    int count;
    char name[NAMED_MAX][24];
    ui_rect rect[NAMED_MAX];
} named_rects;

/* B of a side-by-side compare, for the kinds that change the plan: its own scene, its dots placed as a change
 * of A's (scene_create_from_plan_like), built when B's plan or A's changes (the head and two dot placements,
 * about a second) and uploaded only while B's image is captured. */
typedef struct side_scene {
    scene_model *scene;          /* NULL until first needed */
    plan built_from, built_base; /* B's plan, and A's it was placed against */
    bool built;
} side_scene;

orbit orbit_from_camera(const scene_camera *c);
scene_camera orbit_camera(const orbit *o);
void view_set(view_state *vs, const scene_model *scene, const ui_window_desc *opts, scene_view view, int w,
              int h);
void editor_fade_update(editor *ed, const scene_model *scene);
void editor_autosave(editor *ed, const scene_model *scene);
bool editor_apply(editor *ed, scene_model *scene, render_context *rc, const plan *pl);
void editor_commit(editor *ed, scene_model *scene, render_context *rc, const plan *pl,
                   const history_edit *edit);
void editor_undo(editor *ed, scene_model *scene, render_context *rc, bool redo);
void editor_key_edit(editor *ed, scene_model *scene, render_context *rc, SDL_Keycode key, bool shift);
void editor_save(editor *ed, const scene_model *scene);
void editor_load(editor *ed, scene_model *scene, render_context *rc, const char *path);
void editor_drop(editor *ed, scene_model *scene, render_context *rc, const char *path);
void editor_export(editor *ed, const scene_model *scene, render_context *rc, const render_frame *shown,
                   const scene_light *light, double t_days, scene_view view);
void editor_recover(editor *ed, scene_model *scene, render_context *rc, bool recover);
/* The long exports (export.c): the report (doctor) and an animation (trainer), written between two frames on
 * the window's renderer while a progress bar covers the window; the result or the failure in the status line.
 * Sizes: EXPORT_SIZE_* of export_size_names. A directory dropped on the window becomes their folder
 * (export_dir_set: false when path is no directory). */
enum { EXPORT_SIZE_SMALL = 0, EXPORT_SIZE_REPORT, EXPORT_SIZE_FULL_HD, EXPORT_SIZE_COUNT };
extern const char *const export_size_names[EXPORT_SIZE_COUNT];
void export_size(int index, int *width, int *height);
typedef struct export_screen {
    ui_gl *gl;
    ui_text *text;
    render_context *rc;
    int width, height; /* the window's drawable */
    float scale;
    char title[PLAN_PATH_MAX + 128];
    double started_s, drawn_s, last_fraction;
    int frames; /* progress screens drawn */
} export_screen;
bool export_dir_set(editor *ed, const char *path);
void editor_report(editor *ed, scene_model *scene, export_screen *x, int size);
void editor_animation(editor *ed, const scene_model *scene, export_screen *x, int kind, int frames, int size,
                      const scene_camera *cam, const scene_light *light, double t_days);

/* The scar visibility job (editor.c): vis_update starts or restarts it for the scene's plan when want says
 * the plot is wanted; vis_step takes one step (true when it took one); vis_stop ends it. */
void vis_update(editor *ed, const scene_model *scene, bool want);
bool vis_step(editor *ed);
void vis_stop(editor *ed);
double vis_worst(const scene_vis_result *r); /* the largest dE00 with SMP, any scar, distance, angle */
bool side_shares_scene(const view_state *vs);
bool side_b_plan(const view_state *vs, const plan *a, plan *b);
void side_caption(const view_state *vs, char *out, size_t size);
void side_load(view_state *vs, editor *ed, const char *path);
smp_status side_capture(view_state *vs, side_scene *sb, scene_model *scene, render_context *rc,
                        const scene_camera *cam, int width, int height, float shift, smp_error *err);
void lens_shift(render_frame *f, float dx);
float side_shift(const view_state *vs, int w, float s, bool panels);
void side_captions(ui_text *text, const view_state *vs, int half, float s);
void name_rect(named_rects *n, const char *name, ui_rect r);
void name_last(named_rects *n, const ui_ctx *ui, const char *name);
void field_slider(ui_ctx *ui, editor *ed, named_rects *names, const char *name, const char *label,
                  double *value, double before, float min, float max, float step, const char *format,
                  const char *unit);
void plan_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, named_rects *names, float x,
                float y, float w, float h, double t_days);
void light_preset_set(view_state *vs, editor *ed, int preset);
void sweep_toggle(view_state *vs);
void compare_controls(ui_ctx *ui, view_state *vs, named_rects *names);
void side_controls(ui_ctx *ui, view_state *vs, const scene_model *scene, named_rects *names);
void view_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, const ui_window_desc *opts,
                named_rects *names, float x, float y, float w, float h, int width, int height);
void mode_row(ui_ctx *ui, view_state *vs, named_rects *names);
int preset_by_name(const char *name);
void patient_panel(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene,
                   const ui_window_desc *opts, named_rects *names, float x, float y, float w, float h,
                   int width, int height);
plan technique_plan(const plan *base, int technique);
void trainer_panel(ui_ctx *ui, view_state *vs, const scene_model *scene, named_rects *names, float x, float y,
                   float w, float h);

/* The hairline and temples handles (handles.c): placed for this frame's camera, grabbed by a press within
 * HANDLE_GRAB_PX (true: the press is a handle's, not the camera's), moved with the mouse, and on release one
 * plan edit. */
void handle_update(view_state *vs, const editor *ed, const scene_model *scene, const render_frame *frame);
bool handle_press(view_state *vs, const editor *ed, float x, float y, float scale);
void handle_drag(view_state *vs, float x, float y);
void handle_release(view_state *vs, editor *ed);
bool handle_dragging(const view_state *vs);
void handle_draw(ui_text *text, const view_state *vs, float scale);

/* The landmarks (landmarks.c): the head tab's section (shown when the head is a scan's); the camera and the
 * markers placed for this frame (a pick is cancelled when its tab or mode is left, or the head is no scan);
 * a press and release on the head while picking (the release within LANDMARK_CLICK_PX of the press picks:
 * true when it did, false when it was a drag); Esc; the markers drawn; and for the test script, the pixel
 * where a point of the scan file (its coordinates and units) is seen (false behind the camera). */
void landmark_section(ui_ctx *ui, view_state *vs, editor *ed, const scene_model *scene, named_rects *names);
void landmark_update(view_state *vs, editor *ed, const scene_model *scene, const render_frame *frame);
bool landmark_picking(const view_state *vs);
void landmark_press(view_state *vs, float x, float y);
bool landmark_release(view_state *vs, editor *ed, const scene_model *scene, float x, float y, float scale);
void landmark_cancel(view_state *vs, editor *ed);
void landmark_draw(ui_text *text, const view_state *vs, float scale);
bool landmark_screen_point(const view_state *vs, const scene_model *scene, const double file[3],
                           float out[2]);

#endif
