#include "ui/history.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One plan of the history and the step that led to it (the earliest plan has no step). */
typedef struct history_state {
    plan plan;
    char description[HISTORY_DESCRIPTION_MAX];
    /* Kept to rebuild the description when a gesture goes on, and to know which pushes coalesce. */
    char what[48];
    char unit[24];
    bool has_values;
    double from, to;
    char coalesce_key[64];
    uint32_t gesture;
} history_state;

/* A ring of capacity + 1 plans: state(0) is the earliest that undo reaches, state(count - 1) the latest
 * that redo reaches, state(cursor) the current one. */
struct history {
    history_state *ring;
    int slots; /* capacity + 1 */
    int first; /* ring index of state(0) */
    int count; /* plans held, >= 1 */
    int cursor;
    bool open; /* the latest step may still take pushes of its gesture */
};

static history_state *state_at(const history *h, int i)
{
    return &h->ring[(h->first + i) % h->slots];
}

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void describe(history_state *s)
{
    if (!s->has_values) {
        copy_text(s->description, sizeof s->description, s->what);
        return;
    }
    snprintf(s->description, sizeof s->description, "%s %g -> %g%s%s", s->what, s->from, s->to,
             s->unit[0] ? " " : "", s->unit);
}

smp_status history_create(history **out, const plan *initial, int capacity, smp_error *err)
{
    assert(capacity >= 1);
    *out = NULL;
    history *h = calloc(1, sizeof *h);
    if (!h) return smp_error_set(err, SMP_ERR_NOMEM, "history: out of memory");
    h->slots = capacity + 1;
    h->ring = calloc((size_t)h->slots, sizeof *h->ring);
    if (!h->ring) {
        free(h);
        return smp_error_set(err, SMP_ERR_NOMEM, "history: out of memory for %d steps of %zu bytes", capacity,
                             sizeof(history_state));
    }
    history_reset(h, initial);
    *out = h;
    return SMP_OK;
}

void history_destroy(history *h)
{
    if (!h) return;
    free(h->ring);
    free(h);
}

/* The latest step takes p when the push continues its gesture. */
static bool coalesces(const history *h, const history_edit *edit)
{
    if (!h->open || h->cursor == 0 || h->cursor != h->count - 1) return false;
    if (!edit || !edit->coalesce_key || !edit->coalesce_key[0] || edit->gesture == 0) return false;
    const history_state *top = state_at(h, h->cursor);
    return top->gesture == edit->gesture &&
           strncmp(top->coalesce_key, edit->coalesce_key, sizeof top->coalesce_key - 1) == 0;
}

bool history_push(history *h, const plan *p, const history_edit *edit)
{
    if (plan_equal(p, &state_at(h, h->cursor)->plan)) return false;
    if (coalesces(h, edit)) {
        history_state *top = state_at(h, h->cursor);
        if (plan_equal(p, &state_at(h, h->cursor - 1)->plan)) {
            /* The gesture came back to where it started: nothing is left to undo. */
            --h->cursor;
            --h->count;
            h->open = false;
            return true;
        }
        top->plan = *p;
        top->to = edit->to;
        describe(top);
        return true;
    }
    h->count = h->cursor + 1; /* the redo branch goes */
    if (h->count == h->slots) {
        h->first = (h->first + 1) % h->slots;
        --h->count;
        --h->cursor;
    }
    history_state *s = state_at(h, h->count);
    memset(s, 0, sizeof *s);
    s->plan = *p;
    copy_text(s->what, sizeof s->what, edit && edit->what ? edit->what : "edit");
    if (edit) {
        s->has_values = edit->has_values;
        s->from = edit->from;
        s->to = edit->to;
        copy_text(s->unit, sizeof s->unit, edit->unit);
        copy_text(s->coalesce_key, sizeof s->coalesce_key, edit->coalesce_key);
        s->gesture = edit->gesture;
    }
    describe(s);
    h->cursor = h->count;
    ++h->count;
    h->open = true;
    return true;
}

bool history_undo(history *h, plan *out)
{
    if (h->cursor == 0) return false;
    --h->cursor;
    h->open = false;
    *out = state_at(h, h->cursor)->plan;
    return true;
}

bool history_redo(history *h, plan *out)
{
    if (h->cursor == h->count - 1) return false;
    ++h->cursor;
    h->open = false;
    *out = state_at(h, h->cursor)->plan;
    return true;
}

bool history_can_undo(const history *h)
{
    return h->cursor > 0;
}

bool history_can_redo(const history *h)
{
    return h->cursor < h->count - 1;
}

const char *history_undo_description(const history *h)
{
    return h->cursor > 0 ? state_at(h, h->cursor)->description : NULL;
}

const char *history_redo_description(const history *h)
{
    return h->cursor < h->count - 1 ? state_at(h, h->cursor + 1)->description : NULL;
}

const plan *history_current(const history *h)
{
    return &state_at(h, h->cursor)->plan;
}

int history_undo_count(const history *h)
{
    return h->cursor;
}

int history_redo_count(const history *h)
{
    return h->count - 1 - h->cursor;
}

void history_clear(history *h)
{
    h->first = (h->first + h->cursor) % h->slots;
    h->count = 1;
    h->cursor = 0;
    h->open = false;
    /* The earliest plan has no step of its own. */
    history_state *s = state_at(h, 0);
    plan keep = s->plan;
    memset(s, 0, sizeof *s);
    s->plan = keep;
}

void history_reset(history *h, const plan *p)
{
    h->first = 0;
    h->count = 1;
    h->cursor = 0;
    h->open = false;
    memset(&h->ring[0], 0, sizeof h->ring[0]);
    h->ring[0].plan = *p;
}
