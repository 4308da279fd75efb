/* kiosk-submission.c: submit now, or queue.
 *
 * The dossier is first committed to the encrypted outbox (in a worker), then sent to the portal
 * with its Idempotency-Key. When the portal cannot take it now (kiosk_portal_error_is_transient())
 * the entry stays for the outbox's sender and the citizen gets a queued receipt; when it is
 * delivered, or its answers are refused (the citizen corrects them and sends again), the entry
 * goes. Other refusals stay in the outbox, marked for an agent by the sender. Runs on the main
 * thread; the workers read only their task data and the sender's outbox. */
#include "kiosk-submission.h"

#include "kiosk-errors.h"

#include <string.h>

struct _KioskSubmission
{
  GObject               parent_instance;

  KioskDossier         *dossier;
  KioskPortal          *portal;     /* nullable */
  KioskOutboxSender    *sender;
  KioskDrafts          *drafts;
  KioskSession         *session;
  char                 *kiosk_id;

  KioskSubmissionState  state;
  double                progress;
  gint64                outbox_id;  /* the dossier's entry in the outbox, 0 before it is saved */
  KioskReceipt         *receipt;
  GError               *error;
  GHashTable           *field_errors;
  char                 *invalid_answer;
};

G_DEFINE_FINAL_TYPE (KioskSubmission, kiosk_submission, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, PROP_PROGRESS, N_PROPS };
static GParamSpec *properties[N_PROPS];

/**
 * kiosk_receipt_new_queued:
 * @idempotency_key: the dossier's key
 *
 * The receipt of a dossier saved on the terminal that the portal has not acknowledged yet: its
 * number is a short reference the citizen can read out to an agent (the first eight characters
 * of the key, upper case, as "XXXX-XXXX"); it has no URL, and is marked queued.
 *
 * Returns: (transfer full): the receipt
 */
KioskReceipt *
kiosk_receipt_new_queued (const char *idempotency_key)
{
  g_autofree char *key = g_ascii_strup (idempotency_key, -1);
  KioskReceipt *receipt = g_new0 (KioskReceipt, 1);

  receipt->number = g_strdup_printf ("%.4s-%.4s", key, strlen (key) > 4 ? key + 4 : "");
  receipt->queued = TRUE;
  return receipt;
}

static void
kiosk_submission_dispose (GObject *object)
{
  KioskSubmission *self = KIOSK_SUBMISSION (object);

  g_clear_object (&self->dossier);
  g_clear_object (&self->portal);
  g_clear_object (&self->sender);
  g_clear_object (&self->drafts);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (kiosk_submission_parent_class)->dispose (object);
}

static void
kiosk_submission_finalize (GObject *object)
{
  KioskSubmission *self = KIOSK_SUBMISSION (object);

  g_free (self->kiosk_id);
  g_clear_pointer (&self->receipt, kiosk_receipt_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->field_errors, g_hash_table_unref);
  g_free (self->invalid_answer);

  G_OBJECT_CLASS (kiosk_submission_parent_class)->finalize (object);
}

static void
kiosk_submission_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KioskSubmission *self = KIOSK_SUBMISSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_submission_class_init (KioskSubmissionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kiosk_submission_dispose;
  object_class->finalize = kiosk_submission_finalize;
  object_class->get_property = kiosk_submission_get_property;

  /* KioskSubmission:state: a #KioskSubmissionState. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, KIOSK_SUBMISSION_IDLE, KIOSK_SUBMISSION_FAILED,
                      KIOSK_SUBMISSION_IDLE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* KioskSubmission:progress: the share of the upload sent, 0 to 1. */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kiosk_submission_init (KioskSubmission *self)
{
}

/**
 * kiosk_submission_new:
 * @context: the services to send through
 * @dossier: a complete dossier
 *
 * Returns: (transfer full): a submission, idle; run it (again, after a failure) with
 *   kiosk_submission_run_async()
 */
KioskSubmission *
kiosk_submission_new (KioskContext *context,
                      KioskDossier *dossier)
{
  KioskSubmission *self = g_object_new (KIOSK_TYPE_SUBMISSION, NULL);
  KioskPortal *portal = kiosk_context_get_portal (context);

  self->dossier = g_object_ref (dossier);
  self->portal = portal ? g_object_ref (portal) : NULL;
  self->sender = g_object_ref (kiosk_context_get_outbox_sender (context));
  self->drafts = g_object_ref (kiosk_context_get_drafts (context));
  self->session = g_object_ref (kiosk_context_get_session (context));
  self->kiosk_id = g_strdup (kiosk_context_get_kiosk_id (context));
  return self;
}

/* Returns: (transfer none): the dossier sent */
KioskDossier *
kiosk_submission_get_dossier (KioskSubmission *self)
{
  return self->dossier;
}

static void
set_state (KioskSubmission      *self,
           KioskSubmissionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_progress (KioskSubmission *self,
              double           progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

/* Ends the run with @error; takes @task and @error. A cancelled run leaves the state as it is:
 * the session that cancelled it is resetting everything. */
static void
fail (GTask  *task,
      GError *error)
{
  KioskSubmission *self = g_task_get_source_object (task);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
      set_state (self, KIOSK_SUBMISSION_FAILED);
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
progress_cb (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  KioskSubmission *self = user_data;

  if (self->state == KIOSK_SUBMISSION_SENDING && total > 0)
    set_progress (self, (double) sent / total);
}

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  KioskSubmission *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GHashTable) field_errors = NULL;
  KioskReceipt *receipt = kiosk_portal_submit_finish (KIOSK_PORTAL (object), result, &field_errors, &error);

  if (receipt == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail (task, error);
      return;
    }
  if (receipt == NULL && self->outbox_id != 0 && kiosk_portal_error_is_transient (error))
    {
      /* Saved in the outbox: the sender will deliver it with the same key. The citizen may go. */
      g_message ("Submission deferred to the outbox: %s", error->message);
      g_clear_error (&error);
      receipt = kiosk_receipt_new_queued (kiosk_dossier_get_idempotency_key (self->dossier));
    }
  else if (receipt == NULL)
    {
      g_message ("Submission failed: %s", error->message);
      /* Answers refused: the citizen corrects them and sends again, so the entry goes. */
      if (g_error_matches (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INVALID_FIELDS) && self->outbox_id != 0)
        {
          kiosk_outbox_sender_remove (self->sender, self->outbox_id);
          self->outbox_id = 0;
        }
      self->field_errors = g_steal_pointer (&field_errors);
      fail (task, error);
      return;
    }
  else if (self->outbox_id != 0)
    {
      kiosk_outbox_sender_remove (self->sender, self->outbox_id);
      self->outbox_id = 0;
    }

  self->receipt = receipt;
  set_progress (self, 1.0);
  set_state (self, KIOSK_SUBMISSION_DONE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Takes @task. */
static void
submit (GTask *task)
{
  KioskSubmission *self = g_task_get_source_object (task);

  kiosk_portal_submit_async (self->portal, self->dossier, progress_cb, self,
                             g_task_get_cancellable (task), submitted_cb, task);
}

typedef struct
{
  KioskOutboxSender *sender;
  KioskDrafts       *drafts;
  char              *slug;
  char              *key;
  char              *json;
  GPtrArray         *documents;
  char              *draft_id;   /* nullable: the parked draft to remove once queued */
  gint64             id;         /* out */
} QueueData;

static void
free_queue_data (QueueData *data)
{
  g_object_unref (data->sender);
  g_object_unref (data->drafts);
  g_free (data->draft_id);
  g_free (data->slug);
  g_free (data->key);
  if (data->json != NULL)
    explicit_bzero (data->json, strlen (data->json));
  g_free (data->json);
  g_ptr_array_unref (data->documents);
  g_free (data);
}

static void
queue_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  QueueData *data = task_data;
  GError *error = NULL;
  g_autoptr(KioskOutbox) outbox = kiosk_outbox_sender_open (data->sender, &error);

  if (outbox != NULL)
    data->id = kiosk_outbox_add (outbox, data->slug, data->key, data->json, data->documents, &error);
  /* The dossier is safe in the outbox: the draft it was resumed from has no more use. */
  if (data->id != 0 && data->draft_id != NULL)
    kiosk_drafts_forget (data->drafts, data->draft_id, NULL);
  if (data->id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  KioskSubmission *self = g_task_get_source_object (task);
  QueueData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot save the dossier in the outbox: %s", error->message);
          g_clear_error (&error);
          error = g_error_new_literal (KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED, "outbox");
        }
      fail (task, error);
      return;
    }
  self->outbox_id = data->id;
  if (g_task_get_source_tag (task) == kiosk_submission_queue_async)
    {
      g_task_return_pointer (task, g_memdup2 (&data->id, sizeof data->id), g_free);
      g_object_unref (task);
      return;
    }
  submit (task);
}

/* Takes @task. */
static void
queue (GTask *task)
{
  KioskSubmission *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *json = kiosk_dossier_build_json (self->dossier, self->kiosk_id, &error);
  QueueData *data;
  g_autoptr(GTask) queue_task = NULL;

  if (json == NULL)
    {
      /* An answer the validator refuses: its message is the sentence to show beside it. */
      if (error->domain == KIOSK_FIELD_ERROR)
        self->invalid_answer = g_strdup (error->message);
      fail (task, error);
      return;
    }
  data = g_new0 (QueueData, 1);
  data->sender = g_object_ref (self->sender);
  data->drafts = g_object_ref (self->drafts);
  data->slug = g_strdup (kiosk_procedure_get_slug (kiosk_dossier_get_procedure (self->dossier)));
  data->key = g_strdup (kiosk_dossier_get_idempotency_key (self->dossier));
  data->documents = kiosk_dossier_get_documents (self->dossier);
  data->draft_id = g_strdup (kiosk_dossier_get_draft_id (self->dossier));
  data->json = json;
  queue_task = g_task_new (self, g_task_get_cancellable (task), queued_cb, task);
  g_task_set_source_tag (queue_task, queue);
  g_task_set_task_data (queue_task, data, (GDestroyNotify) free_queue_data);
  g_task_run_in_thread (queue_task, queue_in_thread);
}

static void
grant_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  KioskSubmission *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *grant = kiosk_account_request_grant_finish (result, &error);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  /* Without a grant the dossier is still sent: the citizen follows it by its number. */
  if (grant == NULL)
    g_message ("No account grant for this dossier (sent without the account): %s", error->message);
  else
    kiosk_dossier_set_account_grant (self->dossier, grant);
  if (grant != NULL)
    explicit_bzero (grant, strlen (grant));
  queue (task);
}

/* Takes @task: saves the dossier in the outbox, with a grant to the citizen's account first. */
static void
save (GTask *task)
{
  KioskSubmission *self = g_task_get_source_object (task);
  const KioskAccount *account = kiosk_session_get_account (self->session);

  /* A signed-in citizen's dossier carries a grant to their account, asked for now, while the
   * token is valid: the outbox keeps the grant, never the token. */
  if (account != NULL && self->portal != NULL && kiosk_dossier_get_account_grant (self->dossier) == NULL)
    kiosk_account_request_grant_async (self->portal, account,
                                       kiosk_dossier_get_idempotency_key (self->dossier),
                                       g_task_get_cancellable (task), grant_done_cb, task);
  else
    queue (task);
}

static void
start (KioskSubmission *self)
{
  g_clear_pointer (&self->receipt, kiosk_receipt_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->field_errors, g_hash_table_unref);
  g_clear_pointer (&self->invalid_answer, g_free);
  set_progress (self, 0);
  set_state (self, KIOSK_SUBMISSION_SENDING);
}

/**
 * kiosk_submission_run_async:
 *
 * Saves the dossier in the outbox (once: a retry after a failure sends the saved entry again),
 * then sends it. The run ends delivered, queued (the portal may take it later:
 * kiosk_portal_error_is_transient()) or failed.
 */
void
kiosk_submission_run_async (KioskSubmission     *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_submission_run_async);
  start (self);
  if (self->portal == NULL)
    fail (task, g_error_new_literal (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL, "No portal"));
  else if (self->outbox_id != 0)
    submit (task);
  else
    save (task);
}

/**
 * kiosk_submission_queue_async:
 *
 * Only commits the dossier to the encrypted outbox (in a worker), for the outbox's sender to
 * deliver. Once this succeeds, the dossier reaches the portal even if the kiosk stops now.
 */
void
kiosk_submission_queue_async (KioskSubmission     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_submission_queue_async);
  save (task);
}

/**
 * kiosk_submission_queue_finish:
 *
 * Returns: the outbox entry's id, or 0 with @error set
 */
gint64
kiosk_submission_queue_finish (KioskSubmission  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  id = g_task_propagate_pointer (G_TASK (result), error);
  return id ? *id : 0;
}

/**
 * kiosk_submission_run_finish:
 *
 * Returns: (transfer none): the receipt (delivered or queued), or %NULL with @error set
 */
const KioskReceipt *
kiosk_submission_run_finish (KioskSubmission  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return self->receipt;
}

KioskSubmissionState
kiosk_submission_get_state (KioskSubmission *self)
{
  return self->state;
}

double
kiosk_submission_get_progress (KioskSubmission *self)
{
  return self->progress;
}

/* Returns: (transfer none) (nullable): the receipt once delivered or queued */
const KioskReceipt *
kiosk_submission_get_receipt (KioskSubmission *self)
{
  return self->receipt;
}

/* Returns: (transfer none) (nullable): why the last run failed */
const GError *
kiosk_submission_get_error (KioskSubmission *self)
{
  return self->error;
}

/**
 * kiosk_submission_get_field_errors:
 *
 * Returns: (transfer none) (nullable): varname → the portal's message, after a 422
 */
GHashTable *
kiosk_submission_get_field_errors (KioskSubmission *self)
{
  return self->field_errors;
}

/**
 * kiosk_submission_get_invalid_answer:
 *
 * Returns: (nullable): when the terminal's own validator refused an answer, the French sentence
 *   saying why
 */
const char *
kiosk_submission_get_invalid_answer (KioskSubmission *self)
{
  return self->invalid_answer;
}

/**
 * kiosk_submission_can_retry:
 *
 * Whether sending again may work after this failure: the portal's transient errors and the
 * terminal's own storage failures, yes; a refusal, an unsafe connection, or an answer the
 * validator refused, no.
 */
gboolean
kiosk_submission_can_retry (KioskSubmission *self)
{
  if (self->error == NULL)
    return FALSE;
  if (self->error->domain == KIOSK_PORTAL_ERROR)
    return kiosk_portal_error_is_transient (self->error);
  return self->error->domain != KIOSK_FIELD_ERROR;
}
