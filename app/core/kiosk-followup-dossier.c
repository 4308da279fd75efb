/* kiosk-followup-dossier.c: the tracking code's rules and the boxed types of a followed dossier,
 * read from the portal's JSON with the guarded getters (a hostile answer yields an error, never
 * a crash). */
#include "kiosk-followup-dossier.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"

#include <string.h>

/**
 * kiosk_tracking_code_normalize:
 * @typed: a tracking code as typed, printed or read from a QR code
 *
 * Crockford's decoding: case does not matter, spaces and hyphens are ignored, `O` is read `0`
 * and `I`/`L` are read `1` (what a citizen typing from paper, or an AZERTY keyboard, gets
 * wrong); `U` is not a symbol.
 *
 * Returns: (transfer full) (nullable): the 12 symbols in capitals, or %NULL when @typed is not a
 *   tracking code
 */
char *
kiosk_tracking_code_normalize (const char *typed)
{
  g_autoptr(GString) code = g_string_new (NULL);

  if (typed == NULL)
    return NULL;
  for (const char *p = typed; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '-')
        continue;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      if (!g_ascii_isdigit (c) && (c < 'A' || c > 'Z' || c == 'U'))
        return NULL;
      if (code->len >= KIOSK_TRACKING_CODE_LENGTH)
        return NULL;
      g_string_append_c (code, c);
    }
  if (code->len != KIOSK_TRACKING_CODE_LENGTH)
    return NULL;
  return g_string_free (g_steal_pointer (&code), FALSE);
}

/**
 * kiosk_tracking_code_format:
 * @code: a tracking code, in any accepted form
 *
 * Returns: (transfer full) (nullable): the code as printed, by groups of four
 *   (`7K2M-9QXD-4F2A`), or %NULL when @code is not a tracking code
 */
char *
kiosk_tracking_code_format (const char *code)
{
  g_autofree char *plain = kiosk_tracking_code_normalize (code);

  if (plain == NULL)
    return NULL;
  return g_strdup_printf ("%.4s-%.4s-%.4s", plain, plain + 4, plain + 8);
}

/**
 * kiosk_tracking_url_parse:
 * @url: what a receipt's QR code holds, `<portal>/suivi/<number>?code=<code>`
 * @number: (out) (transfer full): the dossier number
 * @code: (out) (transfer full): the tracking code, normalized
 *
 * Returns: %TRUE when @url names a dossier and carries a valid tracking code
 */
gboolean
kiosk_tracking_url_parse (const char  *url,
                          char       **number,
                          char       **code)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *marker;
  g_autofree char *plain = NULL;

  *number = *code = NULL;
  if (uri == NULL || g_uri_get_query (uri) == NULL)
    return FALSE;
  marker = g_strrstr (g_uri_get_path (uri), "/suivi/");
  if (marker == NULL || marker[7] == '\0' || strchr (marker + 7, '/') != NULL)
    return FALSE;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  plain = params ? kiosk_tracking_code_normalize (g_hash_table_lookup (params, "code")) : NULL;
  if (plain == NULL)
    return FALSE;
  *number = g_strdup (marker + 7);
  *code = g_steal_pointer (&plain);
  return TRUE;
}

/* Requests */

void
kiosk_followup_request_free (KioskFollowupRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->id);
  g_free (request->text);
  g_free (request->document);
  g_free (request->document_label);
  g_strfreev (request->formats);
  g_free (request->field);
  g_free (request->field_label);
  g_free (request->created);
  g_free (request->answered);
  g_free (request);
}

KioskFollowupRequest *
kiosk_followup_request_copy (const KioskFollowupRequest *request)
{
  KioskFollowupRequest *copy = g_new0 (KioskFollowupRequest, 1);

  copy->id = g_strdup (request->id);
  copy->kind = request->kind;
  copy->text = g_strdup (request->text);
  copy->document = g_strdup (request->document);
  copy->document_label = g_strdup (request->document_label);
  copy->formats = g_strdupv (request->formats);
  copy->max_size = request->max_size;
  copy->field = g_strdup (request->field);
  copy->field_label = g_strdup (request->field_label);
  copy->created = g_strdup (request->created);
  copy->open = request->open;
  copy->answered = g_strdup (request->answered);
  return copy;
}

G_DEFINE_BOXED_TYPE (KioskFollowupRequest, kiosk_followup_request,
                     kiosk_followup_request_copy, kiosk_followup_request_free)

/* Messages */

void
kiosk_followup_attachment_free (KioskFollowupAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->name);
  g_free (attachment->filename);
  g_free (attachment->content_type);
  g_free (attachment->sha256);
  g_free (attachment->request_id);
  g_free (attachment);
}

static gpointer
copy_attachment (gconstpointer data,
                 gpointer      unused)
{
  const KioskFollowupAttachment *attachment = data;
  KioskFollowupAttachment *copy = g_new0 (KioskFollowupAttachment, 1);

  copy->name = g_strdup (attachment->name);
  copy->filename = g_strdup (attachment->filename);
  copy->content_type = g_strdup (attachment->content_type);
  copy->size = attachment->size;
  copy->sha256 = g_strdup (attachment->sha256);
  copy->request_id = g_strdup (attachment->request_id);
  return copy;
}

void
kiosk_followup_message_free (KioskFollowupMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->id);
  g_free (message->text);
  g_free (message->time);
  g_free (message->request_id);
  g_clear_pointer (&message->attachments, g_ptr_array_unref);
  g_free (message);
}

KioskFollowupMessage *
kiosk_followup_message_copy (const KioskFollowupMessage *message)
{
  KioskFollowupMessage *copy = g_new0 (KioskFollowupMessage, 1);

  copy->id = g_strdup (message->id);
  copy->from_citizen = message->from_citizen;
  copy->text = g_strdup (message->text);
  copy->time = g_strdup (message->time);
  copy->request_id = g_strdup (message->request_id);
  copy->attachments = g_ptr_array_copy (message->attachments, copy_attachment, NULL);
  g_ptr_array_set_free_func (copy->attachments, (GDestroyNotify) kiosk_followup_attachment_free);
  return copy;
}

G_DEFINE_BOXED_TYPE (KioskFollowupMessage, kiosk_followup_message,
                     kiosk_followup_message_copy, kiosk_followup_message_free)

/* Dossiers */

static gpointer
copy_request_cb (gconstpointer request,
                 gpointer      unused)
{
  return kiosk_followup_request_copy (request);
}

static gpointer
copy_message_cb (gconstpointer message,
                 gpointer      unused)
{
  return kiosk_followup_message_copy (message);
}

void
kiosk_followup_dossier_free (KioskFollowupDossier *dossier)
{
  if (dossier == NULL)
    return;
  g_free (dossier->number);
  g_free (dossier->slug);
  g_free (dossier->title);
  g_free (dossier->receipt_time);
  g_free (dossier->status_id);
  g_free (dossier->status_name);
  g_free (dossier->status_since);
  if (dossier->tracking_code != NULL)
    explicit_bzero (dossier->tracking_code, strlen (dossier->tracking_code));
  g_free (dossier->tracking_code);
  g_clear_pointer (&dossier->requests, g_ptr_array_unref);
  g_clear_pointer (&dossier->messages, g_ptr_array_unref);
  g_free (dossier);
}

KioskFollowupDossier *
kiosk_followup_dossier_copy (const KioskFollowupDossier *dossier)
{
  KioskFollowupDossier *copy = g_new0 (KioskFollowupDossier, 1);

  copy->number = g_strdup (dossier->number);
  copy->slug = g_strdup (dossier->slug);
  copy->title = g_strdup (dossier->title);
  copy->receipt_time = g_strdup (dossier->receipt_time);
  copy->status_id = g_strdup (dossier->status_id);
  copy->status_name = g_strdup (dossier->status_name);
  copy->status_since = g_strdup (dossier->status_since);
  copy->tracking_code = g_strdup (dossier->tracking_code);
  copy->open_requests = dossier->open_requests;
  copy->requests = g_ptr_array_copy (dossier->requests, copy_request_cb, NULL);
  g_ptr_array_set_free_func (copy->requests, (GDestroyNotify) kiosk_followup_request_free);
  copy->messages = g_ptr_array_copy (dossier->messages, copy_message_cb, NULL);
  g_ptr_array_set_free_func (copy->messages, (GDestroyNotify) kiosk_followup_message_free);
  return copy;
}

G_DEFINE_BOXED_TYPE (KioskFollowupDossier, kiosk_followup_dossier,
                     kiosk_followup_dossier_copy, kiosk_followup_dossier_free)

/**
 * kiosk_followup_dossier_find_request:
 *
 * Returns: (transfer none) (nullable): the request with this id
 */
KioskFollowupRequest *
kiosk_followup_dossier_find_request (KioskFollowupDossier *dossier,
                                     const char           *id)
{
  for (guint i = 0; i < dossier->requests->len; i++)
    {
      KioskFollowupRequest *request = g_ptr_array_index (dossier->requests, i);

      if (g_strcmp0 (request->id, id) == 0)
        return request;
    }
  return NULL;
}

/* An id sent as a string or a number. */
static char *
dup_id (JsonObject *object,
        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

static KioskFollowupRequest *
parse_request (JsonObject *object)
{
  g_autoptr(KioskFollowupRequest) request = g_new0 (KioskFollowupRequest, 1);
  const char *kind = kiosk_json_get_string (object, "kind");
  JsonObject *document = kiosk_json_get_object (object, "document");
  JsonObject *field = kiosk_json_get_object (object, "field");

  request->id = dup_id (object, "id");
  if (request->id == NULL || kind == NULL)
    return NULL;
  if (strcmp (kind, "missing-document") == 0)
    request->kind = KIOSK_FOLLOWUP_REQUEST_MISSING_DOCUMENT;
  else if (strcmp (kind, "incorrect-answer") == 0)
    request->kind = KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER;
  else if (strcmp (kind, "question") == 0)
    request->kind = KIOSK_FOLLOWUP_REQUEST_QUESTION;
  else
    return NULL;   /* a kind this kiosk does not know: left out */
  request->text = g_strdup (kiosk_json_get_string (object, "text") ? kiosk_json_get_string (object, "text") : "");
  request->document = g_strdup (kiosk_json_get_string (document, "varname"));
  request->document_label = g_strdup (kiosk_json_get_string (document, "label"));
  request->formats = kiosk_json_dup_strings (kiosk_json_get_array (object, "formats"));
  request->max_size = MAX (kiosk_json_get_int (object, "max_size", 0), 0);
  request->field = g_strdup (kiosk_json_get_string (field, "varname"));
  request->field_label = g_strdup (kiosk_json_get_string (field, "label"));
  if (request->kind == KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER && request->field == NULL)
    return NULL;
  request->created = g_strdup (kiosk_json_get_string (object, "created"));
  request->open = kiosk_json_get_bool (object, "open", FALSE);
  request->answered = g_strdup (kiosk_json_get_string (object, "answered"));
  return g_steal_pointer (&request);
}

static KioskFollowupMessage *
parse_message (JsonObject *object)
{
  g_autoptr(KioskFollowupMessage) message = g_new0 (KioskFollowupMessage, 1);
  JsonArray *documents = kiosk_json_get_array (object, "documents");

  message->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_followup_attachment_free);
  message->id = dup_id (object, "id");
  if (message->id == NULL)
    return NULL;
  message->from_citizen = g_strcmp0 (kiosk_json_get_string (object, "author"), "citizen") == 0;
  message->text = g_strdup (kiosk_json_get_string (object, "text") ? kiosk_json_get_string (object, "text") : "");
  message->time = g_strdup (kiosk_json_get_string (object, "time"));
  message->request_id = dup_id (object, "request");
  for (guint i = 0; documents != NULL && i < json_array_get_length (documents); i++)
    {
      JsonNode *node = json_array_get_element (documents, i);
      JsonObject *document = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      KioskFollowupAttachment *attachment;

      if (kiosk_json_get_string (document, "name") == NULL)
        continue;
      attachment = g_new0 (KioskFollowupAttachment, 1);
      attachment->name = g_strdup (kiosk_json_get_string (document, "name"));
      attachment->filename = g_strdup (kiosk_json_get_string (document, "filename"));
      attachment->content_type = g_strdup (kiosk_json_get_string (document, "content_type"));
      attachment->size = MAX (kiosk_json_get_int (document, "size", 0), 0);
      attachment->sha256 = g_strdup (kiosk_json_get_string (document, "sha256"));
      attachment->request_id = dup_id (document, "request");
      g_ptr_array_add (message->attachments, attachment);
    }
  return g_steal_pointer (&message);
}

/**
 * kiosk_followup_dossier_new_from_json:
 * @data: the `data` object of `GET /api/dossiers/<number>` or of its `/details`
 *
 * Returns: (transfer full): the dossier, or %NULL with a %KIOSK_PORTAL_ERROR_MALFORMED error
 */
KioskFollowupDossier *
kiosk_followup_dossier_new_from_json (JsonObject  *data,
                                      GError     **error)
{
  g_autoptr(KioskFollowupDossier) dossier = g_new0 (KioskFollowupDossier, 1);
  JsonObject *status = kiosk_json_get_object (data, "status");
  JsonArray *requests = kiosk_json_get_array (data, "requests");
  JsonArray *messages = kiosk_json_get_array (data, "messages");

  dossier->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_followup_request_free);
  dossier->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_followup_message_free);
  if (kiosk_json_get_string (data, "number") == NULL || kiosk_json_get_string (status, "id") == NULL)
    {
      g_set_error_literal (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                           "The portal's dossier has no number or status");
      return NULL;
    }
  dossier->number = g_strdup (kiosk_json_get_string (data, "number"));
  dossier->slug = g_strdup (kiosk_json_get_string (data, "slug"));
  dossier->title = g_strdup (kiosk_json_get_string (data, "title"));
  dossier->receipt_time = g_strdup (kiosk_json_get_string (data, "receipt_time"));
  dossier->status_id = g_strdup (kiosk_json_get_string (status, "id"));
  dossier->status_name = g_strdup (kiosk_json_get_string (status, "name"));
  dossier->status_since = g_strdup (kiosk_json_get_string (status, "since"));
  dossier->tracking_code = kiosk_json_get_string (data, "tracking_code")
                           ? kiosk_tracking_code_normalize (kiosk_json_get_string (data, "tracking_code")) : NULL;
  dossier->open_requests = CLAMP (kiosk_json_get_int (data, "open_requests", 0), 0, G_MAXUINT);

  /* Open requests first, whatever order the portal used. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; requests != NULL && i < json_array_get_length (requests); i++)
      {
        JsonNode *node = json_array_get_element (requests, i);
        KioskFollowupRequest *request = JSON_NODE_HOLDS_OBJECT (node) ? parse_request (json_node_get_object (node)) : NULL;

        if (request != NULL && request->open == (pass == 0))
          g_ptr_array_add (dossier->requests, request);
        else
          kiosk_followup_request_free (request);
      }
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      KioskFollowupMessage *message = JSON_NODE_HOLDS_OBJECT (node) ? parse_message (json_node_get_object (node)) : NULL;

      if (message != NULL)
        g_ptr_array_add (dossier->messages, message);
    }
  return g_steal_pointer (&dossier);
}

/* Complement receipts */

void
kiosk_complement_receipt_free (KioskComplementReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->number);
  g_free (receipt->complement_id);
  g_free (receipt->status_id);
  g_free (receipt->status_name);
  g_strfreev (receipt->answered);
  g_free (receipt);
}

KioskComplementReceipt *
kiosk_complement_receipt_copy (const KioskComplementReceipt *receipt)
{
  KioskComplementReceipt *copy = g_new0 (KioskComplementReceipt, 1);

  copy->number = g_strdup (receipt->number);
  copy->complement_id = g_strdup (receipt->complement_id);
  copy->status_id = g_strdup (receipt->status_id);
  copy->status_name = g_strdup (receipt->status_name);
  copy->answered = g_strdupv (receipt->answered);
  copy->replayed = receipt->replayed;
  return copy;
}

G_DEFINE_BOXED_TYPE (KioskComplementReceipt, kiosk_complement_receipt,
                     kiosk_complement_receipt_copy, kiosk_complement_receipt_free)

/**
 * kiosk_complement_receipt_new_from_json:
 * @data: the `data` object of the complement's 201 answer
 * @replayed: the answer carried `Idempotency-Replayed: true`
 *
 * Returns: (transfer full): the receipt, or %NULL with a %KIOSK_PORTAL_ERROR_MALFORMED error
 */
KioskComplementReceipt *
kiosk_complement_receipt_new_from_json (JsonObject  *data,
                                        gboolean     replayed,
                                        GError     **error)
{
  KioskComplementReceipt *receipt;
  JsonObject *status = kiosk_json_get_object (data, "status");
  g_autofree char *id = dup_id (data, "complement_id");

  if (kiosk_json_get_string (data, "number") == NULL || id == NULL)
    {
      g_set_error_literal (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                           "The portal's complement receipt has no number or id");
      return NULL;
    }
  receipt = g_new0 (KioskComplementReceipt, 1);
  receipt->number = g_strdup (kiosk_json_get_string (data, "number"));
  receipt->complement_id = g_steal_pointer (&id);
  receipt->status_id = g_strdup (kiosk_json_get_string (status, "id"));
  receipt->status_name = g_strdup (kiosk_json_get_string (status, "name"));
  receipt->answered = kiosk_json_dup_strings (kiosk_json_get_array (data, "answered"));
  receipt->replayed = replayed;
  return receipt;
}
