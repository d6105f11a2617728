#include "ui/ui.h"

#include <SDL2/SDL.h>
#include <stdlib.h>

struct ui_gl {
    SDL_Window *window;
    SDL_GLContext context;
};

bool ui_display_available(void)
{
    const char *x = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    return (x && x[0]) || (w && w[0]);
}

smp_status ui_gl_create(ui_gl **out, bool visible, int width, int height, const char *title, smp_error *err)
{
    *out = NULL;
    /* Headless: ask for SDL's offscreen driver explicitly (EGL, surfaceless), whatever the environment. */
    if (!visible) SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return smp_error_set(err, SMP_ERR_UNAVAILABLE, "no %s video: %s", visible ? "windowed" : "offscreen",
                             SDL_GetError());
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    Uint32 flags =
        SDL_WINDOW_OPENGL | (visible ? SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI : SDL_WINDOW_HIDDEN);
    ui_gl *gl = calloc(1, sizeof *gl);
    if (!gl) return smp_error_set(err, SMP_ERR_NOMEM, "out of memory");
    gl->window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, visible ? width : 64,
                                  visible ? height : 64, flags);
    if (!gl->window) goto fail;
    gl->context = SDL_GL_CreateContext(gl->window);
    if (!gl->context) goto fail;
    SDL_GL_MakeCurrent(gl->window, gl->context);
    if (visible && SDL_GL_SetSwapInterval(-1) != 0)
        SDL_GL_SetSwapInterval(1); /* adaptive, else plain vsync */
    *out = gl;
    return SMP_OK;
fail:;
    smp_status st = smp_error_set(err, SMP_ERR_UNAVAILABLE, "no OpenGL 3.3 core context (%s video): %s",
                                  visible ? "windowed" : "offscreen", SDL_GetError());
    ui_gl_destroy(gl);
    return st;
}

void ui_gl_destroy(ui_gl *gl)
{
    if (!gl) return;
    if (gl->context) SDL_GL_DeleteContext(gl->context);
    if (gl->window) SDL_DestroyWindow(gl->window);
    free(gl);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    SDL_Quit();
}

void ui_gl_swap(ui_gl *gl)
{
    SDL_GL_SwapWindow(gl->window);
}

void ui_gl_drawable_size(const ui_gl *gl, int *width, int *height)
{
    SDL_GL_GetDrawableSize(gl->window, width, height);
}

void *ui_gl_window(const ui_gl *gl)
{
    return gl->window;
}
