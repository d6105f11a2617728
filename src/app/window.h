/* window: the interactive window on a plan. Panels of widgets (ui/widgets.h) for the plan, the time, the light
 * and the view over the rendered head; undo and redo of every plan edit (ui/history.h); the plan being edited
 * autosaved after every change and offered back after a crash (ui/autosave.h); the help overlay (F1).
 *
 * Tests drive it under Xvfb with SMP_WINDOW_FRAMES (draw that many frames, print the state, exit) and
 * SMP_WINDOW_EVENTS, a comma-separated script: "key:d", "key:shift+d", "key:ctrl+z", "drop:PATH" go into SDL's
 * queue at the start as if typed; "click:NAME" and "set:NAME=U" (U in 0..1 across a slider) are played one a
 * frame from the second frame on, as a mouse press and release at the named widget (window_widget_names). */
#ifndef SMP_APP_WINDOW_H
#define SMP_APP_WINDOW_H

#include "app/scene.h"

/* Opens the window on scene (its plan may be edited) and runs it until it is closed; returns the exit status. */
int app_window_run(app_scene *scene, app_options *opts);

#endif
