/* kiosk-window-a11y.c: the window's parts that screen readers and small screens need, kept out
 * of kiosk-window.c. */
#include "kiosk-window-private.h"

#include "kiosk-a11y.h"

/* While the idle warning is up, the page under it (a scanned identity card, answers) is hidden,
 * not only dimmed: whoever walks by sees nothing of it. */
static void
idle_warning_visible_cb (KioskWindow *self)
{
  gtk_widget_set_opacity (GTK_WIDGET (self->stack), gtk_widget_get_visible (self->idle_warning) ? 0.0 : 1.0);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
call_time_changed_cb (KioskWindow *self)
{
  KioskSession *session = kiosk_context_get_session (kiosk_window_get_context (self));

  gtk_revealer_set_reveal_child (GTK_REVEALER (self->call_notice), kiosk_session_get_call_time (session) != 0);
}

static void
session_ended_cb (KioskWindow *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->call_notice), FALSE);
}

/**
 * kiosk_window_show_call_notice:
 *
 * Says "an agent has been told" under the header bar, on every page, until an agent answers
 * the call or the session ends.
 */
void
kiosk_window_show_call_notice (KioskWindow *self)
{
  KioskSession *session = kiosk_context_get_session (kiosk_window_get_context (self));

  if (self->call_handler == 0)
    {
      self->call_handler = g_signal_connect_object (session, "notify::call-time",
                                                    G_CALLBACK (call_time_changed_cb), self,
                                                    G_CONNECT_SWAPPED);
      /* The next person is not the one who called. */
      g_signal_connect_object (session, "ended", G_CALLBACK (session_ended_cb), self, G_CONNECT_SWAPPED);
    }
  call_time_changed_cb (self);
}

/* Called once from the window's init, after its template. */
void
kiosk_window_init_a11y (KioskWindow *self)
{
  self->call_notice = find_named (GTK_WIDGET (self), "call-notice");
  g_signal_connect_swapped (self->idle_warning, "notify::visible", G_CALLBACK (idle_warning_visible_cb), self);

  /* On/off switches for screen readers: "Contraste, bouton bascule, enfoncé". */
  kiosk_a11y_report_checked (self->contrast_toggle);
  kiosk_a11y_report_checked (self->large_text_toggle);
}
