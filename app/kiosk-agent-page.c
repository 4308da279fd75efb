/* kiosk-agent-page.c: agent mode.
 *
 * Locked, it asks for an agent's identifier and PIN (checked with argon2id in a worker; five
 * wrong PINs lock the account for 15 minutes). Unlocked, it shows the day's appointments of this
 * EPN with who has arrived (the waiting queue, in order), lets the agent mark a citizen as
 * received, and shows the requests waiting in the outbox and the terminal's health. Ending the
 * session, or 15 minutes without input on this page, locks it again (see KioskWindow). */
#include "kiosk-agent-page.h"

#include "kiosk-appointment-page.h"
#include "kiosk-appointments.h"
#include "kiosk-agent-unlock.h"
#include "kiosk-fleet.h"

#include "kiosk-print.h"
#include "kiosk-printer.h"

#include <glib/gi18n.h>

struct _KioskAgentPage
{
  KioskPage      parent_instance;

  guint         pending;        /* requests in flight */
  gint64        ping_started;   /* monotonic µs, for the portal's latency */

  GtkStack     *stack;
  GtkEditable  *id_entry;
  GtkEditable  *pin_entry;
  GtkLabel     *error_label;
  GtkSpinner   *spinner;
  GtkLabel     *agent_label;
  GtkLabel     *queue_summary;
  GtkWidget    *queue_box;
  GtkLabel     *outbox_label;
  GtkLabel     *health_label;
  GtkLabel     *printer_label;
  GtkWidget    *call_box;
  GtkLabel     *call_label;
  GtkLabel     *counters_label;
  GtkWidget    *retry_button;
  GtkDrawingArea *chart;
  GPtrArray    *days;   /* of KioskJournalDay, for the chart */

  char         *portal_health;
  char         *counters_here;   /* this terminal's counters, from the journal */
  char         *counters_site;   /* the site's, from the portal (agent-only) */
};

G_DEFINE_FINAL_TYPE (KioskAgentPage, kiosk_agent_page, KIOSK_TYPE_PAGE)

static void
show_busy (KioskPage *page,
           gboolean   busy)
{
  KioskAgentPage *self = KIOSK_AGENT_PAGE (page);

  /* Not busy any more: every request ended, or all were cancelled together. */
  if (!busy)
    self->pending = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

/* The dashboard's requests run side by side on the page's cancellable; the page is busy until
 * the last one ends. */
static GCancellable *
begin (KioskAgentPage *self)
{
  self->pending++;
  kiosk_page_set_busy (KIOSK_PAGE (self), TRUE);
  return kiosk_page_get_cancellable (KIOSK_PAGE (self));
}

static void
end (KioskAgentPage *self)
{
  if (self->pending > 1)
    self->pending--;
  else
    kiosk_page_set_busy (KIOSK_PAGE (self), FALSE);
}

static void
show_error (KioskAgentPage *self,
            const char     *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static const char *
status_name (KioskAppointmentStatus status)
{
  switch (status)
    {
    case KIOSK_APPOINTMENT_BOOKED:
      return _("To come");
    case KIOSK_APPOINTMENT_ARRIVED:
      return _("Waiting");
    case KIOSK_APPOINTMENT_SEEN:
      return _("Received");
    case KIOSK_APPOINTMENT_CANCELLED:
      return _("Cancelled");
    case KIOSK_APPOINTMENT_NO_SHOW:
      return _("Did not come");
    default:
      return "";
    }
}

static void refresh (KioskAgentPage *self);

static void
seen_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAppointment) a = kiosk_appointments_call_finish (result, &error);
  KioskAgentPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_AGENT_PAGE (user_data);
  end (self);
  if (a == NULL)
    g_message ("Agent: cannot mark as received: %s", error->message);
  else
    kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "appointment-received", a->reference);
  refresh (self);
}

static void
seen_clicked_cb (GtkButton      *button,
                 KioskAgentPage *self)
{
  const char *reference = g_object_get_data (G_OBJECT (button), "reference");

  kiosk_appointments_mark_seen_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))), reference,
                                      begin (self), seen_done_cb, self);
}

static gint
by_arrival (gconstpointer a,
            gconstpointer b)
{
  const KioskAppointment *x = *(KioskAppointment **) a;
  const KioskAppointment *y = *(KioskAppointment **) b;

  return g_date_time_compare (x->starts_at, y->starts_at);
}

static void
day_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) day = kiosk_appointments_fetch_day_finish (result, &error);
  KioskAgentPage *self;
  guint waiting = 0, to_come = 0, received = 0;
  guint position = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_AGENT_PAGE (user_data);
  end (self);
  kiosk_widget_remove_all (self->queue_box);
  if (day == NULL)
    {
      g_message ("Agent: no appointments: %s", error->message);
      g_free (self->portal_health);
      self->portal_health = g_strdup (_("Portal: unreachable."));
      gtk_label_set_label (self->queue_summary, _("The appointments cannot be shown: the portal does not answer."));
      return;
    }
  {
    g_autofree char *latency = g_strdup_printf (_("Portal: reachable, answered in %u ms."),
                                                (guint) ((g_get_monotonic_time () - self->ping_started) / 1000));

    g_free (self->portal_health);
    self->portal_health = g_steal_pointer (&latency);
  }
  g_ptr_array_sort (day, by_arrival);
  for (guint i = 0; i < day->len; i++)
    {
      KioskAppointment *a = g_ptr_array_index (day, i);
      g_autofree char *time = kiosk_format_time (a->starts_at);
      g_autofree char *name = g_strdup_printf ("agent-appointment-%s", a->reference);
      g_autofree char *line = NULL;
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label;

      if (a->status == KIOSK_APPOINTMENT_ARRIVED)
        {
          g_autofree char *rank = NULL;

          waiting++;
          position++;
          /* TRANSLATORS: %1$s a time, %2$s a name, %3$s the reason, %4$s a status, %5$u the rank in the queue */
          line = g_strdup_printf (_("%1$s — %2$s — %3$s — %4$s (no. %5$u)"), time, a->name ? a->name : "",
                                  a->motif_name ? a->motif_name : "", status_name (a->status), position);
        }
      else
        {
          if (a->status == KIOSK_APPOINTMENT_BOOKED)
            to_come++;
          else if (a->status == KIOSK_APPOINTMENT_SEEN)
            received++;
          /* TRANSLATORS: %1$s a time, %2$s a name, %3$s the reason, %4$s a status */
          line = g_strdup_printf (_("%1$s — %2$s — %3$s — %4$s"), time, a->name ? a->name : "",
                                  a->motif_name ? a->motif_name : "", status_name (a->status));
        }
      label = gtk_label_new (line);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_set_name (row, name);
      gtk_box_append (GTK_BOX (row), label);
      if (a->status == KIOSK_APPOINTMENT_ARRIVED)
        {
          g_autofree char *button_name = g_strdup_printf ("agent-seen-%s", a->reference);
          /* TRANSLATORS: button: the agent has received this citizen */
          GtkWidget *button = gtk_button_new_with_label (C_("button", "Received"));

          gtk_widget_set_name (button, button_name);
          gtk_widget_add_css_class (button, "kiosk-nav");
          g_object_set_data_full (G_OBJECT (button), "reference", g_strdup (a->reference), g_free);
          g_signal_connect (button, "clicked", G_CALLBACK (seen_clicked_cb), self);
          gtk_box_append (GTK_BOX (row), button);
        }
      gtk_box_append (GTK_BOX (self->queue_box), row);
    }
  {
    g_autofree char *a = g_strdup_printf (ngettext ("%u waiting", "%u waiting", waiting), waiting);
    g_autofree char *b = g_strdup_printf (ngettext ("%u to come", "%u to come", to_come), to_come);
    g_autofree char *c = g_strdup_printf (ngettext ("%u received", "%u received", received), received);
    /* TRANSLATORS: the three counts above, e.g. "2 waiting, 3 to come, 1 received" */
    g_autofree char *summary = g_strdup_printf (_("%1$s, %2$s, %3$s."), a, b, c);

    gtk_label_set_label (self->queue_summary, day->len > 0 ? summary : _("No appointment today."));
  }
  kiosk_agent_page_refresh (self);   /* the health line with the latency */
}

static void
outbox_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kiosk_outbox_sender_list_finish (KIOSK_OUTBOX_SENDER (object), result, &error);
  KioskAgentPage *self;
  g_autoptr(GString) text = g_string_new (NULL);
  guint failed = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_AGENT_PAGE (user_data);
  end (self);
  if (entries == NULL)
    {
      gtk_label_set_label (self->outbox_label, _("The list of waiting requests cannot be read."));
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    failed += ((KioskOutboxEntry *) g_ptr_array_index (entries, i))->failed;
  gtk_widget_set_visible (self->retry_button, entries->len > 0);
  if (entries->len == 0)
    g_string_append (text, _("None: every request made here has reached the portal."));
  else
    {
      g_string_append_printf (text, ngettext ("%u request waits to be sent; the terminal retries by itself.",
                                              "%u requests wait to be sent; the terminal retries by itself.",
                                              entries->len),
                              entries->len);
      if (failed > 0)
        {
          g_string_append_c (text, ' ');
          g_string_append_printf (text, ngettext ("%u was refused by the portal and needs an agent.",
                                                  "%u were refused by the portal and need an agent.",
                                                  failed),
                                  failed);
        }
      for (guint i = 0; i < entries->len; i++)
        {
          KioskOutboxEntry *entry = g_ptr_array_index (entries, i);

          g_string_append_printf (text, "\n• %s — %s", entry->slug,
                                  entry->last_error ? entry->last_error : _("not tried yet"));
        }
    }
  gtk_label_set_label (self->outbox_label, text->str);
}

static void
update_health (KioskAgentPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  KioskScanner *scanner = kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self)));
  KioskPortal *portal = kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self)));
  g_autofree char *device = scanner ? kiosk_scanner_dup_device_name (scanner) : NULL;
  g_autoptr(GFile) root = g_file_new_for_path (kiosk_context_get_data_dir (kiosk_page_get_context (KIOSK_PAGE (self))));
  g_autoptr(GFileInfo) fs = g_file_query_filesystem_info (root, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);

  g_string_append (text, self->portal_health ? self->portal_health : _("Portal: checking…"));
  g_string_append_c (text, '\n');
  if (portal != NULL && kiosk_portal_get_signing_error (portal) != NULL)
    {
      g_string_append (text, _("Request signing: OFF. The kiosk key set up for this terminal cannot be read, "
                               "so requests go to the portal unsigned. Please ask the technician to check the key file."));
      g_string_append_c (text, '\n');
    }
  else if (portal != NULL && kiosk_portal_is_signing (portal))
    {
      g_string_append (text, _("Request signing: on."));
      g_string_append_c (text, '\n');
    }
  if (device != NULL)
    g_string_append_printf (text, _("Scanner: %s."), device);
  else
    g_string_append (text, _("Scanner: not used since the terminal started."));
  g_string_append_c (text, '\n');
  if (fs != NULL)
    {
      g_autofree char *free_text = g_format_size (g_file_info_get_attribute_uint64 (fs, G_FILE_ATTRIBUTE_FILESYSTEM_FREE));

      /* The kiosk may run with C numbers (LANG unset): "83,7 Go" in French, not "83.7 Go". */
      /* TRANSLATORS: the decimal mark in numbers: "," in French */
      g_strdelimit (free_text, ".", C_("decimal mark", ".")[0]);

      g_string_append_printf (text, _("Free disk space: %s."), free_text);
      g_string_append_c (text, '\n');
    }
  {
    const char *source = kiosk_catalogue_service_get_source (kiosk_context_get_catalogue_service (kiosk_page_get_context (KIOSK_PAGE (self))));
    gint64 synced = kiosk_catalogue_service_get_synced (kiosk_context_get_catalogue_service (kiosk_page_get_context (KIOSK_PAGE (self))));

    if (g_strcmp0 (source, "portal") == 0)
      g_string_append (text, _("Catalogue: up to date from the portal."));
    else if (g_strcmp0 (source, "cache") == 0)
      g_string_append (text, _("Catalogue: the copy saved on this terminal (the portal was not reached)."));
    else if (g_strcmp0 (source, "bundled") == 0)
      g_string_append (text, _("Catalogue: the copy built into the kiosk (the portal was never reached)."));
    else
      g_string_append (text, _("Catalogue: not loaded."));
    if (synced > 0)
      {
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (synced / G_USEC_PER_SEC);
        g_autofree char *day = kiosk_format_day (utc);
        g_autofree char *time = kiosk_format_time (utc);
        /* TRANSLATORS: %1$s is a day, %2$s a time */
        g_autofree char *line = g_strdup_printf (_("Last checked with the portal: %1$s at %2$s."), day, time);

        g_string_append_c (text, ' ');
        g_string_append (text, line);
      }
    else
      {
        g_string_append_c (text, ' ');
        g_string_append (text, _("Never checked with the portal since the terminal started."));
      }
  }
  gtk_label_set_label (self->health_label, text->str);
}

/**
 * kiosk_agent_page_refresh:
 *
 * Shows the login form when agent mode is locked, else the dashboard (fetched again).
 */
void
kiosk_agent_page_refresh (KioskAgentPage *self)
{
  const KioskAgent *agent = kiosk_context_get_agent (kiosk_page_get_context (KIOSK_PAGE (self)));

  if (agent == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "login");
      kiosk_widget_remove_all (self->queue_box);
      gtk_label_set_label (self->queue_summary, "");
      gtk_label_set_label (self->outbox_label, "");
      return;
    }
  {
    /* TRANSLATORS: %s is the agent's name */
    g_autofree char *title = g_strdup_printf (_("Agent mode — %s"), agent->name);

    gtk_label_set_label (self->agent_label, title);
  }
  update_health (self);
  {
    gint64 call = kiosk_session_get_call_time (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));

    gtk_widget_set_visible (self->call_box, call != 0);
    if (call != 0)
      {
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (call / G_USEC_PER_SEC);
        g_autofree char *time = kiosk_format_time (utc);
        /* TRANSLATORS: %s is a time of day, e.g. "10:32" */
        g_autofree char *text = g_strdup_printf (_("A citizen at this terminal asked for help at %s."), time);

        gtk_label_set_label (self->call_label, text);
      }
  }
  gtk_stack_set_visible_child_name (self->stack, "dashboard");
}

static void count_done_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
show_counters (KioskAgentPage *self)
{
  g_autofree char *text = g_strjoin ("\n", self->counters_here ? self->counters_here : "",
                                     self->counters_site, NULL);

  gtk_label_set_label (self->counters_label, g_strstrip (text));
}

static void
site_counters_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree KioskSiteCounters *counters = kiosk_fleet_fetch_site_counters_finish (result, &error);
  KioskAgentPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_AGENT_PAGE (user_data);
  end (self);
  g_clear_pointer (&self->counters_site, g_free);
  if (counters != NULL)
    /* TRANSLATORS: counters of every terminal of this EPN that reported today */
    self->counters_site = g_strdup_printf (_("This EPN today, terminals that reported: %1$u — sessions: %2$u, requests sent: %3$u, with an agent: %4$u."),
                                           counters->terminals, counters->sessions, counters->dossiers,
                                           counters->assisted);
  else
    g_message ("Agent: no counters of the site: %s", error->message);
  show_counters (self);
}

static void
printer_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPrinterStatus) status = kiosk_printer_get_status_finish (result, &error);
  g_autofree char *text = NULL;
  KioskAgentPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_AGENT_PAGE (user_data);
  end (self);
  text = kiosk_print_describe_status (status);
  gtk_label_set_label (self->printer_label, text);
}

static void
refresh (KioskAgentPage *self)
{
  kiosk_agent_page_refresh (self);
  if (kiosk_context_get_agent (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL || kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL)
    return;
  self->ping_started = g_get_monotonic_time ();
  kiosk_appointments_fetch_day_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))),
                                      kiosk_context_get_site (kiosk_page_get_context (KIOSK_PAGE (self))), NULL,
                                      begin (self), day_done_cb, self);
  kiosk_outbox_sender_list_async (kiosk_context_get_outbox_sender (kiosk_page_get_context (KIOSK_PAGE (self))), begin (self), outbox_done_cb, self);
  kiosk_printer_get_status_async (begin (self), printer_done_cb, self);
  /* The manager's counters: read from the journal in a worker. */
  kiosk_journal_count_async (kiosk_context_get_journal (kiosk_page_get_context (KIOSK_PAGE (self))), 7,
                             begin (self), count_done_cb, self);
  if (kiosk_context_get_site (kiosk_page_get_context (KIOSK_PAGE (self))) != NULL
      && *kiosk_context_get_site (kiosk_page_get_context (KIOSK_PAGE (self))) != '\0')
    kiosk_fleet_fetch_site_counters_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))),
                                           kiosk_context_get_site (kiosk_page_get_context (KIOSK_PAGE (self))),
                                           begin (self), site_counters_done_cb, self);
}

/* Two bars a day: dossiers sent alone (blue) and with an agent (orange), with the sessions
 * written above; drawn with cairo, no chart library. */
static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  KioskAgentPage *self = user_data;
  guint max = 1;
  double slot, bar, base = height - 22;

  if (self->days == NULL || self->days->len == 0)
    return;
  for (guint i = 0; i < self->days->len; i++)
    {
      KioskJournalDay *day = g_ptr_array_index (self->days, i);

      max = MAX (max, MAX (day->dossiers - day->assisted, day->assisted));
    }
  slot = (double) width / self->days->len;
  bar = MIN (28.0, slot / 3);
  for (guint i = 0; i < self->days->len; i++)
    {
      KioskJournalDay *day = g_ptr_array_index (self->days, i);
      double x = i * slot + slot / 2 - bar;
      double alone = (double) (day->dossiers - day->assisted) / max * (base - 24);
      double assisted = (double) day->assisted / max * (base - 24);
      g_autofree char *date = g_strdup_printf ("%02d/%02d", day->day, day->month);
      g_autofree char *sessions = g_strdup_printf ("%u", day->sessions);
      cairo_text_extents_t extents;

      cairo_set_source_rgb (cr, 0.11, 0.37, 0.66);   /* #1c5fa8 */
      cairo_rectangle (cr, x, base - alone, bar, alone);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.78, 0.38, 0.0);    /* #c76100 */
      cairo_rectangle (cr, x + bar, base - assisted, bar, assisted);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_set_font_size (cr, 13);
      cairo_text_extents (cr, date, &extents);
      cairo_move_to (cr, i * slot + slot / 2 - extents.width / 2, height - 4);
      cairo_show_text (cr, date);
      cairo_text_extents (cr, sessions, &extents);
      cairo_move_to (cr, i * slot + slot / 2 - extents.width / 2, 14);
      cairo_show_text (cr, sessions);
    }
}

static void
count_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) days = kiosk_journal_count_finish (KIOSK_JOURNAL (object), result, &error);
  KioskAgentPage *self;
  KioskJournalDay *today;
  g_autofree char *text = NULL;
  guint sessions = 0, dossiers = 0, assisted = 0;

  if (days == NULL)
    return;
  self = KIOSK_AGENT_PAGE (user_data);
  end (self);
  for (guint i = 0; i < days->len; i++)
    {
      KioskJournalDay *day = g_ptr_array_index (days, i);

      sessions += day->sessions;
      dossiers += day->dossiers;
      assisted += day->assisted;
    }
  today = g_ptr_array_index (days, days->len - 1);
  /* TRANSLATORS: counters for the EPN's manager; %1$u sessions today, %2$u requests today, %3$u
   * of them with an agent, then the same over 7 days */
  text = g_strdup_printf (_("Today — sessions: %1$u, requests sent: %2$u, with an agent: %3$u. Last 7 days — sessions: %4$u, requests sent: %5$u, with an agent: %6$u."),
                          today->sessions, today->dossiers, today->assisted, sessions, dossiers, assisted);
  g_free (self->counters_here);
  self->counters_here = g_strdup (text);
  show_counters (self);
  {
    g_autofree char *description = g_strconcat (text, " ", _("Chart: each day, the requests sent alone (blue) and with an agent (orange), and the number of sessions above."), NULL);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  }
  g_clear_pointer (&self->days, g_ptr_array_unref);
  self->days = g_steal_pointer (&days);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KioskAgent *agent = kiosk_agent_unlock_finish (result, &error);
  KioskAgentPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_AGENT_PAGE (user_data);
  end (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "agent.unlock", TRUE);
  gtk_editable_set_text (self->pin_entry, "");
  if (agent == NULL)
    {
      g_message ("Agent: unlock refused: %s", error->message);
      kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)),
                         g_error_matches (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED)
                         || g_error_matches (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED_AT_PORTAL)
                         ? "agent-locked-out" : "agent-wrong-pin", "");
      if (g_error_matches (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED))
        show_error (self, _("Too many wrong PINs have been typed on this terminal. Please wait a little (up to 15 minutes), then type your PIN again: the right PIN will open agent mode."));
      else if (g_error_matches (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED_AT_PORTAL))
        show_error (self, _("Too many wrong PINs have been typed for this agent, here or on other terminals. Please wait up to 15 minutes, then type your PIN again."));
      else if (g_error_matches (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_NOT_HERE))
        show_error (self, _("This agent account is not attached to this EPN."));
      else if (g_error_matches (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_STORAGE))
        show_error (self, _("The agent accounts cannot be read on this terminal."));
      else
        show_error (self, _("Unknown identifier or wrong PIN."));
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }
  show_error (self, NULL);
  gtk_editable_set_text (self->id_entry, "");
  kiosk_context_set_agent (kiosk_page_get_context (KIOSK_PAGE (self)), agent);
  refresh (self);
}

static void
unlock_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskAgentPage *self = KIOSK_AGENT_PAGE (widget);
  KioskContext *context = kiosk_page_get_context (KIOSK_PAGE (self));
  g_autofree char *path = kiosk_context_dup_agents_path (context);
  g_autofree char *pushed = kiosk_fleet_dup_agents_path (context);

  show_error (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "agent.unlock", FALSE);
  /* At the portal first; the verifiers it pushed when it cannot be reached. */
  kiosk_agent_unlock_async (kiosk_context_get_portal (context), kiosk_context_get_site (context), path, pushed,
                            gtk_editable_get_text (self->id_entry), gtk_editable_get_text (self->pin_entry),
                            begin (self), verify_done_cb, self);
}

static void
lock_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskAgentPage *self = KIOSK_AGENT_PAGE (widget);

  kiosk_context_set_agent (kiosk_page_get_context (KIOSK_PAGE (self)), NULL);
}

static void
retry_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KioskAgentPage *self = KIOSK_AGENT_PAGE (widget);

  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "outbox-retry", "");
  kiosk_outbox_sender_retry_now (kiosk_context_get_outbox_sender (kiosk_page_get_context (KIOSK_PAGE (self))));
  gtk_label_set_label (self->outbox_label, _("Sending now…"));
  gtk_widget_set_visible (self->retry_button, FALSE);
}

/* Only an agent can close the kiosk (in kiosk mode the window refuses to close otherwise). */
static void
quit_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskAgentPage *self = KIOSK_AGENT_PAGE (widget);
  GApplication *application = g_application_get_default ();

  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "kiosk-quit", "");
  kiosk_session_end (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
  if (application != NULL)
    g_application_quit (application);
}

static void
answer_call_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KioskContext *context = kiosk_page_get_context (KIOSK_PAGE (widget));
  const KioskAgent *agent = kiosk_context_get_agent (context);

  kiosk_session_answer_call (kiosk_context_get_session (context), agent ? agent->id : NULL);
}

/* An assisted session for the citizen beside the agent: agent mode locks, the citizen gets the
 * screen, and will be asked to consent before a procedure starts. */
static void
assist_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskContext *context = kiosk_page_get_context (KIOSK_PAGE (widget));
  const KioskAgent *agent = kiosk_context_get_agent (context);

  if (agent == NULL)
    return;
  kiosk_session_start_assisted (kiosk_context_get_session (context), agent);
  /* The citizen now uses the screen. */
  kiosk_context_set_agent (context, NULL);
  gtk_widget_activate_action (widget, "win.show-page", "s", "catalogue");
}

static void
refresh_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  refresh (KIOSK_AGENT_PAGE (widget));
}

static void
agent_changed_cb (KioskAgentPage *self)
{
  if (kiosk_context_get_agent (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL)
    {
      /* Locked: drop what was shown and any request in flight. */
      kiosk_page_cancel_request (KIOSK_PAGE (self));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "agent.unlock", TRUE);
      gtk_editable_set_text (self->pin_entry, "");
      show_error (self, NULL);
    }
  kiosk_agent_page_refresh (self);
}

static void
pin_activate_cb (GtkPasswordEntry *entry,
                 KioskAgentPage   *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "agent.unlock", NULL);
}

static void
kiosk_agent_page_constructed (GObject *object)
{
  KioskAgentPage *self = KIOSK_AGENT_PAGE (object);

  G_OBJECT_CLASS (kiosk_agent_page_parent_class)->constructed (object);
  g_signal_connect_object (kiosk_page_get_context (KIOSK_PAGE (self)), "notify::agent",
                           G_CALLBACK (agent_changed_cb), self, G_CONNECT_SWAPPED);
  /* A call for an agent shows on the dashboard. */
  g_signal_connect_object (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))),
                           "notify::call-time", G_CALLBACK (agent_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
kiosk_agent_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kiosk_agent_page_parent_class)->map (widget);
  refresh (KIOSK_AGENT_PAGE (widget));
}

static void
kiosk_agent_page_dispose (GObject *object)
{
  KioskAgentPage *self = KIOSK_AGENT_PAGE (object);

  g_clear_pointer (&self->portal_health, g_free);
  g_clear_pointer (&self->counters_here, g_free);
  g_clear_pointer (&self->counters_site, g_free);
  g_clear_pointer (&self->days, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_AGENT_PAGE);
  G_OBJECT_CLASS (kiosk_agent_page_parent_class)->dispose (object);
}

static void
kiosk_agent_page_class_init (KioskAgentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->show_busy = show_busy;
  object_class->constructed = kiosk_agent_page_constructed;
  object_class->dispose = kiosk_agent_page_dispose;
  widget_class->map = kiosk_agent_page_map;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-agent-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, id_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, agent_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, queue_summary);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, queue_box);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, outbox_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, health_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, printer_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, call_box);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, call_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, counters_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, retry_button);
  gtk_widget_class_install_action (widget_class, "agent.retry", NULL, retry_action_cb);
  gtk_widget_class_install_action (widget_class, "agent.quit", NULL, quit_action_cb);
  gtk_widget_class_bind_template_child (widget_class, KioskAgentPage, chart);
  gtk_widget_class_install_action (widget_class, "agent.answer-call", NULL, answer_call_action_cb);
  gtk_widget_class_install_action (widget_class, "agent.unlock", NULL, unlock_action_cb);
  gtk_widget_class_install_action (widget_class, "agent.lock", NULL, lock_action_cb);
  gtk_widget_class_install_action (widget_class, "agent.refresh", NULL, refresh_action_cb);
  gtk_widget_class_install_action (widget_class, "agent.assist", NULL, assist_action_cb);
}

static void
kiosk_agent_page_init (KioskAgentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kiosk_stack_label_pages (self->stack);
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  g_signal_connect (self->pin_entry, "activate", G_CALLBACK (pin_activate_cb), self);
}

