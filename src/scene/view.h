/* view: the named views of a head (the --view names of the command line and the window's view buttons) and
 * what is drawn: a view, a light and an image size (a scene_shot). The cameras of the views are in scene.h.
 */
#ifndef SMP_SCENE_VIEW_H
#define SMP_SCENE_VIEW_H

#include "core/core.h"
#include "scene/light.h"

typedef enum scene_view {
    SCENE_VIEW_FRONT = 0,
    SCENE_VIEW_TOP,
    SCENE_VIEW_BACK,
    SCENE_VIEW_LEFT,
    SCENE_VIEW_RIGHT,
    SCENE_VIEW_THREE_QUARTER,
    SCENE_VIEW_CLOSEUP_HAIRLINE,
    SCENE_VIEW_CLOSEUP_CROWN,
    SCENE_VIEW_CLOSEUP_SCAR,
    SCENE_VIEW_CLOSEUP_SIDE,
    SCENE_VIEW_COUNT
} scene_view;

const char *scene_view_name(scene_view view); /* "front", "three-quarter", ...; NULL out of range */
int scene_view_index(const char *name);       /* the view of that name; -1 when none has it */
bool scene_view_is_closeup(scene_view view);
/* "front, top, ...": every name in order, comma separated (buffer of size bytes). */
void scene_view_names(char *buffer, size_t size);

/* One picture of a scene: from a named view (distance_m > 0 stands that far away, a far view otherwise
 * framing the head; field_mm the close-ups' field, <= 0: 60 mm), under a light, width x height pixels;
 * interactive: the cheaper frame the window shows while something moves, drawn at interactive_scale of the
 * width and height (render_frame.interactive_scale; 0: the default). */
typedef struct scene_shot {
    scene_view view;
    double distance_m, field_mm;
    int width, height;
    scene_light light;
    bool interactive;
    float interactive_scale;
} scene_shot;

#endif
