/* test-touch.c (suite a11y): the on-screen keyboard's "auto" mode with real touches.
 *
 * The kiosk runs here as on the terminal: a Wayland client of a wlroots compositor (cage there,
 * tests/compositor/kiosk-test-compositor here, headless), which delivers real wl_touch,
 * wl_pointer and wl_keyboard events; GTK sees touches from a touch screen. Neither Xvfb nor XTEST
 * can make a touch, hence this compositor.
 *
 * What a citizen does: taps the start button and the procedure's, taps a field — the keyboard
 * comes up —, types on it with taps; a visitor with a mouse and a physical keyboard never sees it;
 * when someone touches again, it comes back. */
#include "kiosk-test-util.h"

#include <gdk/wayland/gdkwayland.h>
#include <glib/gstdio.h>
#include <stdarg.h>

static KioskTestPortal  *portal;
static GSubprocess      *compositor;
static GDataInputStream *answers;
static char             *runtime_dir;

/* Starts the compositor, and makes GTK connect to it rather than to X. */
static void
start_compositor (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (g_getenv ("XDG_RUNTIME_DIR") == NULL)
    {
      runtime_dir = g_dir_make_tmp ("kiosk-touch-XXXXXX", &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (runtime_dir, 0700), ==, 0);
      g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
    }
  compositor = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 g_getenv ("KIOSK_TEST_COMPOSITOR"), "-s", "1280x800", NULL);
  g_assert_no_error (error);
  answers = g_data_input_stream_new (g_subprocess_get_stdout_pipe (compositor));
  line = g_data_input_stream_read_line (answers, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "WAYLAND_DISPLAY="));
  g_setenv ("WAYLAND_DISPLAY", line + strlen ("WAYLAND_DISPLAY="), TRUE);
  g_setenv ("GDK_BACKEND", "wayland", TRUE);
}

static void
stop_compositor (void)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (compositor), NULL, NULL);
  g_subprocess_wait (compositor, NULL, NULL);
  g_clear_object (&answers);
  g_clear_object (&compositor);
  if (runtime_dir != NULL)
    g_rmdir (runtime_dir);
}

/* Sends one command to the compositor and waits for it to be carried out. */
G_GNUC_PRINTF (1, 2) static void
send_command (const char *format,
              ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *answer = NULL;
  va_list args;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("compositor: %s", command);
  g_output_stream_printf (g_subprocess_get_stdin_pipe (compositor), NULL, NULL, &error, "%s\n", command);
  g_assert_no_error (error);
  answer = g_data_input_stream_read_line (answers, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (answer, "ok "));
  kiosk_test_spin (50);
}

/* Touches (or clicks with the pointer) the middle of @name, in screen coordinates. */
static void
at_widget (KioskWindow *window,
           const char  *verb,
           const char  *name)
{
  GtkWidget *widget = kiosk_test_find (window, name);
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                 gtk_widget_get_height (widget) / 2.0);
  graphene_point_t point;
  double x, y;

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &middle, &point));
  gtk_native_get_surface_transform (native, &x, &y);
  send_command ("%s %.0f %.0f", verb, point.x + x, point.y + y);
}

typedef struct
{
  KioskWindow *window;
  const char  *name;
} Focus;

static gboolean
focus_in_cb (gpointer data)
{
  Focus *f = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));
  GtkWidget *widget = kiosk_test_find (f->window, f->name);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}


static gboolean
text_is_a_cb (gpointer data)
{
  return g_strcmp0 (gtk_editable_get_text (data), "a") == 0;
}

static void
test_keyboard_auto (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-touch-data-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  GtkRevealer *revealer;
  GtkWidget *last_name;

  g_assert_true (GDK_IS_WAYLAND_DISPLAY (gtk_widget_get_display (GTK_WIDGET (window))));
  kiosk_window_set_keyboard_mode (window, "auto");   /* the default, as on a touch terminal */
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_spin (500);
  revealer = GTK_REVEALER (gtk_widget_get_parent (kiosk_test_find (window, "keyboard")));

  /* Taps all the way to the first question. */
  at_widget (window, "touch", "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_spin (300);
  at_widget (window, "touch", "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_spin (300);

  /* The page gives its first field the focus: after a tap, the keyboard comes with it. */
  g_assert_true (kiosk_test_wait (focus_in_cb, &(Focus) { window, "field-last_name" }, 5000));
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (kiosk_test_wait (kiosk_test_revealed_cb, revealer, 5000));
  kiosk_test_spin (100);

  /* Typing on it with taps: the letter lands in the field, which keeps the focus. */
  last_name = kiosk_test_find (window, "field-last_name");
  at_widget (window, "touch", "key-a");
  g_assert_true (kiosk_test_wait (text_is_a_cb, last_name, 5000));
  g_assert_true (focus_in_cb (&(Focus) { window, "field-last_name" }));

  /* Someone uses the physical keyboard (Tab): the next field has no on-screen keyboard. */
  send_command ("key 15");
  g_assert_true (kiosk_test_wait (focus_in_cb, &(Focus) { window, "field-first_name" }, 5000));
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (kiosk_test_wait (kiosk_test_hidden_cb, revealer, 5000));

  /* Nor with the mouse. */
  at_widget (window, "click", "field-birth_date");
  g_assert_true (kiosk_test_wait (focus_in_cb, &(Focus) { window, "field-birth_date" }, 5000));
  kiosk_test_spin (300);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  /* A tap again: it comes back. */
  at_widget (window, "touch", "field-first_name");
  g_assert_true (kiosk_test_wait (focus_in_cb, &(Focus) { window, "field-first_name" }, 5000));
  g_assert_true (gtk_revealer_get_reveal_child (revealer));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  start_compositor ();
  kiosk_test_setup_locale ("fr");
  gtk_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/touch/keyboard-auto", test_keyboard_auto);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  stop_compositor ();
  return status;
}
