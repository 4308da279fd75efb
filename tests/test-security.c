/* test-security.c: attacks from the security review, each run against the real code: hostile
 * JSON that once walked past the nesting guard (the kiosk's parser, and the reference portal
 * over loopback); a system CA trusted beside the configured one; a proxy taken from the
 * environment; a removed outbox entry read back from the database files; guessable
 * Idempotency-Keys; a core dump of the kiosk; keys and scans in swappable memory; a FIFO on a
 * USB stick; a signing key that cannot be loaded; wrong draft codes typed to remove every parked
 * draft; a draft file copied off the terminal; agent PINs tried with agents.ini unwritable, to
 * learn which identifiers exist, or to lock every agent out; a sign-in code approved first by
 * someone else's phone. */
#include "kiosk-agent-page.h"
#include "kiosk-agents.h"
#include "kiosk-appointments.h"
#include "kiosk-capture.h"
#include "kiosk-catalogue.h"
#include "kiosk-document.h"
#include "kiosk-dossier.h"
#include "kiosk-drafts.h"
#include "kiosk-errors.h"
#include "kiosk-import.h"
#include "kiosk-json.h"
#include "kiosk-outbox.h"
#include "kiosk-portal.h"
#include "kiosk-sign-in-page.h"
#include "kiosk-test-util.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOSTILE_LEVELS 150000

/* prefix, then HOSTILE_LEVELS arrays opened and closed, then "}". */
static char *
nest_after (const char *prefix)
{
  GString *text = g_string_new (prefix);

  for (guint i = 0; i < HOSTILE_LEVELS; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < HOSTILE_LEVELS; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

/* What json-glib reads beyond JSON (a '…' string, comments) once hid the brackets after it from
 * the guard; each is now refused before the parser sees it. */
static void
test_hidden_nesting (void)
{
  const char *prefixes[] = {
    "{\"x\":'\"', \"y\":",
    "{\"x\":1 /* \" */, \"y\":",
    "{\"x\":1, // \"\n \"y\":",
    "{\"x\":\"\x01\", \"y\":",
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *text = nest_after (prefixes[i]);
      g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
      g_autoptr(GError) error = NULL;
      g_autoptr(KioskCatalogue) catalogue = NULL;

      g_assert_null (kiosk_json_parse (text, -1, 0, &error));
      g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX);
      g_clear_error (&error);
      /* The catalogue the kiosk fetches at every start goes through the same guard. */
      catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
      g_assert_null (catalogue);
      g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX);
    }
}

static void
test_plain_nesting (void)
{
  g_autofree char *text = nest_after ("{\"y\":");
  g_autoptr(GError) error = NULL;
  GString *limit = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;

  g_assert_null (kiosk_json_parse (text, -1, 0, &error));
  g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* Exactly the limit still parses. */
  for (guint i = 0; i < KIOSK_JSON_MAX_DEPTH; i++)
    g_string_append_c (limit, '[');
  for (guint i = 0; i < KIOSK_JSON_MAX_DEPTH; i++)
    g_string_append_c (limit, ']');
  node = kiosk_json_parse (limit->str, limit->len, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_string_free (limit, TRUE);
}

/* Strict JSON with everything a string may hold still parses, the same as before. */
static void
test_strict_json_parses (void)
{
  const char *text = "{ \"a\" : \"it's \\\"quoted\\\" \\\\ /* not a comment */ [ { 'x'\","
                     "\r\n\t\"b\": [1, -2.5e3, 0.5E+2, true, false, null, {}, []],"
                     " \"c\": \"\\u00e9t\\u00e9 \xc3\xa9\" }";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = kiosk_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_json_get_string (object, "a"), ==, "it's \"quoted\" \\ /* not a comment */ [ { 'x'");
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (object, "b")), ==, 8);
  g_assert_cmpstr (kiosk_json_get_string (object, "c"), ==, "\xc3\xa9t\xc3\xa9 \xc3\xa9");
}

/* The reference portal reads JSON with the same parser: a hostile body is refused and the portal
 * keeps answering (it used to die with SIGSEGV). */
static void
test_portal_survives (void)
{
  KioskTestPortal *portal = kiosk_test_portal_start ();
  g_autofree char *url = g_strconcat (portal->url, "_control/clock", NULL);
  g_autofree char *text = nest_after ("{\"now\":'\"', \"y\":");
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) alive = NULL;
  long status = 0;

  answer = kiosk_test_http ("POST", url, text, &status);
  g_assert_cmpint (status, ==, 400);
  alive = kiosk_test_portal_get (portal, "api/catalogue");
  g_assert_nonnull (alive);
  kiosk_test_portal_stop (portal);
}

/* Sends a small dossier; the portal's verdict on its content does not matter here, only whether
 * the request reached it. Returns the error, or NULL. */
static GError *
send_dossier (KioskPortal *client)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autoptr(KioskReceipt) receipt = NULL;
  GError *error = NULL;

  receipt = kiosk_portal_submit_payload (client, "aide-medicale", "security-test-key",
                                         "{\"data\":{},\"files\":{},\"meta\":{\"kiosk_id\":\"epn-test\"}}",
                                         parts, NULL, NULL, &error);
  return error;
}

static gboolean
reached_portal (const GError *error)
{
  return error == NULL || error->code == KIOSK_PORTAL_ERROR_INVALID_FIELDS
         || error->code == KIOSK_PORTAL_ERROR_REFUSED;
}

/* Runs in a child of its own (a fresh process, one thread): a mount namespace where the system's
 * CA directory holds one CA, ca2, which signed the portal's certificate. */
static void
ca_file_replaces_store_child (void)
{
  if (!g_test_subprocess ())
    {
      g_test_skip ("runs as a child of /security/ca-file-replaces-store");
      return;
    }
  const char *dir = g_getenv ("KIOSK_TEST_CA_DIR");
  g_autofree char *store = g_build_filename (dir, "store", NULL);
  g_autofree char *ca1 = g_build_filename (dir, "ca1.pem", NULL);
  g_autofree char *ca2 = g_build_filename (dir, "ca2.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "portal.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "portal.key", NULL);
  const char *extra[] = { "--tls-cert", cert, "--tls-key", key, NULL };
  KioskTestPortal *server;
  GError *error;

  g_assert_cmpint (unshare (CLONE_NEWNS), ==, 0);
  g_assert_cmpint (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), ==, 0);
  g_assert_cmpint (mount (store, "/etc/ssl/certs", NULL, MS_BIND, NULL), ==, 0);

  server = kiosk_test_portal_start_with (extra);
  {
    g_autoptr(KioskPortal) client = kiosk_portal_new (server->url, "epn-test", NULL);

    /* The system's store (here: ca2 alone) is what an unconfigured kiosk trusts. */
    error = send_dossier (client);
    g_assert_true (reached_portal (error));
    g_clear_error (&error);
    /* The configured CA file is all that is trusted: ca2 in the system store no longer counts. */
    kiosk_portal_set_tls (client, ca1, NULL);
    error = send_dossier (client);
    g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TLS);
    g_clear_error (&error);
    kiosk_portal_set_tls (client, ca2, NULL);
    error = send_dossier (client);
    g_assert_true (reached_portal (error));
    g_clear_error (&error);
  }
  kiosk_test_portal_stop (server);
}

static void
test_ca_file_replaces_store (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "/bin/sh", "-c",
    "set -e\n"
    "for ca in ca1 ca2; do openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key -out $ca.pem -days 2 -subj \"/CN=Kiosk $ca\"; done\n"
    "openssl req -newkey rsa:2048 -nodes -keyout portal.key -out portal.csr -subj /CN=localhost\n"
    "printf 'subjectAltName=DNS:localhost\\n' > portal.ext\n"
    "openssl x509 -req -in portal.csr -CA ca2.pem -CAkey ca2.key -CAcreateserial -out portal.pem -days 2 -extfile portal.ext\n"
    "mkdir store && cp ca2.pem store/ && cp ca2.pem store/ca-certificates.crt && ln -s ca2.pem store/$(openssl x509 -hash -noout -in ca2.pem).0\n",
    NULL };

  if (getuid () != 0)
    {
      g_test_skip ("needs root, for a mount namespace with a system CA store of the test's own");
      return;
    }
  dir = g_dir_make_tmp ("kiosk-ca-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_setenv ("KIOSK_TEST_CA_DIR", dir, TRUE);
  g_test_trap_subprocess ("/security/ca-file-replaces-store/child", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A port where nothing listens. */
static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* http_proxy in the kiosk's environment once sent its requests (and the citizen's dossier) to
 * whoever listened there; only the proxy the settings name is used now. */
static void
test_proxy_only_from_settings (void)
{
  KioskTestPortal *server = kiosk_test_portal_start ();
  g_autoptr(KioskPortal) client = kiosk_portal_new (server->url, "epn-test", NULL);
  g_autofree char *proxy = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  const char *variables[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy" };
  GError *error;

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    g_setenv (variables[i], proxy, TRUE);
  g_unsetenv ("no_proxy");
  g_unsetenv ("NO_PROXY");
  error = send_dossier (client);
  g_assert_true (reached_portal (error));
  g_clear_error (&error);

  /* The proxy the settings name is used (there, nobody answers). */
  kiosk_portal_set_proxy (client, proxy);
  error = send_dossier (client);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_UNREACHABLE);
  g_clear_error (&error);
  kiosk_portal_set_proxy (client, NULL);
  error = send_dossier (client);
  g_assert_true (reached_portal (error));
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    g_unsetenv (variables[i]);
  kiosk_test_portal_stop (server);
}

static gboolean
file_holds (const char   *path,
            gconstpointer needle,
            gsize         size)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, size) != NULL;
}

/* Queues a dossier whose slug, Idempotency-Key and document name are @canary-…, and returns its
 * id. */
static gint64
queue_canary (KioskOutbox *outbox,
              const char  *canary)
{
  g_autofree char *slug = g_strconcat (canary, "-SLUG", NULL);
  g_autofree char *key = g_strconcat (canary, "-IDEM", NULL);
  g_autofree char *name = g_strconcat (canary, "-DOC", NULL);
  g_autofree char *scan = g_strnfill (300000, 'x');
  g_autoptr(GBytes) bytes = g_bytes_new (scan, strlen (scan));
  g_autoptr(KioskDocument) document = kiosk_document_new (name, "image/jpeg", bytes, NULL);
  g_autoptr(GPtrArray) documents = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_ptr_array_add (documents, document);
  id = kiosk_outbox_add (outbox, slug, key, "{\"data\":{},\"files\":{}}", documents, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static GBytes *
read_wrapped_key (const char *db,
                  gint64      id)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *key = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT entry_key FROM outbox WHERE id = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_blob (stmt, 0) != NULL)
    key = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return key;
}

/* An entry removed while another one's document was being sent: nothing of it (slug,
 * Idempotency-Key, document name, wrapped key) is left in outbox.db or its write-ahead log once
 * that upload ends. The upload's reader once kept the checkpoint from finishing, unnoticed, and
 * the rows were deleted without overwriting them. */
static void
test_outbox_removal_leaves_nothing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "outbox.db-wal", NULL);
  g_autofree char *key_path = g_build_filename (dir, "device.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskOutbox) outbox = kiosk_outbox_open (db, key_path, &error);
  const char *canaries[] = { "GONE-7781-SLUG", "GONE-7781-IDEM", "GONE-7781-DOC" };
  g_autoptr(GBytes) gone_key = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  g_autofree char *json = NULL;
  KioskUploadPart *part;
  gpointer reader;
  guint8 buffer[4096];
  gint64 gone, kept;

  g_assert_no_error (error);
  gone = queue_canary (outbox, "GONE-7781");
  kept = queue_canary (outbox, "KEPT-5512");
  gone_key = read_wrapped_key (db, gone);
  g_assert_nonnull (gone_key);

  /* The kept entry's document is being sent: its reader holds a snapshot. */
  g_assert_true (kiosk_outbox_get_parts (outbox, kept, &json, &parts, &error));
  g_assert_no_error (error);
  part = g_ptr_array_index (parts, 0);
  reader = part->open (part->data, &error);
  g_assert_no_error (error);
  g_assert_cmpint (part->read (reader, buffer, sizeof buffer), >, 0);

  g_assert_true (kiosk_outbox_remove (outbox, gone, &error));
  g_assert_no_error (error);
  g_assert_cmpint (part->read (reader, buffer, sizeof buffer), >, 0);
  part->close (reader);
  g_clear_pointer (&parts, g_ptr_array_unref);

  for (guint i = 0; i < G_N_ELEMENTS (canaries); i++)
    {
      g_assert_false (file_holds (db, canaries[i], strlen (canaries[i])));
      g_assert_false (file_holds (wal, canaries[i], strlen (canaries[i])));
    }
  g_assert_false (file_holds (db, g_bytes_get_data (gone_key, NULL), g_bytes_get_size (gone_key)));
  g_assert_false (file_holds (wal, g_bytes_get_data (gone_key, NULL), g_bytes_get_size (gone_key)));
  /* The other entry is intact. */
  g_assert_true (file_holds (db, "KEPT-5512-IDEM", 14) || file_holds (wal, "KEPT-5512-IDEM", 14));
  g_assert_true (kiosk_outbox_get_parts (outbox, kept, &json, &parts, &error));
  g_assert_no_error (error);
}

/* Idempotency-Keys come from the system's CSPRNG: they once came from GLib's Mersenne Twister,
 * which repeats itself once seeded the same (and whose outputs follow from earlier ones). */
static void
test_idempotency_keys_unpredictable (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
  g_autoptr(KioskBooking) first = NULL;
  g_autoptr(KioskBooking) second = NULL;

  g_random_set_seed (16);
  first = kiosk_booking_new ("site", "motif", when, "Léa", "271234", NULL);
  g_random_set_seed (16);
  second = kiosk_booking_new ("site", "motif", when, "Léa", "271234", NULL);
  g_assert_true (g_uuid_string_is_valid (first->idempotency_key));
  g_assert_true (g_uuid_string_is_valid (second->idempotency_key));
  g_assert_cmpstr (first->idempotency_key, !=, second->idempotency_key);

  {
    g_autoptr(KioskProcedure) procedure = kiosk_procedure_new_summary ("aide-medicale", "Aide", NULL, NULL, NULL,
                                                                        NULL, NULL, NULL, NULL, NULL);
    g_autoptr(KioskDossier) dossier_first = NULL;
    g_autoptr(KioskDossier) dossier_second = NULL;

    g_random_set_seed (16);
    dossier_first = kiosk_dossier_new (procedure);
    g_random_set_seed (16);
    dossier_second = kiosk_dossier_new (procedure);
    g_assert_true (g_uuid_string_is_valid (kiosk_dossier_get_idempotency_key (dossier_first)));
    g_assert_cmpstr (kiosk_dossier_get_idempotency_key (dossier_first), !=,
                     kiosk_dossier_get_idempotency_key (dossier_second));
  }
}

/* Runs in the child before exec: core dumps allowed, and SIGQUIT back to its default action and
 * unblocked (a test run started as a background job inherits it ignored, and the kiosk would
 * then never end). */
static void
allow_core_dumps (gpointer data)
{
  struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
  sigset_t quit;

  setrlimit (RLIMIT_CORE, &unlimited);
  signal (SIGQUIT, SIG_DFL);
  sigemptyset (&quit);
  sigaddset (&quit, SIGQUIT);
  sigprocmask (SIG_UNBLOCK, &quit, NULL);
}

typedef struct
{
  const char *limits_path;
} CoreLimitWait;

static gboolean
core_limit_is_zero_cb (gpointer data)
{
  CoreLimitWait *wait = data;
  g_autofree char *limits = NULL;

  return g_file_get_contents (wait->limits_path, &limits, NULL, NULL)
         && g_regex_match_simple ("^Max core file size +0 +0 ", limits, G_REGEX_MULTILINE, 0);
}

/* The real kiosk, killed by a signal that dumps core, leaves no core file (a crash once wrote
 * the process's memory, with scans and keys, into its working folder): it sets its core size
 * to 0 and makes itself non-dumpable at start, even when started with core dumps allowed. The
 * kiosk here waits for an agent's PIN on standard input, which never comes: it cannot end by
 * itself before the signal, however slow the machine. */
static void
test_no_core_dumps (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-core-XXXXXX", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) kiosk = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limits_path = NULL;
  g_autoptr(GDir) left = NULL;
  CoreLimitWait wait;
  int status;

  g_subprocess_launcher_set_cwd (launcher, dir);
  g_subprocess_launcher_set_child_setup (launcher, allow_core_dumps, NULL, NULL);
  kiosk = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KIOSK_BINARY"), "--add-agent", "core",
                                       "--agent-name", "Core", "--data-dir", dir, NULL);
  g_assert_no_error (error);

  /* Started with core dumps allowed, it has turned them off. */
  limits_path = g_strdup_printf ("/proc/%s/limits", g_subprocess_get_identifier (kiosk));
  wait.limits_path = limits_path;
  if (!kiosk_test_wait (core_limit_is_zero_cb, &wait, 30000))
    g_error ("The kiosk's core file size is not 0 after 30 s (%s)", limits_path);

  g_subprocess_send_signal (kiosk, SIGQUIT);
  g_assert_true (g_subprocess_wait (kiosk, NULL, &error));
  status = g_subprocess_get_status (kiosk);
  if (!WIFSIGNALED (status))
    g_error ("The kiosk was not killed by SIGQUIT: it exited with status %d", WEXITSTATUS (status));
  g_assert_false (WCOREDUMP (status));
  left = g_dir_open (dir, 0, NULL);
  for (const char *name; (name = g_dir_read_name (left)) != NULL;)
    g_assert_false (g_str_has_prefix (name, "core"));
}

/* Locked bytes of this process, from /proc/self/status (VmLck, in kB). */
static guint64
locked_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmLck:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmLck:"), NULL, 10);
}

/* The device key and a citizen's scan are kept in memory that is never swapped out (once they
 * could be written to the swap partition, and read back from the disk later). */
static void
test_secrets_not_swapped (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-lock-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *key_path = g_build_filename (dir, "device.key", NULL);
  g_autoptr(GError) error = NULL;
  KioskOutbox *outbox;
  KioskDocument *document;
  GBytes *scan;
  guint64 before = locked_kib (), with_key, with_scan;

#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer replaces mlock() with a function that does nothing. */
  g_test_skip ("AddressSanitizer makes mlock() do nothing");
  return;
#endif

  outbox = kiosk_outbox_open (db, key_path, &error);
  g_assert_no_error (error);
  with_key = locked_kib ();
  g_assert_cmpuint (with_key, >, before);

  scan = g_bytes_new_take (g_malloc0 (2 * 1024 * 1024), 2 * 1024 * 1024);
  document = kiosk_document_new ("id_card", "image/jpeg", scan, NULL);
  with_scan = locked_kib ();
  g_assert_cmpuint (with_scan, >=, with_key + 2048);

  /* Given back once the scan is gone: within the limit, the next scans are locked too. */
  g_object_unref (document);
  g_bytes_unref (scan);
  g_assert_cmpuint (locked_kib (), <=, with_key);
  g_object_unref (outbox);
  g_assert_cmpuint (locked_kib (), ==, before);
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;
  KioskImported *imported = kiosk_import_file_finish (result, error);

  g_assert_null (imported);
  g_assert_nonnull (*error);
}

static gboolean
error_set_cb (gpointer data)
{
  return *(GError **) data != NULL;
}

/* A FIFO on the stick named like a document: choosing it once left the import waiting forever
 * for a writer; it is refused at once, like anything that is not a regular file. */
static void
test_usb_fifo_refused (void)
{
  g_autofree char *root = g_dir_make_tmp ("kiosk-stick-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (root, "releve.pdf", NULL);
  g_autofree char *regular = g_build_filename (root, "facture.pdf", NULL);
  g_autoptr(GPtrArray) listed = NULL;
  GError *error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  kiosk_import_file_async (root, "releve.pdf", NULL, imported_cb, &error);
  g_assert_true (kiosk_test_wait (error_set_cb, &error, 5000));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO);
  g_clear_error (&error);

  /* Nor a FIFO swapped in after the listing saw a regular file. */
  g_assert_true (g_file_set_contents (regular, "%PDF-1.4\n", -1, NULL));
  listed = kiosk_usb_list_files (root, NULL);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpint (g_unlink (regular), ==, 0);
  g_assert_cmpint (mkfifo (regular, 0644), ==, 0);
  kiosk_import_file_async (root, "facture.pdf", NULL, imported_cb, &error);
  g_assert_true (kiosk_test_wait (error_set_cb, &error, 5000));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO);
  g_clear_error (&error);
}

static gboolean
agent_set_cb (gpointer data)
{
  return kiosk_context_get_agent (data) != NULL;
}

static gboolean
health_mentions_signing_cb (gpointer data)
{
  return strstr (kiosk_test_label (data, "agent-health"), "Request signing") != NULL;
}

/* A kiosk key set up but unreadable (here: readable by others, so refused) once turned signing
 * off with a line in the log only; the agents' dashboard now says that requests go unsigned. */
static void
test_signing_never_silently_off (void)
{
  KioskTestPortal *server = kiosk_test_portal_start ();
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-signing-XXXXXX", NULL);
  g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);
  g_autofree char *key_path = g_build_filename (data_dir, "kiosk.key", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(GError) error = NULL;
  KioskPortal *client;
  KioskWindow *window;

  if (!gtk_is_initialized ())
    gtk_init ();
  g_assert_true (g_file_set_contents (key_path, "a-secret-of-thirty-two-bytes-ok!", -1, NULL));
  g_assert_cmpint (g_chmod (key_path, 0644), ==, 0);
  g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", &error));
  context = kiosk_test_context_new (server->url, data_dir);
  client = kiosk_context_get_portal (context);

  g_assert_false (kiosk_portal_configure_signing (client, key_path, &error));
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_false (kiosk_portal_is_signing (client));
  g_assert_nonnull (kiosk_portal_get_signing_error (client));

  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  g_assert_true (kiosk_test_wait (health_mentions_signing_cb, window, 20000));
  g_assert_nonnull (strstr (kiosk_test_label (window, "agent-health"),
                            "Request signing: OFF. The kiosk key set up for this terminal cannot be read"));

  /* Once the key is right, the dashboard says signing is on. */
  g_assert_cmpint (g_chmod (key_path, 0600), ==, 0);
  g_assert_true (kiosk_portal_configure_signing (client, key_path, &error));
  g_assert_no_error (error);
  g_assert_null (kiosk_portal_get_signing_error (client));
  kiosk_agent_page_refresh (KIOSK_AGENT_PAGE (kiosk_window_find_widget (window, "agent")));
  g_assert_true (kiosk_test_wait (health_mentions_signing_cb, window, 20000));
  g_assert_nonnull (strstr (kiosk_test_label (window, "agent-health"), "Request signing: on."));
  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_portal_stop (server);
}

typedef struct
{
  gboolean    done;
  char       *code;
  guint       number;
  KioskDraft *draft;
  GError     *error;
} DraftWait;

static void
park_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  DraftWait *wait = data;

  wait->code = kiosk_drafts_park_finish (KIOSK_DRAFTS (object), result, &wait->number, &wait->error);
  wait->done = TRUE;
}

static void
resume_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      data)
{
  DraftWait *wait = data;

  wait->draft = kiosk_drafts_resume_finish (KIOSK_DRAFTS (object), result, NULL, &wait->error);
  wait->done = TRUE;
}

static gboolean
draft_done_cb (gpointer data)
{
  return ((DraftWait *) data)->done;
}

/* Parks a small dossier; returns its code. */
static char *
park_draft (KioskDrafts *drafts,
            guint       *number)
{
  g_autoptr(KioskProcedure) procedure = kiosk_procedure_new_summary ("aide-medicale", "Aide", NULL, NULL, NULL,
                                                                      NULL, NULL, NULL, NULL, NULL);
  g_autoptr(KioskDossier) dossier = kiosk_dossier_new (procedure);
  DraftWait wait = { 0 };

  kiosk_drafts_park_async (drafts, dossier, NULL, park_cb, &wait);
  g_assert_true (kiosk_test_wait (draft_done_cb, &wait, 60000));
  g_assert_no_error (wait.error);
  *number = wait.number;
  return wait.code;
}

/* Returns the draft, or %NULL with @error set. */
static KioskDraft *
resume_draft (KioskDrafts  *drafts,
              guint         number,
              const char   *code,
              GError      **error)
{
  DraftWait wait = { 0 };

  kiosk_drafts_resume_async (drafts, number, code, NULL, resume_cb, &wait);
  g_assert_true (kiosk_test_wait (draft_done_cb, &wait, 60000));
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.draft;
}

/* @code with its last character changed. */
static char *
wrong_code (const char *code,
            guint       i)
{
  char *wrong = g_strdup (code);

  wrong[7] = wrong[7] == 'A' ? 'B' : 'A';
  wrong[6] = "0123456789"[i % 10];
  return wrong;
}

/* A passer-by typed five wrong codes for each draft number and removed every parked draft. The
 * terminal now takes ten wrong codes an hour: past that, no code is tried (right or wrong), the
 * drafts left are not touched, and a restart does not reset the count; an hour later, the right
 * code opens the draft. */
static void
test_drafts_terminal_limit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-drafts-XXXXXX", NULL);
  g_autofree char *drafts_dir = g_build_filename (dir, "drafts", NULL);
  g_autofree char *tries_path = g_build_filename (drafts_dir, "terminal.tries", NULL);
  g_autoptr(KioskDrafts) drafts = kiosk_drafts_new (drafts_dir);
  g_autofree char *codes[3] = { NULL };
  guint numbers[3];
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDraft) draft = NULL;
  guint typed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    codes[i] = park_draft (drafts, &numbers[i]);
  g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 3);

  /* Wrong codes for each draft in turn, as many as the terminal takes and a few more. */
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    for (guint j = 0; j < KIOSK_DRAFT_MAX_WRONG_CODES; j++, typed++)
      {
        g_autofree char *wrong = wrong_code (codes[i], j);

        g_assert_null (resume_draft (drafts, numbers[i], wrong, &error));
        if (typed < KIOSK_DRAFT_TERMINAL_WRONG_CODES)
          g_assert_true (g_error_matches (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_WRONG_CODE)
                         || g_error_matches (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_DELETED));
        else
          g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TOO_MANY);
        g_clear_error (&error);
      }
  /* The third draft was not touched; not even its right code is tried now, after a restart too. */
  g_assert_cmpuint (kiosk_drafts_count (drafts), ==, 1);
  g_clear_object (&drafts);
  drafts = kiosk_drafts_new (drafts_dir);
  g_assert_null (resume_draft (drafts, numbers[2], codes[2], &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_TOO_MANY);
  g_clear_error (&error);

  /* An hour later (the times of the wrong codes moved back), the right code opens it. */
  {
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GString) older = g_string_new (NULL);

    g_assert_true (g_file_get_contents (tries_path, &text, NULL, NULL));
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
      g_string_append_printf (older, "%" G_GINT64_FORMAT "\n",
                              g_ascii_strtoll (lines[i], NULL, 10) - KIOSK_DRAFT_TERMINAL_WINDOW);
    g_assert_true (g_file_set_contents (tries_path, older->str, -1, NULL));
  }
  draft = resume_draft (drafts, numbers[2], codes[2], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft->slug, ==, "aide-medicale");
}

/* A draft file copied to another terminal (or anywhere the code can be tried offline) does not
 * open there even with the right code: its key also takes the terminal's own secret, kept beside
 * the drafts folder, not in it. */
static void
test_drafts_copied_file_useless (void)
{
  g_autofree char *here = g_dir_make_tmp ("kiosk-drafts-XXXXXX", NULL);
  g_autofree char *there = g_dir_make_tmp ("kiosk-drafts-XXXXXX", NULL);
  g_autofree char *here_dir = g_build_filename (here, "drafts", NULL);
  g_autofree char *there_dir = g_build_filename (there, "drafts", NULL);
  g_autofree char *secret = g_build_filename (here, "drafts.key", NULL);
  g_autoptr(KioskDrafts) drafts = kiosk_drafts_new (here_dir);
  g_autoptr(KioskDrafts) elsewhere = kiosk_drafts_new (there_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDraft) draft = NULL;
  g_autofree char *code = NULL;
  g_autofree char *name = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint number = 0, other = 0;
  GStatBuf st;

  code = park_draft (drafts, &number);

  /* The other terminal has drafts of its own (and its own secret); the file is copied there. */
  g_free (park_draft (elsewhere, &other));
  name = g_strdup_printf ("%u.draft", number);
  from = g_build_filename (here_dir, name, NULL);
  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_free (name);
  name = g_strdup_printf ("%u.draft", other + 1);
  to = g_build_filename (there_dir, name, NULL);
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
  g_assert_null (resume_draft (elsewhere, other + 1, code, &error));
  g_assert_error (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_WRONG_CODE);
  g_clear_error (&error);

  /* The secret is the terminal's own, readable by the kiosk alone. */
  g_assert_cmpint (g_stat (secret, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 32);

  /* Where it was parked, it opens. */
  draft = resume_draft (drafts, number, code, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft->slug, ==, "aide-medicale");
}

/* Moves the time of the terminal's last wrong PIN @seconds back, as if that long had passed. */
static void
age_last_failure (const char *path,
                  gint64      seconds)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  gint64 last;

  g_assert_true (g_key_file_load_from_file (file, path, G_KEY_FILE_KEEP_COMMENTS, NULL));
  last = g_key_file_get_int64 (file, "terminal", "last-failure", NULL);
  g_assert_cmpint (last, >, 0);
  g_key_file_set_int64 (file, "terminal", "last-failure", last - seconds);
  g_assert_true (g_key_file_save_to_file (file, path, NULL));
}

static void
assert_pin_refused (const char *path,
                    const char *id,
                    const char *pin,
                    int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAgent) agent = kiosk_agents_verify (path, id, pin, &error);

  g_assert_null (agent);
  g_assert_error (error, KIOSK_AGENT_ERROR, code);
}

static void
agents_unwritable_child (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  struct rlimit small, before;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAgent) agent = NULL;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs as a child of /security/agents-lock-fails-closed");
      return;
    }
  dir = g_dir_make_tmp ("kiosk-agents-XXXXXX", NULL);
  path = g_build_filename (dir, "agents.ini", NULL);
  g_assert_true (kiosk_agents_add (path, "luc", "Luc", "918273", &error));
  g_assert_no_error (error);

  /* The disk takes no more bytes (as when it is full): no try can be recorded, so no PIN is
   * checked, not even the right one after seven wrong ones. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &before), ==, 0);
  small = before;
  small.rlim_cur = 64;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  for (int i = 0; i < KIOSK_AGENT_MAX_FAILURES + 2; i++)
    assert_pin_refused (path, "luc", "000000", KIOSK_AGENT_ERROR_STORAGE);
  assert_pin_refused (path, "luc", "918273", KIOSK_AGENT_ERROR_STORAGE);

  /* Writable again: nothing was counted, and the right PIN opens. */
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &before), ==, 0);
  agent = kiosk_agents_verify (path, "luc", "918273", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (agent->id, ==, "luc");
}

/* With agents.ini unwritable, seven wrong PINs once left the account unlocked, and the right PIN
 * then opened agent mode: the lock now fails closed. */
static void
test_agents_lock_fails_closed (void)
{
  g_test_trap_subprocess ("/security/agents-lock-fails-closed/child", 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* After five wrong PINs, an unknown identifier once kept answering "unknown identifier or
 * wrong PIN" while a real one answered "locked": that told which identifiers exist. Now the
 * terminal waits, the same for every identifier. */
static void
test_agents_unknown_like_locked (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-agents-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "agents.ini", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (kiosk_agents_add (path, "luc", "Luc", "918273", &error));
  g_assert_no_error (error);
  for (int i = 0; i < KIOSK_AGENT_MAX_FAILURES; i++)
    assert_pin_refused (path, "nobody", "000000", KIOSK_AGENT_ERROR_UNKNOWN);
  assert_pin_refused (path, "nobody", "000000", KIOSK_AGENT_ERROR_LOCKED);
  assert_pin_refused (path, "luc", "000000", KIOSK_AGENT_ERROR_LOCKED);

  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "other.ini", NULL);
  g_assert_true (kiosk_agents_add (path, "luc", "Luc", "918273", &error));
  for (int i = 0; i < KIOSK_AGENT_MAX_FAILURES; i++)
    assert_pin_refused (path, "luc", "000000", KIOSK_AGENT_ERROR_UNKNOWN);
  assert_pin_refused (path, "luc", "000000", KIOSK_AGENT_ERROR_LOCKED);
  assert_pin_refused (path, "nobody", "000000", KIOSK_AGENT_ERROR_LOCKED);
}

/* A passer-by typing wrong PINs for every agent once locked them all out for 15 minutes, again
 * and again. Now the terminal waits a delay that grows with each wrong PIN (30 s, then 60 s…),
 * and after it the agent's right PIN opens agent mode. */
static void
test_agents_not_locked_out (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-agents-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "agents.ini", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAgent) agent = NULL;

  g_assert_true (kiosk_agents_add (path, "marie", "Marie Kaloi", "482913", &error));
  g_assert_true (kiosk_agents_add (path, "luc", "Luc", "918273", &error));
  g_assert_no_error (error);
  for (int i = 0; i < KIOSK_AGENT_MAX_FAILURES; i++)
    assert_pin_refused (path, i % 2 ? "marie" : "luc", "000000", KIOSK_AGENT_ERROR_UNKNOWN);
  assert_pin_refused (path, "marie", "482913", KIOSK_AGENT_ERROR_LOCKED);

  /* 30 seconds later: one more wrong PIN; the next wait is longer. */
  age_last_failure (path, KIOSK_AGENT_FIRST_DELAY_SECONDS);
  assert_pin_refused (path, "luc", "000000", KIOSK_AGENT_ERROR_UNKNOWN);
  age_last_failure (path, KIOSK_AGENT_FIRST_DELAY_SECONDS);
  assert_pin_refused (path, "marie", "482913", KIOSK_AGENT_ERROR_LOCKED);
  age_last_failure (path, KIOSK_AGENT_FIRST_DELAY_SECONDS);

  /* After it, Marie's own PIN opens agent mode, and the count starts again. */
  agent = kiosk_agents_verify (path, "marie", "482913", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (agent->name, ==, "Marie Kaloi");
  g_clear_pointer (&agent, kiosk_agent_free);
  assert_pin_refused (path, "luc", "000000", KIOSK_AGENT_ERROR_UNKNOWN);
  agent = kiosk_agents_verify (path, "luc", "918273", &error);
  g_assert_no_error (error);
}

/* The status of GET api/account/me with @token: 200 while it is valid, 401 once revoked. */
static long
me_status (KioskTestPortal *server,
           const char      *token)
{
  g_autofree char *url = g_strconcat (server->url, "api/account/me", NULL);
  g_autofree char *header = g_strdup_printf ("Authorization: Bearer %s", token);
  struct curl_slist *headers = curl_slist_append (NULL, header);
  CURL *curl = curl_easy_init ();
  long status = 0;
  FILE *sink = fopen ("/dev/null", "w");

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, sink);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  fclose (sink);
  return status;
}

static gboolean
sign_in_waiting_cb (gpointer data)
{
  KioskSignIn *sign_in = kiosk_sign_in_page_get_sign_in (KIOSK_SIGN_IN_PAGE (kiosk_window_get_page (data, "sign-in")));

  return sign_in != NULL && kiosk_sign_in_get_state (sign_in) == KIOSK_SIGN_IN_WAITING;
}

static gboolean
revoked_cb (gpointer data)
{
  gpointer *pair = data;

  return me_status (pair[0], pair[1]) == 401;
}

/* Marie is at the terminal; Paul, behind her, scans the QR code first and approves with his own
 * account (RFC 8628 §5.4). The terminal once took Paul's account into Marie's session at once,
 * to pre-fill her forms and file her requests. Now it asks "Is this you?" with Paul's name;
 * nothing of his account is in the session, and "No, it's not me" revokes his token. */
static void
test_sign_in_asks_is_this_you (void)
{
  KioskTestPortal *server = kiosk_test_portal_start ();
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-sign-in-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autofree char *token = NULL;
  g_autofree char *code = NULL;
  KioskSignIn *sign_in;
  KioskWindow *window;

  if (!gtk_is_initialized ())
    gtk_init ();
  context = kiosk_test_context_new (server->url, data_dir);
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-sign-in");
  kiosk_test_wait_for_page (window, "sign-in");
  g_assert_true (kiosk_test_wait (sign_in_waiting_cb, window, 10000));
  code = g_strdup (kiosk_test_label (window, "sign-in-code"));

  /* Paul approves on his phone. */
  {
    g_autofree char *page_url = g_strdup_printf ("%sactiver?code=%s", server->url, code);
    g_autofree char *form = g_strdup_printf ("user_code=%s&account=paul.nea&decision=approve", code);
    g_autofree char *post_url = g_strconcat (server->url, "activer", NULL);
    g_autofree char *page = NULL;
    g_autofree char *answer = NULL;
    long status = 0;

    page = kiosk_test_http ("GET", page_url, NULL, &status);
    g_assert_cmpint (status, ==, 200);
    answer = kiosk_test_http ("POST", post_url, form, &status);
    g_assert_cmpint (status, ==, 200);
  }

  kiosk_test_wait_clickable (window, "sign-in-not-me");
  g_assert_cmpstr (kiosk_test_label (window, "sign-in-title"), ==, "Is this you?");
  g_assert_nonnull (strstr (kiosk_test_label (window, "sign-in-status"), "Paul Néa"));
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));
  sign_in = kiosk_sign_in_page_get_sign_in (KIOSK_SIGN_IN_PAGE (kiosk_window_get_page (window, "sign-in")));
  token = g_strdup (kiosk_sign_in_peek_account (sign_in)->token);
  g_assert_cmpint (me_status (server, token), ==, 200);

  /* A procedure started now knows nothing of Paul. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-last_name"))), ==, "");
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));

  /* Leaving the question unanswered (or "No, it's not me") revokes Paul's token. */
  {
    gpointer pair[2] = { server, token };

    g_assert_true (kiosk_test_wait (revoked_cb, pair, 10000));
  }
  g_assert_null (kiosk_sign_in_peek_account (sign_in));

  /* Back on the page, a new code; this time "No, it's not me" answers Paul's approval. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "sign-in");
  kiosk_test_wait_for_page (window, "sign-in");
  kiosk_sign_in_page_start (KIOSK_SIGN_IN_PAGE (kiosk_window_get_page (window, "sign-in")));
  g_assert_true (kiosk_test_wait (sign_in_waiting_cb, window, 10000));
  g_free (code);
  code = g_strdup (kiosk_test_label (window, "sign-in-code"));
  {
    g_autofree char *form = g_strdup_printf ("user_code=%s&account=paul.nea&decision=approve", code);
    g_autofree char *post_url = g_strconcat (server->url, "activer", NULL);
    g_autofree char *answer = NULL;
    long status = 0;

    answer = kiosk_test_http ("POST", post_url, form, &status);
    g_assert_cmpint (status, ==, 200);
  }
  kiosk_test_wait_clickable (window, "sign-in-not-me");
  g_free (token);
  token = g_strdup (kiosk_sign_in_peek_account (sign_in)->token);
  kiosk_test_click (window, "sign-in-not-me");
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "sign-in-retry")));
  {
    gpointer pair[2] = { server, token };

    g_assert_true (kiosk_test_wait (revoked_cb, pair, 10000));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_portal_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  kiosk_test_setup_locale ("en");
  g_test_add_func ("/security/json-hidden-nesting", test_hidden_nesting);
  g_test_add_func ("/security/json-plain-nesting", test_plain_nesting);
  g_test_add_func ("/security/json-strict-parses", test_strict_json_parses);
  g_test_add_func ("/security/json-portal-survives", test_portal_survives);
  g_test_add_func ("/security/ca-file-replaces-store", test_ca_file_replaces_store);
  g_test_add_func ("/security/ca-file-replaces-store/child", ca_file_replaces_store_child);
  g_test_add_func ("/security/proxy-only-from-settings", test_proxy_only_from_settings);
  g_test_add_func ("/security/outbox-removal-leaves-nothing", test_outbox_removal_leaves_nothing);
  g_test_add_func ("/security/idempotency-keys-unpredictable", test_idempotency_keys_unpredictable);
  g_test_add_func ("/security/no-core-dumps", test_no_core_dumps);
  g_test_add_func ("/security/secrets-not-swapped", test_secrets_not_swapped);
  g_test_add_func ("/security/usb-fifo-refused", test_usb_fifo_refused);
  g_test_add_func ("/security/signing-never-silently-off", test_signing_never_silently_off);
  g_test_add_func ("/security/drafts-terminal-limit", test_drafts_terminal_limit);
  g_test_add_func ("/security/drafts-copied-file-useless", test_drafts_copied_file_useless);
  g_test_add_func ("/security/agents-lock-fails-closed", test_agents_lock_fails_closed);
  g_test_add_func ("/security/agents-lock-fails-closed/child", agents_unwritable_child);
  g_test_add_func ("/security/agents-unknown-like-locked", test_agents_unknown_like_locked);
  g_test_add_func ("/security/agents-not-locked-out", test_agents_not_locked_out);
  g_test_add_func ("/security/sign-in-asks-is-this-you", test_sign_in_asks_is_this_you);
  return g_test_run ();
}
