/* render's boxes around parts of a point set, for the screen rectangle of what a frame draws (passes.c,
 * render_scene_screen_rect); never included outside src/render/. */
#ifndef SMP_RENDER_BOXES_H
#define SMP_RENDER_BOXES_H

/* Boxes around parts of a point set (the head's vertices, the hair): the set's bounds cut into a grid of
 * RENDER_BOXES_GRID cells a side, each holding the bounds of the points that fall in it (lo > hi: none). The
 * screen rectangle of the set is the one around their corners' images (render_scene_screen_rect), far
 * tighter than its one box's in a slanted view. */
#define RENDER_BOXES_GRID 8
#define RENDER_BOXES_CELLS (RENDER_BOXES_GRID * RENDER_BOXES_GRID * RENDER_BOXES_GRID)
typedef struct render_boxes {
    float lo[3], hi[3]; /* the grid's extent */
    float cell_lo[RENDER_BOXES_CELLS][3], cell_hi[RENDER_BOXES_CELLS][3];
} render_boxes;
/* Empties b over the extent lo..hi (mm), into which the points then added fall. */
void render_boxes_init(render_boxes *b, const float lo[3], const float hi[3]);
/* Grows the cell of p (clamped to the grid) to hold the ball of radius r_mm around p. */
void render_boxes_add(render_boxes *b, const float p[3], float r_mm);

#endif
