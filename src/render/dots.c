/* The pigment: each dot's look from the optics tables and its layer's ageing, and the chart-space density
 * texture the far path reads (splatted from the looks, or summed from per-layer textures while the time
 * moves on the interactive path). */
#include "render/render_internal.h"

/* One dot's look in the form of dots.glsl: the deposit that ageing/ says the dot is now, turned into density
 * terms by optics/deposit; the layer's redness rides along in the first texel's w for the splat. Returns the
 * reach in mm of its sharp term (the close-up path's, which reads the wide one from the halo texture), and
 * the whole dot's in *reach_all when it is not NULL. */
static float dot_look_terms(const optics_table *t, int type, const pigment_dot *d,
                            const ageing_layer_state *layer, float out[LOOK_FLOATS], float *reach_all)
{
    memset(out, 0, sizeof(float) * LOOK_FLOATS);
    optics_deposit dep;
    ageing_dot_deposit(layer, d->diameter_mm, d->depth_mm, d->ink, d->fade_rate, &dep);
    optics_dot_terms terms;
    optics_deposit_terms(t, type, &dep, &terms);
    for (int c = 0; c < 3; ++c)
        for (int k = 0; k < 2; ++k) {
            out[8 * k + c] = (float)terms.amplitude[c][k];
            out[8 * k + 4 + c] = (float)terms.variance_mm2[c][k];
        }
    out[3] = layer->present ? (float)layer->redness : 0.0f;
    if (reach_all) *reach_all = (float)terms.reach_mm;
    return (float)terms.term_reach_mm[0];
}

/* Field by field (a struct's padding bytes are not comparable). */
static bool layers_equal(const ageing_layer_state *a, const ageing_layer_state *b)
{
    for (int i = 0; i < AGEING_MAX_LAYERS; ++i) {
        const ageing_layer_state *x = &a[i], *y = &b[i];
        if (x->present != y->present || x->age_days != y->age_days || x->hazard != y->hazard ||
            x->veil != y->veil || x->surface_ink != y->surface_ink || x->fresh_width != y->fresh_width ||
            x->spread_mm2 != y->spread_mm2 || x->sink_mm != y->sink_mm || x->redness != y->redness ||
            x->swelling != y->swelling)
            return false;
    }
    return true;
}

/* Whether the dots' looks for b would differ from those for a by less than about 1 % of a dot's contrast or
 * size: what the interactive path lets pass while the time is scrubbed (the full-quality frame that follows
 * recomputes them exactly). */
static bool layers_close(const ageing_layer_state *a, const ageing_layer_state *b)
{
    for (int i = 0; i < AGEING_MAX_LAYERS; ++i) {
        const ageing_layer_state *x = &a[i], *y = &b[i];
        if (x->present != y->present || fabs(x->hazard - y->hazard) > 0.01 ||
            fabs(x->veil - y->veil) > 0.01 || fabs(x->surface_ink - y->surface_ink) > 0.01 ||
            fabs(x->fresh_width - y->fresh_width) > 0.01 || fabs(x->spread_mm2 - y->spread_mm2) > 0.0005 ||
            fabs(x->sink_mm - y->sink_mm) > 0.002 || fabs(x->redness - y->redness) > 0.01 ||
            fabs(x->swelling - y->swelling) > 0.01)
            return false;
    }
    return true;
}

float render_nearest_pixel_mm(const render_context *rc, const render_frame *f)
{
    float radius = 0.0f, dist = 0.0f;
    for (int k = 0; k < 3; ++k) {
        float c = 0.5f * (rc->bounds_min[k] + rc->bounds_max[k]), e = f->eye_mm[k] - c;
        radius += 0.25f * (rc->bounds_max[k] - rc->bounds_min[k]) * (rc->bounds_max[k] - rc->bounds_min[k]);
        dist += e * e;
    }
    float near_mm = fmaxf(sqrtf(dist) - sqrtf(radius), 10.0f);
    return f->proj[1][1] > 0.0f ? 2.0f * near_mm / (f->proj[1][1] * (float)f->height) : 0.0f;
}

/* One dot in LAYER_INK_STRIDE of each layer (in its order) stands for the layer's ink (layer_ink). */
#define LAYER_INK_STRIDE 16

/* The ink (the integral of the density, sum of a_k 2 pi v_k, without the 2 pi) of a dot with look look. */
static void look_ink_add(const float *look, double ink[3])
{
    for (int c = 0; c < 3; ++c)
        ink[c] += look[c] * look[4 + c] + look[8 + c] * look[12 + c];
}

/* The interactive path while the time moves, with every pixel too coarse for the close-up path (mesh.frag
 * evaluates dots one by one where the pixel's footprint sigma, half its size, is under LOD_FAR_MM): only
 * the layers' ink and redness follow the time (render_coverage_from_layers scales the layers' textures by
 * them), from every LAYER_INK_STRIDE-th dot of each layer; the dots' own looks wait for the full-quality
 * frame. A sixteenth of the work of render_dot_looks_update, which took about 10 ms a frame for the built-in
 * plan. */
static bool layer_inks_update(render_context *rc, const render_frame *f, const ageing_layer_state *state)
{
    render_frame scene = *f;
    scene.height = (int)ceilf((float)f->height * render_frame_interactive_scale(f));
    if (!f->interactive || !f->optics || 0.5f * render_nearest_pixel_mm(rc, &scene) < LOD_FAR_MM)
        return false;
    if (rc->inks_valid && layers_equal(state, rc->inks_layers)) return true;
    /* A layer that shows now but had no ink or no redness in the looks cannot be scaled from them. */
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l) {
        const double *ink = rc->looks_ink[l];
        if ((state[l].present && ink[0] + ink[1] + ink[2] <= 0.0 && rc->layer_count[l] > 0) ||
            (state[l].present && state[l].redness > 0.0 && rc->looks_redness[l] <= 0.0))
            return false;
    }
    memset(rc->layer_ink, 0, sizeof rc->layer_ink);
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l) {
        rc->layer_redness[l] = state[l].present ? state[l].redness : 0.0;
        for (int i = 0; i < rc->layer_count[l]; i += LAYER_INK_STRIDE) {
            float look[LOOK_FLOATS];
            dot_look_terms(f->optics, f->fitzpatrick, &rc->dots[rc->layer_first[l] + i], &state[l], look,
                           NULL);
            look_ink_add(look, rc->layer_ink[l]);
        }
    }
    memcpy(rc->inks_layers, state, sizeof rc->inks_layers);
    rc->inks_valid = true;
    rc->coverage_valid = false;
    rc->ink_updates++;
    return true;
}

/* Dots begin..end-1 of the looks' update (looks_compute), those chosen (all without a choice): each one's
 * look and its sharp and whole terms' reaches (rc->reaches_mm, rc->whole_reaches_mm); nothing shared is
 * written. */
typedef struct looks_job {
    render_context *rc;
    const render_frame *f;
    const ageing_layer_state *state;
    const uint8_t *chosen;
} looks_job;

static void looks_range(void *ctx, int begin, int end)
{
    looks_job *job = ctx;
    render_context *rc = job->rc;
    const render_frame *f = job->f;
    for (int i = begin; i < end; ++i) {
        if (job->chosen && !job->chosen[i]) continue;
        const pigment_dot *d = &rc->dots[i];
        float reach = 0.0f, *look = rc->looks + LOOK_FLOATS * (size_t)i;
        rc->whole_reaches_mm[i] = 0.0f;
        if (f->optics)
            reach = dot_look_terms(f->optics, f->fitzpatrick, d, &job->state[render_dot_layer(d)], look,
                                   &rc->whole_reaches_mm[i]);
        else
            memset(look, 0, sizeof(float) * LOOK_FLOATS);
        rc->reaches_mm[i] = reach;
    }
}

/* Whether dot i stands for its layer's ink (layer_ink, looks_halo_ink). */
static bool look_stands_for_layer(const render_context *rc, size_t i)
{
    int layer = render_dot_layer(&rc->dots[i]);
    return (i - (size_t)rc->layer_first[layer]) % LAYER_INK_STRIDE == 0;
}

/* What an update of the looks computes: every dot; the dots frame f may show and those that stand for their
 * layer's ink, at a new ageing state; or, at the same state, the dots f may show whose look is older. */
typedef enum looks_mode { LOOKS_ALL, LOOKS_IN_VIEW, LOOKS_CATCH_UP } looks_mode;

/* Marks in chosen the dots whose look is older than the latest update and which frame f may show (the ball of
 * their whole reach, with room for it to grow by 15 % and a millimetre, meets the frustum) or, at a new
 * state (catch_up false), that stand for their layer's ink; returns how many. */
static int looks_choose(const render_context *rc, const render_frame *f, bool catch_up, uint8_t *chosen)
{
    mat4 vp;
    vec4 planes[6];
    glm_mat4_mul((vec4 *)f->proj, (vec4 *)f->view, vp);
    glm_frustum_planes(vp, planes);
    int count = 0;
    for (int i = 0; i < rc->dot_count; ++i) {
        chosen[i] = 0;
        if (rc->look_epoch[i] == rc->looks_epoch) continue;
        bool pick = !catch_up && look_stands_for_layer(rc, (size_t)i);
        const float *p = rc->dots[i].position_mm;
        float r = 1.15f * rc->whole_reaches_mm[i] + 1.0f;
        for (int k = 0; k < 6 && !pick; ++k) {
            if (planes[k][0] * p[0] + planes[k][1] * p[1] + planes[k][2] * p[2] + planes[k][3] < -r) break;
            pick = k == 5;
        }
        chosen[i] = pick;
        count += pick;
    }
    return count;
}

/* Computes the looks mode asks for at state, uploads the looks and the positions with their reach, and
 * rebuilds the close-up grid if a dot outgrew it. */
static smp_status looks_compute(render_context *rc, const render_frame *f, const ageing_layer_state *state,
                                looks_mode mode, smp_error *err)
{
    size_t n = (size_t)rc->dot_count;
    if (mode != LOOKS_CATCH_UP) rc->looks_epoch++;
    uint8_t *chosen = NULL;
    int count = (int)n;
    if (mode != LOOKS_ALL) {
        chosen = malloc(n ? n : 1);
        if (!chosen) return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory updating dot looks");
        count = looks_choose(rc, f, mode == LOOKS_CATCH_UP, chosen);
    }
    rc->looks_computed = count;
    if (mode == LOOKS_CATCH_UP && count == 0) {
        free(chosen);
        return SMP_OK;
    }
    /* Per dot: the position with its sharp term's reach (4 floats). */
    float *positions = malloc(sizeof(float) * 4 * (n ? n : 1));
    if (!positions) {
        free(chosen);
        return smp_error_set(err, SMP_ERR_NOMEM, "render: out of memory updating dot looks");
    }
    looks_job job = {rc, f, state, chosen};
    smp_parallel_for((int)n, looks_range, &job);
    /* The sums in the dots' order, as one thread would make them. */
    float max_reach = 0.0f;
    bool outgrown = !rc->looks_valid;
    if (mode != LOOKS_CATCH_UP) {
        memset(rc->layer_ink, 0, sizeof rc->layer_ink);
        for (int l = 0; l < AGEING_MAX_LAYERS; ++l)
            rc->layer_redness[l] = state[l].present ? state[l].redness : 0.0;
        memset(rc->looks_halo_ink, 0, sizeof rc->looks_halo_ink);
    }
    for (size_t i = 0; i < n; ++i) {
        const float *look = rc->looks + LOOK_FLOATS * i;
        if (mode != LOOKS_CATCH_UP && look_stands_for_layer(rc, i)) {
            look_ink_add(look, rc->layer_ink[render_dot_layer(&rc->dots[i])]);
            for (int c = 0; c < 3; ++c)
                rc->looks_halo_ink[c] += (double)look[8 + c] * look[12 + c];
        }
        if (!chosen || chosen[i]) {
            rc->look_epoch[i] = rc->looks_epoch;
            outgrown = outgrown || rc->reaches_mm[i] > rc->grid_reaches_mm[i];
        }
        max_reach = fmaxf(max_reach, rc->whole_reaches_mm[i]);
        memcpy(positions + 4 * i, rc->dots[i].position_mm, 3 * sizeof(float));
        positions[4 * i + 3] = rc->reaches_mm[i];
    }
    free(chosen);
    glBindBuffer(GL_ARRAY_BUFFER, rc->looks_buf);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(float) * LOOK_FLOATS * (n ? n : 1)), rc->looks,
                 GL_DYNAMIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, rc->looks_tex);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RGBA32F, rc->looks_buf);
    glBindBuffer(GL_TEXTURE_BUFFER, rc->dots_tbo_buf);
    glBufferData(GL_TEXTURE_BUFFER, (GLsizeiptr)(sizeof(float) * 4 * (n ? n : 1)), positions,
                 GL_DYNAMIC_DRAW);
    glBindTexture(GL_TEXTURE_BUFFER, rc->dots_tbo_tex);
    glTexBuffer(GL_TEXTURE_BUFFER, GL_RGBA32F, rc->dots_tbo_buf);
    free(positions);
    rc->max_reach_mm = max_reach;
    if (mode == LOOKS_ALL) rc->looks_partial = false;
    if (mode == LOOKS_IN_VIEW) rc->looks_partial = count < (int)n;
    if (mode != LOOKS_CATCH_UP) {
        memcpy(rc->looks_layers, state, sizeof rc->looks_layers);
        memcpy(rc->looks_ink, rc->layer_ink, sizeof rc->looks_ink);
        memcpy(rc->looks_redness, rc->layer_redness, sizeof rc->looks_redness);
        memcpy(rc->inks_layers, state, sizeof rc->inks_layers);
        rc->inks_valid = true;
        rc->looks_table = f->optics;
        rc->looks_type = f->fitzpatrick;
        rc->looks_valid = true;
        rc->coverage_valid = false;
        rc->look_updates++;
    }
    /* Rebuild the cell lists only when a dot outgrew the reach it was listed with (never to shrink); on the
     * interactive path not before the full-quality frame (a rebuild of the built-in plan's 420,000 entries
     * costs several frames' time there): meanwhile a dot's sharp term is cut at 1.15 times the reach it was
     * listed with, 3.45 of its former sigmas, where it is under 1 % of its peak as it spreads. */
    rc->grid_outgrown = rc->grid_outgrown || outgrown;
    return rc->grid_outgrown && !f->interactive ? render_grid_build(rc, err) : SMP_OK;
}

/* Recomputes the dots' looks when the table, the skin type or the ageing state changed. On the interactive
 * path with the time moving, the far path scales the layers' ink (layer_inks_update); close up, only the
 * looks of the dots the frame may show change (and those that stand for their layer's ink, for the layers'
 * and the halos' scale), about 2,000 of the built-in plan's 30,340 in the crown's close-up, and the dots that
 * come into view later catch up; the full-quality frame recomputes every one. */
smp_status render_dot_looks_update(render_context *rc, const render_frame *f, smp_error *err)
{
    ageing_layer_state state[AGEING_MAX_LAYERS];
    memset(state, 0, sizeof state); /* layers the frame does not give: absent, no ink */
    for (int i = 0; i < f->layer_count && i < AGEING_MAX_LAYERS; ++i)
        state[i] = f->layers[i];
    rc->looks_computed = 0;
    bool same = rc->looks_valid && rc->looks_table == f->optics && rc->looks_type == f->fitzpatrick;
    if (same && (layers_equal(state, rc->looks_layers) ||
                 (f->interactive && layers_close(state, rc->looks_layers)))) {
        /* Back at the looks' own time after layer_inks_update followed another: the layers' ink is the looks'
         * again (else the density texture would keep the other time's). */
        if (!layers_equal(rc->inks_layers, rc->looks_layers)) {
            memcpy(rc->layer_ink, rc->looks_ink, sizeof rc->layer_ink);
            memcpy(rc->layer_redness, rc->looks_redness, sizeof rc->layer_redness);
            memcpy(rc->inks_layers, rc->looks_layers, sizeof rc->inks_layers);
            rc->coverage_valid = false;
        }
        if (rc->grid_outgrown && !f->interactive && !rc->looks_partial) return render_grid_build(rc, err);
        if (!rc->looks_partial) return SMP_OK;
        if (f->interactive) return looks_compute(rc, f, rc->looks_layers, LOOKS_CATCH_UP, err);
        return looks_compute(rc, f, rc->looks_layers, LOOKS_ALL, err);
    }
    if (same && rc->layers_slices > 0 && layer_inks_update(rc, f, state)) return SMP_OK;
    return looks_compute(rc, f, state, f->interactive && same ? LOOKS_IN_VIEW : LOOKS_ALL, err);
}

/* Points the splat's instance attributes at dot first: the chart position and Jacobian (attributes 1, 2) and
 * the looks (3..6). GL 3.3 has no base instance, so a draw of a range of the dots moves the pointers. */
void render_splat_instances_from(render_context *rc, int first)
{
    glBindBuffer(GL_ARRAY_BUFFER, rc->splat_instance_vbo);
    render_float_attribs(1, (const int[]){2, 4}, 2, 6, 6 * (size_t)first, 1);
    /* The looks buffer doubles as instance data for the splat and as a texel buffer for shading. */
    glBindBuffer(GL_ARRAY_BUFFER, rc->looks_buf);
    render_float_attribs(3, (const int[]){4, 4, 4, 4}, 4, LOOK_FLOATS, LOOK_FLOATS * (size_t)first, 1);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
}

static const float all_terms[3] = {1.0f, 1.0f, 1.0f};

/* Dots per draw of a splat, with a flush between draws: a software rasteriser (llvmpipe) bins a whole draw
 * before it rasterises it, and one draw of the built-in plan's 30,340 dots into the halo texture held about
 * 50 MB of bins at the frame's peak. */
#define SPLAT_BATCH 4096

/* Splats dots first .. first + count - 1 into the bound target of cs x cs texels (additively): their sharp
 * terms times terms[0], their wide terms times terms[1] and their redness (alpha) times terms[2]. */
static void splat_dots(render_context *rc, int first, int count, int cs, const float flare[2],
                       const float terms[3])
{
    if (count <= 0) return;
    glDisable(GL_DEPTH_TEST);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE);
    glUseProgram(rc->prog_splat);
    /* A texel is a box of side mm_per_texel; its Gaussian equivalent has sigma = side / sqrt(12). */
    glUniform1f(uloc(rc->prog_splat, "u_texel_sigma_mm"), rc->chart_mm_per_uv / (float)cs / sqrtf(12.0f));
    glUniform1f(uloc(rc->prog_splat, "u_flare_sigma_mm"), flare[0]);
    glUniform1f(uloc(rc->prog_splat, "u_flare_area_mm2"), flare[1]);
    glUniform3fv(uloc(rc->prog_splat, "u_terms"), 1, terms);
    glBindVertexArray(rc->splat_vao);
    for (int done = 0; done < count; done += SPLAT_BATCH) {
        if (first + done != 0) render_splat_instances_from(rc, first + done);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4,
                              count - done < SPLAT_BATCH ? count - done : SPLAT_BATCH);
        if (rc->software) glFlush();
    }
    if (first != 0 || count > SPLAT_BATCH) render_splat_instances_from(rc, 0);
    glBindVertexArray(0);
    glDisable(GL_BLEND);
}

/* The interactive path's density while the time moves: each layer's texture is splatted when it is missing
 * (the first frame of a drag, or a layer that has just come to be), then the textures are summed, each
 * scaled by the ink and the redness its layer has now against then (layers.frag), into the chart texture's
 * level LAYERS_LEVEL. Costs one splat on the first frame and a pass over 256 x 256 texels on the others,
 * where a splat of every dot each frame cost about 50 ms on llvmpipe (docs/benchmarks.md). The dots keep the
 * size they had when their layer was splatted: the full-quality frame after the drag splats them anew. */
/* Slices summed by one draw of layers.frag (its constant loop). */
#define LAYERS_PER_DRAW 4

void render_coverage_from_layers(render_context *rc, const float flare[2])
{
    int cs = rc->desc.coverage_size >> LAYERS_LEVEL;
    if (flare[0] != rc->layers_flare[0] || flare[1] != rc->layers_flare[1])
        memset(rc->layers_valid, 0, sizeof rc->layers_valid);
    memcpy(rc->layers_flare, flare, sizeof rc->layers_flare);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->layers_fbo);
    glViewport(0, 0, cs, cs);
    float scale[AGEING_MAX_LAYERS][4];
    memset(scale, 0, sizeof scale);
    for (int l = 0; l < AGEING_MAX_LAYERS; ++l) {
        int slice = rc->layers_slice[l];
        if (slice < 0) continue;
        const double *ink = rc->layer_ink[l], *then = rc->layers_ink[l];
        bool inked = ink[0] + ink[1] + ink[2] > 0.0, red = rc->layer_redness[l] > 0.0;
        if (!inked && !red) continue; /* nothing of the layer shows now */
        if (!rc->layers_valid[l] || (inked && then[0] + then[1] + then[2] <= 0.0) ||
            (red && rc->layers_redness[l] <= 0.0)) {
            glFramebufferTextureLayer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, rc->layers_tex, 0, slice);
            glClearBufferfv(GL_COLOR, 0, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
            splat_dots(rc, rc->layer_first[l], rc->layer_count[l], cs, flare, all_terms);
            /* the looks splatted are those of the last render_dot_looks_update, maybe older than layer_ink */
            memcpy(rc->layers_ink[l], rc->looks_ink[l], sizeof rc->layers_ink[l]);
            rc->layers_redness[l] = rc->looks_redness[l];
            rc->layers_valid[l] = true;
            rc->layer_splats++;
        }
        for (int c = 0; c < 3; ++c)
            scale[slice][c] = then[c] > 0.0 ? (float)(ink[c] / then[c]) : 0.0f;
        scale[slice][3] =
            rc->layers_redness[l] > 0.0 ? (float)(rc->layer_redness[l] / rc->layers_redness[l]) : 0.0f;
    }
    rc->layer_sums++;
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, LAYERS_LEVEL);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->coverage_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->coverage_tex,
                           LAYERS_LEVEL);
    glDisable(GL_DEPTH_TEST);
    glUseProgram(rc->prog_layers);
    glUniform1i(uloc(rc->prog_layers, "u_count"), rc->layers_slices);
    glActiveTexture(GL_TEXTURE0 + UNIT_LAYERS);
    glBindTexture(GL_TEXTURE_2D_ARRAY, rc->layers_tex);
    glBindVertexArray(rc->empty_vao);
    /* Four slices a draw (layers.frag's LAYERS_PER_DRAW), the draws after the first added. */
    glBlendFunc(GL_ONE, GL_ONE);
    for (int first = 0; first < rc->layers_slices; first += LAYERS_PER_DRAW) {
        float part[LAYERS_PER_DRAW][4] = {{0.0f}};
        for (int i = 0; i < LAYERS_PER_DRAW && first + i < rc->layers_slices; ++i)
            memcpy(part[i], scale[first + i], sizeof part[i]);
        glUniform1i(uloc(rc->prog_layers, "u_first"), first);
        glUniform4fv(uloc(rc->prog_layers, "u_scale"), LAYERS_PER_DRAW, &part[0][0]);
        if (first > 0) glEnable(GL_BLEND);
        glDrawArrays(GL_TRIANGLES, 0, 3);
    }
    glDisable(GL_BLEND);
    glBindVertexArray(0);
    glBindTexture(GL_TEXTURE_2D_ARRAY, 0);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glGenerateMipmap(GL_TEXTURE_2D);
}

void render_coverage_update(render_context *rc, const render_frame *f)
{
    float flare[2] = {f->flare_sigma_mm > 0.0f ? f->flare_sigma_mm : 1.0f, f->flare_area_mm2};
    /* The interactive path sums the layers' textures at level LAYERS_LEVEL (render_coverage_from_layers) or,
     * without them, splats into mip level 1 or 2 (a quarter or a sixteenth of the texels: the splat's cost),
     * the coarsest whose texels are at most half a pixel at the head's nearest point, and reads from there;
     * the full-quality frame after it splats level 0 again. */
    int level = 0;
    bool layers = f->interactive && rc->layers_slices > 0;
    if (layers) {
        level = LAYERS_LEVEL;
    } else if (f->interactive) {
        float texel_mm = rc->chart_mm_per_uv / (float)rc->desc.coverage_size;
        float px_mm = render_nearest_pixel_mm(rc, f);
        level = 1;
        while (level < 2 && texel_mm * (float)(2 << level) <= 0.5f * px_mm)
            ++level;
    }
    if (rc->coverage_valid && flare[0] == rc->coverage_flare[0] && flare[1] == rc->coverage_flare[1] &&
        rc->coverage_level <= level)
        return;
    memcpy(rc->coverage_flare, flare, sizeof flare);
    rc->coverage_valid = true;
    rc->coverage_level = level;
    if (layers) {
        render_coverage_from_layers(rc, flare);
        return;
    }
    rc->resplats++;
    /* A full-quality splat is the new time the next drag's layer textures start from. */
    if (!f->interactive) memset(rc->layers_valid, 0, sizeof rc->layers_valid);
    int cs = rc->desc.coverage_size >> level;
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, level);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->coverage_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->coverage_tex, level);
    glViewport(0, 0, cs, cs);
    glClearColor(0.0f, 0.0f, 0.0f, 0.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    splat_dots(rc, 0, rc->dot_count, cs, flare, all_terms);
    glBindTexture(GL_TEXTURE_2D, rc->coverage_tex);
    glGenerateMipmap(GL_TEXTURE_2D);
}

void render_halo_update(render_context *rc, const render_frame *f)
{
    /* The interactive path splats level 1 (a quarter of the texels); the full-quality frame after it level 0.
     * While the time moves there, the halos splatted at another time are scaled instead (halo_ink). */
    int level = f->interactive ? 1 : 0;
    if (rc->halo_looks == rc->look_updates && rc->halo_level <= level) return;
    if (f->interactive && rc->halo_looks >= 0) {
        for (int c = 0; c < 3; ++c)
            rc->halo_scale[c] =
                rc->halo_ink[c] > 0.0 ? (float)(rc->looks_halo_ink[c] / rc->halo_ink[c]) : 1.0f;
        return;
    }
    /* Every pixel too coarse for the close-up path (as layer_inks_update measures it): not needed yet. */
    render_frame scene = *f;
    if (f->interactive) scene.height = (int)ceilf((float)f->height * render_frame_interactive_scale(f));
    if (0.5f * render_nearest_pixel_mm(rc, &scene) >= LOD_FAR_MM) return;
    rc->halo_looks = rc->look_updates;
    rc->halo_level = level;
    rc->halo_splats++;
    memcpy(rc->halo_ink, rc->looks_halo_ink, sizeof rc->halo_ink);
    for (int c = 0; c < 3; ++c)
        rc->halo_scale[c] = 1.0f;
    int size = HALO_SIZE >> level;
    glBindTexture(GL_TEXTURE_2D, rc->halo_tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_BASE_LEVEL, level);
    glBindFramebuffer(GL_FRAMEBUFFER, rc->halo_fbo);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, rc->halo_tex, level);
    glViewport(0, 0, size, size);
    glClearBufferfv(GL_COLOR, 0, (const float[4]){0.0f, 0.0f, 0.0f, 0.0f});
    static const float wide[3] = {0.0f, 1.0f, 0.0f};
    const float no_flare[2] = {1.0f, 0.0f};
    splat_dots(rc, 0, rc->dot_count, size, no_flare, wide);
}
