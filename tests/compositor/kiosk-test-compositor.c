/* kiosk-test-compositor.c: a headless Wayland compositor for tests, so that a test can give the
 * kiosk real touches, as the terminal's touch screen does under cage (wlroots too). No GPU, no
 * input device, no seat: wlroots 0.15's headless backend and pixman renderer.
 *
 * It shows every toplevel at 0,0 the size of its screen, gives it the keyboard focus, and reads
 * commands on its standard input, one per line, delivered as real wl_touch, wl_pointer and
 * wl_keyboard events (each answered "ok VERB" on standard output):
 *   touch X Y        a tap: down, frame, up, frame
 *   down X Y / move X Y / up
 *   click X Y        a left click with the pointer
 *   key CODE         a key pressed and released (evdev code: 15 = Tab, 30 = a)
 * X and Y are in the screen's (logical) pixels. It stops when its standard input closes.
 *
 * Usage: kiosk-test-compositor [-s WIDTHxHEIGHT] [-- COMMAND ARGS...]
 * It prints "WAYLAND_DISPLAY=wayland-N" once it listens (XDG_RUNTIME_DIR must be set). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <wlr/backend.h>
#include <wlr/backend/headless.h>
#include <wlr/render/allocator.h>
#include <wlr/render/pixman.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_keyboard.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_screencopy_v1.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_output_v1.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include <signal.h>
#include <xkbcommon/xkbcommon.h>

static struct {
  struct wl_display *display;
  struct wlr_backend *backend;
  struct wlr_renderer *renderer;
  struct wlr_allocator *allocator;
  struct wlr_scene *scene;
  struct wlr_output_layout *layout;
  struct wlr_seat *seat;
  struct wlr_input_device *keyboard;
  struct wl_listener new_output, new_xdg_surface;
  int width, height;
  struct wlr_surface *touched;            /* surface of the touch point in progress */
} s;

struct output { struct wlr_output *wlr; struct wl_listener frame; };
struct view { struct wlr_xdg_surface *xdg; struct wl_listener map, destroy; };

static uint32_t now_ms (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void output_frame (struct wl_listener *l, void *data)
{
  struct output *o = wl_container_of (l, o, frame);
  struct wlr_scene_output *so = wlr_scene_get_scene_output (s.scene, o->wlr);
  struct timespec t;
  wlr_scene_output_commit (so);
  clock_gettime (CLOCK_MONOTONIC, &t);
  wlr_scene_output_send_frame_done (so, &t);
}

static void new_output (struct wl_listener *l, void *data)
{
  struct wlr_output *wlr = data;
  struct output *o = calloc (1, sizeof *o);
  o->wlr = wlr;
  wlr_output_init_render (wlr, s.allocator, s.renderer);
  wlr_output_enable (wlr, true);
  wlr_output_commit (wlr);
  o->frame.notify = output_frame;
  wl_signal_add (&wlr->events.frame, &o->frame);
  wlr_output_layout_add_auto (s.layout, wlr);
}

/* The surface (and surface-local coordinates) under layout point x,y. */
static struct wlr_surface *surface_at (double x, double y, double *sx, double *sy)
{
  struct wlr_scene_node *node = wlr_scene_node_at (&s.scene->node, x, y, sx, sy);
  return node && node->type == WLR_SCENE_NODE_SURFACE ? wlr_scene_surface_from_node (node)->surface : NULL;
}

static void focus (struct wlr_surface *surface)
{
  struct wlr_keyboard *kb = s.keyboard->keyboard;
  wlr_seat_keyboard_notify_enter (s.seat, surface, kb->keycodes, kb->num_keycodes, &kb->modifiers);
}

static void view_map (struct wl_listener *l, void *data)
{
  struct view *v = wl_container_of (l, v, map);
  focus (v->xdg->surface);
}

static void view_destroy (struct wl_listener *l, void *data)
{
  struct view *v = wl_container_of (l, v, destroy);
  wl_list_remove (&v->map.link);
  wl_list_remove (&v->destroy.link);
  free (v);
}

static void new_xdg_surface (struct wl_listener *l, void *data)
{
  struct wlr_xdg_surface *xdg = data;
  if (xdg->role == WLR_XDG_SURFACE_ROLE_POPUP)
    {  /* popovers, menus: placed in their parent's scene tree */
      struct wlr_xdg_surface *parent = wlr_xdg_surface_from_wlr_surface (xdg->popup->parent);
      xdg->data = wlr_scene_xdg_surface_create (parent->data, xdg);
      return;
    }
  struct view *v = calloc (1, sizeof *v);
  v->xdg = xdg;
  xdg->data = wlr_scene_xdg_surface_create (&s.scene->node, xdg);
  wlr_xdg_toplevel_set_size (xdg, s.width, s.height);
  wlr_xdg_toplevel_set_activated (xdg, true);
  v->map.notify = view_map;
  wl_signal_add (&xdg->events.map, &v->map);
  v->destroy.notify = view_destroy;
  wl_signal_add (&xdg->events.destroy, &v->destroy);
}

static void command (char *line)
{
  char verb[16] = "";
  double x = 0, y = 0, sx, sy;
  int n = sscanf (line, "%15s %lf %lf", verb, &x, &y);
  uint32_t t = now_ms ();
  struct wlr_surface *surface;

  if (n < 1)
    return;
  if (strcmp (verb, "touch") == 0 || strcmp (verb, "down") == 0)
    {
      if (!(s.touched = surface_at (x, y, &sx, &sy)))
        { printf ("no surface at %g,%g\n", x, y); fflush (stdout); return; }
      wlr_seat_touch_notify_down (s.seat, s.touched, t, 0, sx, sy);
      wlr_seat_touch_notify_frame (s.seat);
      if (strcmp (verb, "down") == 0)
        return;
      verb[0] = 'u'; verb[1] = 'p'; verb[2] = 0;
    }
  if (strcmp (verb, "move") == 0 && s.touched)
    {
      surface_at (x, y, &sx, &sy);
      wlr_seat_touch_notify_motion (s.seat, t, 0, sx, sy);
      wlr_seat_touch_notify_frame (s.seat);
    }
  else if (strcmp (verb, "up") == 0 && s.touched)
    {
      wlr_seat_touch_notify_up (s.seat, now_ms (), 0);
      wlr_seat_touch_notify_frame (s.seat);
      s.touched = NULL;
    }
  else if (strcmp (verb, "click") == 0 && (surface = surface_at (x, y, &sx, &sy)))
    {
      wlr_seat_pointer_notify_enter (s.seat, surface, sx, sy);
      wlr_seat_pointer_notify_motion (s.seat, t, sx, sy);
      wlr_seat_pointer_notify_frame (s.seat);
      wlr_seat_pointer_notify_button (s.seat, t, 0x110 /* BTN_LEFT */, WLR_BUTTON_PRESSED);
      wlr_seat_pointer_notify_frame (s.seat);
      wlr_seat_pointer_notify_button (s.seat, now_ms (), 0x110, WLR_BUTTON_RELEASED);
      wlr_seat_pointer_notify_frame (s.seat);
    }
  else if (strcmp (verb, "key") == 0)
    {
      wlr_seat_keyboard_notify_key (s.seat, t, (uint32_t) x, WL_KEYBOARD_KEY_STATE_PRESSED);
      wlr_seat_keyboard_notify_key (s.seat, now_ms (), (uint32_t) x, WL_KEYBOARD_KEY_STATE_RELEASED);
    }
  printf ("ok %s\n", verb);
  fflush (stdout);
}

static int stdin_readable (int fd, uint32_t mask, void *data)
{
  static char buf[4096];
  static size_t len;
  ssize_t r = read (fd, buf + len, sizeof buf - 1 - len);
  if (r <= 0)
    {
      wl_display_terminate (s.display);
      return 0;
    }
  len += r;
  buf[len] = 0;
  char *start = buf, *nl;
  while ((nl = strchr (start, '\n')))
    {
      *nl = 0;
      command (start);
      start = nl + 1;
    }
  len = strlen (start);
  memmove (buf, start, len);
  return 0;
}

int main (int argc, char **argv)
{
  int argi = 1;
  s.width = 1024, s.height = 768;
  if (argi + 1 < argc && strcmp (argv[argi], "-s") == 0)
    sscanf (argv[argi + 1], "%dx%d", &s.width, &s.height), argi += 2;
  if (argi < argc && strcmp (argv[argi], "--") == 0)
    argi++;
  signal (SIGCHLD, SIG_IGN);   /* the client it starts is reaped */
  wlr_log_init (getenv ("KIOSK_COMPOSITOR_DEBUG") ? WLR_DEBUG : WLR_ERROR, NULL);

  s.display = wl_display_create ();
  s.backend = wlr_headless_backend_create (s.display);
  s.renderer = wlr_pixman_renderer_create ();
  wlr_renderer_init_wl_display (s.renderer, s.display);
  s.allocator = wlr_allocator_autocreate (s.backend, s.renderer);
  wlr_compositor_create (s.display, s.renderer);
  wlr_data_device_manager_create (s.display);
  s.layout = wlr_output_layout_create ();
  wlr_xdg_output_manager_v1_create (s.display, s.layout);
  wlr_screencopy_manager_v1_create (s.display);     /* screenshots with grim */
  s.scene = wlr_scene_create ();
  wlr_scene_attach_output_layout (s.scene, s.layout);
  s.new_output.notify = new_output;
  wl_signal_add (&s.backend->events.new_output, &s.new_output);
  struct wlr_xdg_shell *shell = wlr_xdg_shell_create (s.display);
  s.new_xdg_surface.notify = new_xdg_surface;
  wl_signal_add (&shell->events.new_surface, &s.new_xdg_surface);

  s.seat = wlr_seat_create (s.display, "seat0");
  s.keyboard = wlr_headless_add_input_device (s.backend, WLR_INPUT_DEVICE_KEYBOARD);
  struct xkb_context *ctx = xkb_context_new (XKB_CONTEXT_NO_FLAGS);
  struct xkb_keymap *keymap = xkb_keymap_new_from_names (ctx, NULL, XKB_KEYMAP_COMPILE_NO_FLAGS);
  wlr_keyboard_set_keymap (s.keyboard->keyboard, keymap);
  wlr_seat_set_keyboard (s.seat, s.keyboard);
  wlr_seat_set_capabilities (s.seat, WL_SEAT_CAPABILITY_TOUCH | WL_SEAT_CAPABILITY_POINTER
                                     | WL_SEAT_CAPABILITY_KEYBOARD);

  const char *socket = wl_display_add_socket_auto (s.display);
  if (!socket || !wlr_backend_start (s.backend))
    return 1;
  wlr_headless_add_output (s.backend, s.width, s.height);
  setenv ("WAYLAND_DISPLAY", socket, true);
  printf ("WAYLAND_DISPLAY=%s\n", socket);
  fflush (stdout);
  wl_event_loop_add_fd (wl_display_get_event_loop (s.display), 0, WL_EVENT_READABLE,
                        stdin_readable, NULL);
  if (argi < argc && fork () == 0)
    {
      execvp (argv[argi], argv + argi);
      _exit (127);
    }
  wl_display_run (s.display);
  wl_display_destroy_clients (s.display);
  wl_display_destroy (s.display);
  return 0;
}
