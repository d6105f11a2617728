/* window: the interactive window on a plan. Panels of widgets (ui/widgets.h) for the plan, the time, the
 * light and the view over the rendered head; undo and redo of every plan edit (ui/history.h); the plan being
 * edited autosaved after every change and offered back after a crash (ui/autosave.h); the help overlay (F1).
 *
 * Tests drive it under Xvfb with SMP_WINDOW_FRAMES (draw that many frames, print the state, exit) and
 * SMP_WINDOW_EVENTS, a comma-separated script: "key:d", "key:shift+d", "key:ctrl+z", "drop:PATH" go into
 * SDL's queue at the start as if typed; "click:NAME" and "set:NAME=U" (U in 0..1 across a slider) are played
 * one a frame from the second frame on, as a mouse press and release at the named widget
 * (window_widget_names), and so are "drag:NAME=DY" (press, move DY pixels down, release), "type:KEY" (a key
 * pressed when its turn comes: "type:escape", "type:ctrl+s") and "clickat:X/Y/Z" (a press and release at the
 * pixel where the scan file's point X Y Z, in its own coordinates and units, is seen: picking a landmark goes
 * through the window's own mouse handling). */
#ifndef SMP_UI_WINDOW_H
#define SMP_UI_WINDOW_H

#include "scene/scene.h"
#include "scene/view.h"

/* What the window opens on. */
typedef struct ui_window_desc {
    const char
        *plan_path;    /* the plan's file (NULL: the built-in plan): Ctrl+S saves there, autosave beside it */
    int width, height; /* the window's size in screen coordinates */
    scene_view view;
    double distance_m; /* the far views' viewing distance; 0 frames the head */
    scene_light light; /* the light at the start (its preset is selected in the light panel) */
    bool has_time;
    double time_days; /* the time shown at the start when has_time; otherwise healed */
    int frames;       /* > 0: draw that many frames, print the state and exit (SMP_WINDOW_FRAMES, tests) */
} ui_window_desc;

/* Opens the window on scene (its plan may be edited) and runs it until it is closed; returns the exit status.
 */
int ui_window_run(scene_model *scene, const ui_window_desc *desc);

#endif
