/* bench-baseline-window.c: the reference point of bench-startup, the least a libadwaita program
 * does to show a window: one empty 1280×800 AdwApplicationWindow, like the kiosk's.
 *
 * It signals the end of its first painted frame exactly as the kiosk does (see
 * app/kiosk-application.c): "ready\n" written to the file descriptor named by KIOSK_READY_FD from
 * the window's GdkFrameClock::after-paint, then the descriptor closed. Both programs are thus
 * timed and measured at the same point. */
#include <adwaita.h>
#include <stdlib.h>
#include <unistd.h>

/* Owned by main (), shared by the callbacks below through their user data. */
typedef struct
{
  gulong after_paint_id;
} Baseline;

static void
write_ready (void)
{
  const char *fd_text = g_getenv ("KIOSK_READY_FD");
  int fd;

  if (fd_text == NULL)
    return;
  fd = atoi (fd_text);
  if (fd > 2)
    {
      if (write (fd, "ready\n", 6) != 6)
        g_warning ("Cannot signal readiness on fd %d", fd);
      close (fd);
    }
  g_unsetenv ("KIOSK_READY_FD");
}

static void
frame_clock_after_paint_cb (GdkFrameClock *clock,
                            Baseline      *baseline)
{
  g_clear_signal_handler (&baseline->after_paint_id, clock);
  write_ready ();
}

static void
window_realize_cb (GtkWidget *window,
                   Baseline  *baseline)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (g_getenv ("KIOSK_READY_FD") == NULL || clock == NULL || baseline->after_paint_id != 0)
    return;
  baseline->after_paint_id = g_signal_connect (clock, "after-paint",
                                               G_CALLBACK (frame_clock_after_paint_cb), baseline);
  gtk_widget_queue_draw (window);
}

static void
application_activate_cb (GApplication *application,
                         Baseline     *baseline)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (application));

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  /* Connected after, as the kiosk does, so the frame clock exists when we look for it. */
  g_signal_connect_after (window, "realize", G_CALLBACK (window_realize_cb), baseline);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  Baseline baseline = { 0 };

  app = adw_application_new ("nc.epn.KioskBaseline", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (application_activate_cb), &baseline);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
