/* test-signatures.c: signed requests (HTTP Message Signatures, RFC 9421, with Content-Digest,
 * RFC 9530) and the kiosk's keys from systemd credentials, against the real kiosk core and the
 * reference portal over loopback. The attacks of the security review: a signed help request
 * replayed three times, a replay with another X-Kiosk-Id, a booking replayed with a new
 * Idempotency-Key, a body changed under its signature. RFC 9421's own test vector, and an
 * independently written implementation (http-message-signatures from npm) that verifies what
 * the kiosk signed and signs a request the portal must accept. */
#include "kiosk-credentials.h"
#include "kiosk-document.h"
#include "kiosk-journal.h"
#include "kiosk-json.h"
#include "kiosk-outbox.h"
#include "kiosk-outbox-sender.h"
#include "kiosk-portal.h"
#include "kiosk-signature.h"
#include "kiosk-test-util.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#define KIOSK_ID "epn-signed"

static const char secret[] = "signatures-test-key-of-32-bytes!";

typedef struct
{
  KioskTestPortal *server;
  char            *dir;
  char            *key_path;
  GBytes          *key;
  KioskPortal     *client;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *extra[] = { "--kiosk-key", NULL, NULL };

  fixture->dir = g_dir_make_tmp ("kiosk-signatures-XXXXXX", NULL);
  fixture->key_path = g_build_filename (fixture->dir, "kiosk.key", NULL);
  g_assert_true (g_file_set_contents_full (fixture->key_path, secret, 32, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0600, NULL));
  extra[1] = fixture->key_path;
  fixture->server = kiosk_test_portal_start_with (extra);
  fixture->key = g_bytes_new_static (secret, 32);
  fixture->client = kiosk_portal_new (fixture->server->url, KIOSK_ID, NULL);
  kiosk_portal_set_signing_key (fixture->client, fixture->key);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  kiosk_test_portal_stop (fixture->server);
  g_clear_object (&fixture->client);
  g_bytes_unref (fixture->key);
  kiosk_test_remove_tree (fixture->dir);
  g_free (fixture->key_path);
  g_free (fixture->dir);
}

/* Calls */

typedef struct
{
  gboolean    done;
  JsonObject *data;
  GError     *error;
} Wait;

static void
call_json_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->data = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result, NULL, NULL, &wait->error);
  wait->done = TRUE;
}

static gboolean
wait_done_cb (gpointer data)
{
  return ((Wait *) data)->done;
}

/* A request as the kiosk signs it; returns its data or %NULL with @error. */
static JsonObject *
call_json (Fixture     *fixture,
           const char  *method,
           const char  *path,
           const char  *body,
           const char  *idempotency_key,
           GError     **error)
{
  Wait wait = { 0 };

  kiosk_portal_call_json_async (fixture->client, method, path, body, idempotency_key, NULL, call_json_cb, &wait);
  g_assert_true (kiosk_test_wait (wait_done_cb, &wait, 60000));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.data;
}

/* The last request the portal received for @path (a suffix of its URI), as it was received. */
static JsonObject *
recorded_request (Fixture    *fixture,
                  const char *method,
                  const char *path)
{
  g_autoptr(JsonObject) root = kiosk_test_portal_get (fixture->server, "_control/requests");
  JsonArray *requests = json_object_get_array_member (json_object_get_object_member (root, "data"), "requests");

  for (guint i = json_array_get_length (requests); i > 0; i--)
    {
      JsonObject *request = json_array_get_object_element (requests, i - 1);

      if (strcmp (json_object_get_string_member (request, "method"), method) == 0
          && g_str_has_suffix (json_object_get_string_member (request, "uri"), path))
        return json_object_ref (request);
    }
  g_assert_not_reached ();
}

static size_t
collect_cb (char   *data,
            size_t  size,
            size_t  nmemb,
            void   *user_data)
{
  g_string_append_len (user_data, data, size * nmemb);
  return size * nmemb;
}

/* Sends @request again byte for byte, with header @name set to @value (when not %NULL) and the
 * body's byte at @flip inverted (when ≥ 0). Returns the status; @answer gets the body. */
static long
replay (JsonObject  *request,
        const char  *name,
        const char  *value,
        gssize       flip,
        char       **answer)
{
  JsonArray *headers = json_object_get_array_member (request, "headers");
  gsize length = 0;
  g_autofree guint8 *body = g_base64_decode (json_object_get_string_member (request, "body"), &length);
  struct curl_slist *list = NULL;
  GString *out = g_string_new (NULL);
  CURL *curl = curl_easy_init ();
  long status = 0;

  for (guint i = 0; i < json_array_get_length (headers); i++)
    {
      JsonArray *pair = json_array_get_array_element (headers, i);
      const char *field = json_array_get_string_element (pair, 0);
      g_autofree char *line = NULL;

      /* curl sets these itself from what it sends. */
      if (g_ascii_strcasecmp (field, "Host") == 0 || g_ascii_strcasecmp (field, "Content-Length") == 0
          || (name != NULL && g_ascii_strcasecmp (field, name) == 0))
        continue;
      line = g_strdup_printf ("%s: %s", field, json_array_get_string_element (pair, 1));
      list = curl_slist_append (list, line);
    }
  if (name != NULL)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", name, value);

      list = curl_slist_append (list, line);
    }
  list = curl_slist_append (list, "Expect:");
  if (flip >= 0 && (gsize) flip < length)
    body[flip] ^= 0xff;
  curl_easy_setopt (curl, CURLOPT_URL, json_object_get_string_member (request, "uri"));
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, json_object_get_string_member (request, "method"));
  if (length > 0 || strcmp (json_object_get_string_member (request, "method"), "GET") != 0)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) length);
    }
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (list);
  if (answer != NULL)
    *answer = g_string_free (out, FALSE);
  else
    g_string_free (out, TRUE);
  return status;
}

static gint64
count_help_requests (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = call_json (fixture, "GET", "api/kiosks/" KIOSK_ID "/help-requests", NULL, NULL,
                                          &error);

  g_assert_no_error (error);
  return json_object_get_int_member (data, "count");
}

/* Tests */

/* RFC 9421 B.2.5 (hmac-sha256) and RFC 9530's example digest: the base, the parser and the MAC
 * agree with the published values. */
static void
test_rfc_vectors (void)
{
  const char *input_header = "sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;"
                             "keyid=\"test-shared-secret\"";
  const char *values[] = { "Tue, 20 Apr 2021 02:07:55 GMT", "example.com", "application/json", NULL };
  gsize key_length = 0;
  g_autofree guint8 *key_bytes = g_base64_decode ("uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUk"
                                                  "dJPBtbmHhIDi6pcl8jsasjlTMtDQ==", &key_length);
  g_autoptr(GBytes) key = g_bytes_new (key_bytes, key_length);
  g_autoptr(KioskSignatureInput) input = kiosk_signature_input_parse (input_header);
  g_autoptr(GBytes) expected = kiosk_signature_parse ("sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:",
                                                      "sig-b25");
  g_autoptr(GBytes) mac = NULL;
  g_autofree char *base = NULL;
  g_autofree char *digest = NULL;
  guint8 parsed[32];

  g_assert_nonnull (input);
  g_assert_cmpstr (input->label, ==, "sig-b25");
  g_assert_cmpuint (input->components->len, ==, 3);
  g_assert_cmpint (input->created, ==, 1618884473);
  g_assert_cmpstr (input->keyid, ==, "test-shared-secret");
  g_ptr_array_add (input->components, NULL);
  base = kiosk_signature_base ((const char * const *) input->components->pdata, values, input->params);
  g_assert_cmpstr (base, ==,
                   "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
                   "\"@authority\": example.com\n"
                   "\"content-type\": application/json\n"
                   "\"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;"
                   "keyid=\"test-shared-secret\"");
  mac = kiosk_signature_compute (key, base);
  g_assert_true (kiosk_signature_equal (mac, expected));

  digest = kiosk_content_digest_for_data ("{\"hello\": \"world\"}", 18);
  g_assert_cmpstr (digest, ==, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  g_assert_true (kiosk_content_digest_parse ("sha-512=:YWJj:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
                                             parsed));
  /* Malformed inputs are refused, not half-read. */
  g_assert_null (kiosk_signature_input_parse ("sig1=(\"@method\";req);created=1"));
  g_assert_null (kiosk_signature_input_parse ("sig1=(\"@method\");created=1, sig2=(\"@method\")"));
  g_assert_null (kiosk_signature_input_parse ("sig1=(\"@method\");nonce=\"a\";nonce=\"b\""));
  g_assert_null (kiosk_signature_parse ("sig1=:not base64!:", "sig1"));
}

/* A signed help request replayed three times once counted three: now it counts once. */
static void
test_help_replayed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = call_json (fixture, "POST", "api/kiosks/" KIOSK_ID "/help-requests", "{}", NULL,
                                           &error);
  g_autoptr(JsonObject) request = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (first, "count"), ==, 1);
  request = recorded_request (fixture, "POST", "/help-requests");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *answer = NULL;

      g_assert_cmpint (replay (request, NULL, NULL, -1, &answer), ==, 401);
      g_assert_nonnull (strstr (answer, "replayed"));
    }
  g_assert_cmpint (count_help_requests (fixture), ==, 1);
}

/* A replay with another X-Kiosk-Id was once taken as that kiosk's: the id is signed. */
static void
test_other_kiosk_id (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = call_json (fixture, "POST", "api/kiosks/" KIOSK_ID "/help-requests", "{}", NULL,
                                           &error);
  g_autoptr(JsonObject) request = recorded_request (fixture, "POST", "/help-requests");
  g_autofree char *answer = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (replay (request, "X-Kiosk-Id", "epn-elsewhere", -1, &answer), ==, 401);
  g_assert_null (strstr (answer, "replayed"));
  g_assert_cmpint (count_help_requests (fixture), ==, 1);

  /* A header that is sent is signed: one added to a signed request makes it refused. */
  g_clear_pointer (&answer, g_free);
  g_assert_cmpint (replay (request, "Authorization", "Bearer someone-elses-token", -1, &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "must cover"));
}

/* A signed booking replayed with a new Idempotency-Key was once a second booking. */
static void
test_booking_new_key (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *from = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *path = g_strdup_printf ("api/appointments/slots?site=epn-noumea-centre&motif=aide-medicale"
                                           "&from=%s&days=14", from);
  g_autoptr(JsonObject) slots = call_json (fixture, "GET", path, NULL, NULL, &error);
  g_autoptr(JsonObject) booked = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) listing = NULL;
  g_autofree char *body = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *other_key = g_uuid_string_random ();
  g_autofree char *list_path = NULL;
  JsonObject *slot;

  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (slots, "slots")), >, 0);
  slot = json_array_get_object_element (json_object_get_array_member (slots, "slots"), 0);
  body = g_strdup_printf ("{\"site\":\"epn-noumea-centre\",\"motif\":\"aide-medicale\",\"starts_at\":\"%s\","
                          "\"name\":\"Marie Wamytan\",\"phone\":\"271234\"}",
                          json_object_get_string_member (slot, "starts_at"));
  booked = call_json (fixture, "POST", "api/appointments", body, key, &error);
  g_assert_no_error (error);
  request = recorded_request (fixture, "POST", "/api/appointments");
  g_assert_cmpint (replay (request, "Idempotency-Key", other_key, -1, &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "bad-signature"));

  /* One booking at that time, not two. */
  list_path = g_strdup_printf ("api/appointments?site=epn-noumea-centre&date=%.10s",
                               json_object_get_string_member (slot, "starts_at"));
  listing = call_json (fixture, "GET", list_path, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), listing);
    g_autofree char *text = kiosk_json_to_string (node);
    const char *reference = json_object_get_string_member (booked, "reference");
    guint n = 0;

    for (const char *p = text; (p = strstr (p, "\"reference\"")) != NULL; p++)
      n++;
    g_assert_nonnull (reference);
    g_assert_cmpuint (n, ==, 1);
  }
}

/* A changed body under a valid signature is refused by its Content-Digest; a changed body with
 * a recomputed digest, by the signature (the digest is covered). */
static void
test_body_changed (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) scan = g_bytes_new_static ("\xff\xd8\xff\xe0 a scan, changed on the way", 30);
  g_autoptr(KioskDocument) document = kiosk_document_new ("id_card", "image/jpeg", scan, NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
  g_autofree char *idempotency_key = g_uuid_string_random ();
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *second = NULL;

  (void) receipt;
  g_ptr_array_add (parts, kiosk_upload_part_new_for_document (document));
  receipt = kiosk_portal_submit_payload (fixture->client, "aide-medicale", idempotency_key,
                                         "{\"data\":{}}", parts, NULL, NULL, &error);
  request = recorded_request (fixture, "POST", "/submit");
  g_assert_cmpint (replay (request, NULL, NULL, 200, &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "Content-Digest"));

  {
    gsize length = 0;
    g_autofree guint8 *body = g_base64_decode (json_object_get_string_member (request, "body"), &length);
    g_autofree char *digest = NULL;

    body[200] ^= 0xff;
    digest = kiosk_content_digest_for_data (body, length);
    g_assert_cmpint (replay (request, "Content-Digest", digest, 200, &second), ==, 401);
    g_assert_nonnull (strstr (second, "does not verify"));
  }
}

/* Installs http-message-signatures from npm in the build folder (once per lock). */
static char *
install_checker (void)
{
  const char *source_dir = g_getenv ("KIOSK_SOURCE_DIR");
  const char *build_dir = g_getenv ("KIOSK_TEST_BUILD_DIR");
  g_autofree char *npm = g_find_program_in_path ("npm");
  g_autofree char *dir = g_build_filename (build_dir ? build_dir : ".", "signatures-checker", NULL);
  g_autofree char *stamp = g_build_filename (dir, "node_modules", "kiosk-installed.lock", NULL);
  g_autofree char *lock = NULL;
  g_autofree char *installed = NULL;
  const char *files[] = { "package.json", "package-lock.json", "check.mjs" };
  g_autofree char *node = g_find_program_in_path ("node");

  if (npm == NULL || node == NULL)
    return NULL;
  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_build_filename (source_dir, "tests", "signatures", files[i], NULL);
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
      if (g_str_equal (files[i], "package-lock.json"))
        lock = g_steal_pointer (&contents);
    }
  if (!g_file_get_contents (stamp, &installed, NULL, NULL) || g_strcmp0 (installed, lock) != 0)
    {
      g_autofree char *cache = g_build_filename (dir, "npm-cache", NULL);
      const char *argv[] = { npm, "ci", "--no-audit", "--no-fund", "--cache", cache, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int wait_status = 0;

      g_test_message ("Installing http-message-signatures with npm ci in %s", dir);
      g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                   &wait_status, &error));
      g_assert_no_error (error);
      g_test_message ("npm ci: %s%s", out, err);
      if (!g_spawn_check_wait_status (wait_status, NULL))
        g_error ("npm ci failed in %s: http-message-signatures cannot be installed", dir);
      g_assert_true (g_file_set_contents (stamp, lock, -1, NULL));
    }
  return g_steal_pointer (&dir);
}

/* What the kiosk signs (GET, JSON with an Idempotency-Key, multipart) verifies with an
 * implementation written by others; a request it signs is accepted by the portal, once. */
static void
test_independent (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *dir = install_checker ();
  g_autofree char *requests_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) catalogue = NULL;
  g_autoptr(JsonObject) help = NULL;
  g_autoptr(GBytes) scan = g_bytes_new_static ("\xff\xd8\xff\xe0 a scan", 11);
  g_autoptr(KioskDocument) document = kiosk_document_new ("id_card", "image/jpeg", scan, NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
  g_autofree char *idempotency_key = g_uuid_string_random ();
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *journal_dir = g_build_filename (fixture->dir, "journal", NULL);
  g_autoptr(KioskJournal) journal = NULL;
  g_auto(GStrv) lines = NULL;
  Wait account = { 0 };
  int wait_status = 0;

  if (dir == NULL)
    {
      g_test_skip ("npm and Node.js are needed for the independent RFC 9421 implementation");
      return;
    }
  kiosk_test_portal_post (fixture->server, "_control/reset", "{}");
  catalogue = call_json (fixture, "GET", "api/appointments/motifs?site=epn-noumea-centre", NULL, NULL, &error);
  g_assert_no_error (error);
  help = call_json (fixture, "POST", "api/kiosks/" KIOSK_ID "/help-requests", "{}", "help-key-1", &error);
  g_assert_no_error (error);
  /* A citizen's token (unknown to the portal: refused after the signature is checked). */
  kiosk_portal_call_json_with_token_async (fixture->client, "GET", "api/account/profile", NULL,
                                           "a-citizen-access-token", NULL, call_json_cb, &account);
  g_assert_true (kiosk_test_wait (wait_done_cb, &account, 60000));
  g_clear_error (&account.error);
  g_clear_pointer (&account.data, json_object_unref);
  /* A submission carries the journal head. */
  journal = kiosk_journal_open (journal_dir, &error);
  g_assert_no_error (error);
  g_assert_true (kiosk_journal_append (journal, "marie", "unlock", "-", &error));
  kiosk_portal_set_journal (fixture->client, journal);
  g_ptr_array_add (parts, kiosk_upload_part_new_for_document (document));
  receipt = kiosk_portal_submit_payload (fixture->client, "aide-medicale", idempotency_key,
                                         "{\"data\":{}}", parts, NULL, NULL, &error);
  g_clear_error (&error);
  kiosk_portal_set_journal (fixture->client, NULL);

  /* The requests as the portal received them, checked by the other implementation. */
  root = kiosk_test_portal_get (fixture->server, "_control/requests");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (root, "data"),
                                                                         "requests")), ==, 4);
  requests_path = g_build_filename (fixture->dir, "requests.json", NULL);
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), root);
    g_autofree char *text = kiosk_json_to_string (node);
    const char *argv[] = { "node", "check.mjs", "verify", fixture->key_path, requests_path, NULL };

    g_assert_true (g_file_set_contents (requests_path, text, -1, NULL));
    g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                                 &wait_status, &error));
    g_assert_no_error (error);
    g_test_message ("http-message-signatures: %s%s", out, err);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    g_assert_nonnull (strstr (out, "ok GET"));
    g_assert_nonnull (strstr (out, "\"idempotency-key\""));
    g_assert_nonnull (strstr (out, "\"authorization\""));
    g_assert_nonnull (strstr (out, "\"x-kiosk-journal-head\""));
    g_assert_nonnull (strstr (out, "ok POST"));
    g_assert_null (strstr (out, "not ok"));
    g_unlink (requests_path);
  }

  /* The other way round: the portal verifies a request the other implementation signed. */
  url = g_strconcat (fixture->server->url, "api/catalogue", NULL);
  {
    const char *argv[] = { "node", "check.mjs", "sign", fixture->key_path, "epn-other-signer", url, NULL };
    g_autoptr(JsonObject) request = json_object_new ();
    JsonArray *headers = json_array_new ();

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                                 &wait_status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    lines = g_strsplit (g_strstrip (out), "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_auto(GStrv) pair = g_strsplit (lines[i], ": ", 2);
        JsonArray *header = json_array_new ();

        g_assert_nonnull (pair[1]);
        json_array_add_string_element (header, pair[0]);
        json_array_add_string_element (header, pair[1]);
        json_array_add_array_element (headers, header);
      }
    json_object_set_string_member (request, "method", "GET");
    json_object_set_string_member (request, "uri", url);
    json_object_set_array_member (request, "headers", headers);
    json_object_set_string_member (request, "body", "");
    g_assert_cmpint (replay (request, NULL, NULL, -1, &answer), ==, 200);
    g_clear_pointer (&answer, g_free);
    g_assert_cmpint (replay (request, NULL, NULL, -1, &answer), ==, 401);
    g_assert_nonnull (strstr (answer, "replayed"));
  }
}

/* Writes the test's secret as the "signing-key" credential at @path (0400): sealed with
 * `systemd-creds encrypt --with-key=host` then decrypted, as systemd does for
 * LoadCredentialEncrypted=, when that works here (as root); else written as is.
 * Returns: whether systemd-creds did it */
static gboolean
write_signing_credential (const char *dir,
                          const char *path)
{
  g_autofree char *systemd_creds = g_find_program_in_path ("systemd-creds");
  gboolean encrypted = FALSE;

  if (systemd_creds != NULL && getuid () == 0)
    {
      g_autofree char *plain = g_build_filename (dir, "plain.key", NULL);
      g_autofree char *sealed = g_build_filename (dir, "kiosk.signing-key.cred", NULL);
      const char *encrypt[] = { systemd_creds, "encrypt", "--with-key=host", "--name=signing-key", plain, sealed, NULL };
      const char *decrypt[] = { systemd_creds, "decrypt", "--name=signing-key", sealed, path, NULL };
      g_autofree char *sealed_bytes = NULL;
      gsize sealed_length = 0;
      int wait_status = 0;

      g_assert_true (g_file_set_contents_full (plain, secret, 32, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
      if (g_spawn_sync (NULL, (char **) encrypt, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &wait_status, NULL)
          && g_spawn_check_wait_status (wait_status, NULL)
          && g_spawn_sync (NULL, (char **) decrypt, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, NULL, NULL, &wait_status, NULL)
          && g_spawn_check_wait_status (wait_status, NULL))
        {
          /* The sealed file does not hold the key in clear. */
          g_assert_true (g_file_get_contents (sealed, &sealed_bytes, &sealed_length, NULL));
          g_assert_null (memmem (sealed_bytes, sealed_length, secret, 32));
          encrypted = TRUE;
        }
      g_unlink (plain);
      g_unlink (sealed);
    }
  if (!encrypted)
    g_assert_true (g_file_set_contents_full (path, secret, 32, G_FILE_SET_CONTENTS_CONSISTENT, 0400, NULL));
  g_assert_cmpint (g_chmod (path, 0400), ==, 0);
  return encrypted;
}

/* Point 7: with $CREDENTIALS_DIRECTORY set (as systemd sets it for LoadCredentialEncrypted=),
 * the device, journal and signing keys come from there: requests are signed with the
 * credential's key, the outbox and journal use theirs, and no key file appears in the data
 * folder. When systemd-creds works here (as root), the signing key goes through a real
 * encrypt/decrypt with the host key first. */
static void
test_keys_from_credentials (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *credentials = g_build_filename (fixture->dir, "credentials", NULL);
  g_autofree char *data_dir = g_build_filename (fixture->dir, "state", NULL);
  g_autofree char *signing = g_build_filename (credentials, KIOSK_CREDENTIAL_SIGNING_KEY, NULL);
  g_autofree char *device = g_build_filename (credentials, KIOSK_CREDENTIAL_DEVICE_KEY, NULL);
  g_autofree char *journal_key = g_build_filename (credentials, KIOSK_CREDENTIAL_JOURNAL_KEY, NULL);
  g_autoptr(KioskPortal) client = kiosk_portal_new (fixture->server->url, KIOSK_ID, NULL);
  g_autoptr(KioskOutboxSender) sender = NULL;
  g_autoptr(KioskOutbox) outbox = NULL;
  g_autoptr(KioskJournal) journal = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) device_bytes = NULL;
  KioskPortal *saved;
  guint8 random_key[32];
  gboolean encrypted = FALSE;

  g_assert_cmpint (g_mkdir_with_parents (credentials, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  encrypted = write_signing_credential (fixture->dir, signing);
  g_test_message ("signing key %s systemd-creds", encrypted ? "decrypted by" : "written without");
  g_assert_cmpint (g_chmod (signing, 0400), ==, 0);
  for (guint i = 0; i < sizeof random_key; i++)
    random_key[i] = g_random_int_range (0, 256);
  g_assert_true (g_file_set_contents_full (device, (const char *) random_key, 32, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0400, NULL));
  random_key[0] ^= 0x5a;
  g_assert_true (g_file_set_contents_full (journal_key, (const char *) random_key, 32,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0400, NULL));
  g_setenv ("CREDENTIALS_DIRECTORY", credentials, TRUE);

  /* Signing: no path in the settings, yet the credential signs, and the portal (holding the
   * same secret) accepts. */
  g_assert_true (kiosk_portal_configure_signing (client, "", &error));
  g_assert_no_error (error);
  g_assert_true (kiosk_portal_is_signing (client));
  saved = fixture->client;
  fixture->client = client;
  {
    g_autoptr(JsonObject) help = call_json (fixture, "POST", "api/kiosks/" KIOSK_ID "/help-requests", "{}", NULL,
                                            &error);

    g_assert_no_error (error);
    g_assert_nonnull (help);
  }
  fixture->client = saved;

  /* Outbox and journal: opened with the credentials' keys, nothing written beside the data. */
  sender = kiosk_outbox_sender_new (data_dir, fixture->client);
  outbox = kiosk_outbox_sender_open (sender, &error);
  g_assert_no_error (error);
  g_assert_nonnull (outbox);
  journal = kiosk_journal_open (data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (kiosk_journal_append (journal, "marie", "unlock", "test", &error));
  g_assert_no_error (error);
  g_assert_true (kiosk_journal_verify (data_dir, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *device_file = g_build_filename (data_dir, "device.key", NULL);
    g_autofree char *journal_file = g_build_filename (data_dir, "journal.key", NULL);

    g_assert_false (g_file_test (device_file, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (journal_file, G_FILE_TEST_EXISTS));
  }

  /* Without the journal credential, that journal no longer verifies: its key was the one. */
  g_unlink (journal_key);
  g_assert_false (kiosk_journal_verify (data_dir, 0, NULL, NULL, &error));
  g_clear_error (&error);
  g_unsetenv ("CREDENTIALS_DIRECTORY");
  g_clear_object (&journal);
  g_clear_object (&outbox);
  g_clear_object (&sender);
  g_unlink (signing);
  g_unlink (device);
  g_rmdir (credentials);
  (void) device_bytes;
}

/* The header @name of a recorded request, or %NULL. */
static const char *
recorded_header (JsonObject *request,
                 const char *name)
{
  JsonArray *headers = json_object_get_array_member (request, "headers");

  for (guint i = 0; i < json_array_get_length (headers); i++)
    {
      JsonArray *pair = json_array_get_array_element (headers, i);

      if (g_ascii_strcasecmp (json_array_get_string_element (pair, 0), name) == 0)
        return json_array_get_string_element (pair, 1);
    }
  return NULL;
}

/* Checks a recorded request's digest and signature with @key, here rather than in the portal. */
static void
assert_signed_with (JsonObject *request,
                    GBytes     *key)
{
  g_autoptr(KioskSignatureInput) input = kiosk_signature_input_parse (recorded_header (request, "Signature-Input"));
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) mac = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = NULL;
  g_autofree char *digest = NULL;
  gsize length = 0;
  g_autofree guint8 *body = g_base64_decode (json_object_get_string_member (request, "body"), &length);

  g_assert_nonnull (input);
  signature = kiosk_signature_parse (recorded_header (request, "Signature"), input->label);
  g_assert_nonnull (signature);
  digest = kiosk_content_digest_for_data (body, length);
  g_assert_cmpstr (recorded_header (request, "Content-Digest"), ==, digest);
  for (guint i = 0; i < input->components->len; i++)
    {
      const char *name = g_ptr_array_index (input->components, i);

      if (strcmp (name, "@method") == 0)
        g_ptr_array_add (values, g_strdup (json_object_get_string_member (request, "method")));
      else if (strcmp (name, "@target-uri") == 0)
        g_ptr_array_add (values, kiosk_signature_target_uri (json_object_get_string_member (request, "uri")));
      else
        {
          g_assert_nonnull (recorded_header (request, name));
          g_ptr_array_add (values, g_strdup (recorded_header (request, name)));
        }
    }
  g_ptr_array_add (values, NULL);
  g_ptr_array_add (input->components, NULL);
  base = kiosk_signature_base ((const char * const *) input->components->pdata,
                               (const char * const *) values->pdata, input->params);
  mac = kiosk_signature_compute (key, base);
  g_assert_true (kiosk_signature_equal (mac, signature));
}

typedef struct
{
  KioskTestPortal *server;
  JsonObject      *request;
  const char      *data_dir;
} KioskStart;

static gboolean
catalogue_requested_cb (gpointer data)
{
  KioskStart *start = data;
  g_autoptr(JsonObject) root = kiosk_test_portal_get (start->server, "_control/requests");
  JsonArray *requests = json_object_get_array_member (json_object_get_object_member (root, "data"), "requests");
  g_autofree char *outbox = g_build_filename (start->data_dir, "outbox.db", NULL);

  for (guint i = 0; start->request == NULL && i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);

      if (g_str_has_suffix (json_object_get_string_member (request, "uri"), "/api/catalogue"))
        start->request = json_object_ref (request);
    }
  /* The outbox is opened (with its key) by the sender's first round. */
  return start->request != NULL && g_file_test (outbox, G_FILE_TEST_EXISTS);
}

/* The real kiosk, started as the unit starts it (with $CREDENTIALS_DIRECTORY and no key path
 * in its settings): its first request, the catalogue, is signed with the credential's key, and
 * it opens its outbox without writing a device key into its data folder. */
static void
test_real_kiosk_credentials (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *credentials = g_build_filename (fixture->dir, "credentials", NULL);
  g_autofree char *data_dir = g_build_filename (fixture->dir, "state", NULL);
  g_autofree char *signing = g_build_filename (credentials, KIOSK_CREDENTIAL_SIGNING_KEY, NULL);
  g_autofree char *device = g_build_filename (credentials, KIOSK_CREDENTIAL_DEVICE_KEY, NULL);
  g_autofree char *journal_key = g_build_filename (credentials, KIOSK_CREDENTIAL_JOURNAL_KEY, NULL);
  g_autofree char *device_file = g_build_filename (data_dir, "device.key", NULL);
  g_autofree char *journal_file = g_build_filename (data_dir, "journal.key", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) kiosk = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key_bytes = NULL;
  gsize key_length = 0;
  g_autoptr(GBytes) key = NULL;
  KioskStart start = { fixture->server, NULL, data_dir };
  guint8 random_key[32];

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("The kiosk needs a display: run under xvfb-run");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (credentials, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  write_signing_credential (fixture->dir, signing);
  for (guint i = 0; i < sizeof random_key; i++)
    random_key[i] = g_random_int_range (0, 256);
  g_assert_true (g_file_set_contents_full (device, (const char *) random_key, 32, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0400, NULL));
  g_assert_true (g_file_set_contents_full (journal_key, (const char *) random_key, 32,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0400, NULL));

  g_subprocess_launcher_setenv (launcher, "CREDENTIALS_DIRECTORY", credentials, TRUE);
  kiosk = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KIOSK_BINARY"), "--portal-url",
                                       fixture->server->url, "--data-dir", data_dir, "--kiosk-id", KIOSK_ID, NULL);
  g_assert_no_error (error);
  g_assert_true (kiosk_test_wait (catalogue_requested_cb, &start, 120000));
  g_subprocess_send_signal (kiosk, SIGTERM);
  g_subprocess_wait (kiosk, NULL, NULL);

  /* Signed with the key decrypted into the credentials folder. */
  g_assert_true (g_file_get_contents (signing, &key_bytes, &key_length, NULL));
  key = g_bytes_new (key_bytes, key_length);
  assert_signed_with (start.request, key);
  g_assert_cmpstr (recorded_header (start.request, "X-Kiosk-Id"), ==, KIOSK_ID);
  g_assert_false (g_file_test (device_file, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal_file, G_FILE_TEST_EXISTS));
  json_object_unref (start.request);
}

/* Runs check.mjs verify (in @dir) over @requests; returns whether every request verified, and
 * its output in @out. */
static gboolean
verify_independently (Fixture     *fixture,
                      const char  *dir,
                      JsonArray   *requests,
                      char       **out)
{
  g_autofree char *path = g_build_filename (fixture->dir, "requests.json", NULL);
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *data = json_object_new ();
  const char *argv[] = { "node", "check.mjs", "verify", fixture->key_path, path, NULL };
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  json_object_set_array_member (data, "requests", json_array_ref (requests));
  json_object_set_object_member (root, "data", data);
  json_node_set_object (node, root);
  text = kiosk_json_to_string (node);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_test_message ("http-message-signatures: %s%s", *out, err);
  g_unlink (path);
  return g_spawn_check_wait_status (wait_status, NULL);
}

/* @request (a recorded one) with its X-Kiosk-Agent-Token set to @token. */
static JsonObject *
with_agent_token (JsonObject *request,
                  const char *token)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) copy = NULL;
  g_autofree char *text = NULL;
  JsonArray *headers;

  /* A deep copy (json_node_copy shares the members). */
  json_node_set_object (node, request);
  text = kiosk_json_to_string (node);
  copy = kiosk_json_parse_object (text, -1, NULL);
  g_assert_nonnull (copy);
  headers = json_object_get_array_member (copy, "headers");
  for (guint i = 0; i < json_array_get_length (headers); i++)
    {
      JsonArray *pair = json_array_get_array_element (headers, i);

      if (g_ascii_strcasecmp (json_array_get_string_element (pair, 0), "X-Kiosk-Agent-Token") == 0)
        {
          json_array_remove_element (pair, 1);
          json_array_add_string_element (pair, token);
          return g_steal_pointer (&copy);
        }
    }
  g_assert_not_reached ();
}

/* The agent's session token (X-Kiosk-Agent-Token) is signed like every other header the kiosk
 * sends: once it was added after the signature's components were chosen and left out, so a
 * captured request could carry another session's token. The independent implementation checks
 * the signature covers it and that a token changed after signing breaks it; the portal refuses
 * a changed token, and a token added to a request signed without one. */
static void
test_agent_token_covered (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *dir = install_checker ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(JsonObject) unsigned_token = NULL;
  g_autofree char *answer = NULL;

  kiosk_portal_set_agent_token (fixture->client, "agent-session-of-marie");
  first = call_json (fixture, "POST", "api/kiosks/" KIOSK_ID "/help-requests", "{}", NULL, &error);
  g_assert_no_error (error);
  kiosk_portal_set_agent_token (fixture->client, NULL);
  request = recorded_request (fixture, "POST", "/help-requests");
  g_assert_cmpstr (recorded_header (request, "X-Kiosk-Agent-Token"), ==, "agent-session-of-marie");
  g_assert_nonnull (strstr (recorded_header (request, "Signature-Input"), "\"x-kiosk-agent-token\""));
  assert_signed_with (request, fixture->key);
  changed = with_agent_token (request, "agent-session-of-someone-else");

  if (dir != NULL)
    {
      g_autoptr(JsonArray) signed_as_sent = json_array_new ();
      g_autoptr(JsonArray) token_changed = json_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *out_changed = NULL;

      json_array_add_object_element (signed_as_sent, json_object_ref (request));
      g_assert_true (verify_independently (fixture, dir, signed_as_sent, &out));
      g_assert_nonnull (strstr (out, "\"x-kiosk-agent-token\""));
      g_assert_null (strstr (out, "not ok"));
      json_array_add_object_element (token_changed, json_object_ref (changed));
      g_assert_false (verify_independently (fixture, dir, token_changed, &out_changed));
      g_assert_nonnull (strstr (out_changed, "not ok"));
    }
  else
    g_test_message ("npm and Node.js missing: the independent check is skipped, the portal's is not");

  /* The portal: the token changed on the way is refused by the signature (not as a replay: the
   * signature is checked before the nonce). */
  g_assert_cmpint (replay (changed, NULL, NULL, -1, &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "does not verify"));

  /* A token added to a request signed without one: the signature must cover it. */
  second = call_json (fixture, "POST", "api/kiosks/" KIOSK_ID "/help-requests", "{}", NULL, &error);
  g_assert_no_error (error);
  unsigned_token = recorded_request (fixture, "POST", "/help-requests");
  g_assert_null (recorded_header (unsigned_token, "X-Kiosk-Agent-Token"));
  g_clear_pointer (&answer, g_free);
  g_assert_cmpint (replay (unsigned_token, "X-Kiosk-Agent-Token", "agent-session-of-marie", -1, &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "must cover"));
  g_assert_cmpint (count_help_requests (fixture), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_test_add_func ("/security/signatures/rfc-vectors", test_rfc_vectors);
  g_test_add ("/security/signatures/help-replayed", Fixture, NULL, fixture_set_up, test_help_replayed,
              fixture_tear_down);
  g_test_add ("/security/signatures/other-kiosk-id", Fixture, NULL, fixture_set_up, test_other_kiosk_id,
              fixture_tear_down);
  g_test_add ("/security/signatures/booking-new-idempotency-key", Fixture, NULL, fixture_set_up,
              test_booking_new_key, fixture_tear_down);
  g_test_add ("/security/signatures/body-changed", Fixture, NULL, fixture_set_up, test_body_changed,
              fixture_tear_down);
  g_test_add ("/security/signatures/independent-implementation", Fixture, NULL, fixture_set_up,
              test_independent, fixture_tear_down);
  g_test_add ("/security/signatures/agent-token-covered", Fixture, NULL, fixture_set_up,
              test_agent_token_covered, fixture_tear_down);
  g_test_add ("/security/credentials/keys-from-credentials", Fixture, NULL, fixture_set_up,
              test_keys_from_credentials, fixture_tear_down);
  g_test_add ("/security/credentials/real-kiosk", Fixture, NULL, fixture_set_up,
              test_real_kiosk_credentials, fixture_tear_down);
  return g_test_run ();
}
