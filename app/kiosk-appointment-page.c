/* kiosk-appointment-page.c: booking an appointment with an agent of this EPN — a reason
 * (motif), a free time on a week view, a name and a phone number, then the booking's number,
 * its QR code, what to bring, and a printed copy.
 *
 * A booking exists only once the portal has confirmed it: when the portal cannot be reached
 * the citizen is told that nothing was booked (never a booking "for later", which could be a
 * double booking). Pressing "Book" again after a failure resends the same booking with the same
 * Idempotency-Key, so the portal books once.
 */
#include "kiosk-appointment-page.h"

#include "kiosk-appointments.h"
#include "kiosk-print.h"
#include "kiosk-qr.h"
#include "kiosk-validate.h"

#include <glib/gi18n.h>

#define WEEKS_AHEAD 4

struct _KioskAppointmentPage
{
  KioskPage        parent_instance;

  KioskMotifList *motifs;
  KioskMotif     *motif;          /* borrowed from motifs */
  char           *wanted_slug;    /* a procedure the citizen came from, nullable */
  GDateTime      *week_start;     /* local midnight of the first day shown */
  GPtrArray      *slots;          /* of KioskSlot, the week shown */
  GDateTime      *slot;           /* chosen */
  KioskBooking   *booking;        /* the last one sent: resent as is after a failure */
  KioskAppointment *appointment;  /* booked */

  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *error_label;
  GtkSpinner     *spinner;
  GtkStack       *stack;
  GtkWidget      *motifs_box;
  GtkWidget      *previous_button;
  GtkWidget      *next_button;
  GtkLabel       *week_label;
  GtkWidget      *days_box;
  GtkWidget      *no_slot_label;
  GtkLabel       *summary_label;
  GtkEditable    *name_entry;
  GtkEditable    *phone_entry;
  GtkEditable    *email_entry;
  GtkLabel       *name_error;
  GtkLabel       *phone_error;
  GtkLabel       *email_error;
  GtkWidget      *confirm_button;
  GtkLabel       *when_label;
  GtkLabel       *place_label;
  GtkLabel       *reference_label;
  GtkLabel       *bring_label;
  GtkPicture     *qr_picture;
};

G_DEFINE_FINAL_TYPE (KioskAppointmentPage, kiosk_appointment_page, KIOSK_TYPE_PAGE)

static void kiosk_appointment_page_reset (KioskPage *page);

/* Dates in words, from our own translated names: the terminal's C library may lack the
 * French locale's LC_TIME. */
static const char *const weekdays[] = {
  NULL, N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
  N_("Saturday"), N_("Sunday")
};
static const char *const months[] = {
  NULL, N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
  N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December")
};

/**
 * kiosk_format_day:
 *
 * Returns: (transfer full): e.g. "Monday 30 November" ("lundi 30 novembre")
 */
char *
kiosk_format_day (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  /* TRANSLATORS: a day: %1$s is the weekday, %2$d the day of the month, %3$s the month,
   * e.g. "Monday 30 November" */
  return g_strdup_printf (_("%1$s %2$d %3$s"),
                          _(weekdays[g_date_time_get_day_of_week (local)]),
                          g_date_time_get_day_of_month (local),
                          _(months[g_date_time_get_month (local)]));
}

/**
 * kiosk_format_time:
 *
 * Returns: (transfer full): the time of day in the terminal's time zone, e.g. "8:30" ("8 h 30")
 */
char *
kiosk_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  /* TRANSLATORS: a time of day: %1$d the hour (0–23), %2$02d the minutes, e.g. "8:30" */
  return g_strdup_printf (_("%1$d:%2$02d"), g_date_time_get_hour (local), g_date_time_get_minute (local));
}

/* "Monday 30 November at 8:30" */
static char *
format_when (GDateTime *time)
{
  g_autofree char *day = kiosk_format_day (time);
  g_autofree char *hour = kiosk_format_time (time);

  /* TRANSLATORS: %1$s is a day ("Monday 30 November"), %2$s a time ("8:30") */
  return g_strdup_printf (_("%1$s at %2$s"), day, hour);
}

static void
show_error (KioskAppointmentPage *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_busy (KioskPage *page,
           gboolean   busy)
{
  KioskAppointmentPage *self = KIOSK_APPOINTMENT_PAGE (page);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  /* Not the whole stack: making a focused entry insensitive loses its focus-out. A new request
   * cancels the one before, so only a second booking needs holding back. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "appointment.confirm", !busy);
}

/* The French sentence for an error of the portal or of the booking. */
static const char *
describe_error (const GError *error)
{
  if (g_error_matches (error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_SLOT_TAKEN))
    return _("Someone has just booked this time. Here are the times still free.");
  if (error->domain == KIOSK_APPOINTMENT_ERROR
      || (error->domain == KIOSK_PORTAL_ERROR && error->code == KIOSK_PORTAL_ERROR_REFUSED))
    return _("The online service refused this booking. No appointment was booked. Please ask an agent.");
  if (error->domain == KIOSK_PORTAL_ERROR && error->code == KIOSK_PORTAL_ERROR_MALFORMED)
    return _("The online service gave an answer the terminal cannot read. No appointment was booked. Please try again in a moment, or ask an agent.");
  return _("The online service does not answer right now. No appointment was booked. Please try again in a moment, or ask an agent.");
}

static void load_slots (KioskAppointmentPage *self);

static void
motif_clicked_cb (GtkButton            *button,
                  KioskAppointmentPage *self)
{
  KioskMotif *motif = g_object_get_data (G_OBJECT (button), "motif");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->motif = motif;
  g_clear_pointer (&self->week_start, g_date_time_unref);
  self->week_start = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                            g_date_time_get_day_of_month (now), 0, 0, 0);
  load_slots (self);
}

static void
fill_motifs (KioskAppointmentPage *self)
{
  kiosk_widget_remove_all (self->motifs_box);
  for (guint i = 0; i < self->motifs->motifs->len; i++)
    {
      KioskMotif *motif = g_ptr_array_index (self->motifs->motifs, i);
      g_autofree char *name = g_strdup_printf ("motif-%s", motif->id);
      g_autofree char *duration = g_strdup_printf (ngettext ("About %u minute", "About %u minutes",
                                                             motif->duration_min),
                                                   motif->duration_min);
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *title = gtk_label_new (motif->name);
      GtkWidget *detail = gtk_label_new (duration);

      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "kiosk-result-title");
      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_widget_add_css_class (detail, "kiosk-hint");
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), detail);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_set_name (button, name);
      gtk_widget_add_css_class (button, "kiosk-card");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      motif->name, -1);
      g_object_set_data (G_OBJECT (button), "motif", motif);
      g_signal_connect (button, "clicked", G_CALLBACK (motif_clicked_cb), self);
      gtk_box_append (GTK_BOX (self->motifs_box), button);
    }
}

static KioskMotif *
motif_for_procedure (KioskAppointmentPage *self,
                     const char           *slug)
{
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self)));
  KioskProcedure *procedure = slug ? kiosk_catalogue_lookup (catalogue, slug) : NULL;
  const char *linked = procedure ? kiosk_procedure_get_how (procedure)->motif : NULL;

  /* The motif the catalogue links to the procedure, else one that lists it. */
  for (guint i = 0; linked != NULL && i < self->motifs->motifs->len; i++)
    {
      KioskMotif *motif = g_ptr_array_index (self->motifs->motifs, i);

      if (g_strcmp0 (motif->id, linked) == 0)
        return motif;
    }
  for (guint i = 0; slug != NULL && i < self->motifs->motifs->len; i++)
    {
      KioskMotif *motif = g_ptr_array_index (self->motifs->motifs, i);

      if (g_strv_contains ((const char * const *) motif->procedures, slug))
        return motif;
    }
  return NULL;
}

static void
motifs_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskMotifList) list = kiosk_appointments_fetch_motifs_finish (result, &error);
  KioskAppointmentPage *self = kiosk_page_end_request (user_data, error);
  KioskMotif *motif;

  if (self == NULL)
    return;
  if (list == NULL)
    {
      g_message ("Appointments: no motifs: %s", error->message);
      show_error (self, _("Booking is not possible right now: the online service does not answer. Please try again in a moment, or ask an agent."));
      gtk_stack_set_visible_child_name (self->stack, "motifs");
      return;
    }
  g_clear_pointer (&self->motifs, kiosk_motif_list_free);
  self->motifs = g_steal_pointer (&list);
  {
    /* TRANSLATORS: %s is the place, e.g. "EPN de Nouméa centre" */
    g_autofree char *where = g_strdup_printf (_("At %s. What is the appointment about?"),
                                              self->motifs->place->name);

    gtk_label_set_label (self->subtitle_label, where);
  }
  fill_motifs (self);
  gtk_stack_set_visible_child_name (self->stack, "motifs");
  motif = motif_for_procedure (self, self->wanted_slug);
  if (motif != NULL)
    {
      GtkWidget *child;

      for (child = gtk_widget_get_first_child (self->motifs_box); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (g_object_get_data (G_OBJECT (child), "motif") == motif)
          motif_clicked_cb (GTK_BUTTON (child), self);
    }
}

/**
 * kiosk_appointment_page_start:
 * @procedure_slug: (nullable): the procedure the citizen wants help with; its motif is chosen
 *
 * Starts a new booking: the motifs are asked from the portal.
 */
void
kiosk_appointment_page_start (KioskAppointmentPage *self,
                              const char           *procedure_slug)
{
  kiosk_appointment_page_reset (KIOSK_PAGE (self));
  self->wanted_slug = g_strdup (procedure_slug && *procedure_slug ? procedure_slug : NULL);
  if (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL)
    {
      show_error (self, _("Booking is not possible on this terminal. Please ask an agent."));
      return;
    }
  kiosk_appointments_fetch_motifs_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))),
                                         kiosk_context_get_site (kiosk_page_get_context (KIOSK_PAGE (self))), kiosk_page_begin_request (KIOSK_PAGE (self)),
                                         motifs_done_cb, self);
}

static void
slot_clicked_cb (GtkButton            *button,
                 KioskAppointmentPage *self)
{
  KioskSlot *slot = g_object_get_data (G_OBJECT (button), "slot");
  g_autofree char *when = format_when (slot->starts_at);
  g_autofree char *summary = NULL;

  g_clear_pointer (&self->slot, g_date_time_unref);
  self->slot = g_date_time_ref (slot->starts_at);
  /* TRANSLATORS: %1$s is the reason ("Aide médicale"), %2$s the day and time, %3$s the place */
  summary = g_strdup_printf (_("%1$s, %2$s, at %3$s."), self->motif->name, when,
                             self->motifs->place->name);
  gtk_label_set_label (self->summary_label, summary);
  gtk_label_set_label (self->subtitle_label, _("Who is the appointment for?"));
  show_error (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "contact");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
fill_week (KioskAppointmentPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) last = g_date_time_add_days (self->week_start, 6);
  g_autofree char *first_text = kiosk_format_day (self->week_start);
  g_autofree char *last_text = kiosk_format_day (last);
  /* TRANSLATORS: a week: from %1$s to %2$s, e.g. "Monday 30 November" */
  g_autofree char *week = g_strdup_printf (_("From %1$s to %2$s"), first_text, last_text);
  GtkWidget *column = NULL;
  int shown_day = -1;
  guint n = 0;

  gtk_label_set_label (self->week_label, week);
  gtk_widget_set_sensitive (self->previous_button, g_date_time_compare (self->week_start, today) > 0);
  gtk_widget_set_sensitive (self->next_button,
                            g_date_time_difference (self->week_start, today) < (WEEKS_AHEAD - 1) * 7 * G_TIME_SPAN_DAY);
  kiosk_widget_remove_all (self->days_box);
  for (guint i = 0; i < self->slots->len; i++)
    {
      KioskSlot *slot = g_ptr_array_index (self->slots, i);
      g_autoptr(GDateTime) local = g_date_time_to_local (slot->starts_at);
      g_autofree char *time = kiosk_format_time (slot->starts_at);
      g_autofree char *name = g_date_time_format (local, "slot-%Y%m%d-%H%M");
      g_autofree char *when = format_when (slot->starts_at);
      GtkWidget *button;

      if (g_date_time_get_day_of_year (local) != shown_day)
        {
          g_autofree char *day = kiosk_format_day (slot->starts_at);
          GtkWidget *header = gtk_label_new (day);

          shown_day = g_date_time_get_day_of_year (local);
          column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
          gtk_label_set_wrap (GTK_LABEL (header), TRUE);
          gtk_widget_add_css_class (header, "kiosk-field-label");
          gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LEVEL, 3, -1);
          gtk_box_append (GTK_BOX (column), header);
          gtk_box_append (GTK_BOX (self->days_box), column);
        }
      button = gtk_button_new_with_label (time);
      gtk_widget_set_name (button, name);
      gtk_widget_add_css_class (button, "kiosk-nav");
      gtk_widget_add_css_class (button, "kiosk-slot");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, when, -1);
      g_object_set_data (G_OBJECT (button), "slot", slot);
      g_signal_connect (button, "clicked", G_CALLBACK (slot_clicked_cb), self);
      gtk_box_append (GTK_BOX (column), button);
      n++;
    }
  gtk_widget_set_visible (self->no_slot_label, n == 0);
}

static void
slots_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slots = kiosk_appointments_fetch_slots_finish (result, &error);
  KioskAppointmentPage *self = kiosk_page_end_request (user_data, error);

  if (self == NULL)
    return;
  if (slots == NULL)
    {
      g_message ("Appointments: no slots: %s", error->message);
      show_error (self, _("The free times cannot be shown right now: the online service does not answer. Please try again in a moment, or ask an agent."));
      slots = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_slot_free);
    }
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  self->slots = g_steal_pointer (&slots);
  fill_week (self);
  gtk_stack_set_visible_child_name (self->stack, "slots");
}

static void
load_slots (KioskAppointmentPage *self)
{
  g_autofree char *subtitle = NULL;

  /* TRANSLATORS: %s is the reason of the appointment */
  subtitle = g_strdup_printf (_("%s: choose a time."), self->motif->name);
  gtk_label_set_label (self->subtitle_label, subtitle);
  kiosk_appointments_fetch_slots_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))),
                                        kiosk_context_get_site (kiosk_page_get_context (KIOSK_PAGE (self))), self->motif->id,
                                        self->week_start, 7, kiosk_page_begin_request (KIOSK_PAGE (self)), slots_done_cb, self);
}

static void
change_week (KioskAppointmentPage *self,
             int                   weeks)
{
  GDateTime *start = g_date_time_add_weeks (self->week_start, weeks);

  g_date_time_unref (self->week_start);
  self->week_start = start;
  show_error (self, NULL);
  load_slots (self);
}

static void
previous_clicked_cb (GtkButton            *button,
                     KioskAppointmentPage *self)
{
  change_week (self, -1);
}

static void
next_clicked_cb (GtkButton            *button,
                 KioskAppointmentPage *self)
{
  change_week (self, 1);
}

static void
show_field_error (GtkLabel   *label,
                  const char *message)
{
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
show_done (KioskAppointmentPage *self)
{
  KioskAppointment *a = self->appointment;
  g_autofree char *when = format_when (a->starts_at);
  g_autofree char *place = NULL;
  g_autofree char *spaced = g_strdup_printf ("%.4s %.4s", a->reference, a->reference + 4);
  g_autoptr(GString) bring = g_string_new (NULL);
  g_autoptr(KioskImage) qr = kiosk_qr_render (a->reference, 8, NULL);
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self)));

  gtk_label_set_label (self->title_label, _("Your appointment is booked"));
  gtk_label_set_label (self->subtitle_label, a->motif_name ? a->motif_name : self->motif->name);
  gtk_label_set_label (self->when_label, when);
  if (a->place != NULL)
    place = a->place->address ? g_strdup_printf ("%s\n%s", a->place->name, a->place->address)
                              : g_strdup (a->place->name);
  gtk_label_set_label (self->place_label, place ? place : "");
  gtk_label_set_label (self->reference_label, spaced);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reference_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, a->reference, -1);

  /* What to bring: the documents the related procedures ask for, each once. */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; a->procedures != NULL && a->procedures[i] != NULL; i++)
      {
        KioskProcedure *procedure = kiosk_catalogue_lookup (catalogue, a->procedures[i]);

        for (guint j = 0; procedure != NULL && j < kiosk_procedure_get_n_documents (procedure); j++)
          {
            const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, j);

            if (g_hash_table_contains (seen, spec->label))
              continue;
            g_hash_table_add (seen, spec->label);
            g_string_append_printf (bring, "\n• %s", spec->label);
          }
      }
  }
  if (bring->len > 0)
    {
      g_autofree char *text = g_strconcat (_("Bring with you, in originals:"), bring->str, NULL);

      gtk_label_set_label (self->bring_label, text);
    }
  else
    gtk_label_set_label (self->bring_label, _("Bring an identity document."));
  if (qr != NULL)
    {
      g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (qr);

      gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "appointment.print", TRUE);
  gtk_stack_set_visible_child_name (self->stack, "done");
}

static void
book_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) fields = NULL;
  g_autoptr(KioskAppointment) appointment = kiosk_appointments_book_finish (result, &fields, &error);
  KioskAppointmentPage *self = kiosk_page_end_request (user_data, error);

  if (self == NULL)
    return;
  if (appointment != NULL)
    {
      g_clear_pointer (&self->booking, kiosk_booking_free);
      g_clear_pointer (&self->appointment, kiosk_appointment_free);
      self->appointment = g_steal_pointer (&appointment);
      kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "appointment-booked", self->appointment->reference);
      show_error (self, NULL);
      show_done (self);
      return;
    }
  g_message ("Appointments: booking refused: %s", error->message);
  if (g_error_matches (error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_INVALID) && fields != NULL)
    {
      show_field_error (self->name_error, g_hash_table_lookup (fields, "name"));
      show_field_error (self->phone_error, g_hash_table_lookup (fields, "phone"));
      show_field_error (self->email_error, g_hash_table_lookup (fields, "email"));
      g_clear_pointer (&self->booking, kiosk_booking_free);
      return;
    }
  show_error (self, describe_error (error));
  if (g_error_matches (error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_SLOT_TAKEN))
    {
      g_clear_pointer (&self->booking, kiosk_booking_free);
      load_slots (self);
    }
}

static gboolean
same_booking (const KioskBooking *booking,
              GDateTime          *slot,
              const char         *name,
              const char         *phone,
              const char         *email)
{
  return booking != NULL && g_date_time_equal (booking->starts_at, slot)
         && g_strcmp0 (booking->name, name) == 0 && g_strcmp0 (booking->phone, phone) == 0
         && g_strcmp0 (booking->email, email && *email ? email : NULL) == 0;
}

static void
confirm_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskAppointmentPage *self = KIOSK_APPOINTMENT_PAGE (widget);
  KioskField name_field = { .varname = (char *) "name", .label = (char *) _("Your name"),
                            .type = KIOSK_FIELD_STRING, .required = TRUE, .has_max = TRUE, .max = 120 };
  KioskField phone_field = { .varname = (char *) "phone", .label = (char *) _("Your phone number"),
                             .type = KIOSK_FIELD_PHONE, .required = TRUE };
  KioskField email_field = { .varname = (char *) "email", .label = (char *) _("Your e-mail address"),
                             .type = KIOSK_FIELD_EMAIL };
  g_autoptr(GError) name_error = NULL, phone_error = NULL, email_error = NULL;
  g_autoptr(JsonNode) name = kiosk_field_validate (&name_field, gtk_editable_get_text (self->name_entry), &name_error);
  g_autoptr(JsonNode) phone = kiosk_field_validate (&phone_field, gtk_editable_get_text (self->phone_entry), &phone_error);
  g_autoptr(JsonNode) email = kiosk_field_validate (&email_field, gtk_editable_get_text (self->email_entry), &email_error);
  const char *name_text, *phone_text, *email_text;

  show_field_error (self->name_error, name_error ? name_error->message : NULL);
  show_field_error (self->phone_error, phone_error ? phone_error->message : NULL);
  show_field_error (self->email_error, email_error ? email_error->message : NULL);
  if (name_error != NULL || phone_error != NULL || email_error != NULL || self->slot == NULL)
    {
      kiosk_page_errors_shown (KIOSK_PAGE (self));   /* read aloud while "Écouter" is on */
      gtk_widget_grab_focus (GTK_WIDGET (name_error ? self->name_entry
                                         : phone_error ? self->phone_entry : self->email_entry));
      return;
    }
  name_text = json_node_get_string (name);
  phone_text = json_node_get_string (phone);
  email_text = email && JSON_NODE_HOLDS_VALUE (email) ? json_node_get_string (email) : NULL;
  if (!same_booking (self->booking, self->slot, name_text, phone_text, email_text))
    {
      g_clear_pointer (&self->booking, kiosk_booking_free);
      self->booking = kiosk_booking_new (kiosk_context_get_site (kiosk_page_get_context (KIOSK_PAGE (self))), self->motif->id,
                                         self->slot, name_text, phone_text, email_text);
    }
  show_error (self, NULL);
  kiosk_appointments_book_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))), self->booking,
                                 kiosk_page_begin_request (KIOSK_PAGE (self)), book_done_cb, self);
}

static void
motifs_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskAppointmentPage *self = KIOSK_APPOINTMENT_PAGE (widget);

  show_error (self, NULL);
  if (self->motifs != NULL)
    {
      g_autofree char *where = g_strdup_printf (_("At %s. What is the appointment about?"),
                                                self->motifs->place->name);

      gtk_label_set_label (self->subtitle_label, where);
    }
  gtk_stack_set_visible_child_name (self->stack, "motifs");
}

static void
slots_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KioskAppointmentPage *self = KIOSK_APPOINTMENT_PAGE (widget);

  show_error (self, NULL);
  if (self->motif != NULL)
    load_slots (self);
}

static void
draw_page_cb (GtkPrintOperation    *operation,
              GtkPrintContext      *context,
              int                   page,
              KioskAppointmentPage *self)
{
  KioskAppointment *a = self->appointment;
  g_autofree char *when = format_when (a->starts_at);
  g_autofree char *spaced = g_strdup_printf ("%.4s %.4s", a->reference, a->reference + 4);
  double y = 0;

  kiosk_print_text (context, _("Your appointment"), "Sans Bold 18", &y);
  kiosk_print_text (context, a->motif_name ? a->motif_name : "", "Sans 14", &y);
  kiosk_print_text (context, when, "Sans Bold 14", &y);
  if (a->place != NULL)
    {
      kiosk_print_text (context, a->place->name, "Sans 12", &y);
      if (a->place->address != NULL)
        kiosk_print_text (context, a->place->address, "Sans 12", &y);
    }
  kiosk_print_text (context, _("Your appointment number:"), "Sans 12", &y);
  kiosk_print_text (context, spaced, "Sans Bold 28", &y);
  kiosk_print_qr (gtk_print_context_get_cairo_context (context), a->reference, 140, &y);
  kiosk_print_text (context, gtk_label_get_label (self->bring_label), "Sans 12", &y);
  kiosk_print_text (context,
                    _("On the day, type this number on the terminal or show its code to the reader when you arrive. To cancel, use “I have an appointment” on the home screen, with the same phone number."),
                    "Sans 11", &y);
}

/**
 * kiosk_appointment_page_print:
 * @export_pdf: (nullable): write a PDF file there instead of printing
 *
 * Prints the booking on the default printer without a dialog, or exports it as PDF.
 *
 * Returns: %TRUE when the job was handed over
 */
gboolean
kiosk_appointment_page_print (KioskAppointmentPage *self,
                              const char           *export_pdf)
{
  if (self->appointment == NULL)
    return FALSE;
  /* TRANSLATORS: name of the print job */
  return kiosk_print_one_page (_("Appointment"), G_CALLBACK (draw_page_cb), self, export_pdf);
}

/* The page and the number (copied: the session may end while printing), for printed_cb. */
typedef struct
{
  GtkWidget *page;
  char      *number;
} PrintJob;

static void
printed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  PrintJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (kiosk_print_page_finish (result, &error) || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *failure = kiosk_print_failure_sentence (job->number);

      if (error != NULL)
        g_message ("Appointment not printed: %s", error->message);
      kiosk_toast_print_result (job->page, error == NULL,
                                _("Your appointment is printed: take it from the printer."), failure);
    }
  g_object_unref (job->page);
  g_free (job->number);
  g_free (job);
}

static void
print_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KioskAppointmentPage *self = KIOSK_APPOINTMENT_PAGE (widget);
  PrintJob *job;

  if (self->appointment == NULL)
    return;
  job = g_new0 (PrintJob, 1);
  job->page = g_object_ref (widget);
  job->number = g_strdup (self->appointment->reference);
  /* TRANSLATORS: name of the print job */
  kiosk_print_page_async (_("Appointment"), G_CALLBACK (draw_page_cb), self,
                          kiosk_page_get_cancellable (KIOSK_PAGE (self)), printed_cb, job);
}

/* Forgets everything of the citizen: name, phone, e-mail, the booking shown. */
static void
kiosk_appointment_page_reset (KioskPage *page)
{
  KioskAppointmentPage *self = KIOSK_APPOINTMENT_PAGE (page);

  kiosk_page_cancel_request (page);
  g_clear_pointer (&self->motifs, kiosk_motif_list_free);
  self->motif = NULL;
  g_clear_pointer (&self->wanted_slug, g_free);
  g_clear_pointer (&self->week_start, g_date_time_unref);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->slot, g_date_time_unref);
  g_clear_pointer (&self->booking, kiosk_booking_free);
  g_clear_pointer (&self->appointment, kiosk_appointment_free);
  gtk_editable_set_text (self->name_entry, "");
  gtk_editable_set_text (self->phone_entry, "");
  gtk_editable_set_text (self->email_entry, "");
  show_field_error (self->name_error, NULL);
  show_field_error (self->phone_error, NULL);
  show_field_error (self->email_error, NULL);
  show_error (self, NULL);
  kiosk_widget_remove_all (self->motifs_box);
  kiosk_widget_remove_all (self->days_box);
  gtk_label_set_label (self->title_label, _("Book an appointment with an agent"));
  gtk_label_set_label (self->subtitle_label, "");
  gtk_label_set_label (self->summary_label, "");
  gtk_label_set_label (self->when_label, "");
  gtk_label_set_label (self->place_label, "");
  gtk_label_set_label (self->reference_label, "");
  gtk_label_set_label (self->bring_label, "");
  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "appointment.print", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "motifs");
}

/**
 * kiosk_appointment_page_get_appointment:
 *
 * Returns: (nullable) (transfer none): the appointment booked, for tests
 */
const KioskAppointment *
kiosk_appointment_page_get_appointment (KioskAppointmentPage *self)
{
  return self->appointment;
}

static void
kiosk_appointment_page_dispose (GObject *object)
{
  KioskAppointmentPage *self = KIOSK_APPOINTMENT_PAGE (object);

  g_clear_pointer (&self->motifs, kiosk_motif_list_free);
  g_clear_pointer (&self->wanted_slug, g_free);
  g_clear_pointer (&self->week_start, g_date_time_unref);
  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->slot, g_date_time_unref);
  g_clear_pointer (&self->booking, kiosk_booking_free);
  g_clear_pointer (&self->appointment, kiosk_appointment_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_APPOINTMENT_PAGE);
  G_OBJECT_CLASS (kiosk_appointment_page_parent_class)->dispose (object);
}

static void
kiosk_appointment_page_class_init (KioskAppointmentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_appointment_page_reset;
  KIOSK_PAGE_CLASS (klass)->show_busy = show_busy;
  object_class->dispose = kiosk_appointment_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-appointment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, motifs_box);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, previous_button);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, week_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, days_box);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, no_slot_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, phone_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, email_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, name_error);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, phone_error);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, email_error);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, when_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, place_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, reference_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, bring_label);
  gtk_widget_class_bind_template_child (widget_class, KioskAppointmentPage, qr_picture);
  gtk_widget_class_install_action (widget_class, "appointment.confirm", NULL, confirm_action_cb);
  gtk_widget_class_install_action (widget_class, "appointment.motifs", NULL, motifs_action_cb);
  gtk_widget_class_install_action (widget_class, "appointment.slots", NULL, slots_action_cb);
  gtk_widget_class_install_action (widget_class, "appointment.print", NULL, print_action_cb);
}

static void
kiosk_appointment_page_init (KioskAppointmentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kiosk_stack_label_pages (self->stack);
  g_signal_connect (self->previous_button, "clicked", G_CALLBACK (previous_clicked_cb), self);
  g_signal_connect (self->next_button, "clicked", G_CALLBACK (next_clicked_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "appointment.print", FALSE);
}

