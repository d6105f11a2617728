#include "scene/view.h"

#include <stdio.h>
#include <string.h>

static const char *const view_names[SCENE_VIEW_COUNT] = {
    "front",         "top",          "back",         "left", "right", "three-quarter", "closeup-hairline",
    "closeup-crown", "closeup-scar", "closeup-side",
};

const char *scene_view_name(scene_view view)
{
    return view >= 0 && view < SCENE_VIEW_COUNT ? view_names[view] : NULL;
}

int scene_view_index(const char *name)
{
    for (int k = 0; name && k < SCENE_VIEW_COUNT; ++k)
        if (strcmp(name, view_names[k]) == 0) return k;
    return -1;
}

bool scene_view_is_closeup(scene_view view)
{
    return view >= SCENE_VIEW_CLOSEUP_HAIRLINE;
}

void scene_view_names(char *buffer, size_t size)
{
    size_t used = 0;
    if (size) buffer[0] = '\0';
    for (int k = 0; k < SCENE_VIEW_COUNT && used < size; ++k)
        used += (size_t)snprintf(buffer + used, size - used, "%s%s", k ? ", " : "", view_names[k]);
}
