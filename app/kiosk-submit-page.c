/* kiosk-submit-page.c: shows a KioskSubmission — its progress bar, and a French sentence for each
 * failure. Retrying runs the same submission again, with the dossier's Idempotency-Key. */
#include "kiosk-submit-page.h"

#include "kiosk-submission.h"

#include <glib/gi18n.h>

struct _KioskSubmitPage
{
  KioskPage          parent_instance;

  KioskSubmission  *submission;     /* nullable: the dossier being sent, kept for a retry */
  KioskSubmitState  state;

  GtkLabel         *title_label;
  GtkProgressBar   *progress_bar;
  GtkLabel         *message_label;
  GtkWidget        *error_buttons;
  GtkWidget        *retry_button;
};

G_DEFINE_FINAL_TYPE (KioskSubmitPage, kiosk_submit_page, KIOSK_TYPE_PAGE)

static void kiosk_submit_page_reset (KioskPage *page);

enum { PROP_0, PROP_STATE, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
set_state (KioskSubmitPage  *self,
           KioskSubmitState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  gtk_widget_set_visible (self->error_buttons, state == KIOSK_SUBMIT_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state != KIOSK_SUBMIT_FAILED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* A French sentence for each failure, chosen by its domain and code. */
static char *
describe_error (KioskSubmission *submission)
{
  const GError *error = kiosk_submission_get_error (submission);

  if (error->domain == KIOSK_PORTAL_ERROR)
    switch ((KioskPortalError) error->code)
      {
      case KIOSK_PORTAL_ERROR_UNREACHABLE:
      case KIOSK_PORTAL_ERROR_TIMEOUT:
        return g_strdup (_("The portal cannot be reached right now. Your answers and documents are kept. Try again in a moment, or call an agent."));
      case KIOSK_PORTAL_ERROR_SERVER:
        return g_strdup (_("The portal has a temporary problem. Your answers and documents are kept. Try again in a moment."));
      case KIOSK_PORTAL_ERROR_MALFORMED:
        return g_strdup (_("The portal sent an answer the terminal does not understand. Your answers are kept. Try again, or call an agent."));
      case KIOSK_PORTAL_ERROR_INVALID_FIELDS:
        return g_strdup (_("The portal refused some answers. Go back to your answers to correct them."));
      case KIOSK_PORTAL_ERROR_INSECURE_URL:
      case KIOSK_PORTAL_ERROR_TLS:
        return g_strdup (_("The terminal cannot connect safely to the portal. Please call an agent."));
      case KIOSK_PORTAL_ERROR_REFUSED:
      default:
        return g_strdup (_("The portal refused the request. Please call an agent."));
      }
  /* The terminal's validator words its refusal for the citizen already. */
  if (kiosk_submission_get_invalid_answer (submission) != NULL)
    return g_strdup (kiosk_submission_get_invalid_answer (submission));
  if (error->domain == KIOSK_STORAGE_ERROR)
    return g_strdup (_("The terminal could not save your request. Your answers are kept. Try again; if it happens again, call an agent."));
  return g_strdup (_("The request could not be sent. Your answers are kept. Please try again."));
}

static void
show_failure (KioskSubmitPage *self)
{
  g_autofree char *text = describe_error (self->submission);

  gtk_label_set_label (self->title_label, _("Your request was not sent"));
  gtk_label_set_label (self->message_label, text);
  gtk_widget_set_visible (self->retry_button, kiosk_submission_can_retry (self->submission));
  set_state (self, KIOSK_SUBMIT_FAILED);
}

static void
progress_changed_cb (KioskSubmitPage *self)
{
  if (self->state == KIOSK_SUBMIT_SENDING)
    gtk_progress_bar_set_fraction (self->progress_bar, kiosk_submission_get_progress (self->submission));
}

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KioskSubmitPage) self = user_data;
  g_autoptr(GError) error = NULL;
  const KioskReceipt *receipt = kiosk_submission_run_finish (KIOSK_SUBMISSION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  kiosk_page_set_busy (KIOSK_PAGE (self), FALSE);
  if (receipt == NULL)
    {
      show_failure (self);
      return;
    }
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)),
                     receipt->queued ? "dossier-queued" : "dossier-submitted", receipt->number);
  gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  set_state (self, KIOSK_SUBMIT_DONE);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", KIOSK_PAGE_RECEIPT);
}

static void
drop_submission (KioskSubmitPage *self)
{
  if (self->submission != NULL)
    g_signal_handlers_disconnect_by_data (self->submission, self);
  g_clear_object (&self->submission);
}

/**
 * kiosk_submit_page_start:
 *
 * Sends @dossier (again, after a failure: the same submission, so the dossier saved in the
 * outbox is not saved twice); the page goes to the receipt when it is delivered or queued.
 */
void
kiosk_submit_page_start (KioskSubmitPage *self,
                         KioskDossier    *dossier)
{
  KioskContext *context = kiosk_page_get_context (KIOSK_PAGE (self));

  if (self->state == KIOSK_SUBMIT_SENDING)
    return;
  if (self->submission == NULL || kiosk_submission_get_dossier (self->submission) != dossier)
    {
      drop_submission (self);
      self->submission = kiosk_submission_new (context, dossier);
      g_signal_connect_swapped (self->submission, "notify::progress", G_CALLBACK (progress_changed_cb), self);
    }
  gtk_label_set_label (self->title_label, _("Sending your request…"));
  gtk_label_set_label (self->message_label, _("Please wait. Do not leave the terminal."));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  set_state (self, KIOSK_SUBMIT_SENDING);

  kiosk_submission_run_async (self->submission, kiosk_page_begin_request (KIOSK_PAGE (self)),
                              submitted_cb, g_object_ref (self));
}

KioskSubmitState
kiosk_submit_page_get_state (KioskSubmitPage *self)
{
  return self->state;
}

/**
 * kiosk_submit_page_get_receipt:
 *
 * Returns: (transfer none) (nullable): the receipt once delivered or queued
 */
const KioskReceipt *
kiosk_submit_page_get_receipt (KioskSubmitPage *self)
{
  return self->submission ? kiosk_submission_get_receipt (self->submission) : NULL;
}

/**
 * kiosk_submit_page_get_field_errors:
 *
 * Returns: (transfer none) (nullable): the portal's messages per field after a 422
 */
GHashTable *
kiosk_submit_page_get_field_errors (KioskSubmitPage *self)
{
  return self->submission ? kiosk_submission_get_field_errors (self->submission) : NULL;
}

/* Forgets the dossier and the receipt at the end of a session. */
static void
kiosk_submit_page_reset (KioskPage *page)
{
  KioskSubmitPage *self = KIOSK_SUBMIT_PAGE (page);

  kiosk_page_cancel_request (page);
  drop_submission (self);
  set_state (self, KIOSK_SUBMIT_IDLE);
}

static void
submit_back_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskSubmitPage *self = KIOSK_SUBMIT_PAGE (widget);

  if (kiosk_submit_page_get_field_errors (self) != NULL)
    gtk_widget_activate_action (widget, "win.correct", NULL);
  else
    gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_REVIEW);
}

static void
kiosk_submit_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KioskSubmitPage *self = KIOSK_SUBMIT_PAGE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_submit_page_dispose (GObject *object)
{
  KioskSubmitPage *self = KIOSK_SUBMIT_PAGE (object);

  kiosk_submit_page_reset (KIOSK_PAGE (self));
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_SUBMIT_PAGE);

  G_OBJECT_CLASS (kiosk_submit_page_parent_class)->dispose (object);
}

static void
kiosk_submit_page_class_init (KioskSubmitPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_submit_page_reset;
  object_class->get_property = kiosk_submit_page_get_property;
  object_class->dispose = kiosk_submit_page_dispose;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, KIOSK_SUBMIT_IDLE, KIOSK_SUBMIT_FAILED, KIOSK_SUBMIT_IDLE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-submit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskSubmitPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskSubmitPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KioskSubmitPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, KioskSubmitPage, error_buttons);
  gtk_widget_class_bind_template_child (widget_class, KioskSubmitPage, retry_button);
  gtk_widget_class_install_action (widget_class, "submit.back", NULL, submit_back_cb);
}

static void
kiosk_submit_page_init (KioskSubmitPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

