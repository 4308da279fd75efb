/* kiosk-submit-page.c: the upload, its progress bar, and a French sentence for each failure.
 * Retrying reuses the dossier's Idempotency-Key, so the portal never records it twice. */
#include "kiosk-submit-page.h"

#include <glib/gi18n.h>

struct _KioskSubmitPage
{
  KioskPage          parent_instance;

  KioskDossier     *dossier;
  GCancellable     *cancellable;
  KioskSubmitState  state;
  KioskReceipt     *receipt;
  GHashTable       *field_errors;
  gint64            outbox_id;      /* the dossier's entry in the outbox, 0 before it is saved */

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

static char *
describe_error (const GError *error,
                gboolean     *can_retry)
{
  *can_retry = TRUE;
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
        *can_retry = FALSE;
        return g_strdup (_("The portal refused some answers. Go back to your answers to correct them."));
      case KIOSK_PORTAL_ERROR_INSECURE_URL:
      case KIOSK_PORTAL_ERROR_TLS:
        *can_retry = FALSE;
        return g_strdup (_("The terminal cannot connect safely to the portal. Please call an agent."));
      case KIOSK_PORTAL_ERROR_REFUSED:
      default:
        *can_retry = FALSE;
        return g_strdup (_("The portal refused the request. Please call an agent."));
      }
  if (error->domain == KIOSK_FIELD_ERROR)
    {
      *can_retry = FALSE;
      return g_strdup (error->message);
    }
  if (error->domain == KIOSK_STORAGE_ERROR)
    return g_strdup (_("The terminal could not save your request. Your answers are kept. Try again; if it happens again, call an agent."));
  return g_strdup (_("The request could not be sent. Your answers are kept. Please try again."));
}

static void
submit_progress_cb (guint64  sent,
                    guint64  total,
                    gpointer user_data)
{
  KioskSubmitPage *self = user_data;

  if (self->state == KIOSK_SUBMIT_SENDING && total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) sent / total);
}

static gboolean
is_retryable (const GError *error)
{
  return error->domain == KIOSK_PORTAL_ERROR
         && (error->code == KIOSK_PORTAL_ERROR_UNREACHABLE || error->code == KIOSK_PORTAL_ERROR_TIMEOUT
             || error->code == KIOSK_PORTAL_ERROR_SERVER || error->code == KIOSK_PORTAL_ERROR_MALFORMED);
}

/* A short reference the citizen can read out to an agent: the start of the Idempotency-Key. */
static char *
format_local_reference (KioskDossier *dossier)
{
  g_autofree char *key = g_ascii_strup (kiosk_dossier_get_idempotency_key (dossier), -1);

  return g_strdup_printf ("%.4s-%.4s", key, key + 4);
}

static void
show_failure (KioskSubmitPage *self,
              const GError    *error)
{
  gboolean can_retry;
  g_autofree char *text = describe_error (error, &can_retry);

  gtk_label_set_label (self->title_label, _("Your request was not sent"));
  gtk_label_set_label (self->message_label, text);
  gtk_widget_set_visible (self->retry_button, can_retry);
  set_state (self, KIOSK_SUBMIT_FAILED);
}

static void
submit_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KioskSubmitPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) field_errors = NULL;
  KioskReceipt *receipt = kiosk_portal_submit_finish (KIOSK_PORTAL (object), result, &field_errors, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (receipt == NULL && self->outbox_id != 0 && is_retryable (error))
    {
      /* Saved in the outbox: the sender will deliver it with the same key. The citizen may go. */
      g_message ("Submission deferred to the outbox: %s", error->message);
      receipt = g_new0 (KioskReceipt, 1);
      receipt->number = format_local_reference (self->dossier);
      receipt->queued = TRUE;
    }
  else if (receipt == NULL)
    {
      g_message ("Submission failed: %s", error->message);
      /* Answers refused: the citizen corrects them and sends again, so the entry goes. Other
       * refusals stay in the outbox, marked for an agent by the sender. */
      if (g_error_matches (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INVALID_FIELDS) && self->outbox_id != 0)
        {
          kiosk_context_unqueue_dossier (kiosk_page_get_context (KIOSK_PAGE (self)), self->outbox_id);
          self->outbox_id = 0;
        }
      g_clear_pointer (&self->field_errors, g_hash_table_unref);
      self->field_errors = g_steal_pointer (&field_errors);
      show_failure (self, error);
      return;
    }
  else if (self->outbox_id != 0)
    {
      kiosk_context_unqueue_dossier (kiosk_page_get_context (KIOSK_PAGE (self)), self->outbox_id);
      self->outbox_id = 0;
    }

  g_clear_pointer (&self->receipt, kiosk_receipt_free);
  self->receipt = receipt;
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), receipt->queued ? "dossier-queued" : "dossier-submitted", receipt->number);
  gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  set_state (self, KIOSK_SUBMIT_DONE);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", KIOSK_PAGE_RECEIPT);
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KioskSubmitPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = kiosk_context_queue_dossier_finish (KIOSK_CONTEXT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (id == 0)
    {
      g_warning ("Cannot save the dossier in the outbox: %s", error->message);
      /* The field error message is already a sentence for the citizen; storage errors are not. */
      if (error->domain != KIOSK_FIELD_ERROR)
        {
          g_clear_error (&error);
          error = g_error_new_literal (KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED, "outbox");
        }
      show_failure (self, error);
      return;
    }
  self->outbox_id = id;
  kiosk_portal_submit_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))), self->dossier, submit_progress_cb,
                             self, self->cancellable, submit_done_cb, g_object_ref (self));
}

/**
 * kiosk_submit_page_start:
 *
 * Sends @dossier; the page goes to the receipt when the portal has recorded it.
 */
void
kiosk_submit_page_start (KioskSubmitPage *self,
                         KioskDossier    *dossier)
{
  KioskPortal *portal = kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self)));

  if (self->state == KIOSK_SUBMIT_SENDING)
    return;
  if (self->dossier != dossier)
    self->outbox_id = 0;
  g_set_object (&self->dossier, dossier);
  g_clear_pointer (&self->receipt, kiosk_receipt_free);
  g_clear_pointer (&self->field_errors, g_hash_table_unref);
  gtk_label_set_label (self->title_label, _("Sending your request…"));
  gtk_label_set_label (self->message_label, _("Please wait. Do not leave the terminal."));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  set_state (self, KIOSK_SUBMIT_SENDING);

  if (portal == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL,
                                                     "No portal");

      show_failure (self, error);
      return;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (kiosk_context_get_session_cancellable (kiosk_page_get_context (KIOSK_PAGE (self))), "cancelled",
                           G_CALLBACK (g_cancellable_cancel), self->cancellable, G_CONNECT_SWAPPED);
  /* First on disk (encrypted), then to the portal: once saved, the dossier cannot be lost. */
  if (self->outbox_id != 0)
    kiosk_portal_submit_async (portal, dossier, submit_progress_cb, self, self->cancellable,
                               submit_done_cb, g_object_ref (self));
  else
    kiosk_context_queue_dossier_async (kiosk_page_get_context (KIOSK_PAGE (self)), dossier, self->cancellable, queued_cb,
                                       g_object_ref (self));
}

KioskSubmitState
kiosk_submit_page_get_state (KioskSubmitPage *self)
{
  return self->state;
}

/**
 * kiosk_submit_page_get_receipt:
 *
 * Returns: (transfer none) (nullable): the portal's receipt once sent
 */
const KioskReceipt *
kiosk_submit_page_get_receipt (KioskSubmitPage *self)
{
  return self->receipt;
}

/**
 * kiosk_submit_page_get_field_errors:
 *
 * Returns: (transfer none) (nullable): the portal's messages per field after a 422
 */
GHashTable *
kiosk_submit_page_get_field_errors (KioskSubmitPage *self)
{
  return self->field_errors;
}

/* Forgets the dossier and the receipt at the end of a session. */
static void
kiosk_submit_page_reset (KioskPage *page)
{
  KioskSubmitPage *self = KIOSK_SUBMIT_PAGE (page);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->dossier);
  g_clear_pointer (&self->receipt, kiosk_receipt_free);
  g_clear_pointer (&self->field_errors, g_hash_table_unref);
  self->outbox_id = 0;
  set_state (self, KIOSK_SUBMIT_IDLE);
}

static void
submit_back_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskSubmitPage *self = KIOSK_SUBMIT_PAGE (widget);

  if (self->field_errors != NULL)
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

