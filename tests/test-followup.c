/* test-followup.c (suite followup): following a dossier after its submission, through the core
 * client (KioskFollowup) against the reference portal over loopback, signed requests on: the
 * tracking code, the instructor's requests and messages (posted through /_control/), complements
 * (documents checked by sha256 on the portal's disk, corrected answers validated, replies), who
 * may read a dossier, the rate limit on wrong codes, and complements stored exactly once. */
#include "kiosk-test-util.h"

#include "kiosk-account.h"
#include "kiosk-followup.h"
#include "kiosk-json.h"
#include "kiosk-qr.h"
#include "kiosk-signature.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <string.h>

#define KIOSK_ID "epn-followup"

static KioskTestPortal *portal;
static GBytes *signing_key;

static KioskPortal *
new_client (const char *kiosk_id)
{
  g_autoptr(GError) error = NULL;
  KioskPortal *client = kiosk_portal_new (portal->url, kiosk_id, &error);

  g_assert_no_error (error);
  kiosk_portal_set_signing_key (client, signing_key);
  kiosk_portal_set_timeouts (client, 5000, 20000);
  return client;
}

static void
reset_portal (void)
{
  kiosk_test_portal_post (portal, "_control/reset", "{}");
}

static KioskDocument *
make_document (const char *varname,
               const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return kiosk_document_new (varname, "image/jpeg", bytes, NULL);
}

/* Submits an aide-médicale dossier, attached to an account when @grant is given; returns its
 * receipt. */
static KioskReceipt *
submit_dossier_with (KioskPortal *client,
                     const char  *key,
                     const char  *grant)
{
  g_autoptr(KioskDocument) document = make_document ("id_card", "a scanned identity card");
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
  g_autofree char *grant_member = grant ? g_strdup_printf (",\"account_grant\":\"%s\"", grant) : g_strdup ("");
  g_autofree char *json = g_strdup_printf ("{\"data\":{\"last_name\":\"Wamytan\",\"first_name\":\"Léa\","
                                           "\"birth_date\":\"1961-04-12\",\"household_size\":2,"
                                           "\"monthly_income\":1000,\"cover\":\"cafat\",\"phone\":\"271234\"},"
                                           "\"files\":{\"id_card\":{\"filename\":\"id_card.jpg\","
                                           "\"content_type\":\"image/jpeg\",\"size\":%" G_GSIZE_FORMAT ","
                                           "\"sha256\":\"%s\"}},\"meta\":{\"kiosk_id\":\"" KIOSK_ID "\"},"
                                           "\"context\":{\"channel\":\"kiosk\"}%s}",
                                           g_bytes_get_size (kiosk_document_get_content (document)),
                                           kiosk_document_get_sha256 (document), grant_member);
  g_autoptr(GError) error = NULL;
  KioskReceipt *receipt;

  g_ptr_array_add (parts, kiosk_upload_part_new_for_document (document));
  receipt = kiosk_portal_submit_payload (client, "aide-medicale", key, json, parts, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt->tracking_code);
  return receipt;
}

static KioskReceipt *
submit_dossier (KioskPortal *client)
{
  g_autofree char *key = g_uuid_string_random ();

  return submit_dossier_with (client, key, NULL);
}

/* Waiting for one async result on the default main context. */

static gboolean
has_result_cb (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
keep_result_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  g_assert_true (kiosk_test_wait (has_result_cb, slot, 30000));
  return *slot;
}

static KioskFollowupDossier *
fetch_details (KioskFollowup *followup,
               const char    *number,
               const char    *code,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kiosk_followup_fetch_details_async (followup, number, code, NULL, NULL, keep_result_cb, &result);
  return kiosk_followup_fetch_details_finish (followup, wait_result (&result), error);
}

static KioskFollowupDossier *
fetch_status (KioskFollowup *followup,
              const char    *number,
              const char    *code,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kiosk_followup_fetch_status_async (followup, number, code, NULL, NULL, keep_result_cb, &result);
  return kiosk_followup_fetch_status_finish (followup, wait_result (&result), error);
}

static KioskComplementReceipt *
send_complement (KioskFollowup    *followup,
                 KioskComplement  *complement,
                 const char       *code,
                 GHashTable      **field_errors,
                 GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kiosk_followup_send_complement_async (followup, complement, code, NULL, NULL, keep_result_cb, &result);
  return kiosk_followup_send_complement_finish (followup, wait_result (&result), field_errors, error);
}

/* The instructor's side. */

static char *
post_control (const char *number,
              const char *action,
              const char *json)
{
  g_autofree char *path = g_strdup_printf ("_control/dossiers/%s/%s", number, action);
  g_autofree char *url = g_strconcat (portal->url, path, NULL);
  long status = 0;
  g_autofree char *body = kiosk_test_http ("POST", url, json, &status);
  g_autoptr(JsonObject) root = kiosk_json_parse_object (body, -1, NULL);

  g_assert_cmpint (status, ==, 200);
  return g_strdup (kiosk_json_get_string (kiosk_json_get_object (root, "data"), "id"));
}

static JsonObject *
get_control_dossier (const char *number,
                     JsonObject **root)
{
  g_autofree char *path = g_strdup_printf ("_control/dossiers/%s", number);

  *root = kiosk_test_portal_get (portal, path);
  return kiosk_json_get_object (*root, "data");
}

static char *
sha256_of_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

/* A raw request with chosen headers, for comparing answers byte for byte. */

static size_t
collect_cb (char   *data,
            size_t  size,
            size_t  nmemb,
            void   *user_data)
{
  g_string_append_len (user_data, data, size * nmemb);
  return size * nmemb;
}

static size_t
header_cb (char   *line,
           size_t  size,
           size_t  nmemb,
           void   *user_data)
{
  if (g_ascii_strncasecmp (line, "Retry-After:", 12) == 0)
    *(gint64 *) user_data = g_ascii_strtoll (line + 12, NULL, 10);
  return size * nmemb;
}

static char *
raw_get (const char *path,
         const char *terminal,
         const char *code,
         long       *status,
         gint64     *retry_after)
{
  g_autofree char *url = g_strconcat (portal->url, path, NULL);
  g_autofree char *kiosk = g_strdup_printf ("X-Kiosk-Id: %s", terminal);
  g_autofree char *tracking = code ? g_strdup_printf ("X-Tracking-Code: %s", code) : NULL;
  struct curl_slist *headers = curl_slist_append (NULL, kiosk);
  GString *out = g_string_new (NULL);
  CURL *curl = curl_easy_init ();
  g_autofree char *digest = kiosk_content_digest_for_data ("", 0);
  g_autofree char *digest_line = g_strdup_printf ("Content-Digest: %s", digest);
  const char *lines[] = { kiosk, digest_line, tracking, NULL };
  g_auto(GStrv) signature = kiosk_signature_sign (signing_key, terminal, "GET", url, lines,
                                                  g_get_real_time () / G_USEC_PER_SEC, NULL);
  gint64 unused;

  /* Signed as a kiosk signs, or the portal would answer 401 before anything else. */
  headers = curl_slist_append (headers, digest_line);
  headers = curl_slist_append (headers, signature[0]);
  headers = curl_slist_append (headers, signature[1]);
  if (tracking != NULL)
    headers = curl_slist_append (headers, tracking);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, retry_after ? retry_after : &unused);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 10L);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return g_string_free (out, FALSE);
}

/* Tests */

static void
test_tracking_code (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskReceipt) first = NULL;
  g_autoptr(KioskReceipt) second = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *number = NULL;
  g_autofree char *code = NULL;
  g_autofree char *formatted = NULL;

  /* Crockford's decoding: what a citizen types from paper, on any keyboard, still works. */
  plain = kiosk_tracking_code_normalize ("7k2m 9qxd-4fLo");
  g_assert_cmpstr (plain, ==, "7K2M9QXD4F10");
  formatted = kiosk_tracking_code_format (plain);
  g_assert_cmpstr (formatted, ==, "7K2M-9QXD-4F10");
  g_assert_null (kiosk_tracking_code_normalize ("7K2M-9QXD-4FU0"));
  g_assert_null (kiosk_tracking_code_normalize ("7K2M-9QXD-4F"));
  g_assert_null (kiosk_tracking_code_normalize ("7K2M-9QXD-4F2A-1"));

  reset_portal ();
  client = new_client (KIOSK_ID);
  first = submit_dossier (client);
  second = submit_dossier (client);
  /* 12 symbols, printed by groups of four; each dossier its own. */
  g_assert_cmpuint (strlen (first->tracking_code), ==, 14);
  g_clear_pointer (&plain, g_free);
  plain = kiosk_tracking_code_normalize (first->tracking_code);
  g_assert_nonnull (plain);
  g_clear_pointer (&formatted, g_free);
  formatted = kiosk_tracking_code_format (plain);
  g_assert_cmpstr (formatted, ==, first->tracking_code);
  g_assert_cmpstr (first->tracking_code, !=, second->tracking_code);
  /* The receipt's URL (its QR code) carries the number and the code. */
  g_assert_true (kiosk_tracking_url_parse (first->url, &number, &code));
  g_assert_cmpstr (number, ==, first->number);
  g_assert_cmpstr (code, ==, plain);
}

static void
test_missing_document (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(KioskFollowupDossier) dossier = NULL;
  g_autoptr(KioskComplement) complement = NULL;
  g_autoptr(KioskComplementReceipt) sent = NULL;
  g_autoptr(KioskDocument) scan = make_document ("request", "the identity card, scanned again, readable");
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *on_disk = NULL;
  KioskFollowupRequest *request;
  KioskFollowupMessage *message;
  KioskFollowupAttachment *attachment;
  JsonObject *control, *file;

  reset_portal ();
  client = new_client (KIOSK_ID);
  followup = kiosk_followup_new (client);
  receipt = submit_dossier (client);
  request_id = post_control (receipt->number, "requests",
                             "{\"kind\":\"missing-document\",\"document\":\"id_card\","
                             "\"text\":\"Votre pièce d’identité est illisible.\"}");
  g_assert_nonnull (request_id);

  dossier = fetch_details (followup, receipt->number, receipt->tracking_code, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier->status_id, ==, "waiting-for-citizen");
  g_assert_cmpstr (dossier->status_name, ==, "En attente de votre réponse");
  g_assert_nonnull (dossier->status_since);
  g_assert_cmpuint (dossier->open_requests, ==, 1);
  request = kiosk_followup_dossier_find_request (dossier, request_id);
  g_assert_nonnull (request);
  g_assert_true (request->open);
  g_assert_cmpint (request->kind, ==, KIOSK_FOLLOWUP_REQUEST_MISSING_DOCUMENT);
  g_assert_cmpstr (request->document, ==, "id_card");
  g_assert_cmpstr (request->text, ==, "Votre pièce d’identité est illisible.");
  g_assert_true (g_strv_contains ((const char * const *) request->formats, "image/jpeg"));
  g_assert_cmpuint (request->max_size, >, 0);

  complement = kiosk_complement_new (receipt->number);
  kiosk_complement_answer_document (complement, request_id, scan, NULL);
  sent = send_complement (followup, complement, receipt->tracking_code, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sent->number, ==, receipt->number);
  g_assert_cmpstr (sent->status_id, ==, "in-progress");
  g_assert_false (sent->replayed);
  g_assert_true (g_strv_contains ((const char * const *) sent->answered, request_id));

  /* The instructor has the very bytes, in the dossier's thread, and the dossier is back in
   * progress. */
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "in-progress");
  file = json_array_get_object_element (kiosk_json_get_array (json_array_get_object_element (kiosk_json_get_array (control, "messages"), 0), "documents"), 0);
  g_assert_cmpstr (kiosk_json_get_string (file, "sha256"), ==, kiosk_document_get_sha256 (scan));
  g_assert_cmpstr (kiosk_json_get_string (file, "request"), ==, request_id);
  on_disk = sha256_of_file (kiosk_json_get_string (file, "path"));
  g_assert_cmpstr (on_disk, ==, kiosk_document_get_sha256 (scan));

  /* The citizen sees it too: the request answered, their message first. */
  g_clear_pointer (&dossier, kiosk_followup_dossier_free);
  dossier = fetch_details (followup, receipt->number, receipt->tracking_code, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier->status_id, ==, "in-progress");
  g_assert_false (kiosk_followup_dossier_find_request (dossier, request_id)->open);
  message = g_ptr_array_index (dossier->messages, 0);
  g_assert_true (message->from_citizen);
  attachment = g_ptr_array_index (message->attachments, 0);
  g_assert_cmpstr (attachment->sha256, ==, kiosk_document_get_sha256 (scan));
  g_assert_cmpuint (attachment->size, ==, g_bytes_get_size (kiosk_document_get_content (scan)));
}

static void
test_incorrect_answer (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(KioskFollowupDossier) dossier = NULL;
  g_autoptr(KioskComplement) complement = NULL;
  g_autoptr(KioskComplementReceipt) sent = NULL;
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(JsonNode) wrong = json_node_init_int (json_node_alloc (), 99);
  g_autoptr(JsonNode) right = json_node_init_int (json_node_alloc (), 3);
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_id = NULL;
  KioskFollowupRequest *request;
  JsonObject *control;

  reset_portal ();
  client = new_client (KIOSK_ID);
  followup = kiosk_followup_new (client);
  receipt = submit_dossier (client);
  request_id = post_control (receipt->number, "requests",
                             "{\"kind\":\"incorrect-answer\",\"field\":\"household_size\","
                             "\"reason\":\"Votre avis d’imposition compte trois personnes.\"}");
  dossier = fetch_details (followup, receipt->number, receipt->tracking_code, &error);
  g_assert_no_error (error);
  request = kiosk_followup_dossier_find_request (dossier, request_id);
  g_assert_cmpint (request->kind, ==, KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER);
  g_assert_cmpstr (request->field, ==, "household_size");
  g_assert_nonnull (request->field_label);
  g_assert_cmpstr (request->text, ==, "Votre avis d’imposition compte trois personnes.");

  /* A value the procedure's schema refuses: 422, the field named, in French; nothing changes. */
  complement = kiosk_complement_new (receipt->number);
  kiosk_complement_answer_field (complement, request_id, wrong);
  sent = send_complement (followup, complement, receipt->tracking_code, &field_errors, &error);
  g_assert_null (sent);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INVALID_FIELDS);
  g_assert_nonnull (field_errors);
  g_assert_nonnull (g_hash_table_lookup (field_errors, "household_size"));
  g_clear_error (&error);
  g_clear_pointer (&field_errors, g_hash_table_unref);
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (control, "data"), "household_size", -1), ==, 2);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "waiting-for-citizen");
  g_clear_pointer (&root, json_object_unref);

  /* Corrected, the same complement (same key: a refused one is not remembered) arrives. */
  kiosk_complement_answer_field (complement, request_id, right);
  sent = send_complement (followup, complement, receipt->tracking_code, &field_errors, &error);
  g_assert_no_error (error);
  g_assert_null (field_errors);
  g_assert_cmpstr (sent->status_id, ==, "in-progress");
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (control, "data"), "household_size", -1), ==, 3);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "in-progress");
}

static void
test_question_and_messages (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(KioskFollowupDossier) dossier = NULL;
  g_autoptr(KioskComplement) first = NULL;
  g_autoptr(KioskComplement) second = NULL;
  g_autoptr(KioskComplementReceipt) sent = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *employer = NULL;
  g_autofree char *since = NULL;
  JsonObject *control, *answer;
  KioskFollowupMessage *message;

  reset_portal ();
  client = new_client (KIOSK_ID);
  followup = kiosk_followup_new (client);
  receipt = submit_dossier (client);
  g_free (post_control (receipt->number, "messages", "{\"text\":\"Bonjour, votre dossier est à l’étude.\"}"));
  employer = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Quel est votre employeur ?\"}");
  since = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Depuis quand ?\"}");

  /* One question answered out of two: the dossier still waits for the citizen. */
  first = kiosk_complement_new (receipt->number);
  kiosk_complement_answer_question (first, employer, "La SLN, à Doniambo.");
  kiosk_complement_set_message (first, "Merci, je réponds à la seconde question demain.");
  sent = send_complement (followup, first, receipt->tracking_code, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sent->status_id, ==, "waiting-for-citizen");
  g_clear_pointer (&sent, kiosk_complement_receipt_free);

  second = kiosk_complement_new (receipt->number);
  kiosk_complement_answer_question (second, since, "Depuis 2019.");
  sent = send_complement (followup, second, receipt->tracking_code, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sent->status_id, ==, "in-progress");

  /* The replies arrived, each with its question. */
  control = get_control_dossier (receipt->number, &root);
  answer = json_array_get_object_element (kiosk_json_get_array (json_array_get_object_element (kiosk_json_get_array (control, "messages"), 1), "answers"), 0);
  g_assert_cmpstr (kiosk_json_get_string (answer, "request"), ==, employer);
  g_assert_cmpstr (kiosk_json_get_string (answer, "text"), ==, "La SLN, à Doniambo.");
  g_assert_cmpstr (kiosk_json_get_string (json_array_get_object_element (kiosk_json_get_array (control, "messages"), 1), "text"),
                   ==, "Merci, je réponds à la seconde question demain.");

  /* Newest first: the second reply, the first, the two questions, the first message. */
  dossier = fetch_details (followup, receipt->number, receipt->tracking_code, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dossier->messages->len, ==, 5);
  g_assert_true (((KioskFollowupMessage *) g_ptr_array_index (dossier->messages, 0))->from_citizen);
  g_assert_true (((KioskFollowupMessage *) g_ptr_array_index (dossier->messages, 1))->from_citizen);
  message = g_ptr_array_index (dossier->messages, 2);
  g_assert_false (message->from_citizen);
  g_assert_cmpstr (message->text, ==, "Depuis quand ?");
  g_assert_cmpstr (message->request_id, ==, since);
  message = g_ptr_array_index (dossier->messages, 4);
  g_assert_cmpstr (message->text, ==, "Bonjour, votre dossier est à l’étude.");
  g_assert_null (message->request_id);
  for (guint i = 1; i < dossier->messages->len; i++)
    g_assert_cmpstr (((KioskFollowupMessage *) g_ptr_array_index (dossier->messages, i - 1))->time, >=,
                     ((KioskFollowupMessage *) g_ptr_array_index (dossier->messages, i))->time);
}

static void
test_wrong_code_unknown_number (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(KioskReceipt) other = NULL;
  g_autoptr(KioskFollowupDossier) dossier = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wrong_body = NULL;
  g_autofree char *unknown_body = NULL;
  g_autofree char *no_code_body = NULL;
  long wrong_status = 0, unknown_status = 0, no_code_status = 0;

  reset_portal ();
  client = new_client (KIOSK_ID);
  followup = kiosk_followup_new (client);
  receipt = submit_dossier (client);
  other = submit_dossier (client);

  /* Another dossier's code, an unknown number with a real code, no code: the same bytes. */
  path = g_strdup_printf ("api/dossiers/%s", receipt->number);
  wrong_body = raw_get (path, "epn-a", other->tracking_code, &wrong_status, NULL);
  unknown_body = raw_get ("api/dossiers/DS-1999-999999", "epn-a", receipt->tracking_code, &unknown_status, NULL);
  no_code_body = raw_get (path, "epn-a", NULL, &no_code_status, NULL);
  g_assert_cmpint (wrong_status, ==, 404);
  g_assert_cmpint (unknown_status, ==, wrong_status);
  g_assert_cmpint (no_code_status, ==, wrong_status);
  g_assert_cmpstr (unknown_body, ==, wrong_body);
  g_assert_cmpstr (no_code_body, ==, wrong_body);
  g_assert_null (strstr (wrong_body, receipt->number));

  /* Through the client: the same error, which does not say which of the two is wrong. */
  dossier = fetch_details (followup, receipt->number, other->tracking_code, &error);
  g_assert_null (dossier);
  g_assert_error (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  dossier = fetch_status (followup, "DS-1999-999999", receipt->tracking_code, &error);
  g_assert_null (dossier);
  g_assert_error (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Not a tracking code at all: the portal is not even asked. */
  dossier = fetch_status (followup, receipt->number, "hello", &error);
  g_assert_error (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_INVALID_CODE);
  g_clear_error (&error);

  /* The right code, typed in lower case with spaces. */
  {
    g_autofree char *typed = g_ascii_strdown (receipt->tracking_code, -1);

    g_strdelimit (typed, "-", ' ');
    dossier = fetch_status (followup, receipt->number, typed, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (dossier->number, ==, receipt->number);
    g_assert_cmpstr (dossier->status_id, ==, "received");
  }
}

static void
test_rate_limit (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(KioskReceipt) other = NULL;
  g_autoptr(KioskFollowupDossier) dossier = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other_path = NULL;
  gint64 retry_after = 0;
  long status = 0;

  reset_portal ();
  client = new_client (KIOSK_ID);
  followup = kiosk_followup_new (client);
  receipt = submit_dossier (client);
  other = submit_dossier (client);
  path = g_strdup_printf ("api/dossiers/%s", receipt->number);
  other_path = g_strdup_printf ("api/dossiers/%s", other->number);

  /* Per number: five wrong codes (from two terminals), then even the right one is refused. */
  for (guint i = 0; i < 5; i++)
    g_free (raw_get (path, i % 2 ? "epn-a" : "epn-b", other->tracking_code, &status, NULL));
  g_assert_cmpint (status, ==, 404);
  g_free (raw_get (path, "epn-c", receipt->tracking_code, &status, &retry_after));
  g_assert_cmpint (status, ==, 429);
  g_assert_cmpint (retry_after, >, 0);
  g_assert_cmpint (retry_after, <=, 600);
  dossier = fetch_status (followup, receipt->number, receipt->tracking_code, &error);
  g_assert_null (dossier);
  g_assert_error (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_TOO_MANY_ATTEMPTS);
  g_clear_error (&error);
  /* Another dossier is not affected. */
  g_free (raw_get (other_path, "epn-c", other->tracking_code, &status, NULL));
  g_assert_cmpint (status, ==, 200);

  /* Per terminal: twenty wrong attempts on as many numbers, then nothing from that terminal. */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *probe = g_strdup_printf ("api/dossiers/DS-1999-%06u", i);

      g_free (raw_get (probe, "epn-d", other->tracking_code, &status, NULL));
      g_assert_cmpint (status, ==, 404);
    }
  g_free (raw_get (other_path, "epn-d", other->tracking_code, &status, &retry_after));
  g_assert_cmpint (status, ==, 429);
  g_free (raw_get (other_path, "epn-e", other->tracking_code, &status, NULL));
  g_assert_cmpint (status, ==, 200);
}

static void
test_tracking_page (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autofree char *url = NULL;
  g_autofree char *unknown_url = NULL;
  g_autofree char *page = NULL;
  g_autofree char *unknown_page = NULL;
  g_autofree char *own_page = NULL;
  long status = 0, unknown_status = 0;

  reset_portal ();
  client = new_client (KIOSK_ID);
  receipt = submit_dossier (client);
  g_free (post_control (receipt->number, "messages", "{\"text\":\"Message de l’instructeur\"}"));

  /* By number alone: nothing about the dossier, and the same page as for a number that does not
   * exist. */
  url = g_strdup_printf ("%ssuivi/%s", portal->url, receipt->number);
  page = kiosk_test_http ("GET", url, NULL, &status);
  unknown_url = g_strdup_printf ("%ssuivi/DS-1999-999999", portal->url);
  unknown_page = kiosk_test_http ("GET", unknown_url, NULL, &unknown_status);
  g_assert_cmpint (status, ==, 404);
  g_assert_cmpint (unknown_status, ==, status);
  g_assert_cmpstr (page, ==, unknown_page);
  g_assert_null (strstr (page, receipt->number));
  g_assert_null (strstr (page, "Aide médicale"));
  g_assert_null (strstr (page, "Reçu"));
  g_assert_null (strstr (page, "instructeur"));

  /* With the code the receipt's QR code carries: the status and the thread. */
  own_page = kiosk_test_http ("GET", receipt->url, NULL, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_nonnull (strstr (own_page, receipt->number));
  g_assert_nonnull (strstr (own_page, "Aide médicale"));
  g_assert_nonnull (strstr (own_page, "Reçu"));
  g_assert_nonnull (strstr (own_page, "Message de l’instructeur"));
}

static void
test_complement_once (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(KioskComplement) complement = NULL;
  g_autoptr(KioskComplement) lost = NULL;
  g_autoptr(KioskComplementReceipt) sent = NULL;
  g_autoptr(KioskComplementReceipt) again = NULL;
  g_autoptr(KioskComplementReceipt) after_reset = NULL;
  g_autoptr(KioskDocument) scan = make_document ("request", "a proof of address");
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *question = NULL;
  JsonObject *control;

  reset_portal ();
  client = new_client (KIOSK_ID);
  followup = kiosk_followup_new (client);
  receipt = submit_dossier (client);
  request_id = post_control (receipt->number, "requests",
                             "{\"kind\":\"missing-document\",\"description\":\"Un justificatif de domicile\"}");
  question = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Votre adresse ?\"}");

  /* Sent twice with the same key: stored once, the second answer a replay of the first. */
  complement = kiosk_complement_new (receipt->number);
  kiosk_complement_answer_document (complement, request_id, scan, NULL);
  sent = send_complement (followup, complement, receipt->tracking_code, NULL, &error);
  g_assert_no_error (error);
  again = send_complement (followup, complement, receipt->tracking_code, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again->replayed);
  g_assert_cmpstr (again->complement_id, ==, sent->complement_id);

  /* Stored, but the answer lost (the connection is cut): the client's retry with the same key
   * is answered with what was stored. */
  kiosk_test_portal_post (portal, "_control/faults", "{\"reset_after_store\":1}");
  lost = kiosk_complement_new (receipt->number);
  kiosk_complement_answer_question (lost, question, "12 rue Jules Ferry");
  after_reset = send_complement (followup, lost, receipt->tracking_code, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (after_reset->replayed);
  g_assert_cmpstr (after_reset->status_id, ==, "in-progress");

  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (control, "complements")), ==, 2);
  /* The question's message, the document's request, and one message per complement. */
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (control, "messages")), ==, 4);
}

static gboolean
signed_in_cb (gpointer data)
{
  KioskSignInState state = kiosk_sign_in_get_state (data);

  return state != KIOSK_SIGN_IN_IDLE && state != KIOSK_SIGN_IN_STARTING && state != KIOSK_SIGN_IN_WAITING;
}

static gboolean
has_user_code_cb (gpointer data)
{
  return kiosk_sign_in_get_state (data) == KIOSK_SIGN_IN_WAITING;
}

/* A signed-in citizen follows the dossiers of their account with their token, no code; and only
 * those. */
static void
test_account_token (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskSignIn) sign_in = NULL;
  g_autoptr(KioskAccount) account = NULL;
  g_autoptr(KioskReceipt) own = NULL;
  g_autoptr(KioskReceipt) other = NULL;
  g_autoptr(KioskFollowupDossier) dossier = NULL;
  g_autoptr(KioskComplement) complement = NULL;
  g_autoptr(KioskComplementReceipt) sent = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *grant = NULL;
  g_autofree char *question = NULL;

  reset_portal ();
  client = new_client (KIOSK_ID);
  followup = kiosk_followup_new (client);
  sign_in = kiosk_sign_in_new (client);
  kiosk_sign_in_start (sign_in);
  g_assert_true (kiosk_test_wait (has_user_code_cb, sign_in, 10000));
  {
    g_autofree char *form = g_strdup_printf ("user_code=%s&account=marie.wamytan&decision=approve",
                                             kiosk_sign_in_get_user_code (sign_in));
    g_autofree char *url = g_strconcat (portal->url, "activer", NULL);
    long status = 0;

    g_free (kiosk_test_http ("POST", url, form, &status));
    g_assert_cmpint (status, ==, 200);
  }
  g_assert_true (kiosk_test_wait (signed_in_cb, sign_in, 15000));
  g_assert_cmpint (kiosk_sign_in_get_state (sign_in), ==, KIOSK_SIGN_IN_APPROVED);
  account = kiosk_sign_in_steal_account (sign_in);

  kiosk_account_request_grant_async (client, account, key, NULL, keep_result_cb, &result);
  grant = kiosk_account_request_grant_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  own = submit_dossier_with (client, key, grant);
  other = submit_dossier (client);
  question = post_control (own->number, "requests", "{\"kind\":\"question\",\"text\":\"Une question\"}");

  g_clear_object (&result);
  kiosk_followup_fetch_details_async (followup, own->number, NULL, account->token, NULL, keep_result_cb, &result);
  dossier = kiosk_followup_fetch_details_finish (followup, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dossier->number, ==, own->number);
  g_assert_cmpuint (dossier->open_requests, ==, 1);
  g_clear_pointer (&dossier, kiosk_followup_dossier_free);

  /* Another citizen's dossier: as unknown as with a wrong code. */
  g_clear_object (&result);
  kiosk_followup_fetch_details_async (followup, other->number, NULL, account->token, NULL, keep_result_cb, &result);
  dossier = kiosk_followup_fetch_details_finish (followup, wait_result (&result), &error);
  g_assert_null (dossier);
  g_assert_error (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* And a complement, sent with the token. */
  complement = kiosk_complement_new (own->number);
  kiosk_complement_answer_question (complement, question, "Une réponse");
  g_clear_object (&result);
  kiosk_followup_send_complement_async (followup, complement, NULL, account->token, NULL, keep_result_cb, &result);
  sent = kiosk_followup_send_complement_finish (followup, wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sent->status_id, ==, "in-progress");
}

static void
test_signed (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskPortal) unsigned_client = NULL;
  g_autoptr(KioskFollowup) followup = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(KioskComplement) complement = NULL;
  g_autoptr(KioskComplementReceipt) sent = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *question = NULL;
  JsonObject *control;

  reset_portal ();
  client = new_client (KIOSK_ID);
  receipt = submit_dossier (client);
  question = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Une question\"}");

  /* Without the kiosk's key, the portal refuses the complement and stores nothing. */
  unsigned_client = kiosk_portal_new (portal->url, KIOSK_ID, &error);
  g_assert_no_error (error);
  followup = kiosk_followup_new (unsigned_client);
  complement = kiosk_complement_new (receipt->number);
  kiosk_complement_answer_question (complement, question, "Une réponse");
  sent = send_complement (followup, complement, receipt->tracking_code, NULL, &error);
  g_assert_null (sent);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED);
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (control, "complements")), ==, 0);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "waiting-for-citizen");
}

/* A receipt's QR code as the kiosk draws it, read back by zbar in kiosk-qr-helper (sandboxed); a
 * frame without one says so (G_IO_ERROR_NOT_FOUND). */
static void
test_qr_decode (void)
{
  const char *url = "https://portail.example.nc/suivi/DS-2026-000042?code=7K2M-9QXD-4F2A";
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) blank_result = NULL;
  KioskImage *image = kiosk_qr_render (url, 6, &error);
  g_autofree char *text = NULL;
  g_autofree char *none = NULL;
  guint8 *white = g_malloc (320 * 240 * 3);
  g_autoptr(GBytes) blank = NULL;

  g_assert_no_error (error);
  kiosk_qr_decode_async (image, NULL, keep_result_cb, &result);
  text = kiosk_qr_decode_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, url);

  memset (white, 0xff, 320 * 240 * 3);
  blank = g_bytes_new_take (white, 320 * 240 * 3);
  kiosk_qr_decode_async (kiosk_image_new (320, 240, 0, blank), NULL,
                         keep_result_cb, &blank_result);
  none = kiosk_qr_decode_finish (wait_result (&blank_result), &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *key_dir = NULL;
  g_autofree char *key_path = NULL;
  const char *key = "followup-test-kiosk-key-0123456789";
  int status;

  g_test_init (&argc, &argv, NULL);
  key_dir = g_dir_make_tmp ("kiosk-followup-key-XXXXXX", NULL);
  key_path = g_build_filename (key_dir, "kiosk.key", NULL);
  g_assert_true (g_file_set_contents (key_path, key, -1, NULL));
  signing_key = g_bytes_new_static (key, strlen (key));
  {
    const char *extra[] = { "--kiosk-key", key_path, "--device-interval", "1", NULL };

    portal = kiosk_test_portal_start_with (extra);
  }

  g_test_add_func ("/followup/tracking-code", test_tracking_code);
  g_test_add_func ("/followup/missing-document", test_missing_document);
  g_test_add_func ("/followup/incorrect-answer", test_incorrect_answer);
  g_test_add_func ("/followup/question-and-messages", test_question_and_messages);
  g_test_add_func ("/followup/wrong-code-unknown-number", test_wrong_code_unknown_number);
  g_test_add_func ("/followup/rate-limit", test_rate_limit);
  g_test_add_func ("/followup/tracking-page", test_tracking_page);
  g_test_add_func ("/followup/complement-once", test_complement_once);
  g_test_add_func ("/followup/account-token", test_account_token);
  g_test_add_func ("/followup/signed", test_signed);
  g_test_add_func ("/followup/qr-decode", test_qr_decode);
  status = g_test_run ();

  kiosk_test_portal_stop (portal);
  g_bytes_unref (signing_key);
  g_remove (key_path);
  g_rmdir (key_dir);
  return status;
}
