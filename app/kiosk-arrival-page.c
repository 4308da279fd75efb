/* kiosk-arrival-page.c: check-in on arrival and cancellation of an appointment.
 *
 * The number may be typed, or typed by a USB barcode reader reading the receipt's QR code; a
 * reader set for QWERTY on this AZERTY terminal types "&é\"'(" for "12345", which
 * kiosk_appointment_normalize_reference() reads as digits. The reader's Enter checks in. */
#include "kiosk-arrival-page.h"

#include "kiosk-appointment-page.h"
#include "kiosk-appointments.h"

#include <glib/gi18n.h>

struct _KioskArrivalPage
{
  KioskPage      parent_instance;

  GtkEditable  *reference_entry;
  GtkEditable  *phone_entry;
  GtkSpinner   *spinner;
  GtkLabel     *result_label;
  gboolean      checked_in;   /* "I have arrived" is done, until another number is typed */
};

G_DEFINE_FINAL_TYPE (KioskArrivalPage, kiosk_arrival_page, KIOSK_TYPE_PAGE)

static void kiosk_arrival_page_reset (KioskPage *page);

static void
show_result (KioskArrivalPage *self,
             const char       *text,
             gboolean          is_error)
{
  gtk_label_set_label (self->result_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), text != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "kiosk-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "kiosk-error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "kiosk-success");
}

static void
show_success (KioskArrivalPage *self,
              const char       *text)
{
  show_result (self, text, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "kiosk-success");
}

static void
show_busy (KioskPage *page,
           gboolean   busy)
{
  KioskArrivalPage *self = KIOSK_ARRIVAL_PAGE (page);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "arrival.check-in", !busy && !self->checked_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "arrival.cancel", !busy);
}

static GCancellable *
new_request (KioskArrivalPage *self)
{
  show_result (self, NULL, FALSE);
  return kiosk_page_begin_request (KIOSK_PAGE (self));
}

static char *
when_of (const KioskAppointment *a)
{
  g_autofree char *day = kiosk_format_day (a->starts_at);
  g_autofree char *time = kiosk_format_time (a->starts_at);

  /* TRANSLATORS: %1$s is a day ("Monday 30 November"), %2$s a time ("8:30") */
  return g_strdup_printf (_("%1$s at %2$s"), day, time);
}

static const char *
describe_error (const GError *error)
{
  if (error->domain == KIOSK_APPOINTMENT_ERROR)
    switch (error->code)
      {
      case KIOSK_APPOINTMENT_ERROR_NOT_FOUND:
      case KIOSK_APPOINTMENT_ERROR_BAD_REFERENCE:
        return _("We cannot find this appointment number. Check the 8 digits on your receipt, or ask an agent.");
      case KIOSK_APPOINTMENT_ERROR_TOO_LATE:
        return _("The time of this appointment is over. Please ask an agent; you can also book a new appointment.");
      case KIOSK_APPOINTMENT_ERROR_CANCELLED:
        return _("This appointment was cancelled. Please ask an agent; you can also book a new appointment.");
      case KIOSK_APPOINTMENT_ERROR_PHONE_MISMATCH:
        return _("This phone number is not the one given when booking. Check it, or ask an agent.");
      default:
        break;
      }
  return _("The online service does not answer right now. Please tell an agent you are here, or try again in a moment.");
}

/* Returns: (transfer full) (nullable): the typed reference, or %NULL after telling the citizen */
static char *
read_reference (KioskArrivalPage *self)
{
  char *reference = kiosk_appointment_normalize_reference (gtk_editable_get_text (self->reference_entry));

  if (reference == NULL && kiosk_appointment_reference_is_mistyped (gtk_editable_get_text (self->reference_entry)))
    {
      show_result (self, _("This number seems mistyped: check each digit against your receipt, or ask an agent."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->reference_entry));
    }
  else if (reference == NULL)
    {
      show_result (self, _("This is not an appointment number: it has 8 digits, for example 1234 5674. Check it, or ask an agent."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->reference_entry));
    }
  return reference;
}

/* Returns: (transfer none) (nullable): the portal to send the typed reference (@reference) to,
 *   or %NULL after telling the citizen why not: the reference is not one, or this terminal has
 *   no portal (@no_portal) */
static KioskPortal *
read_request (KioskArrivalPage  *self,
              char             **reference,
              const char        *no_portal)
{
  KioskPortal *portal = kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self)));

  *reference = read_reference (self);
  if (*reference == NULL)
    return NULL;
  if (portal == NULL)
    show_result (self, no_portal, TRUE);
  return portal;
}

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAppointment) a = kiosk_appointments_call_finish (result, &error);
  KioskArrivalPage *self = kiosk_page_end_request (user_data, error);

  if (self == NULL)
    return;
  if (a == NULL)
    {
      show_result (self, describe_error (error), TRUE);
      return;
    }
  {
    g_autofree char *when = when_of (a);
    /* TRANSLATORS: %s is a day and time, e.g. "Monday 30 November at 8:30" */
    g_autofree char *text = g_strdup_printf (_("Your appointment is on %s. Come back that day, a little before the time, to check in."), when);

    show_result (self, text, TRUE);
  }
}

static void
check_in_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAppointment) a = kiosk_appointments_call_finish (result, &error);
  KioskArrivalPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_ARRIVAL_PAGE (user_data);
  if (a == NULL && g_error_matches (error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_TOO_EARLY))
    {
      g_autofree char *reference = kiosk_appointment_normalize_reference (gtk_editable_get_text (self->reference_entry));

      /* Tell the citizen which day it is for. */
      kiosk_appointments_lookup_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))), reference,
                                       kiosk_page_get_cancellable (KIOSK_PAGE (self)), lookup_done_cb, self);
      return;
    }
  kiosk_page_set_busy (KIOSK_PAGE (self), FALSE);
  if (a == NULL)
    {
      g_message ("Appointments: check-in refused: %s", error->message);
      show_result (self, describe_error (error), TRUE);
      return;
    }
  {
    g_autofree char *time = kiosk_format_time (a->starts_at);
    g_autofree char *text = NULL;

    if (a->queue_position > 1)
      /* TRANSLATORS: %1$s is a time ("8:30"), %2$s the reason, %3$u how many people are before */
      text = g_strdup_printf (ngettext ("Welcome! You are checked in for %1$s (%2$s). An agent will call you; %3$u person is before you.",
                                        "Welcome! You are checked in for %1$s (%2$s). An agent will call you; %3$u people are before you.",
                                        a->queue_position - 1),
                              time, a->motif_name ? a->motif_name : "", a->queue_position - 1);
    else if (a->queue_position == 1)
      /* TRANSLATORS: %1$s is a time ("8:30"), %2$s the reason */
      text = g_strdup_printf (_("Welcome! You are checked in for %1$s (%2$s). You are next: an agent will call you."),
                              time, a->motif_name ? a->motif_name : "");
    else
      /* TRANSLATORS: %1$s is a time ("8:30"), %2$s the reason */
      text = g_strdup_printf (_("Welcome! You are checked in for %1$s (%2$s). An agent will call you."),
                              time, a->motif_name ? a->motif_name : "");
    show_success (self, text);
    self->checked_in = TRUE;
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "arrival.check-in", FALSE);
    gtk_editable_set_text (self->reference_entry, "");
    kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "appointment-checked-in", a->reference);
  }
}

static void
check_in_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KioskArrivalPage *self = KIOSK_ARRIVAL_PAGE (widget);
  g_autofree char *reference = NULL;
  KioskPortal *portal = read_request (self, &reference,
                                      _("Checking in is not possible on this terminal. Please tell an agent you are here."));

  if (portal != NULL)
    kiosk_appointments_check_in_async (portal, reference, new_request (self), check_in_done_cb, self);
}

static void
cancel_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAppointment) a = kiosk_appointments_call_finish (result, &error);
  KioskArrivalPage *self = kiosk_page_end_request (user_data, error);

  if (self == NULL)
    return;
  if (a == NULL)
    {
      g_message ("Appointments: cancellation refused: %s", error->message);
      if (g_error_matches (error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_TOO_LATE))
        show_result (self, _("This appointment has already begun or is over: it can no longer be cancelled here. Please ask an agent."), TRUE);
      else
        show_result (self, describe_error (error), TRUE);
      return;
    }
  {
    g_autofree char *when = when_of (a);
    /* TRANSLATORS: %s is a day and time */
    g_autofree char *text = g_strdup_printf (_("Your appointment of %s is cancelled. The time is free again for someone else."), when);

    show_success (self, text);
    gtk_editable_set_text (self->reference_entry, "");
    gtk_editable_set_text (self->phone_entry, "");
    kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "appointment-cancelled", a->reference);
  }
}

static void
cancel_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskArrivalPage *self = KIOSK_ARRIVAL_PAGE (widget);
  g_autofree char *reference = NULL;
  KioskPortal *portal = read_request (self, &reference,
                                      _("Cancelling is not possible on this terminal. Please ask an agent."));
  const char *phone = gtk_editable_get_text (self->phone_entry);

  if (portal == NULL)
    return;
  if (*phone == '\0')
    {
      show_result (self, _("Type the phone number you gave when booking."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->phone_entry));
      return;
    }
  kiosk_appointments_cancel_async (portal, reference, phone, new_request (self), cancel_done_cb, self);
}

/* Another number typed: "I have arrived" is for it. */
static void
reference_changed_cb (GtkEditable      *editable,
                      KioskArrivalPage *self)
{
  if (self->checked_in && *gtk_editable_get_text (editable) != '\0')
    {
      self->checked_in = FALSE;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "arrival.check-in",
                                     !kiosk_page_get_busy (KIOSK_PAGE (self)));
    }
}

static void
reference_activate_cb (GtkEntry         *entry,
                       KioskArrivalPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "arrival.check-in", NULL);
}

static void
kiosk_arrival_page_reset (KioskPage *page)
{
  KioskArrivalPage *self = KIOSK_ARRIVAL_PAGE (page);

  self->checked_in = FALSE;
  kiosk_page_set_busy (page, FALSE);
  gtk_editable_set_text (self->reference_entry, "");
  gtk_editable_set_text (self->phone_entry, "");
  show_result (self, NULL, FALSE);
}

static void
kiosk_arrival_page_dispose (GObject *object)
{
  KioskArrivalPage *self = KIOSK_ARRIVAL_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_ARRIVAL_PAGE);
  G_OBJECT_CLASS (kiosk_arrival_page_parent_class)->dispose (object);
}

static void
kiosk_arrival_page_class_init (KioskArrivalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_arrival_page_reset;
  KIOSK_PAGE_CLASS (klass)->show_busy = show_busy;
  /* A check-in's result names the appointment's reason, which may be about health. */
  KIOSK_PAGE_CLASS (klass)->forget_when_left = TRUE;
  object_class->dispose = kiosk_arrival_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-arrival-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskArrivalPage, reference_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskArrivalPage, phone_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskArrivalPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KioskArrivalPage, result_label);
  gtk_widget_class_install_action (widget_class, "arrival.check-in", NULL, check_in_action_cb);
  gtk_widget_class_install_action (widget_class, "arrival.cancel", NULL, cancel_action_cb);
}

static void
kiosk_arrival_page_init (KioskArrivalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->reference_entry, "activate", G_CALLBACK (reference_activate_cb), self);
  g_signal_connect (self->reference_entry, "changed", G_CALLBACK (reference_changed_cb), self);
}

