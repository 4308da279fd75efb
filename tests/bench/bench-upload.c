/* bench-upload.c: how fast, how smoothly and how frugally the kiosk's outbox sends a large dossier
 * to the reference portal, against the curl command-line tool sending the same multipart body in
 * the same run, and what the outbox costs per dossier when it drains many small ones.
 *
 * Run from the repository root (no display needed):
 *   meson compile -C build bench-upload && build/tests/bench/bench-upload
 *
 * The portal is build/tests/portal/kiosk-portal on loopback, serving a catalogue written here: one
 * procedure with 5 required documents of up to 20 MB (no bundled procedure has 5), one with a
 * single document for the small dossiers. It is reset (POST /_control/reset) before every
 * submission, so each one finds the same empty store.
 *
 * Large dossier: 5 documents of 10,000,000 random bytes (application/pdf as far as the portal can
 * tell), one `dossier` JSON part. One warm-up pair is not counted, then BENCH_RUNS (default 9) runs
 * of each side, kiosk then curl, alternately:
 * - kiosk: the dossier is queued into a fresh outbox (not timed), then a child process (this
 *   program again, with BENCH_UPLOAD_CHILD set) opens that outbox as the kiosk does and times
 *   kiosk_outbox_drain_async () up to its callback: reading and decrypting the documents from
 *   SQLite, sending, and deleting the entry once acknowledged. Meanwhile a 10 ms g_timeout on its
 *   main context records the longest gap between two ticks (max_stall_ms: 10 when nothing ever
 *   blocks the main loop). The child first fetches the catalogue, as the kiosk does when it starts,
 *   so that one-time set-up (libcurl, OpenSSL, the worker thread) is not counted; then it resets
 *   its peak RSS (`5` into /proc/self/clear_refs). rss_growth_kb is VmHWM after the drain minus
 *   VmRSS before it, in a process that holds nothing else.
 * - curl: `curl -F` with the same parts, names, file names and types, and no `Expect:
 *   100-continue` (the kiosk sends none either); timed around g_spawn_sync (), so it includes
 *   starting curl.
 * throughput_ratio_vs_curl is the median curl time over the median kiosk time: 1 or more means the
 * kiosk is at least as fast. For a closer look, each run also gives kiosk_run_N_receipt_ms (until
 * the outbox logs the portal's receipt, before it deletes the entry) and curl_run_N_transfer_ms
 * (curl's own time_total, without starting the process).
 *
 * Small dossiers: 1,000 dossiers of one 1,024-byte document are queued into a fresh outbox (not
 * timed) and drained in one child as above; then the same 1,000 bodies, built beforehand exactly as
 * the kiosk builds them, are sent by a plain blocking libcurl loop over one reused handle.
 * outbox_ms_per_dossier is the kiosk's drain time per dossier, bare_http_ms_per_dossier the loop's,
 * and outbox_overhead_ms their difference: what the kiosk adds per dossier beyond the HTTP
 * exchange and the portal's own work.
 *
 * Over TLS: then the same large-dossier runs again against a second portal serving HTTPS with a
 * certificate of a CA made for the run (openssl, RSA 2048, the certificate's name localhost); the
 * kiosk trusts that CA alone (its portal-ca-file setting), curl is given it with --cacert. Keys
 * tls_*: tls_throughput_ratio_vs_curl, tls_kiosk_ms_median, tls_curl_ms_median, tls_max_stall_ms.
 *
 * Targets: throughput_ratio_vs_curl >= 0.97 and tls_throughput_ratio_vs_curl >= 0.97;
 * rss_growth_kb <= 10240 (10 MiB; /proc counts kB in KiB); max_stall_ms <= 50; outbox_overhead_ms
 * <= 5. The summary gives the median over the runs; *_worst keys give the worst run.
 *
 * Output: key=value lines of plain numbers on stdout, each run's values first and the summary
 * last. The portal's and the kiosk's logs go to files in a temporary folder, kept (and named on
 * stderr) when something fails. */
#include "kiosk-outbox.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#define DEFAULT_RUNS 9
#define MIN_RUNS 5
#define N_DOCUMENTS 5
#define DOCUMENT_SIZE 10000000
#define N_SMALL 1000
#define SMALL_SIZE 1024
#define TICK_MS 10
#define KIOSK_ID "bench"
#define LARGE_SLUG "bench-upload"
#define SMALL_SLUG "bench-small"
#define CHILD_ENV "BENCH_UPLOAD_CHILD"
#define CHILD_OUTBOX_ENV "BENCH_UPLOAD_OUTBOX"
#define CHILD_PORTAL_ENV "BENCH_UPLOAD_PORTAL"
#define CHILD_CA_ENV "BENCH_UPLOAD_CA"
#define THROUGHPUT_RATIO_TARGET 0.97
#define RSS_GROWTH_KB_TARGET 10240
#define MAX_STALL_MS_TARGET 50
#define OUTBOX_OVERHEAD_MS_TARGET 5

/* What the parent keeps for the whole run. */
typedef struct
{
  char        *dir;                       /* temporary folder: files, outboxes, logs */
  GSubprocess *portal;
  char        *portal_url;                /* with a trailing slash */
  char        *ca_file;                   /* nullable: the CA of an HTTPS portal */
  CURL        *curl;                      /* the parent's own requests */
  GPtrArray   *large_documents;           /* (element-type KioskDocument) */
  char        *large_json;
  char        *curl_form[N_DOCUMENTS + 1];
  guint        child_count;
} Bench;

/* One drain, as the child reports it. */
typedef struct
{
  double drain_ms;
  double receipt_ms;
  double cpu_ms;
  double max_stall_ms;
  double rss_before_kb;
  double rss_growth_kb;
  double sent;
} DrainSample;

/* Child state, shared by the main loop's callbacks. */
typedef struct
{
  gboolean done;
  guint    sent;
  GError  *error;
  gint64   start;
  gint64   last_tick;
  gint64   max_gap;
  gint64   end;
} Drain;

/* In the child: when the drain's thread logged the first receipt (monotonic µs), 0 until then. */
G_LOCK_DEFINE_STATIC (receipt);
static gint64 receipt_time;

/* Prints one key=value line; g_ascii_formatd keeps the decimal point a '.'. */
static void
print_number (const char *key,
              const char *format,
              double      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%s=%s\n", key, g_ascii_formatd (text, sizeof text, format, value));
}

/* Prints one value of run @run (counted from 0) of @side. */
static void
print_run_number (const char *side,
                  int         run,
                  const char *name,
                  const char *format,
                  double      value)
{
  g_autofree char *key = g_strdup_printf ("%s_run_%d_%s", side, run + 1, name);

  print_number (key, format, value);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
compute_median (const double *values,
                guint         n_values)
{
  g_autofree double *sorted = g_memdup2 (values, n_values * sizeof (double));

  qsort (sorted, n_values, sizeof (double), compare_doubles);
  if (n_values % 2 == 1)
    return sorted[n_values / 2];
  return (sorted[n_values / 2 - 1] + sorted[n_values / 2]) / 2;
}

static double
compute_max (const double *values,
             guint         n_values)
{
  double max = values[0];

  for (guint i = 1; i < n_values; i++)
    max = MAX (max, values[i]);
  return max;
}

static double
elapsed_ms (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
}

/* Returns the value of the "@field:" line of /proc/self/status in kB, or -1. */
static double
read_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *needle = g_strdup_printf ("\n%s:", field);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, needle);
  if (line == NULL)
    return -1;
  return g_ascii_strtod (line + strlen (needle), NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* Random bytes, fast (splitmix64): documents that no layer can compress. */
static GBytes *
make_random_bytes (gsize size)
{
  gsize n_words = (size + 7) / 8;
  guint64 *words = g_new (guint64, n_words);
  guint64 state = (guint64) g_random_int () << 32 | g_random_int ();

  for (gsize i = 0; i < n_words; i++)
    {
      guint64 z = (state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

      z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
      z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
      words[i] = z ^ (z >> 31);
    }
  return g_bytes_new_take (words, size);
}

/* The `dossier` part, as the kiosk builds it (kiosk_dossier_build_json ()), for @documents. */
static char *
build_dossier_json (const char *name,
                    GPtrArray  *documents)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{\"data\":{\"name\":\"%s\"},\"files\":{", name);
  for (guint i = 0; i < documents->len; i++)
    {
      KioskDocument *document = g_ptr_array_index (documents, i);

      g_string_append_printf (json, "%s\"%s\":{\"filename\":\"%s\",\"content_type\":\"%s\","
                              "\"size\":%" G_GSIZE_FORMAT ",\"sha256\":\"%s\"}",
                              i > 0 ? "," : "", kiosk_document_get_varname (document),
                              kiosk_document_get_filename (document),
                              kiosk_document_get_content_type (document),
                              g_bytes_get_size (kiosk_document_get_content (document)),
                              kiosk_document_get_sha256 (document));
    }
  g_string_append (json, "},\"meta\":{\"kiosk_id\":\"" KIOSK_ID "\",\"draft\":false},"
                   "\"context\":{\"channel\":\"kiosk\"}}");
  return g_string_free (json, FALSE);
}

/* The multipart body the kiosk sends for a dossier whose documents are in memory (the boundary
 * aside, byte for byte what kiosk-portal.c's build_multipart () streams). */
static GBytes *
build_multipart (const char *boundary,
                 const char *dossier_json,
                 GPtrArray  *documents)
{
  GByteArray *body = g_byte_array_new ();
  g_autofree char *head = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; "
                                           "name=\"dossier\"\r\nContent-Type: application/json"
                                           "\r\n\r\n", boundary);
  g_autofree char *tail = g_strdup_printf ("--%s--\r\n", boundary);

  g_byte_array_append (body, (const guint8 *) head, strlen (head));
  g_byte_array_append (body, (const guint8 *) dossier_json, strlen (dossier_json));
  g_byte_array_append (body, (const guint8 *) "\r\n", 2);
  for (guint i = 0; i < documents->len; i++)
    {
      KioskDocument *document = g_ptr_array_index (documents, i);
      GBytes *content = kiosk_document_get_content (document);
      g_autofree char *part = g_strdup_printf ("--%s\r\nContent-Disposition: form-data; "
                                               "name=\"%s\"; filename=\"%s\"\r\n"
                                               "Content-Type: %s\r\n\r\n", boundary,
                                               kiosk_document_get_varname (document),
                                               kiosk_document_get_filename (document),
                                               kiosk_document_get_content_type (document));

      g_byte_array_append (body, (const guint8 *) part, strlen (part));
      g_byte_array_append (body, g_bytes_get_data (content, NULL), g_bytes_get_size (content));
      g_byte_array_append (body, (const guint8 *) "\r\n", 2);
    }
  g_byte_array_append (body, (const guint8 *) tail, strlen (tail));
  return g_byte_array_free_to_bytes (body);
}

/* The catalogue the portal serves: no bundled procedure asks for 5 documents. */
static gboolean
write_catalogue (const char  *path,
                 GError     **error)
{
  g_autoptr(GString) json = g_string_new ("{\"err\":0,\"version\":\"bench\",\"themes\":[],"
                                          "\"profiles\":[],\"procedures\":[");

  for (int procedure = 0; procedure < 2; procedure++)
    {
      int n_documents = procedure == 0 ? N_DOCUMENTS : 1;

      g_string_append_printf (json, "%s{\"slug\":\"%s\",\"title\":\"Banc d'essai\","
                              "\"pages\":[{\"title\":\"Identité\",\"fields\":["
                              "{\"varname\":\"name\",\"label\":\"Nom\",\"type\":\"string\","
                              "\"required\":true}]}],"
                              "\"documents\":[", procedure > 0 ? "," : "",
                              procedure == 0 ? LARGE_SLUG : SMALL_SLUG);
      for (int i = 1; i <= n_documents; i++)
        g_string_append_printf (json, "%s{\"varname\":\"doc%d\",\"label\":\"Pièce %d\","
                                "\"kind\":\"paper\",\"formats\":[\"application/pdf\"],"
                                "\"max_size\":20000000,\"required\":true}",
                                i > 1 ? "," : "", i, i);
      g_string_append (json, "]}");
    }
  g_string_append (json, "]}\n");
  return g_file_set_contents (path, json->str, json->len, error);
}

/* Runs in the portal between fork and exec: the portal must not outlive a crashed benchmark. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts the portal; over HTTPS when @tls_dir holds portal.pem and portal.key. */
static gboolean
start_portal (Bench       *bench,
              const char  *tls_dir,
              GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autofree char *data_dir = g_build_filename (bench->dir, tls_dir ? "portal-tls" : "portal", NULL);
  g_autofree char *catalogue = g_build_filename (bench->dir, "catalogue.json", NULL);
  g_autofree char *log = g_build_filename (bench->dir, tls_dir ? "portal-tls.log" : "portal.log",
                                           NULL);
  g_autofree char *cert = tls_dir ? g_build_filename (tls_dir, "portal.pem", NULL) : NULL;
  g_autofree char *key = tls_dir ? g_build_filename (tls_dir, "portal.key", NULL) : NULL;
  const char *argv[] = {
    BENCH_PORTAL_PATH, "--port", "0", "--data-dir", data_dir, "--catalogue", catalogue,
    tls_dir ? "--tls-cert" : NULL, cert, "--tls-key", key, NULL
  };

  if (g_mkdir (data_dir, 0700) != 0 || !write_catalogue (catalogue, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create %s", data_dir);
      return FALSE;
    }
  /* It logs every request: to a file, so that stderr stays readable. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  bench->portal = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (bench->portal == NULL)
    return FALSE;
  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bench->portal));
  bench->portal_url = g_data_input_stream_read_line (input, NULL, NULL, error);
  if (bench->portal_url == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The portal did not start (see %s)",
                     log);
      return FALSE;
    }
  return TRUE;
}

static size_t
discard_cb (char   *data,
            size_t  size,
            size_t  nmemb,
            void   *user_data)
{
  return size * nmemb;
}

/* A blocking POST on the parent's reused handle. Returns the HTTP status, 0 when the request
 * failed. */
static long
post (Bench             *bench,
      const char        *url,
      struct curl_slist *headers,
      const void        *body,
      gsize              length)
{
  long status = 0;

  curl_easy_setopt (bench->curl, CURLOPT_URL, url);
  curl_easy_setopt (bench->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (bench->curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (bench->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) length);
  if (curl_easy_perform (bench->curl) != CURLE_OK)
    return 0;
  curl_easy_getinfo (bench->curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

/* Empties the portal's store (and its disk) so that every submission meets the same portal. */
static gboolean
reset_portal (Bench   *bench,
              GError **error)
{
  g_autofree char *url = g_strconcat (bench->portal_url, "_control/reset", NULL);
  long status = post (bench, url, NULL, "", 0);

  if (status != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "POST %s answered %ld", url, status);
      return FALSE;
    }
  return TRUE;
}

/* Creates a fresh outbox in @name under the benchmark's folder and queues @n dossiers in it. */
static char *
fill_outbox (Bench       *bench,
             const char  *name,
             const char  *slug,
             char       **jsons,
             GPtrArray  **documents,
             guint        n,
             GError     **error)
{
  g_autofree char *dir = g_build_filename (bench->dir, name, NULL);
  g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *key = g_build_filename (dir, "device.key", NULL);
  g_autoptr(KioskOutbox) outbox = NULL;

  remove_tree (dir);
  outbox = kiosk_outbox_open (db, key, error);
  if (outbox == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *idempotency_key = g_uuid_string_random ();

      if (kiosk_outbox_add (outbox, slug, idempotency_key, jsons[i], documents[i], error) == 0)
        return NULL;
    }
  return g_steal_pointer (&dir);
}

static double
lookup_number (GHashTable *values,
               const char *key)
{
  const char *text = g_hash_table_lookup (values, key);

  return text != NULL ? g_ascii_strtod (text, NULL) : -1;
}

/* Drains the outbox in @outbox_dir from a fresh child process (see run_drain_child ()). */
static gboolean
drain_in_child (Bench        *bench,
                const char   *outbox_dir,
                DrainSample  *sample,
                GError      **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *log = g_strdup_printf ("%s/kiosk-%u.log", bench->dir, ++bench->child_count);
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { "/proc/self/exe", NULL };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, CHILD_ENV, "1", TRUE);
  g_subprocess_launcher_setenv (launcher, CHILD_OUTBOX_ENV, outbox_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, CHILD_PORTAL_ENV, bench->portal_url, TRUE);
  if (bench->ca_file != NULL)
    g_subprocess_launcher_setenv (launcher, CHILD_CA_ENV, bench->ca_file, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, CHILD_CA_ENV);
  /* The outbox logs every delivery, as the kiosk does: to a file, so that stderr stays readable. */
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  child = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (child == NULL || !g_subprocess_communicate_utf8 (child, NULL, NULL, &output, NULL, error))
    return FALSE;
  if (!g_subprocess_get_if_exited (child) || g_subprocess_get_exit_status (child) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The drain failed (see %s)", log);
      return FALSE;
    }
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *equals = strchr (lines[i], '=');

      if (equals != NULL)
        g_hash_table_insert (values, g_strndup (lines[i], equals - lines[i]),
                             g_strdup (equals + 1));
    }
  sample->drain_ms = lookup_number (values, "drain_ms");
  sample->receipt_ms = lookup_number (values, "receipt_ms");
  sample->cpu_ms = lookup_number (values, "cpu_ms");
  sample->max_stall_ms = lookup_number (values, "max_stall_ms");
  sample->rss_before_kb = lookup_number (values, "rss_before_kb");
  sample->rss_growth_kb = lookup_number (values, "rss_growth_kb");
  sample->sent = lookup_number (values, "sent");
  if (sample->drain_ms < 0 || sample->max_stall_ms < 0 || sample->rss_growth_kb < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The drain reported no numbers (see %s)",
                   log);
      return FALSE;
    }
  return TRUE;
}

/* Writes out everything the earlier runs left dirty (the portal's copies of 50 MB dossiers, the
 * files it deleted on reset, the outbox just filled), so that neither side's time includes the
 * kernel writing back the other's data: without it, every third kiosk run took 100 ms more,
 * with the same CPU time. */
static void
settle_disk (void)
{
  sync ();
}

/* One kiosk run of the large dossier: queued, then drained in a child. */
static gboolean
run_kiosk (Bench        *bench,
           DrainSample  *sample,
           GError      **error)
{
  g_autofree char *outbox_dir = fill_outbox (bench, "outbox-large", LARGE_SLUG, &bench->large_json,
                                             &bench->large_documents, 1, error);

  if (outbox_dir == NULL || !reset_portal (bench, error))
    return FALSE;
  settle_disk ();
  if (!drain_in_child (bench, outbox_dir, sample, error))
    return FALSE;
  if (sample->sent != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The outbox sent %.0f dossiers, not 1",
                   sample->sent);
      return FALSE;
    }
  remove_tree (outbox_dir);
  return TRUE;
}

/* One curl run of the large dossier: @ms is the wall time around curl, @transfer_ms curl's own
 * time_total. */
static gboolean
run_curl (Bench    *bench,
          double   *ms,
          double   *transfer_ms,
          GError  **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", uuid);
  g_autofree char *url = g_strconcat (bench->portal_url, "api/formdefs/" LARGE_SLUG "/submit",
                                      NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *output = NULL;
  g_auto(GStrv) words = NULL;
  gint64 start;
  int wait_status;

  if (!reset_portal (bench, error))
    return FALSE;
  settle_disk ();
  g_ptr_array_add (argv, "curl");
  g_ptr_array_add (argv, "--silent");
  g_ptr_array_add (argv, "--show-error");
  g_ptr_array_add (argv, "--output");
  g_ptr_array_add (argv, "/dev/null");
  g_ptr_array_add (argv, "--write-out");
  g_ptr_array_add (argv, "%{http_code} %{time_total}");
  g_ptr_array_add (argv, "--header");
  g_ptr_array_add (argv, "Accept: application/json");
  g_ptr_array_add (argv, "--header");
  g_ptr_array_add (argv, "Expect:");
  g_ptr_array_add (argv, "--header");
  g_ptr_array_add (argv, key_header);
  if (bench->ca_file != NULL)
    {
      g_ptr_array_add (argv, "--cacert");
      g_ptr_array_add (argv, bench->ca_file);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bench->curl_form); i++)
    {
      g_ptr_array_add (argv, "--form");
      g_ptr_array_add (argv, bench->curl_form[i]);
    }
  g_ptr_array_add (argv, url);
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output,
                     NULL, &wait_status, error))
    return FALSE;
  *ms = elapsed_ms (start);
  if (!g_spawn_check_wait_status (wait_status, error))
    return FALSE;
  words = g_strsplit (output, " ", 2);
  if (g_strcmp0 (words[0], "201") != 0 || words[1] == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "curl got \"%s\", not 201", output);
      return FALSE;
    }
  *transfer_ms = g_ascii_strtod (words[1], NULL) * 1000;
  return TRUE;
}

/* Sends @bodies, multipart with @boundary, with a plain libcurl loop; returns the wall time in
 * ms, or -1. */
static double
send_bare (Bench       *bench,
           const char  *boundary,
           GBytes     **bodies,
           guint        n,
           GError     **error)
{
  g_autofree char *url = g_strconcat (bench->portal_url, "api/formdefs/" SMALL_SLUG "/submit",
                                      NULL);
  g_autofree char *type_header = g_strdup_printf ("Content-Type: multipart/form-data; boundary=%s",
                                                  boundary);
  g_auto(GStrv) keys = g_new0 (char *, n + 1);
  gint64 start;
  double ms;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      keys[i] = g_strdup_printf ("Idempotency-Key: %s", uuid);
    }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      struct curl_slist *headers = curl_slist_append (NULL, "Accept: application/json");
      long status;

      headers = curl_slist_append (headers, "Expect:");
      headers = curl_slist_append (headers, keys[i]);
      headers = curl_slist_append (headers, type_header);
      status = post (bench, url, headers, g_bytes_get_data (bodies[i], NULL),
                     g_bytes_get_size (bodies[i]));
      curl_slist_free_all (headers);
      if (status != 201)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Bare request %u answered %ld",
                       i + 1, status);
          return -1;
        }
    }
  ms = elapsed_ms (start);
  curl_easy_setopt (bench->curl, CURLOPT_HTTPHEADER, NULL);
  return ms;
}

/* The small-dossier phase: the kiosk's drain of N_SMALL dossiers, then the bare loop. */
static gboolean
run_small (Bench   *bench,
           double  *drain_ms,
           double  *bare_ms,
           GError **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *boundary = g_strdup_printf ("kiosk-%s", uuid);
  g_autofree GPtrArray **documents = g_new0 (GPtrArray *, N_SMALL);
  g_autofree char **jsons = g_new0 (char *, N_SMALL);
  g_autofree GBytes **bodies = g_new0 (GBytes *, N_SMALL);
  g_autofree char *outbox_dir = NULL;
  DrainSample sample;
  gboolean ok = FALSE;

  for (guint i = 0; i < N_SMALL; i++)
    {
      g_autoptr(GBytes) content = make_random_bytes (SMALL_SIZE);
      g_autofree char *name = g_strdup_printf ("Bench %u", i + 1);

      documents[i] = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (documents[i], kiosk_document_new ("doc1", "application/pdf", content, NULL));
      jsons[i] = build_dossier_json (name, documents[i]);
      bodies[i] = build_multipart (boundary, jsons[i], documents[i]);
    }

  outbox_dir = fill_outbox (bench, "outbox-small", SMALL_SLUG, jsons, documents, N_SMALL, error);
  if (outbox_dir == NULL || !reset_portal (bench, error)
      || !drain_in_child (bench, outbox_dir, &sample, error))
    goto out;
  if (sample.sent != N_SMALL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The outbox sent %.0f dossiers, not %d",
                   sample.sent, N_SMALL);
      goto out;
    }
  remove_tree (outbox_dir);
  *drain_ms = sample.drain_ms;
  if (!reset_portal (bench, error))
    goto out;
  *bare_ms = send_bare (bench, boundary, bodies, N_SMALL, error);
  ok = *bare_ms >= 0 && reset_portal (bench, error);

out:
  for (guint i = 0; i < N_SMALL; i++)
    {
      g_ptr_array_unref (documents[i]);
      g_free (jsons[i]);
      g_bytes_unref (bodies[i]);
    }
  return ok;
}

/* Makes the large dossier: its documents in memory (for the outbox) and on disk (for curl). */
static gboolean
make_large_dossier (Bench   *bench,
                    GError **error)
{
  g_autofree char *json_path = g_build_filename (bench->dir, "dossier.json", NULL);

  bench->large_documents = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 0; i < N_DOCUMENTS; i++)
    {
      g_autoptr(GBytes) content = make_random_bytes (DOCUMENT_SIZE);
      g_autofree char *varname = g_strdup_printf ("doc%d", i + 1);
      KioskDocument *document = kiosk_document_new (varname, "application/pdf", content, NULL);
      g_autofree char *path = g_build_filename (bench->dir, kiosk_document_get_filename (document),
                                                NULL);

      g_ptr_array_add (bench->large_documents, document);
      if (!g_file_set_contents (path, g_bytes_get_data (content, NULL), DOCUMENT_SIZE, error))
        return FALSE;
      /* curl names the part after the file: doc1.pdf, as the kiosk does. */
      bench->curl_form[i + 1] = g_strdup_printf ("%s=@%s;type=application/pdf", varname, path);
    }
  bench->large_json = build_dossier_json ("Bench", bench->large_documents);
  if (!g_file_set_contents (json_path, bench->large_json, -1, error))
    return FALSE;
  /* '<': the file's content as a plain field, without a file name, as the kiosk sends it. */
  bench->curl_form[0] = g_strdup_printf ("dossier=<%s;type=application/json", json_path);
  return TRUE;
}

static void
free_bench (Bench *bench)
{
  if (bench->portal != NULL)
    {
      g_subprocess_send_signal (bench->portal, SIGTERM);
      g_subprocess_wait (bench->portal, NULL, NULL);
      g_clear_object (&bench->portal);
    }
  g_clear_pointer (&bench->curl, curl_easy_cleanup);
  g_clear_pointer (&bench->large_documents, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (bench->curl_form); i++)
    g_clear_pointer (&bench->curl_form[i], g_free);
  g_clear_pointer (&bench->large_json, g_free);
  g_clear_pointer (&bench->portal_url, g_free);
  g_clear_pointer (&bench->ca_file, g_free);
  g_clear_pointer (&bench->dir, g_free);
}

/* The child */

/* Notes when the first "delivered" message of the outbox is logged (right after the portal's
 * receipt, before the entry is deleted), then logs as usual. Called from the drain's thread. */
static GLogWriterOutput
record_receipt_writer (GLogLevelFlags   log_level,
                       const GLogField *fields,
                       gsize            n_fields,
                       gpointer         user_data)
{
  for (gsize i = 0; i < n_fields && (log_level & G_LOG_LEVEL_MESSAGE); i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0
        && strstr (fields[i].value, " delivered as ") != NULL)
      {
        G_LOCK (receipt);
        if (receipt_time == 0)
          receipt_time = g_get_monotonic_time ();
        G_UNLOCK (receipt);
      }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static gboolean
tick_cb (gpointer user_data)
{
  Drain *drain = user_data;
  gint64 now = g_get_monotonic_time ();

  drain->max_gap = MAX (drain->max_gap, now - drain->last_tick);
  drain->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Drain *drain = user_data;

  drain->end = g_get_monotonic_time ();
  drain->max_gap = MAX (drain->max_gap, drain->end - drain->last_tick);
  drain->sent = kiosk_outbox_drain_finish (KIOSK_OUTBOX (object), result, &drain->error);
  drain->done = TRUE;
}

static void
catalogue_fetched_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Drain *drain = user_data;
  g_autoptr(GBytes) catalogue = NULL;

  catalogue = kiosk_portal_fetch_catalogue_finish (KIOSK_PORTAL (object), result, NULL,
                                                   &drain->error);
  drain->done = TRUE;
}

/* Makes VmHWM equal to the current VmRSS. Not g_file_set_contents (): it writes a temporary file
 * and renames it, which /proc does not allow. */
static gboolean
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (file == NULL)
    return FALSE;
  ok = fputs ("5", file) >= 0;
  return fclose (file) == 0 && ok;
}

/* Drains the outbox named by the environment once, as the kiosk's sender does, and prints what it
 * measured. */
static int
run_drain_child (void)
{
  const char *dir = g_getenv (CHILD_OUTBOX_ENV);
  const char *url = g_getenv (CHILD_PORTAL_ENV);
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *key = NULL;
  g_autoptr(KioskOutbox) outbox = NULL;
  g_autoptr(KioskPortal) portal = NULL;
  Drain drain = { 0 };
  double rss_before_kb, hwm_after_kb;
  struct rusage usage_before, usage_after;
  gint64 received;
  guint tick_id;

  if (dir == NULL || url == NULL)
    return 2;
  g_log_set_writer_func (record_receipt_writer, NULL, NULL);
  db = g_build_filename (dir, "outbox.db", NULL);
  key = g_build_filename (dir, "device.key", NULL);
  outbox = kiosk_outbox_open (db, key, &error);
  if (outbox != NULL)
    portal = kiosk_portal_new (url, KIOSK_ID, &error);
  if (portal == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_getenv (CHILD_CA_ENV) != NULL)
    kiosk_portal_set_tls (portal, g_getenv (CHILD_CA_ENV), NULL);

  /* A running kiosk has fetched its catalogue already. */
  kiosk_portal_fetch_catalogue_async (portal, NULL, NULL, catalogue_fetched_cb, &drain);
  while (!drain.done)
    g_main_context_iteration (NULL, TRUE);
  if (drain.error != NULL)
    {
      g_printerr ("catalogue: %s\n", drain.error->message);
      g_error_free (drain.error);
      return 1;
    }
  drain.done = FALSE;

  /* From here VmHWM is the peak of the drain alone (Linux ≥ 4.0); if it cannot be reset, it is
   * at worst the peak of the set-up, higher, never lower. */
  if (!reset_peak_rss ())
    g_printerr ("Cannot reset the peak RSS: the growth includes the set-up\n");
  rss_before_kb = read_status_kb ("VmRSS");

  getrusage (RUSAGE_SELF, &usage_before);
  drain.start = drain.last_tick = g_get_monotonic_time ();
  tick_id = g_timeout_add (TICK_MS, tick_cb, &drain);
  kiosk_outbox_drain_async (outbox, portal, NULL, drained_cb, &drain);
  while (!drain.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);
  getrusage (RUSAGE_SELF, &usage_after);
  hwm_after_kb = read_status_kb ("VmHWM");
  if (drain.error != NULL)
    {
      g_printerr ("drain: %s\n", drain.error->message);
      g_error_free (drain.error);
      return 1;
    }
  if (rss_before_kb < 0 || hwm_after_kb < 0)
    {
      g_printerr ("No VmRSS or VmHWM in /proc/self/status\n");
      return 1;
    }

  G_LOCK (receipt);
  received = receipt_time;
  G_UNLOCK (receipt);
  print_number ("drain_ms", "%.1f", (double) (drain.end - drain.start) / G_TIME_SPAN_MILLISECOND);
  if (received != 0)
    print_number ("receipt_ms", "%.1f",
                  (double) (received - drain.start) / G_TIME_SPAN_MILLISECOND);
  print_number ("max_stall_ms", "%.1f", (double) drain.max_gap / G_TIME_SPAN_MILLISECOND);
  /* The kiosk's own work in the drain (every thread, user and system): what is left of the time
   * is waiting for the portal. */
  print_number ("cpu_ms", "%.1f",
                (usage_after.ru_utime.tv_sec - usage_before.ru_utime.tv_sec
                 + usage_after.ru_stime.tv_sec - usage_before.ru_stime.tv_sec) * 1000.0
                + (usage_after.ru_utime.tv_usec - usage_before.ru_utime.tv_usec
                   + usage_after.ru_stime.tv_usec - usage_before.ru_stime.tv_usec) / 1000.0);
  print_number ("rss_before_kb", "%.0f", rss_before_kb);
  print_number ("rss_growth_kb", "%.0f", hwm_after_kb - rss_before_kb);
  print_number ("sent", "%.0f", drain.sent);
  return 0;
}

/* The parent */

static int
parse_runs (void)
{
  const char *text = g_getenv ("BENCH_RUNS");
  guint64 runs;

  if (text == NULL || *text == '\0')
    return DEFAULT_RUNS;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 1000, &runs, NULL))
    {
      g_printerr ("BENCH_RUNS must be a number from 1 to 1000\n");
      return -1;
    }
  if (runs < MIN_RUNS)
    g_printerr ("BENCH_RUNS=%" G_GUINT64_FORMAT ": fewer than %d runs, the medians are rough\n",
                runs, MIN_RUNS);
  return runs;
}

/* Medians of one series of large-dossier runs. */
typedef struct
{
  double kiosk_ms;
  double curl_ms;
  double max_stall_ms;
  double max_stall_ms_worst;
  double rss_growth_kb;
  double rss_growth_kb_worst;
} Series;

/* One warm-up pair, then @runs runs of each side, alternately, against the portal started last.
 * Each run's values are printed with @prefix ("" or "tls_") before their key. */
static gboolean
run_series (Bench       *bench,
            int          runs,
            const char  *prefix,
            Series      *series,
            GError     **error)
{
  g_autofree double *kiosk_ms = g_new (double, runs);
  g_autofree double *curl_ms = g_new (double, runs);
  g_autofree double *stall_ms = g_new (double, runs);
  g_autofree double *growth_kb = g_new (double, runs);
  g_autofree char *kiosk_side = g_strconcat (prefix, "kiosk", NULL);
  g_autofree char *curl_side = g_strconcat (prefix, "curl", NULL);

  /* Warm-up, not counted: the page cache, the portal's first allocations. */
  {
    DrainSample sample;
    double ms, transfer_ms;

    if (!run_kiosk (bench, &sample, error) || !run_curl (bench, &ms, &transfer_ms, error))
      return FALSE;
  }

  for (int run = 0; run < runs; run++)
    {
      DrainSample sample;
      double transfer_ms;

      if (!run_kiosk (bench, &sample, error))
        return FALSE;
      if (!run_curl (bench, &curl_ms[run], &transfer_ms, error))
        return FALSE;
      kiosk_ms[run] = sample.drain_ms;
      stall_ms[run] = sample.max_stall_ms;
      growth_kb[run] = sample.rss_growth_kb;

      print_run_number (kiosk_side, run, "ms", "%.1f", sample.drain_ms);
      if (sample.receipt_ms >= 0)
        print_run_number (kiosk_side, run, "receipt_ms", "%.1f", sample.receipt_ms);
      if (sample.cpu_ms >= 0)
        print_run_number (kiosk_side, run, "cpu_ms", "%.1f", sample.cpu_ms);
      print_run_number (kiosk_side, run, "max_stall_ms", "%.1f", sample.max_stall_ms);
      print_run_number (kiosk_side, run, "rss_before_kb", "%.0f", sample.rss_before_kb);
      print_run_number (kiosk_side, run, "rss_growth_kb", "%.0f", sample.rss_growth_kb);
      print_run_number (curl_side, run, "ms", "%.1f", curl_ms[run]);
      print_run_number (curl_side, run, "transfer_ms", "%.1f", transfer_ms);
      fflush (stdout);
    }
  series->kiosk_ms = compute_median (kiosk_ms, runs);
  series->curl_ms = compute_median (curl_ms, runs);
  series->max_stall_ms = compute_median (stall_ms, runs);
  series->max_stall_ms_worst = compute_max (stall_ms, runs);
  series->rss_growth_kb = compute_median (growth_kb, runs);
  series->rss_growth_kb_worst = compute_max (growth_kb, runs);
  return TRUE;
}

/* A CA made for this run, and the portal's certificate for localhost signed by it, in @dir. */
static gboolean
make_tls_files (const char  *dir,
                GError     **error)
{
  const char *argv[] = { "/bin/sh", "-c",
    "set -e\n"
    "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Bench CA'\n"
    "openssl req -newkey rsa:2048 -nodes -keyout portal.key -out portal.csr -subj /CN=localhost\n"
    "printf 'subjectAltName=DNS:localhost\\n' > portal.ext\n"
    "openssl x509 -req -in portal.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out portal.pem"
    " -days 2 -extfile portal.ext\n",
    NULL };
  int status;

  if (g_mkdir (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create %s", dir);
      return FALSE;
    }
  if (!g_spawn_sync (dir, (char **) argv, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, error))
    return FALSE;
  return g_spawn_check_wait_status (status, error);
}

/* Stops the portal started last. */
static void
stop_portal (Bench *bench)
{
  if (bench->portal != NULL)
    {
      g_subprocess_send_signal (bench->portal, SIGTERM);
      g_subprocess_wait (bench->portal, NULL, NULL);
      g_clear_object (&bench->portal);
    }
  g_clear_pointer (&bench->portal_url, g_free);
}

static gboolean
run_bench (Bench   *bench,
           int      runs,
           GError **error)
{
  g_autofree char *tls_dir = g_build_filename (bench->dir, "tls", NULL);
  double dossier_mb = (double) N_DOCUMENTS * DOCUMENT_SIZE / 1e6;
  double drain_ms = 0, bare_ms = 0;
  double outbox_per_dossier, bare_per_dossier;
  Series plain, tls;

  bench->curl = curl_easy_init ();
  curl_easy_setopt (bench->curl, CURLOPT_WRITEFUNCTION, discard_cb);
  curl_easy_setopt (bench->curl, CURLOPT_TIMEOUT, 60L);
  if (!start_portal (bench, NULL, error) || !make_large_dossier (bench, error))
    return FALSE;
  if (!run_series (bench, runs, "", &plain, error))
    return FALSE;
  if (!run_small (bench, &drain_ms, &bare_ms, error))
    return FALSE;

  /* The same dossier over HTTPS. */
  stop_portal (bench);
  if (!make_tls_files (tls_dir, error))
    return FALSE;
  bench->ca_file = g_build_filename (tls_dir, "ca.pem", NULL);
  curl_easy_setopt (bench->curl, CURLOPT_CAINFO, bench->ca_file);
  if (!start_portal (bench, tls_dir, error) || !run_series (bench, runs, "tls_", &tls, error))
    return FALSE;

  print_number ("outbox_drain_ms", "%.1f", drain_ms);
  print_number ("bare_http_ms", "%.1f", bare_ms);
  outbox_per_dossier = drain_ms / N_SMALL;
  bare_per_dossier = bare_ms / N_SMALL;
  print_number ("runs", "%.0f", runs);
  print_number ("documents", "%.0f", N_DOCUMENTS);
  print_number ("dossier_bytes", "%.0f", (double) N_DOCUMENTS * DOCUMENT_SIZE);
  print_number ("kiosk_ms_median", "%.1f", plain.kiosk_ms);
  print_number ("curl_ms_median", "%.1f", plain.curl_ms);
  print_number ("kiosk_mb_per_s", "%.1f", dossier_mb / (plain.kiosk_ms / 1000));
  print_number ("curl_mb_per_s", "%.1f", dossier_mb / (plain.curl_ms / 1000));
  print_number ("throughput_ratio_vs_curl", "%.3f", plain.curl_ms / plain.kiosk_ms);
  print_number ("throughput_ratio_vs_curl_target", "%.2f", THROUGHPUT_RATIO_TARGET);
  print_number ("rss_growth_kb", "%.0f", plain.rss_growth_kb);
  print_number ("rss_growth_kb_worst", "%.0f", plain.rss_growth_kb_worst);
  print_number ("rss_growth_kb_target", "%.0f", RSS_GROWTH_KB_TARGET);
  print_number ("max_stall_ms", "%.1f", plain.max_stall_ms);
  print_number ("max_stall_ms_worst", "%.1f", plain.max_stall_ms_worst);
  print_number ("max_stall_ms_target", "%.0f", MAX_STALL_MS_TARGET);
  print_number ("outbox_dossiers", "%.0f", N_SMALL);
  print_number ("outbox_ms_per_dossier", "%.3f", outbox_per_dossier);
  print_number ("bare_http_ms_per_dossier", "%.3f", bare_per_dossier);
  print_number ("outbox_overhead_ms", "%.3f", outbox_per_dossier - bare_per_dossier);
  print_number ("outbox_overhead_ms_target", "%.0f", OUTBOX_OVERHEAD_MS_TARGET);
  print_number ("tls_kiosk_ms_median", "%.1f", tls.kiosk_ms);
  print_number ("tls_curl_ms_median", "%.1f", tls.curl_ms);
  print_number ("tls_kiosk_mb_per_s", "%.1f", dossier_mb / (tls.kiosk_ms / 1000));
  print_number ("tls_curl_mb_per_s", "%.1f", dossier_mb / (tls.curl_ms / 1000));
  print_number ("tls_throughput_ratio_vs_curl", "%.3f", tls.curl_ms / tls.kiosk_ms);
  print_number ("tls_throughput_ratio_vs_curl_target", "%.2f", THROUGHPUT_RATIO_TARGET);
  print_number ("tls_rss_growth_kb", "%.0f", tls.rss_growth_kb);
  print_number ("tls_max_stall_ms", "%.1f", tls.max_stall_ms);
  print_number ("tls_max_stall_ms_worst", "%.1f", tls.max_stall_ms_worst);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *curl_path = NULL;
  Bench bench = { 0 };
  gboolean ok;
  int runs;

  if (g_getenv (CHILD_ENV) != NULL)
    return run_drain_child ();

  if (argc > 1)
    {
      g_printerr ("Usage: %s (no arguments; BENCH_RUNS sets the number of runs)\n", argv[0]);
      return 2;
    }
  runs = parse_runs ();
  if (runs < 0)
    return 2;
  if (!g_file_test (BENCH_PORTAL_PATH, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("Build first: meson compile -C %s bench-upload\n", KIOSK_BUILD_DIR);
      return 1;
    }
  curl_path = g_find_program_in_path ("curl");
  if (curl_path == NULL)
    {
      g_printerr ("The curl command-line tool is needed (apt install curl)\n");
      return 1;
    }
  curl_global_init (CURL_GLOBAL_DEFAULT);

  bench.dir = g_dir_make_tmp ("bench-upload-XXXXXX", &error);
  ok = bench.dir != NULL && run_bench (&bench, runs, &error);
  if (!ok)
    {
      g_printerr ("bench-upload: %s\n", error->message);
      if (bench.dir != NULL)
        g_printerr ("bench-upload: logs kept in %s\n", bench.dir);
    }
  else
    remove_tree (bench.dir);
  free_bench (&bench);
  curl_global_cleanup ();
  return ok ? 0 : 1;
}
