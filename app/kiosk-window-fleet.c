/* kiosk-window-fleet.c: the window's side of the fleet (KioskFleet): it starts the status
 * reports, and applies live what the portal sets for the site — the banner for citizens (under
 * the header bar), the opening hours shown with it, and the citizens' idle timeout. */
#include "kiosk-window-private.h"

#include "kiosk-fleet.h"

#include <glib/gi18n.h>

static void
update_banner (KioskWindow *self)
{
  const char *banner = kiosk_fleet_get_banner (self->fleet);
  const char *hours = kiosk_fleet_get_opening_hours (self->fleet);
  gboolean hours_shown = hours != NULL && *hours != '\0' && *hours != '{' && *hours != '[';

  gtk_label_set_label (self->fleet_banner, banner ? banner : "");
  gtk_widget_set_visible (GTK_WIDGET (self->fleet_banner), banner != NULL);
  if (hours_shown)
    {
      /* TRANSLATORS: %s is the EPN's opening hours as its manager wrote them */
      g_autofree char *text = g_strdup_printf (_("Opening hours: %s"), hours);

      gtk_label_set_label (self->fleet_hours, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fleet_hours), hours_shown);
  gtk_revealer_set_reveal_child (self->fleet_revealer, banner != NULL || hours_shown);
}

static void
idle_timeout_changed_cb (KioskWindow *self)
{
  guint seconds = kiosk_fleet_get_idle_timeout (self->fleet);

  /* No restart: the next idle period already counts the new timeout. */
  if (seconds > 0)
    g_object_set (self, "idle-timeout", seconds, NULL);
}

static void
session_ended_cb (KioskWindow *self)
{
  if (self->fleet != NULL)   /* NULL once the window is destroyed */
    kiosk_fleet_report_now (self->fleet);   /* today's counters changed */
}

static void window_destroy_cb (KioskWindow *self);

static gboolean
start_reports_cb (gpointer user_data)
{
  KioskWindow *self = user_data;

  if (self->fleet != NULL)   /* NULL once the window is destroyed */
    kiosk_fleet_start (self->fleet, KIOSK_FLEET_INTERVAL_SECONDS);
  return G_SOURCE_REMOVE;
}

/* Called once the window has its context. */
void
kiosk_window_init_fleet (KioskWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *content = adw_toast_overlay_get_child (self->toast_overlay);

  self->fleet = kiosk_fleet_new (self->context);
  self->fleet_banner = GTK_LABEL (gtk_label_new (NULL));
  self->fleet_hours = GTK_LABEL (gtk_label_new (NULL));
  self->fleet_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_widget_set_name (GTK_WIDGET (self->fleet_banner), "fleet-banner");
  gtk_widget_set_name (GTK_WIDGET (self->fleet_hours), "fleet-hours");
  gtk_widget_set_name (GTK_WIDGET (self->fleet_revealer), "fleet-revealer");
  gtk_label_set_wrap (self->fleet_banner, TRUE);
  gtk_label_set_wrap (self->fleet_hours, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->fleet_banner), "title-3");
  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->fleet_banner));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->fleet_hours));
  gtk_revealer_set_child (self->fleet_revealer, box);
  /* Under the header bar, above the pages. */
  if (GTK_IS_BOX (content))
    gtk_box_insert_child_after (GTK_BOX (content), GTK_WIDGET (self->fleet_revealer),
                                gtk_widget_get_first_child (content));
  g_signal_connect_object (self->fleet, "notify::banner", G_CALLBACK (update_banner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fleet, "notify::opening-hours", G_CALLBACK (update_banner), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fleet, "notify::idle-timeout", G_CALLBACK (idle_timeout_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "session-ended", G_CALLBACK (session_ended_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "destroy", G_CALLBACK (window_destroy_cb), NULL);
  update_banner (self);
  /* The first report reads the journal and opens a connection: after the first frame. */
  kiosk_widget_run_after_first_frame (GTK_WIDGET (self), start_reports_cb, self, NULL);
}

/* The window's dispose: the reports stop, nothing in flight outlives the window. */
static void
window_destroy_cb (KioskWindow *self)
{
  if (self->fleet != NULL)
    g_object_run_dispose (G_OBJECT (self->fleet));
  g_clear_object (&self->fleet);
}

/**
 * kiosk_window_get_fleet:
 *
 * Returns: (transfer none): the window's status reporter
 */
KioskFleet *
kiosk_window_get_fleet (KioskWindow *self)
{
  return self->fleet;
}
