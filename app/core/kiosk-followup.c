/* kiosk-followup.c: the follow-up calls of the portal API, each in a GTask worker: status,
 * details (requests and thread) and complements, with the tracking code in `X-Tracking-Code`
 * (never in the URL, so never in a proxy's log) or the citizen's token.
 *
 * A complement is posted directly, signed and streamed as a submission is, with its own
 * Idempotency-Key: sent again after a lost answer it is stored once. One that cannot reach the
 * portal waits in the outbox (`<number>@complement`, with its tracking code, encrypted) and keeps
 * that key; the outbox's worker delivers it with kiosk_followup_deliver_queued(). */
#include "kiosk-followup.h"

#include "kiosk-json.h"

#include <string.h>

/* Tries of one call when the portal cannot be reached or answers 5xx; short pauses between
 * them, a citizen is waiting in front of the screen. */
#define ATTEMPTS 3

struct _KioskFollowup
{
  GObject      parent_instance;

  KioskPortal *portal;
};

G_DEFINE_FINAL_TYPE (KioskFollowup, kiosk_followup, G_TYPE_OBJECT)

G_DEFINE_QUARK (kiosk-followup-error-quark, kiosk_followup_error)

typedef struct
{
  char        *path;
  GStrv        headers;        /* X-Tracking-Code, Authorization */
  char        *key;            /* complements: Idempotency-Key */
  char        *json;           /* complements: the JSON part, wiped when done */
  GPtrArray   *parts;          /* complements: of KioskUploadPart */
  GHashTable  *field_errors;   /* out: varname → French message of a 422 */
} Call;

static void
call_free (Call *call)
{
  g_free (call->path);
  for (guint i = 0; call->headers != NULL && call->headers[i] != NULL; i++)
    explicit_bzero (call->headers[i], strlen (call->headers[i]));
  g_strfreev (call->headers);
  g_free (call->key);
  if (call->json != NULL)
    explicit_bzero (call->json, strlen (call->json));
  g_free (call->json);
  g_clear_pointer (&call->parts, g_ptr_array_unref);
  g_clear_pointer (&call->field_errors, g_hash_table_unref);
  g_free (call);
}

static void
kiosk_followup_finalize (GObject *object)
{
  KioskFollowup *self = KIOSK_FOLLOWUP (object);

  g_clear_object (&self->portal);
  G_OBJECT_CLASS (kiosk_followup_parent_class)->finalize (object);
}

static void
kiosk_followup_class_init (KioskFollowupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_followup_finalize;
}

static void
kiosk_followup_init (KioskFollowup *self)
{
}

/**
 * kiosk_followup_new:
 * @portal: the portal client (its signing key and kiosk id are used)
 *
 * Returns: (transfer full): the follow-up service
 */
KioskFollowup *
kiosk_followup_new (KioskPortal *portal)
{
  KioskFollowup *self = g_object_new (KIOSK_TYPE_FOLLOWUP, NULL);

  self->portal = g_object_ref (portal);
  return self;
}

/**
 * kiosk_followup_get_portal:
 *
 * Returns: (transfer none): the portal client
 */
KioskPortal *
kiosk_followup_get_portal (KioskFollowup *self)
{
  g_return_val_if_fail (KIOSK_IS_FOLLOWUP (self), NULL);
  return self->portal;
}

/* Builds the call for @number; %NULL with @error when the code is not a tracking code. */
static Call *
call_new (const char  *number,
          const char  *what,
          const char  *code,
          const char  *bearer,
          GError     **error)
{
  g_autoptr(GStrvBuilder) headers = g_strv_builder_new ();
  g_autofree char *escaped = g_uri_escape_string (number ? number : "", NULL, FALSE);
  Call *call;

  if (code != NULL)
    {
      g_autofree char *plain = kiosk_tracking_code_normalize (code);
      g_autofree char *header = NULL;

      if (plain == NULL)
        {
          g_set_error_literal (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_INVALID_CODE,
                               "Not a tracking code");
          return NULL;
        }
      header = g_strconcat ("X-Tracking-Code: ", plain, NULL);
      g_strv_builder_add (headers, header);
      explicit_bzero (header, strlen (header));
      explicit_bzero (plain, strlen (plain));
    }
  if (bearer != NULL)
    {
      g_autofree char *header = g_strconcat ("Authorization: Bearer ", bearer, NULL);

      g_strv_builder_add (headers, header);
      explicit_bzero (header, strlen (header));
    }
  if (number == NULL || *number == '\0' || (code == NULL && bearer == NULL))
    {
      g_set_error_literal (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_NOT_FOUND,
                           "A dossier number and its tracking code (or an account token) are needed");
      return NULL;
    }
  call = g_new0 (Call, 1);
  call->path = g_strdup_printf ("api/dossiers/%s%s", escaped, what);
  call->headers = g_strv_builder_end (headers);
  return call;
}

/* Turns an answer into its `data` object, or an error in the follow-up's terms. */
static JsonObject *
read_answer (KioskPortalAnswer  *answer,
             Call               *call,
             GError            **error)
{
  const char *err_code = kiosk_json_get_string (answer->root, "err_code");
  const char *desc = kiosk_json_get_string (answer->root, "err_desc");
  JsonObject *data = kiosk_json_get_object (answer->root, "data");

  if (answer->status == 200 || answer->status == 201)
    {
      if (data == NULL || kiosk_json_get_int (answer->root, "err", 1) != 0)
        {
          g_set_error_literal (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                               "The portal's answer is malformed");
          return NULL;
        }
      return json_object_ref (data);
    }
  if (answer->status == 404)
    g_set_error (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_NOT_FOUND,
                 "No dossier with this number and code (%s)", err_code ? err_code : "no code");
  else if (answer->status == 429)
    g_set_error (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_TOO_MANY_ATTEMPTS,
                 "Too many wrong codes, retry after %u s", answer->retry_after);
  else
    {
      KioskPortalError kind = kiosk_portal_error_for_status (answer->status, err_code);
      JsonObject *fields = kiosk_json_get_object (answer->root, "fields");

      if (kind == KIOSK_PORTAL_ERROR_INVALID_FIELDS && fields != NULL)
        {
          g_clear_pointer (&call->field_errors, g_hash_table_unref);
          call->field_errors = kiosk_json_dup_string_members (fields);
        }
      g_set_error (error, KIOSK_PORTAL_ERROR, kind, "The portal answered %ld %s: %s", answer->status,
                   err_code ? err_code : "no code", desc ? desc : "");
    }
  return NULL;
}

/* Runs in a worker: one call, tried again (same key) while the portal may come back. */
static void
call_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KioskFollowup *self = source;
  Call *call = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = NULL;
  gboolean replayed = FALSE;

  for (guint attempt = 1; attempt <= ATTEMPTS; attempt++)
    {
      g_autoptr(KioskPortalAnswer) answer = NULL;

      g_clear_error (&error);
      if (call->json != NULL)
        answer = kiosk_portal_post_multipart (self->portal, call->path, call->key,
                                              (const char * const *) call->headers, "complement",
                                              call->json, call->parts, cancellable, &error);
      else
        answer = kiosk_portal_get_answer (self->portal, call->path, (const char * const *) call->headers,
                                          cancellable, &error);
      if (answer != NULL)
        {
          data = read_answer (answer, call, &error);
          replayed = answer->replayed;
        }
      if (error == NULL || !kiosk_portal_error_is_transient (error) || attempt == ATTEMPTS
          || g_cancellable_is_cancelled (cancellable))
        break;
      g_usleep (attempt * 300 * 1000);
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (call->json != NULL)
    {
      KioskComplementReceipt *receipt = kiosk_complement_receipt_new_from_json (data, replayed, &error);

      if (receipt == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, receipt, (GDestroyNotify) kiosk_complement_receipt_free);
    }
  else
    {
      KioskFollowupDossier *dossier = kiosk_followup_dossier_new_from_json (data, &error);

      if (dossier == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, dossier, (GDestroyNotify) kiosk_followup_dossier_free);
    }
}

static void
start_fetch (KioskFollowup       *self,
             gpointer             source_tag,
             const char          *what,
             const char          *number,
             const char          *code,
             const char          *bearer,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Call *call;

  g_task_set_source_tag (task, source_tag);
  call = call_new (number, what, code, bearer, &error);
  if (call == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, call_in_thread);
}

/**
 * kiosk_followup_fetch_status_async:
 * @number: the dossier's number, e.g. DS-2026-000042
 * @code: (nullable): its tracking code, as typed (case, spaces and hyphens do not matter)
 * @bearer: (nullable): a signed-in citizen's access token, for a dossier of their account
 *
 * Where the dossier stands (`GET /api/dossiers/<number>`): status, since when, and how many
 * requests wait for the citizen. Either @code or @bearer is needed.
 */
void
kiosk_followup_fetch_status_async (KioskFollowup       *self,
                                   const char          *number,
                                   const char          *code,
                                   const char          *bearer,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (KIOSK_IS_FOLLOWUP (self));
  start_fetch (self, kiosk_followup_fetch_status_async, "", number, code, bearer, cancellable,
               callback, user_data);
}

/**
 * kiosk_followup_fetch_status_finish:
 *
 * Returns: (transfer full): the dossier, with empty `requests` and `messages`, or %NULL with
 *   @error set (%KIOSK_FOLLOWUP_ERROR or %KIOSK_PORTAL_ERROR)
 */
KioskFollowupDossier *
kiosk_followup_fetch_status_finish (KioskFollowup  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_followup_fetch_status_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_followup_fetch_details_async:
 * @number: the dossier's number
 * @code: (nullable): its tracking code, as typed
 * @bearer: (nullable): a signed-in citizen's access token
 *
 * The dossier with its requests (open ones first) and its thread of messages (newest first),
 * `GET /api/dossiers/<number>/details`.
 */
void
kiosk_followup_fetch_details_async (KioskFollowup       *self,
                                    const char          *number,
                                    const char          *code,
                                    const char          *bearer,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (KIOSK_IS_FOLLOWUP (self));
  start_fetch (self, kiosk_followup_fetch_details_async, "/details", number, code, bearer, cancellable,
               callback, user_data);
}

/**
 * kiosk_followup_fetch_details_finish:
 *
 * Returns: (transfer full): the dossier, or %NULL with @error set
 */
KioskFollowupDossier *
kiosk_followup_fetch_details_finish (KioskFollowup  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_followup_fetch_details_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_followup_send_complement_async:
 * @complement: the answers and message; its Idempotency-Key goes with every try
 * @code: (nullable): the dossier's tracking code
 * @bearer: (nullable): a signed-in citizen's access token
 *
 * Sends the complement (`POST /api/dossiers/<number>/complements`), multipart and signed like a
 * submission, documents streamed from memory. Tried again up to three times with the same key
 * while the portal cannot be reached; sending the same @complement again later is safe too.
 */
void
kiosk_followup_send_complement_async (KioskFollowup       *self,
                                      KioskComplement     *complement,
                                      const char          *code,
                                      const char          *bearer,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Call *call;

  g_return_if_fail (KIOSK_IS_FOLLOWUP (self));
  g_return_if_fail (KIOSK_IS_COMPLEMENT (complement));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kiosk_followup_send_complement_async);
  call = call_new (kiosk_complement_get_number (complement), "/complements", code, bearer, &error);
  if (call == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Built here, on the caller's thread, from the complement as it is now. */
  call->key = g_strdup (kiosk_complement_get_idempotency_key (complement));
  call->json = kiosk_complement_build_json (complement);
  call->parts = kiosk_complement_build_parts (complement);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  g_task_run_in_thread (task, call_in_thread);
}

/**
 * kiosk_followup_send_complement_finish:
 * @field_errors: (out) (transfer full) (optional) (nullable): with
 *   %KIOSK_PORTAL_ERROR_INVALID_FIELDS, the portal's French message by field varname (a
 *   corrected answer), part name (`request-<id>`, a document) or `request/<id>`
 *
 * Returns: (transfer full): what the portal stored, or %NULL with @error set
 */
KioskComplementReceipt *
kiosk_followup_send_complement_finish (KioskFollowup  *self,
                                       GAsyncResult   *result,
                                       GHashTable    **field_errors,
                                       GError        **error)
{
  Call *call;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_followup_send_complement_async, NULL);
  call = g_task_get_task_data (G_TASK (result));
  if (field_errors != NULL)
    *field_errors = call && call->field_errors ? g_hash_table_ref (call->field_errors) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Complements that wait in the outbox */

/**
 * kiosk_followup_is_queued_complement:
 * @slug: an outbox entry's
 *
 * Returns: %TRUE for a complement (queued as `<number>@complement`), not a submission
 */
gboolean
kiosk_followup_is_queued_complement (const char *slug)
{
  return slug != NULL && g_str_has_suffix (slug, KIOSK_COMPLEMENT_SLUG_SUFFIX);
}

/**
 * kiosk_followup_deliver_queued:
 * @slug: `<number>@complement`
 * @key: the complement's Idempotency-Key
 * @json: what kiosk_followup_queue_complement_async() stored: the tracking code and the
 *   complement's JSON part
 * @parts: (element-type KioskUploadPart): its documents, named as their parts
 *
 * Sends a queued complement once, blocking: for the outbox's worker. The same Idempotency-Key
 * as every earlier try, so a complement the portal stored before the kiosk heard back (or was
 * killed) is not stored twice.
 *
 * Returns: (transfer full): the portal's answer, or %NULL with @error set
 */
KioskComplementReceipt *
kiosk_followup_deliver_queued (KioskPortal   *portal,
                               const char    *slug,
                               const char    *key,
                               const char    *json,
                               GPtrArray     *parts,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autofree char *number = g_strndup (slug, strlen (slug) - strlen (KIOSK_COMPLEMENT_SLUG_SUFFIX));
  g_autoptr(JsonObject) stored = kiosk_json_parse_object (json, -1, error);
  g_autoptr(KioskPortalAnswer) answer = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autofree char *complement = NULL;
  Call *call;
  KioskComplementReceipt *receipt = NULL;

  if (stored == NULL)
    return NULL;
  call = call_new (number, "/complements", kiosk_json_get_string (stored, "code"), NULL, error);
  if (call == NULL)
    return NULL;
  complement = json_to_string (json_object_get_member (stored, "complement"), FALSE);
  answer = kiosk_portal_post_multipart (portal, call->path, key, (const char * const *) call->headers,
                                        "complement", complement, parts, cancellable, error);
  explicit_bzero (complement, strlen (complement));
  if (answer != NULL && (data = read_answer (answer, call, error)) != NULL)
    receipt = kiosk_complement_receipt_new_from_json (data, answer->replayed, error);
  call_free (call);
  return receipt;
}

typedef struct
{
  char      *slug;
  char      *key;
  char      *json;
  GPtrArray *documents;
} QueueData;

static void
queue_data_free (QueueData *data)
{
  g_free (data->slug);
  g_free (data->key);
  if (data->json != NULL)
    explicit_bzero (data->json, strlen (data->json));
  g_free (data->json);
  g_clear_pointer (&data->documents, g_ptr_array_unref);
  g_free (data);
}

static void
queue_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  QueueData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskOutbox) outbox = kiosk_outbox_sender_open (source, &error);

  if (outbox == NULL || kiosk_outbox_add (outbox, data->slug, data->key, data->json, data->documents, &error) < 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * kiosk_followup_queue_complement_async:
 * @sender: the outbox's sender, which delivers it later
 * @code: the dossier's tracking code (kept, encrypted like the rest, until delivered)
 *
 * Puts the complement in the outbox (encrypted at rest), as `<number>@complement` under its own
 * Idempotency-Key: a complement already tried directly keeps its key, so it is stored once even
 * if the portal had taken it.
 */
void
kiosk_followup_queue_complement_async (KioskOutboxSender   *sender,
                                       KioskComplement     *complement,
                                       const char          *code,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (sender, cancellable, callback, user_data);
  g_autofree char *plain = kiosk_tracking_code_normalize (code);
  g_autofree char *json = NULL;
  QueueData *data;

  g_task_set_source_tag (task, kiosk_followup_queue_complement_async);
  if (plain == NULL)
    {
      g_task_return_new_error (task, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_INVALID_CODE, "Not a tracking code");
      return;
    }
  json = kiosk_complement_build_json (complement);
  data = g_new0 (QueueData, 1);
  data->slug = g_strconcat (kiosk_complement_get_number (complement), KIOSK_COMPLEMENT_SLUG_SUFFIX, NULL);
  data->key = g_strdup (kiosk_complement_get_idempotency_key (complement));
  data->json = g_strdup_printf ("{\"code\":\"%s\",\"complement\":%s}", plain, json);
  data->documents = kiosk_complement_build_documents (complement);
  explicit_bzero (json, strlen (json));
  explicit_bzero (plain, strlen (plain));
  g_task_set_task_data (task, data, (GDestroyNotify) queue_data_free);
  g_task_run_in_thread (task, queue_in_thread);
}

gboolean
kiosk_followup_queue_complement_finish (KioskOutboxSender  *sender,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sender), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
