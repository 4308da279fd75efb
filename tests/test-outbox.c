#define _GNU_SOURCE
/* test-outbox.c (suite reliability): the durable, encrypted outbox and its sender against the
 * reference portal and its fault injection, including SIGKILL at random moments. */
#include "kiosk-outbox.h"
#include "kiosk-seal.h"
#include "kiosk-test-util.h"

#include "kiosk-json.h"
#include "kiosk-signature.h"

#include <curl/curl.h>

#include <glib/gstdio.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

static KioskTestPortal *portal;

typedef struct
{
  gboolean done;
  guint    sent;
} Drain;

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Drain *drain = user_data;
  g_autoptr(GError) error = NULL;

  drain->sent = kiosk_outbox_drain_finish (KIOSK_OUTBOX (object), result, &error);
  g_assert_no_error (error);
  drain->done = TRUE;
}

static gboolean
drain_done_cb (gpointer data)
{
  return ((Drain *) data)->done;
}

static guint
drain (KioskOutbox *outbox,
       KioskPortal *client)
{
  Drain state = { FALSE, 0 };

  kiosk_outbox_drain_async (outbox, client, NULL, drained_cb, &state);
  g_assert_true (kiosk_test_wait (drain_done_cb, &state, 30000));
  return state.sent;
}

static KioskDocument *
make_document (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return kiosk_document_new ("id_card", "image/jpeg", bytes, NULL);
}

static char *
make_json (const char    *last_name,
           KioskDocument *document,
           gboolean       complete)
{
  return g_strdup_printf ("{\"data\":{\"last_name\":\"%s\",\"first_name\":\"Léa\",%s"
                          "\"household_size\":2,\"monthly_income\":1000,\"cover\":\"cafat\",\"phone\":\"271234\"},"
                          "\"files\":{\"id_card\":{\"filename\":\"id_card.jpg\",\"content_type\":\"image/jpeg\","
                          "\"size\":%" G_GSIZE_FORMAT ",\"sha256\":\"%s\"}},"
                          "\"meta\":{\"kiosk_id\":\"epn-test\",\"draft\":false},\"context\":{\"channel\":\"kiosk\"}}",
                          last_name, complete ? "\"birth_date\":\"1961-04-12\"," : "",
                          g_bytes_get_size (kiosk_document_get_content (document)),
                          kiosk_document_get_sha256 (document));
}

/* Queues one aide-médicale dossier with one small document. */
static void
queue_dossier (KioskOutbox *outbox,
               const char  *key,
               const char  *scan_text,
               gboolean     complete)
{
  g_autoptr(KioskDocument) document = make_document (scan_text);
  g_autofree char *json = make_json ("Wamytan", document, complete);
  g_autoptr(GPtrArray) documents = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (documents, document);
  g_assert_cmpint (kiosk_outbox_add (outbox, "aide-medicale", key, json, documents, &error), >, 0);
  g_assert_no_error (error);
}

static KioskOutbox *
open_outbox (const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *key = g_build_filename (dir, "device.key", NULL);
  g_autoptr(GError) error = NULL;
  KioskOutbox *outbox = kiosk_outbox_open (db, key, &error);

  g_assert_no_error (error);
  kiosk_outbox_set_backoff (outbox, 1, 10);
  return outbox;
}

static JsonArray *
submissions (JsonObject **root)
{
  *root = kiosk_test_portal_get (portal, "_control/submissions");
  return kiosk_json_get_array (*root, "data");
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

/* Nothing a citizen typed or scanned is readable in the outbox files without the device key. */
static void
test_encrypted_at_rest (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(KioskDocument) document = make_document ("CANARY-SCAN-5512 pixels");
  g_autofree char *json = make_json ("CANARY-NAME-7781", document, TRUE);
  g_autoptr(GPtrArray) documents = g_ptr_array_new ();
  g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "outbox.db-wal", NULL);
  g_autofree char *key = g_build_filename (dir, "device.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *loaded = NULL;
  g_autoptr(GPtrArray) files = NULL;
  GStatBuf st;

  g_ptr_array_add (documents, document);
  g_assert_cmpint (kiosk_outbox_add (outbox, "aide-medicale", "key-canary", json, documents, &error), >, 0);
  g_assert_no_error (error);
  g_assert_false (file_contains (db, "CANARY-NAME-7781"));
  g_assert_false (file_contains (wal, "CANARY-NAME-7781"));
  g_assert_false (file_contains (db, "CANARY-SCAN-5512"));
  g_assert_false (file_contains (wal, "CANARY-SCAN-5512"));
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  /* With the key, everything comes back intact. */
  g_assert_true (kiosk_outbox_load (outbox, 1, &loaded, &files, &error));
  g_assert_cmpstr (loaded, ==, json);
  g_assert_cmpstr (kiosk_document_get_sha256 (g_ptr_array_index (files, 0)), ==, kiosk_document_get_sha256 (document));

  /* A key others may read is refused. */
  g_clear_object (&outbox);
  g_chmod (key, 0644);
  {
    g_autofree char *db2 = g_build_filename (dir, "outbox.db", NULL);
    g_autoptr(KioskOutbox) refused = kiosk_outbox_open (db2, key, &error);

    g_assert_null (refused);
    g_assert_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED);
  }
}

/* Seals as outboxes written before format 2 did (libsodium's secretstream, 64 KiB chunks). */
static GBytes *
seal_format_1 (const guint8 *key,
               const guint8 *data,
               gsize         size)
{
  crypto_secretstream_xchacha20poly1305_state state;
  gsize n_chunks = MAX (1, (size + KIOSK_SEAL_CHUNK - 1) / KIOSK_SEAL_CHUNK);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_set_size (out, crypto_secretstream_xchacha20poly1305_HEADERBYTES);
  crypto_secretstream_xchacha20poly1305_init_push (&state, out->data, key);
  for (gsize i = 0; i < n_chunks; i++)
    {
      gsize length = MIN (KIOSK_SEAL_CHUNK, size - i * KIOSK_SEAL_CHUNK);
      gsize at = out->len;

      g_byte_array_set_size (out, at + length + crypto_secretstream_xchacha20poly1305_ABYTES);
      crypto_secretstream_xchacha20poly1305_push (&state, out->data + at, NULL, data + i * KIOSK_SEAL_CHUNK, length,
                                                  NULL, 0, i + 1 == n_chunks ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    }
  return g_byte_array_free_to_bytes (out);
}

/* The chunked encryption at rest, both formats: every size round-trips (empty, one byte, around a
 * chunk, several chunks), and a changed byte, a truncation at a chunk boundary, two chunks
 * swapped, a chunk moved from another blob or another key are all refused. */
static void
test_seal (void)
{
  const gsize sizes[] = { 0, 1, KIOSK_SEAL_CHUNK - 1, KIOSK_SEAL_CHUNK, KIOSK_SEAL_CHUNK + 1, 3 * KIOSK_SEAL_CHUNK + 17 };
  guint8 key[KIOSK_SEAL_KEY_BYTES], other[KIOSK_SEAL_KEY_BYTES];
  g_autofree guint8 *data = g_malloc (3 * KIOSK_SEAL_CHUNK + 17);

  randombytes_buf (key, sizeof key);
  randombytes_buf (other, sizeof other);
  randombytes_buf (data, 3 * KIOSK_SEAL_CHUNK + 17);
  for (guint f = KIOSK_SEAL_SECRETSTREAM; f <= KIOSK_SEAL_CHACHA20_CHUNKS; f++)
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autoptr(GBytes) sealed = f == KIOSK_SEAL_SECRETSTREAM ? seal_format_1 (key, data, sizes[i])
                                                                 : kiosk_seal (key, data, sizes[i]);
        gsize n = g_bytes_get_size (sealed);
        const guint8 *bytes = g_bytes_get_data (sealed, NULL);
        g_autoptr(GBytes) plain = kiosk_unseal (f, key, bytes, n);
        g_autofree guint8 *copy = g_memdup2 (bytes, n);
        gsize header = kiosk_seal_header_size (f), chunk = kiosk_seal_chunk_size (f);

        g_assert_nonnull (plain);
        g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), data, sizes[i]);
        g_assert_cmpuint (kiosk_sealed_plain_size (f, n), ==, sizes[i]);
        /* Under the other key. */
        g_assert_null (kiosk_unseal (f, other, bytes, n));
        /* A byte changed, in every chunk in turn. */
        for (gsize at = header; at < n; at += chunk)
          {
            copy[at] ^= 1;
            g_assert_null (kiosk_unseal (f, key, copy, n));
            copy[at] ^= 1;
          }
        /* Truncated after a whole chunk, or to its header alone. */
        if (n > header + chunk)
          g_assert_null (kiosk_unseal (f, key, bytes, header + chunk));
        g_assert_null (kiosk_unseal (f, key, bytes, header));
        /* Two full chunks swapped. */
        if (sizes[i] >= 2 * KIOSK_SEAL_CHUNK)
          {
            memcpy (copy + header, bytes + header + chunk, chunk);
            memcpy (copy + header + chunk, bytes + header, chunk);
            g_assert_null (kiosk_unseal (f, key, copy, n));
          }
        /* Format 2: a chunk of another blob (same key, same position) does not fit in. */
        if (f == KIOSK_SEAL_CHACHA20_CHUNKS && sizes[i] > KIOSK_SEAL_CHUNK)
          {
            g_autoptr(GBytes) twin = kiosk_seal (key, data, sizes[i]);

            memcpy (copy, bytes, n);
            memcpy (copy + header, (const guint8 *) g_bytes_get_data (twin, NULL) + header, chunk);
            g_assert_null (kiosk_unseal (f, key, copy, n));
          }
      }
}

/* An outbox written before format 2 (its blobs in format 1, no format columns) opens, loads and
 * sends as before; what is queued afterwards is in format 2. */
static void
test_old_format_outbox (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *key_path = g_build_filename (dir, "device.key", NULL);
  g_autoptr(KioskDocument) document = make_document ("an old scan, queued by the previous version");
  g_autofree char *json = make_json ("Old", document, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *loaded = NULL;
  g_autoptr(GPtrArray) files = NULL;
  guint8 device_key[KIOSK_SEAL_KEY_BYTES];
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* The previous version's tables and one entry, sealed under the device key (entries then had
   * no key of their own). */
  randombytes_buf (device_key, sizeof device_key);
  g_assert_true (g_file_set_contents_full (key_path, (const char *) device_key, sizeof device_key,
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (g_chmod (db_path, 0600), ==, 0);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE outbox (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE,"
                                 " slug TEXT NOT NULL, dossier BLOB NOT NULL, created INTEGER NOT NULL,"
                                 " attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL DEFAULT 0,"
                                 " failed INTEGER NOT NULL DEFAULT 0, last_error TEXT);"
                                 "CREATE TABLE outbox_files (outbox_id INTEGER NOT NULL REFERENCES outbox (id)"
                                 " ON DELETE CASCADE, position INTEGER NOT NULL, varname TEXT NOT NULL,"
                                 " content_type TEXT NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL,"
                                 " PRIMARY KEY (outbox_id, position));", NULL, NULL, NULL), ==, SQLITE_OK);
  {
    g_autoptr(GBytes) sealed_json = seal_format_1 (device_key, (const guint8 *) json, strlen (json));
    GBytes *content = kiosk_document_get_content (document);
    g_autoptr(GBytes) sealed_file = seal_format_1 (device_key, g_bytes_get_data (content, NULL), g_bytes_get_size (content));

    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO outbox (idempotency_key, slug, dossier, created)"
                                         " VALUES ('key-old', 'aide-medicale', ?, 0)", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_blob (stmt, 1, g_bytes_get_data (sealed_json, NULL), g_bytes_get_size (sealed_json), SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO outbox_files VALUES (1, 0, 'id_card', 'image/jpeg', ?, ?)",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_text (stmt, 1, kiosk_document_get_sha256 (document), -1, SQLITE_STATIC);
    sqlite3_bind_blob (stmt, 2, g_bytes_get_data (sealed_file, NULL), g_bytes_get_size (sealed_file), SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);

  {
    g_autoptr(KioskOutbox) outbox = kiosk_outbox_open (db_path, key_path, &error);

    g_assert_no_error (error);
    g_assert_true (kiosk_outbox_load (outbox, 1, &loaded, &files, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (loaded, ==, json);
    g_assert_cmpstr (kiosk_document_get_sha256 (g_ptr_array_index (files, 0)), ==, kiosk_document_get_sha256 (document));
    /* Streamed as it is sent: the same bytes. */
    {
      g_autofree char *streamed_json = NULL;
      g_autoptr(GPtrArray) parts = NULL;
      KioskUploadPart *part;
      gpointer stream;
      GByteArray *bytes = g_byte_array_new ();
      guint8 buffer[1000];
      gssize n;
      g_autofree char *sha = NULL;

      g_assert_true (kiosk_outbox_get_parts (outbox, 1, &streamed_json, &parts, &error));
      part = g_ptr_array_index (parts, 0);
      g_assert_cmpuint (part->size, ==, g_bytes_get_size (kiosk_document_get_content (document)));
      stream = part->open (part->data, &error);
      g_assert_nonnull (stream);
      while ((n = part->read (stream, buffer, sizeof buffer)) > 0)
        g_byte_array_append (bytes, buffer, n);
      g_assert_cmpint (n, ==, 0);
      part->close (stream);
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes->data, bytes->len);
      g_assert_cmpstr (sha, ==, kiosk_document_get_sha256 (document));
      g_byte_array_unref (bytes);
    }
    /* What is queued now is in format 2. */
    {
      g_autoptr(GPtrArray) documents = g_ptr_array_new ();

      g_ptr_array_add (documents, document);
      g_assert_cmpint (kiosk_outbox_add (outbox, "aide-medicale", "key-new", json, documents, &error), ==, 2);
    }
  }
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT format, substr (data, 1, 4) FROM outbox_files ORDER BY outbox_id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, KIOSK_SEAL_SECRETSTREAM);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, KIOSK_SEAL_CHACHA20_CHUNKS);
  g_assert_cmpmem (sqlite3_column_blob (stmt, 1), 4, "KOB2", 4);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static GBytes *
read_entry_key (const char *db,
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

static gboolean
file_contains_bytes (const char *path,
                     GBytes     *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, g_bytes_get_data (needle, NULL), g_bytes_get_size (needle)) != NULL;
}

/* Each entry has a key of its own, sealed under the device key. Removing the entry wipes that
 * key from the database and its write-ahead log first (crypto-shredding), so what may remain of
 * the entry's blobs in free pages is unreadable even with the device key; an entry shredded but
 * not yet deleted when the kiosk stopped is deleted at the next start. */
static void
test_shredded_on_removal (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "outbox.db-wal", NULL);
  g_autofree char *key_path = g_build_filename (dir, "device.key", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(GBytes) first_key = NULL;
  g_autoptr(GBytes) second_key = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first, second;

  queue_dossier (outbox, "key-shred-1", "scan bytes to shred", TRUE);
  queue_dossier (outbox, "key-shred-2", "scan bytes kept", TRUE);
  entries = kiosk_outbox_list (outbox, &error);
  g_assert_cmpuint (entries->len, ==, 2);
  first = ((KioskOutboxEntry *) entries->pdata[0])->id;
  second = ((KioskOutboxEntry *) entries->pdata[1])->id;
  g_clear_pointer (&entries, g_ptr_array_unref);
  first_key = read_entry_key (db, first);
  second_key = read_entry_key (db, second);
  g_assert_nonnull (first_key);
  g_assert_nonnull (second_key);
  g_assert_false (g_bytes_equal (first_key, second_key));

  g_assert_true (kiosk_outbox_remove (outbox, first, &error));
  g_assert_no_error (error);
  g_assert_false (file_contains_bytes (db, first_key));
  g_assert_false (file_contains_bytes (wal, first_key));
  g_assert_true (file_contains_bytes (db, second_key) || file_contains_bytes (wal, second_key));

  /* Stopped between the two steps of a removal: finished at the next start. */
  g_clear_object (&outbox);
  {
    sqlite3 *handle = NULL;

    g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle, "UPDATE outbox SET entry_key = NULL, dossier = x'', shredded = 1",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (handle);
  }
  outbox = kiosk_outbox_open (db, key_path, &error);
  g_assert_no_error (error);
  entries = kiosk_outbox_list (outbox, &error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_null (read_entry_key (db, second));
  g_assert_false (file_contains_bytes (db, second_key));
}

/* 500 three times, then 201: delivered once, then the entry is gone. */
static void
test_retry_then_deliver (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(KioskPortal) client = kiosk_portal_new (portal->url, "epn-test", NULL);
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint rounds = 0, sent = 0;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  queue_dossier (outbox, "key-retry", "scan bytes for retry", TRUE);
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 3, \"status\": 500}");
  while (sent == 0 && rounds++ < 50)
    {
      sent = drain (outbox, client);
      kiosk_test_spin (20);
    }
  g_assert_cmpuint (sent, ==, 1);
  g_assert_cmpuint (rounds, >=, 4);
  entries = kiosk_outbox_list (outbox, NULL);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_cmpuint (json_array_get_length (submissions (&root)), ==, 1);
}

/* 503 with Retry-After: the next attempt waits at least that long. */
static void
test_retry_after (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(KioskPortal) client = kiosk_portal_new (portal->url, "epn-test", NULL);
  g_autoptr(GPtrArray) entries = NULL;
  KioskOutboxEntry *entry;
  gint64 before = g_get_real_time ();

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  queue_dossier (outbox, "key-retry-after", "scan bytes for retry-after", TRUE);
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 1, \"status\": 503, \"retry_after\": 3}");
  g_assert_cmpuint (drain (outbox, client), ==, 0);
  entries = kiosk_outbox_list (outbox, NULL);
  entry = g_ptr_array_index (entries, 0);
  g_assert_false (entry->failed);
  g_assert_cmpuint (entry->attempts, ==, 1);
  g_assert_cmpint (entry->next_attempt - before, >=, 3 * G_USEC_PER_SEC);
  /* Not due yet: a drain now sends nothing. */
  g_assert_cmpuint (drain (outbox, client), ==, 0);
}

/* A 422 will not change by retrying: kept, marked failed with the portal's reason, not resent. */
static void
test_refused_not_retried (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(KioskPortal) client = kiosk_portal_new (portal->url, "epn-test", NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) root = NULL;
  KioskOutboxEntry *entry;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/faults", "{}");
  queue_dossier (outbox, "key-422", "scan bytes for 422", FALSE);
  g_assert_cmpuint (drain (outbox, client), ==, 0);
  g_assert_cmpuint (drain (outbox, client), ==, 0);
  entries = kiosk_outbox_list (outbox, NULL);
  entry = g_ptr_array_index (entries, 0);
  g_assert_true (entry->failed);
  g_assert_cmpuint (entry->attempts, ==, 1);
  g_assert_nonnull (strstr (entry->last_error, "refused some answers"));
  g_assert_cmpuint (json_array_get_length (submissions (&root)), ==, 0);
}

/* The portal stores the dossier, then the connection drops before the answer: the kiosk cannot
 * know, so it sends again with the same key, and the portal replays instead of duplicating. */
static void
test_reset_after_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(KioskPortal) client = kiosk_portal_new (portal->url, "epn-test", NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) root = NULL;
  guint rounds = 0, sent = 0;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/faults", "{\"reset_after_store\": 1}");
  queue_dossier (outbox, "key-lost-answer", "scan bytes for a lost answer", TRUE);

  g_assert_cmpuint (drain (outbox, client), ==, 0);
  g_assert_cmpuint (json_array_get_length (submissions (&root)), ==, 1);
  while (sent == 0 && rounds++ < 50)
    {
      kiosk_test_spin (20);
      sent = drain (outbox, client);
    }
  g_assert_cmpuint (sent, ==, 1);
  entries = kiosk_outbox_list (outbox, NULL);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&root, json_object_unref);
  g_assert_cmpuint (json_array_get_length (submissions (&root)), ==, 1);
}

static void
run_openssl (const char *dir,
             const char *script)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "/bin/sh", "-c", script, NULL };

  g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Submits one dossier to a portal serving @name.pem; returns the error, or NULL when accepted. */
static GError *
submit_over_tls (const char *dir,
                 const char *name,
                 const char *pin)
{
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, name);
  g_autofree char *ca = g_build_filename (dir, "ca.pem", NULL);
  const char *extra[] = { "--tls-cert", cert, "--tls-key", key, NULL };
  KioskTestPortal *tls_portal = kiosk_test_portal_start_with (extra);
  g_autoptr(KioskPortal) client = kiosk_portal_new (tls_portal->url, "epn-test", NULL);
  g_autoptr(KioskDocument) document = make_document ("scan bytes over TLS");
  g_autofree char *json = make_json ("Wamytan", document, TRUE);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
  g_autofree char *idempotency_key = g_uuid_string_random ();
  g_autoptr(KioskReceipt) receipt = NULL;
  GError *error = NULL;

  g_assert_true (g_str_has_prefix (tls_portal->url, "https://localhost:"));
  kiosk_portal_set_tls (client, ca, pin);
  g_ptr_array_add (documents, kiosk_upload_part_new_for_document (document));
  receipt = kiosk_portal_submit_payload (client, "aide-medicale", idempotency_key, json, documents,
                                         NULL, NULL, &error);
  g_assert_true ((receipt != NULL) == (error == NULL));
  kiosk_test_portal_stop (tls_portal);
  return error;
}

/* HTTPS to the portal: its certificate must chain to the configured CA, name the host, be
 * valid now, and match the pinned key when one is set; otherwise nothing is sent. */
static void
test_tls (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-tls-XXXXXX", NULL);
  g_autofree char *pin = NULL;
  g_autofree char *pin_path = g_build_filename (dir, "good.pin", NULL);
  GError *error;

  run_openssl (dir,
               "set -e\n"
               "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Kiosk Test CA'\n"
               "for n in good:localhost wrong:wrong.example expired:localhost; do\n"
               "  name=${n%%:*}; host=${n#*:}; days=2; [ $name = expired ] && days=-1\n"
               "  openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj \"/CN=$host\"\n"
               "  printf 'subjectAltName=DNS:%s\\n' $host > $name.ext\n"
               "  openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $name.pem -days $days -extfile $name.ext\n"
               "done\n"
               "openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem -days 2 -subj '/CN=localhost' -addext subjectAltName=DNS:localhost\n"
               "openssl x509 -in good.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64 > good.pin\n");

  error = submit_over_tls (dir, "good", NULL);
  g_assert_no_error (error);

  error = submit_over_tls (dir, "wrong", NULL);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TLS);
  g_clear_error (&error);
  error = submit_over_tls (dir, "self", NULL);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TLS);
  g_clear_error (&error);
  error = submit_over_tls (dir, "expired", NULL);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TLS);
  g_clear_error (&error);

  /* Pinning: the right key passes, another one is refused even with a valid chain. */
  g_assert_true (g_file_get_contents (pin_path, &pin, NULL, NULL));
  g_strstrip (pin);
  {
    g_autofree char *good = g_strdup_printf ("sha256//%s", pin);

    error = submit_over_tls (dir, "good", good);
    g_assert_no_error (error);
    error = submit_over_tls (dir, "good", "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TLS);
    g_clear_error (&error);
  }
}

static GError *
submit_signed (KioskTestPortal *server,
               GBytes          *key)
{
  g_autoptr(KioskPortal) client = kiosk_portal_new (server->url, "epn-test", NULL);
  g_autoptr(KioskDocument) document = make_document ("scan bytes, signed");
  g_autofree char *json = make_json ("Wamytan", document, TRUE);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
  g_autofree char *idempotency_key = g_uuid_string_random ();
  g_autoptr(KioskReceipt) receipt = NULL;
  GError *error = NULL;

  kiosk_portal_set_signing_key (client, key);
  g_ptr_array_add (documents, kiosk_upload_part_new_for_document (document));
  receipt = kiosk_portal_submit_payload (client, "aide-medicale", idempotency_key, json, documents,
                                         NULL, NULL, &error);
  return error;
}

/* Requests are signed with the kiosk's key (a 0600 file); the portal refuses anything else. */
static void
test_signed_requests (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-key-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kiosk.key", NULL);
  g_autofree char *other_path = g_build_filename (dir, "other.key", NULL);
  const char *extra[] = { "--kiosk-key", path, NULL };
  KioskTestPortal *server;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) other = NULL;
  g_autoptr(GError) load_error = NULL;
  GError *error;
  guint8 secret[32];

  for (guint i = 0; i < sizeof secret; i++)
    secret[i] = g_random_int_range (0, 256);
  g_assert_true (g_file_set_contents_full (path, (const char *) secret, sizeof secret,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  secret[0] ^= 0xff;
  g_assert_true (g_file_set_contents_full (other_path, (const char *) secret, sizeof secret,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0644, NULL));
  key = kiosk_portal_load_signing_key (path, &load_error);
  g_assert_no_error (load_error);
  /* A key file others may read is refused. */
  g_assert_null (kiosk_portal_load_signing_key (other_path, &load_error));
  g_assert_nonnull (load_error);
  g_chmod (other_path, 0600);
  other = kiosk_portal_load_signing_key (other_path, NULL);

  server = kiosk_test_portal_start_with (extra);
  error = submit_signed (server, key);
  g_assert_no_error (error);
  error = submit_signed (server, NULL);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "bad-signature"));
  g_clear_error (&error);
  error = submit_signed (server, other);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED);
  g_clear_error (&error);
  kiosk_test_portal_stop (server);
}

/* Drains once: the portal never answers in time, so the request must be abandoned within
 * @max_us and the dossier kept, pending, for the next attempt. */
static void
assert_abandoned_and_kept (KioskOutbox *outbox,
                           KioskPortal *client,
                           gint64       max_us)
{
  g_autoptr(GPtrArray) entries = NULL;
  KioskOutboxEntry *entry;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpuint (drain (outbox, client), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, max_us);
  entries = kiosk_outbox_list (outbox, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_false (entry->failed);
  g_assert_nonnull (strstr (entry->last_error, "in time"));
  kiosk_test_portal_post (portal, "_control/faults", "{}");
}

/* A portal that never answers in time: the request is abandoned at the configured timeout and
 * the dossier waits for the next attempt. */
static void
test_timeout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(KioskPortal) client = kiosk_portal_new (portal->url, "epn-test", NULL);

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/faults", "{\"delay_ms\": 3000}");
  kiosk_portal_set_timeouts (client, 1000, 800);
  queue_dossier (outbox, "key-timeout", "scan bytes, slow portal", TRUE);
  assert_abandoned_and_kept (outbox, client, 2500 * 1000);
  /* Let the portal's delayed answer go before the next test resets it. */
  kiosk_test_spin (2500);
}

static gint64
run_worker (const char *dir,
            const char *n,
            const char *option,
            const char *option2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                                   g_getenv ("KIOSK_OUTBOX_WORKER"), dir, portal->url,
                                                   n, option, option2, NULL);
  g_autofree char *out = NULL;
  const char *hwm;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (child));
  hwm = strstr (out, "vmhwm_kb=");
  return hwm ? g_ascii_strtoll (hwm + 9, NULL, 10) : 0;
}

/* Sending a 16 MB document from the outbox takes no more memory than sending 1 kB: it is
 * decrypted from the database chunk by chunk as the upload goes. */
static void
test_streaming_memory (void)
{
  g_autofree char *small_dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autofree char *large_dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  gint64 small, large;
  g_autoptr(JsonObject) root = NULL;
  JsonArray *received;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/faults", "{}");
  run_worker (small_dir, "1", "--size-kb=1", "--no-drain");
  small = run_worker (small_dir, "0", "--report", NULL);
  run_worker (large_dir, "1", "--size-kb=16384", "--no-drain");
  large = run_worker (large_dir, "0", "--report", NULL);
  g_test_message ("peak RSS while sending: 1 kB document %" G_GINT64_FORMAT " kB, 16 MB document %"
                  G_GINT64_FORMAT " kB", small, large);
  g_assert_cmpint (small, >, 0);
  g_assert_cmpint (large - small, <, 10 * 1024);
  received = submissions (&root);
  g_assert_cmpuint (json_array_get_length (received), ==, 2);
  g_assert_cmpint (kiosk_json_get_int (json_array_get_object_element (
                     kiosk_json_get_array (json_array_get_object_element (received, 1), "files"), 0),
                   "size", 0), ==, 16384 * 1024);
}

/* The disk fills up while dossiers are being queued: a clear error, the database stays sound,
 * and every dossier that was committed is still delivered. */
static void
test_disk_full (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) root = NULL;
  guint queued = 0;
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/faults", "{}");
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("KIOSK_OUTBOX_WORKER"),
                            dir, portal->url, "20", "--size-kb=200", "--no-drain", "--fsize-limit-kb=1500",
                            NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 3);
  g_assert_nonnull (strstr (out, "error Cannot queue the dossier"));
  for (const char *p = out; (p = strstr (p, "queued ")) != NULL; p++)
    queued++;
  g_assert_cmpuint (queued, >, 0);
  g_assert_cmpuint (queued, <, 20);

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (handle);

  /* With room again, what was committed goes, and only that. */
  run_worker (dir, "0", NULL, NULL);
  g_assert_cmpuint (json_array_get_length (submissions (&root)), ==, queued);
}

/* A portal that answers one byte a second: the low-speed limit ends the request, the dossier
 * waits for the next attempt. */
static void
test_trickle (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(KioskOutbox) outbox = open_outbox (dir);
  g_autoptr(KioskPortal) client = kiosk_portal_new (portal->url, "epn-test", NULL);

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/faults", "{\"trickle\": 1}");
  kiosk_portal_set_low_speed (client, 100, 2);
  queue_dossier (outbox, "key-trickle", "scan bytes, trickling portal", TRUE);
  /* curl averages the speed over its last seconds: the fast upload before the trickle counts
   * for a few seconds, then 2 s under the limit end it — long before the 120 s overall limit. */
  assert_abandoned_and_kept (outbox, client, 15 * G_USEC_PER_SEC);
}

static size_t
discard_cb (char *data, size_t size, size_t nmemb, void *user_data)
{
  return size * nmemb;
}

/* A correctly signed request whose clock is 1,000 s off is refused. */
static void
test_clock_skew (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-key-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kiosk.key", NULL);
  const char *extra[] = { "--kiosk-key", path, NULL };
  const char secret[] = "0123456789abcdef0123456789abcdef";
  g_autoptr(GBytes) key = g_bytes_new_static (secret, 32);
  KioskTestPortal *server;
  g_autofree char *url = NULL;
  gint64 offsets[] = { 0, -1000, 1000 };
  long expected[] = { 200, 401, 401 };

  g_assert_true (g_file_set_contents_full (path, secret, 32, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  server = kiosk_test_portal_start_with (extra);
  url = g_strconcat (server->url, "api/catalogue", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autofree char *digest = kiosk_content_digest_for_data ("", 0);
      g_autofree char *digest_line = g_strdup_printf ("Content-Digest: %s", digest);
      const char *lines[] = { "X-Kiosk-Id: skewed", digest_line, NULL };
      gint64 created = g_get_real_time () / G_USEC_PER_SEC + offsets[i];
      g_auto(GStrv) signature = kiosk_signature_sign (key, "skewed", "GET", url, lines, created, NULL);
      struct curl_slist *headers = curl_slist_append (curl_slist_append (NULL, lines[0]), lines[1]);
      CURL *curl = curl_easy_init ();
      long status = 0;

      headers = curl_slist_append (curl_slist_append (headers, signature[0]), signature[1]);
      curl_easy_setopt (curl, CURLOPT_URL, url);
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard_cb);
      g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
      g_assert_cmpint (status, ==, expected[i]);
      curl_easy_cleanup (curl);
      curl_slist_free_all (headers);
    }
  kiosk_test_portal_stop (server);
}

static gboolean
process_gone_cb (gpointer data)
{
  /* The identifier goes away once GLib has reaped the process. */
  return g_subprocess_get_identifier (data) == NULL;
}

/* SIGKILL at random moments while queueing and sending 100 dossiers (the worker links the
 * kiosk-core outbox and sender, and is restarted after each kill): every dossier that was
 * committed reaches the portal exactly once, with the right bytes; the database stays sound. */
static void
test_kill_9 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-outbox-XXXXXX", NULL);
  g_autoptr(GHashTable) queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonObject) root = NULL;
  const char *worker = g_getenv ("KIOSK_OUTBOX_WORKER");
  guint kills = 0;
  guint idle_runs = 0;
  JsonArray *received;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/faults", "{\"delay_ms\": 15}");

  /* Until 100 dossiers are committed, and then while the sender still has some to send. */
  for (guint run = 0; run < 400; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) child = NULL;
      g_autofree char *out = NULL;
      /* The first runs queue dossiers; the later ones only send what is left. */
      guint still = 100 - MIN (100, g_hash_table_size (queued));
      g_autofree char *n = g_strdup_printf ("%u", MIN (still, 5));
      guint before = g_hash_table_size (queued);
      gboolean killed;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                worker, dir, portal->url, n, NULL);
      g_assert_no_error (error);
      /* A worker that starts slowly (a busy machine, the sanitizers) is given longer each time
       * a run queued nothing, so that the runs always end. */
      kiosk_test_wait (process_gone_cb, child, g_random_int_range (5, 120 * (1 + idle_runs)));
      killed = !process_gone_cb (child);
      if (killed)
        {
          g_subprocess_send_signal (child, SIGKILL);
          kills++;
        }
      g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      {
        g_auto(GStrv) lines = g_strsplit (out ? out : "", "\n", -1);

        for (guint i = 0; lines[i] != NULL; i++)
          {
            g_auto(GStrv) words = g_strsplit (lines[i], " ", 3);

            if (g_strv_length (words) == 3 && g_str_equal (words[0], "queued"))
              g_hash_table_insert (queued, g_strdup (words[1]), g_strdup (words[2]));
          }
      }
      idle_runs = still > 0 && g_hash_table_size (queued) == before ? idle_runs + 1 : 0;

      /* The database survives every kill. */
      {
        g_autofree char *db = g_build_filename (dir, "outbox.db", NULL);
        sqlite3 *handle = NULL;
        sqlite3_stmt *stmt = NULL;

        /* Killed before it even created the database: then nothing was queued yet. */
        if (!g_file_test (db, G_FILE_TEST_EXISTS))
          {
            g_assert_cmpuint (g_hash_table_size (queued), ==, 0);
            continue;
          }
        g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
        sqlite3_finalize (stmt);
        sqlite3_close (handle);
      }
      if (!killed && still == 0)
        break;
    }

  /* A last run without interruption empties the outbox. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                     worker, dir, portal->url, "0", NULL);

    g_assert_true (g_subprocess_wait_check (child, NULL, &error));
    g_assert_no_error (error);
  }

  g_test_message ("%u kills, %u dossiers queued", kills, g_hash_table_size (queued));
  g_print ("# kill-9: %u kills, %u dossiers\n", kills, g_hash_table_size (queued));
  g_assert_cmpuint (kills, >, 0);
  g_assert_cmpuint (g_hash_table_size (queued), ==, 100);
  received = submissions (&root);
  /* Exactly once each (a dossier killed before its commit was never "queued"). */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < json_array_get_length (received); i++)
      {
        JsonObject *dossier = json_array_get_object_element (received, i);
        const char *key = kiosk_json_get_string (dossier, "idempotency_key");
        JsonObject *file = json_array_get_object_element (kiosk_json_get_array (dossier, "files"), 0);

        g_assert_false (g_hash_table_contains (seen, key));
        g_hash_table_add (seen, (gpointer) key);
        if (g_hash_table_contains (queued, key))
          g_assert_cmpstr (kiosk_json_get_string (file, "sha256"), ==, g_hash_table_lookup (queued, key));
      }
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, queued);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_assert_true (g_hash_table_contains (seen, key));
    }
  }
  kiosk_test_portal_post (portal, "_control/faults", "{}");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/reliability/encrypted-at-rest", test_encrypted_at_rest);
  g_test_add_func ("/reliability/seal", test_seal);
  g_test_add_func ("/reliability/old-format-outbox", test_old_format_outbox);
  g_test_add_func ("/reliability/shredded-on-removal", test_shredded_on_removal);
  g_test_add_func ("/reliability/retry-then-deliver", test_retry_then_deliver);
  g_test_add_func ("/reliability/retry-after", test_retry_after);
  g_test_add_func ("/reliability/refused-not-retried", test_refused_not_retried);
  g_test_add_func ("/reliability/reset-after-store", test_reset_after_store);
  g_test_add_func ("/reliability/timeout", test_timeout);
  g_test_add_func ("/reliability/trickle", test_trickle);
  g_test_add_func ("/reliability/tls", test_tls);
  g_test_add_func ("/reliability/signed-requests", test_signed_requests);
  g_test_add_func ("/reliability/clock-skew", test_clock_skew);
  g_test_add_func ("/reliability/streaming-memory", test_streaming_memory);
  g_test_add_func ("/reliability/disk-full", test_disk_full);
  g_test_add_func ("/reliability/kill-9", test_kill_9);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
