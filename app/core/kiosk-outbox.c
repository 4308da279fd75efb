/* kiosk-outbox.c: the durable, encrypted queue of dossiers for the portal, and its sender.
 *
 * A dossier enters in one transaction (WAL, synchronous=FULL: committed means on disk) with its
 * Idempotency-Key; it leaves only when the portal has acknowledged it, so a crash or a power cut
 * at any point either resends it with the same key (the portal replays its answer) or finds it
 * already gone. Every blob is sealed in 64 KiB chunks (kiosk-seal.c; its format is recorded
 * beside it) under a key of its own entry, itself sealed (crypto_secretbox) under the device key. Removing an
 * entry first wipes that small key (secure_delete on, then a WAL checkpoint), which makes what is
 * left of the entry's blobs unreadable for good; the rows are then deleted with secure_delete=FAST:
 * what they held in their own pages (slug, Idempotency-Key, document names) is zeroed, while the
 * blobs' overflow pages are freed without overwriting them, which would cost as much as writing
 * them again. A checkpoint that a reader (a document being sent) keeps from finishing is retried
 * when that reader closes: until then the write-ahead log still holds old pages. */
#include "kiosk-outbox.h"
#include "kiosk-followup.h"

#include "kiosk-errors.h"
#include "kiosk-hardening.h"
#include "kiosk-seal.h"
#include "kiosk-task.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


struct _KioskOutbox
{
  GObject  parent_instance;

  GMutex   lock;
  sqlite3 *db;
  char    *db_path;
  guint8   key[KIOSK_SEAL_KEY_BYTES];
  guint    base_ms;
  guint    cap_ms;
  gboolean key_locked;
  gboolean checkpoint_pending;   /* a removal's checkpoint did not finish: the WAL holds old pages */
};

G_DEFINE_FINAL_TYPE (KioskOutbox, kiosk_outbox, G_TYPE_OBJECT)

/* 64 KiB pages (for a new file): a document of several megabytes is read through 16 times fewer
 * overflow pages. */
static const char schema_sql[] =
  "PRAGMA page_size=65536;"
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=FULL;"
  "PRAGMA secure_delete=ON;"
  "PRAGMA foreign_keys=ON;"
  "CREATE TABLE IF NOT EXISTS outbox ("
  "  id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, slug TEXT NOT NULL,"
  "  dossier BLOB NOT NULL, created INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
  "  entry_key BLOB, shredded INTEGER NOT NULL DEFAULT 0, dossier_format INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE IF NOT EXISTS outbox_files ("
  "  outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE, position INTEGER NOT NULL,"
  "  varname TEXT NOT NULL, content_type TEXT NOT NULL, sha256 TEXT NOT NULL, data BLOB NOT NULL,"
  "  format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (outbox_id, position));";

void
kiosk_outbox_entry_free (KioskOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->idempotency_key);
  g_free (entry->slug);
  g_free (entry->last_error);
  g_free (entry);
}

static void
kiosk_outbox_finalize (GObject *object)
{
  KioskOutbox *self = KIOSK_OUTBOX (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->db_path);
  sodium_memzero (self->key, sizeof self->key);
  if (self->key_locked)
    kiosk_memory_unlock (self->key, sizeof self->key);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kiosk_outbox_parent_class)->finalize (object);
}

static void
kiosk_outbox_class_init (KioskOutboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_outbox_finalize;
}

static void
kiosk_outbox_init (KioskOutbox *self)
{
  g_mutex_init (&self->lock);
  self->base_ms = 2000;
  self->cap_ms = 5 * 60 * 1000;
}

static gboolean
fail_storage (const char  *what,
              const char  *detail,
              GError     **error)
{
  g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED, "%s: %s", what, detail);
  return FALSE;
}

/* Reads the device key, or creates it (0600) on first use. */
static gboolean
load_key (const char  *path,
          guint8      *key,
          GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;

  if (fd < 0 && errno == ENOENT)
    {
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd < 0)
        return fail_storage ("Cannot create the device key", g_strerror (errno), error);
      randombytes_buf (key, KIOSK_SEAL_KEY_BYTES);
      if (write (fd, key, KIOSK_SEAL_KEY_BYTES) != KIOSK_SEAL_KEY_BYTES || fsync (fd) != 0)
        {
          close (fd);
          g_unlink (path);
          return fail_storage ("Cannot write the device key", g_strerror (errno), error);
        }
      close (fd);
      return TRUE;
    }
  if (fd < 0)
    return fail_storage ("Cannot read the device key", g_strerror (errno), error);
  if (fstat (fd, &st) != 0 || (st.st_mode & 0077) != 0)
    {
      close (fd);
      return fail_storage ("Refusing the device key", "it must be readable by its owner only (0600)", error);
    }
  if (read (fd, key, KIOSK_SEAL_KEY_BYTES) != KIOSK_SEAL_KEY_BYTES)
    {
      close (fd);
      return fail_storage ("Cannot read the device key", "too short", error);
    }
  close (fd);
  return TRUE;
}

static void purge_shredded (KioskOutbox *self);
static gboolean checkpoint (KioskOutbox *self);

/**
 * kiosk_outbox_open:
 * @db_path: the outbox database (created 0600 if missing)
 * @key_path: the device key (created 0600 if missing; refused if others may read it)
 *
 * Returns: (transfer full): the outbox, or %NULL with a #KIOSK_STORAGE_ERROR
 */
KioskOutbox *
kiosk_outbox_open (const char  *db_path,
                   const char  *key_path,
                   GError     **error)
{
  g_autoptr(KioskOutbox) self = g_object_new (KIOSK_TYPE_OUTBOX, NULL);
  g_autofree char *dir = g_path_get_dirname (db_path);
  char *message = NULL;
  int fd;

  if (sodium_init () < 0)
    return fail_storage ("Cannot initialise libsodium", "sodium_init", error), NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return fail_storage ("Cannot create", dir, error), NULL;
  self->key_locked = kiosk_memory_lock (self->key, sizeof self->key);
  if (!load_key (key_path, self->key, error))
    return NULL;
  /* Create the file 0600 ourselves: SQLite would use the umask. */
  fd = open (db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);
  if (sqlite3_open_v2 (db_path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    return fail_storage ("Cannot open the outbox", sqlite3_errmsg (self->db), error), NULL;
  sqlite3_busy_timeout (self->db, 5000);
  self->db_path = g_strdup (db_path);
  if (sqlite3_exec (self->db, schema_sql, NULL, NULL, &message) != SQLITE_OK)
    {
      fail_storage ("Cannot prepare the outbox", message, error);
      sqlite3_free (message);
      return NULL;
    }
  /* An outbox from before entries had keys of their own. */
  if (sqlite3_exec (self->db, "SELECT entry_key FROM outbox LIMIT 0", NULL, NULL, NULL) != SQLITE_OK
      && sqlite3_exec (self->db, "ALTER TABLE outbox ADD COLUMN entry_key BLOB;"
                                 "ALTER TABLE outbox ADD COLUMN shredded INTEGER NOT NULL DEFAULT 0;",
                       NULL, NULL, &message) != SQLITE_OK)
    {
      fail_storage ("Cannot update the outbox's format", message, error);
      sqlite3_free (message);
      return NULL;
    }
  /* An outbox from before blobs recorded their format (all then in format 1). */
  if (sqlite3_exec (self->db, "SELECT format FROM outbox_files LIMIT 0", NULL, NULL, NULL) != SQLITE_OK
      && sqlite3_exec (self->db, "ALTER TABLE outbox ADD COLUMN dossier_format INTEGER NOT NULL DEFAULT 1;"
                                 "ALTER TABLE outbox_files ADD COLUMN format INTEGER NOT NULL DEFAULT 1;",
                       NULL, NULL, &message) != SQLITE_OK)
    {
      fail_storage ("Cannot update the outbox's format", message, error);
      sqlite3_free (message);
      return NULL;
    }
  /* Stopped between shredding an entry and deleting it. */
  purge_shredded (self);
  return g_steal_pointer (&self);
}

/**
 * kiosk_outbox_set_backoff:
 * @base_ms: the first retry waits up to this long
 * @cap_ms: no wait is longer than this (5 minutes by default)
 *
 * Retries use full-jitter exponential backoff: a random wait in [0, min(cap, base × 2^attempts)].
 */
void
kiosk_outbox_set_backoff (KioskOutbox *self,
                          guint        base_ms,
                          guint        cap_ms)
{
  self->base_ms = base_ms;
  self->cap_ms = cap_ms;
}

#define ENTRY_KEY_BYTES KIOSK_SEAL_KEY_BYTES
#define WRAPPED_KEY_BYTES (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + ENTRY_KEY_BYTES)

/**
 * kiosk_outbox_add:
 * @documents: (element-type KioskDocument): the files
 *
 * Seals and commits a dossier. When this returns, the dossier survives a crash.
 *
 * Returns: the entry's id, or 0 with @error set
 */
gint64
kiosk_outbox_add (KioskOutbox  *self,
                  const char   *slug,
                  const char   *idempotency_key,
                  const char   *dossier_json,
                  GPtrArray    *documents,
                  GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  guint8 entry_key[ENTRY_KEY_BYTES];
  guint8 wrapped[WRAPPED_KEY_BYTES];
  g_autoptr(GBytes) sealed = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  randombytes_buf (entry_key, sizeof entry_key);
  randombytes_buf (wrapped, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy (wrapped + crypto_secretbox_NONCEBYTES, entry_key, sizeof entry_key, wrapped, self->key);
  sealed = kiosk_seal (entry_key, dossier_json, strlen (dossier_json));
  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      sodium_memzero (entry_key, sizeof entry_key);
      return fail_storage ("Cannot queue the dossier", sqlite3_errmsg (self->db), error), 0;
    }
  if (sqlite3_prepare_v2 (self->db, "INSERT INTO outbox (idempotency_key, slug, dossier, created, entry_key, dossier_format)"
                          " VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (stmt, 1, idempotency_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (stmt, 3, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  sqlite3_bind_blob (stmt, 5, wrapped, sizeof wrapped, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, KIOSK_SEAL_CHACHA20_CHUNKS);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);
  id = sqlite3_last_insert_rowid (self->db);

  if (sqlite3_prepare_v2 (self->db, "INSERT INTO outbox_files (outbox_id, position, varname, content_type,"
                          " sha256, data, format) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      KioskDocument *document = g_ptr_array_index (documents, i);
      GBytes *content = kiosk_document_get_content (document);
      g_autoptr(GBytes) data = kiosk_seal (entry_key, g_bytes_get_data (content, NULL), g_bytes_get_size (content));

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, kiosk_document_get_varname (document), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, kiosk_document_get_content_type (document), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, kiosk_document_get_sha256 (document), -1, SQLITE_STATIC);
      sqlite3_bind_blob64 (stmt, 6, g_bytes_get_data (data, NULL), g_bytes_get_size (data), SQLITE_STATIC);
      sqlite3_bind_int (stmt, 7, KIOSK_SEAL_CHACHA20_CHUNKS);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto fail;
  sodium_memzero (entry_key, sizeof entry_key);
  return id;

fail:
  sodium_memzero (entry_key, sizeof entry_key);
  fail_storage ("Cannot queue the dossier", sqlite3_errmsg (self->db), error);
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return 0;
}

/**
 * kiosk_outbox_list:
 *
 * Returns: (transfer full) (element-type KioskOutboxEntry): every entry, oldest first
 */
GPtrArray *
kiosk_outbox_list (KioskOutbox  *self,
                   GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_outbox_entry_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "SELECT id, idempotency_key, slug, failed, attempts, next_attempt,"
                          " last_error, created FROM outbox WHERE shredded = 0 ORDER BY id", -1, &stmt, NULL) != SQLITE_OK)
    {
      g_ptr_array_unref (entries);
      return fail_storage ("Cannot read the outbox", sqlite3_errmsg (self->db), error), NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KioskOutboxEntry *entry = g_new0 (KioskOutboxEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->idempotency_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->slug = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->failed = sqlite3_column_int (stmt, 3);
      entry->attempts = sqlite3_column_int (stmt, 4);
      entry->next_attempt = sqlite3_column_int64 (stmt, 5);
      entry->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      entry->created = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (entries, entry);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_ptr_array_unref (entries);
      return fail_storage ("Cannot read the outbox", sqlite3_errmsg (self->db), error), NULL;
    }
  return entries;
}

/* Decrypts an entry's `dossier` part and gives its key (the device key for entries queued before
 * entries had keys of their own); the caller holds the lock. */
/* Whether the entry is still there (not removed by a delivery from the foreground meanwhile). */
static gboolean
entry_exists (KioskOutbox *self,
              gint64       id)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  if (sqlite3_prepare_v2 (self->db, "SELECT 1 FROM outbox WHERE id = ? AND shredded = 0", -1, &stmt, NULL) != SQLITE_OK)
    return TRUE;
  sqlite3_bind_int64 (stmt, 1, id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/* @format: (out) (optional): the entry's format, which is its blobs' too (kiosk_outbox_add ()
 * writes them together, an old outbox gets 1 for both) */
static GBytes *
load_dossier (KioskOutbox      *self,
              gint64            id,
              guint8           *entry_key,
              KioskSealFormat  *format,
              GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  const guint8 *wrapped;
  GBytes *json;

  if (sqlite3_prepare_v2 (self->db, "SELECT dossier, entry_key, dossier_format FROM outbox WHERE id = ? AND shredded = 0",
                          -1, &stmt, NULL) != SQLITE_OK)
    return fail_storage ("Cannot read the outbox", sqlite3_errmsg (self->db), error), NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      return fail_storage ("Cannot read the outbox", "no such entry", error), NULL;
    }
  wrapped = sqlite3_column_blob (stmt, 1);
  if (wrapped == NULL)
    memcpy (entry_key, self->key, ENTRY_KEY_BYTES);
  else if (sqlite3_column_bytes (stmt, 1) != WRAPPED_KEY_BYTES
           || crypto_secretbox_open_easy (entry_key, wrapped + crypto_secretbox_NONCEBYTES,
                                          WRAPPED_KEY_BYTES - crypto_secretbox_NONCEBYTES, wrapped,
                                          self->key) != 0)
    {
      sqlite3_finalize (stmt);
      return fail_storage ("Cannot decrypt an outbox entry", "its key is damaged or not this device's", error), NULL;
    }
  if (format != NULL)
    *format = sqlite3_column_int (stmt, 2);
  json = kiosk_unseal (sqlite3_column_int (stmt, 2), entry_key, sqlite3_column_blob (stmt, 0),
                       sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  if (json == NULL)
    return fail_storage ("Cannot decrypt an outbox entry", "tampered, truncated or wrong key", error), NULL;
  return json;
}

static gboolean load_files (KioskOutbox  *self,
                            gint64        id,
                            const guint8 *entry_key,
                            GPtrArray    *files,
                            GError      **error);

/**
 * kiosk_outbox_load:
 * @dossier_json: (out) (transfer full): the decrypted `dossier` part
 * @documents: (out) (transfer full) (element-type KioskDocument): the decrypted files, each
 *   checked against the sha256 recorded when it was queued
 */
gboolean
kiosk_outbox_load (KioskOutbox  *self,
                   gint64        id,
                   char        **dossier_json,
                   GPtrArray   **documents,
                   GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) json = NULL;
  guint8 entry_key[ENTRY_KEY_BYTES];
  gboolean ok;

  json = load_dossier (self, id, entry_key, NULL, error);
  if (json == NULL)
    return FALSE;
  ok = load_files (self, id, entry_key, files, error);
  sodium_memzero (entry_key, sizeof entry_key);
  if (!ok)
    return FALSE;
  *dossier_json = g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  sodium_memzero ((gpointer) g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  *documents = g_steal_pointer (&files);
  return TRUE;
}

static gboolean
load_files (KioskOutbox  *self,
            gint64        id,
            const guint8 *entry_key,
            GPtrArray    *files,
            GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "SELECT varname, content_type, sha256, data, format FROM outbox_files"
                          " WHERE outbox_id = ? ORDER BY position", -1, &stmt, NULL) != SQLITE_OK)
    return fail_storage ("Cannot read the outbox", sqlite3_errmsg (self->db), error);
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GBytes) content = kiosk_unseal (sqlite3_column_int (stmt, 4), entry_key, sqlite3_column_blob (stmt, 3),
                                                sqlite3_column_bytes (stmt, 3));
      KioskDocument *document;

      if (content == NULL)
        {
          sqlite3_finalize (stmt);
          return fail_storage ("Cannot decrypt an outbox entry", "tampered, truncated or wrong key", error);
        }
      document = kiosk_document_new ((const char *) sqlite3_column_text (stmt, 0),
                                     (const char *) sqlite3_column_text (stmt, 1), content, NULL);
      if (g_strcmp0 (kiosk_document_get_sha256 (document), (const char *) sqlite3_column_text (stmt, 2)) != 0)
        {
          g_object_unref (document);
          sqlite3_finalize (stmt);
          return fail_storage ("Cannot read the outbox", "a document does not match its digest", error);
        }
      g_ptr_array_add (files, document);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return fail_storage ("Cannot read the outbox", sqlite3_errmsg (self->db), error);
  return TRUE;
}

/* A document of the outbox, decrypted chunk by chunk from the database as it is sent. It has its
 * own read-only connection, so an upload never holds the outbox's lock. */
typedef struct
{
  KioskOutbox     *outbox;
  char            *db_path;
  gint64           rowid;
  KioskSealFormat  format;
  guint8           key[KIOSK_SEAL_KEY_BYTES];
} StreamSource;

typedef struct
{
  KioskOutbox   *outbox;
  sqlite3       *db;
  sqlite3_blob  *blob;
  int            blob_size;
  int            offset;
  gsize          chunk_size;   /* of a sealed chunk */
  KioskUnsealer *unsealer;
  gboolean       done;         /* the last chunk was read */
  guint8        *cipher;
  guint8         plain[KIOSK_SEAL_CHUNK];
  gsize          plain_length;
  gsize          plain_offset;
} StreamReader;

static void
free_stream_source (gpointer data)
{
  StreamSource *source = data;

  sodium_memzero (source->key, sizeof source->key);
  g_clear_object (&source->outbox);
  g_free (source->db_path);
  g_free (source);
}

static void
close_stream (gpointer data)
{
  StreamReader *reader = data;

  g_clear_pointer (&reader->blob, sqlite3_blob_close);
  g_clear_pointer (&reader->db, sqlite3_close);
  g_clear_pointer (&reader->unsealer, kiosk_unsealer_free);
  g_free (reader->cipher);
  sodium_memzero (reader->plain, sizeof reader->plain);
  /* This reader may be what kept a removal's checkpoint from finishing. */
  if (reader->outbox != NULL)
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&reader->outbox->lock);

      if (reader->outbox->checkpoint_pending)
        checkpoint (reader->outbox);
    }
  g_clear_object (&reader->outbox);
  g_free (reader);
}

static gpointer
open_stream (gpointer   data,
             GError   **error)
{
  StreamSource *source = data;
  StreamReader *reader = g_new0 (StreamReader, 1);
  gsize header_size = kiosk_seal_header_size (source->format);
  guint8 header[64];

  reader->outbox = source->outbox != NULL ? g_object_ref (source->outbox) : NULL;
  if (sqlite3_open_v2 (source->db_path, &reader->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_blob_open (reader->db, "main", "outbox_files", "data", source->rowid, 0, &reader->blob) != SQLITE_OK)
    {
      g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED, "Cannot open a queued document");
      close_stream (reader);
      return NULL;
    }
  reader->blob_size = sqlite3_blob_bytes (reader->blob);
  if (reader->blob_size < (int) header_size || header_size > sizeof header
      || sqlite3_blob_read (reader->blob, header, header_size, 0) != SQLITE_OK
      || (reader->unsealer = kiosk_unsealer_new (source->format, source->key, header)) == NULL)
    {
      g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED, "Cannot decrypt a queued document");
      close_stream (reader);
      return NULL;
    }
  reader->offset = header_size;
  reader->chunk_size = kiosk_seal_chunk_size (source->format);
  reader->cipher = g_malloc (reader->chunk_size);
  return reader;
}

/* Decrypts the next chunk into @plain (room for KIOSK_SEAL_CHUNK bytes).
 * Returns: its size, 0 at the end, -1 if the blob was changed or truncated */
static gssize
read_chunk (StreamReader *reader,
            guint8       *plain)
{
  int length = MIN ((int) reader->chunk_size, reader->blob_size - reader->offset);
  gboolean last = reader->offset + length == reader->blob_size;
  gsize size = 0;

  if (length == 0)
    return reader->done ? 0 : -1;   /* no chunk at all: truncated */
  if (sqlite3_blob_read (reader->blob, reader->cipher, length, reader->offset) != SQLITE_OK
      || !kiosk_unsealer_pull (reader->unsealer, reader->cipher, length, last, plain, &size))
    return -1;
  reader->offset += length;
  reader->done = last;
  return size;
}

static gssize
read_stream (gpointer  data,
             guint8   *buffer,
             gsize     size)
{
  StreamReader *reader = data;
  gsize take;

  if (reader->plain_offset == reader->plain_length)
    {
      gssize length;

      /* Room for a whole chunk: decrypted right where it is wanted, without a copy. */
      if (size >= KIOSK_SEAL_CHUNK)
        return read_chunk (reader, buffer);
      length = read_chunk (reader, reader->plain);
      if (length <= 0)
        return length;
      reader->plain_length = length;
      reader->plain_offset = 0;
    }
  take = MIN (size, reader->plain_length - reader->plain_offset);
  memcpy (buffer, reader->plain + reader->plain_offset, take);
  reader->plain_offset += take;
  return take;
}

/**
 * kiosk_outbox_get_parts:
 * @dossier_json: (out) (transfer full): the decrypted `dossier` part
 * @parts: (out) (transfer full) (element-type KioskUploadPart): the files, to be decrypted from
 *   disk as they are sent
 */
gboolean
kiosk_outbox_get_parts (KioskOutbox  *self,
                        gint64        id,
                        char        **dossier_json,
                        GPtrArray   **parts,
                        GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
  g_autoptr(GBytes) json = NULL;
  sqlite3_stmt *stmt = NULL;
  guint8 entry_key[ENTRY_KEY_BYTES];
  KioskSealFormat format;
  int rc;

  json = load_dossier (self, id, entry_key, &format, error);
  if (json == NULL)
    return FALSE;

  /* Not the files' `format`: it comes after `data` in a row, and reading it walks the blob's whole
   * chain of overflow pages (50 MB read for a large dossier before its first byte is sent);
   * length (data) reads only the row's header. */
  if (sqlite3_prepare_v2 (self->db, "SELECT rowid, varname, content_type, length (data) FROM outbox_files"
                          " WHERE outbox_id = ? ORDER BY position", -1, &stmt, NULL) != SQLITE_OK)
    return fail_storage ("Cannot read the outbox", sqlite3_errmsg (self->db), error);
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KioskUploadPart *part = g_new0 (KioskUploadPart, 1);
      StreamSource *source = g_new0 (StreamSource, 1);
      const char *type = (const char *) sqlite3_column_text (stmt, 2);
      gsize sealed = sqlite3_column_int64 (stmt, 3);

      source->outbox = g_object_ref (self);
      source->db_path = g_strdup (self->db_path);
      source->rowid = sqlite3_column_int64 (stmt, 0);
      source->format = format;
      memcpy (source->key, entry_key, sizeof entry_key);
      part->varname = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      part->content_type = g_strdup (type);
      part->filename = g_strdup_printf ("%s.%s", part->varname,
                                        g_strcmp0 (type, "application/pdf") == 0 ? "pdf"
                                        : g_strcmp0 (type, "image/png") == 0 ? "png" : "jpg");
      part->size = kiosk_sealed_plain_size (source->format, sealed);
      part->open = open_stream;
      part->read = read_stream;
      part->close = close_stream;
      part->data = source;
      part->data_free = free_stream_source;
      g_ptr_array_add (result, part);
    }
  sqlite3_finalize (stmt);
  sodium_memzero (entry_key, sizeof entry_key);
  if (rc != SQLITE_DONE)
    return fail_storage ("Cannot read the outbox", sqlite3_errmsg (self->db), error);

  *dossier_json = g_strndup (g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  sodium_memzero ((gpointer) g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  *parts = g_steal_pointer (&result);
  return TRUE;
}

/* Copies the write-ahead log into the database and empties it, so that no old page (a wrapped
 * key, a removed entry's slug) stays there. A reader still on an older snapshot keeps it from
 * finishing (after the busy timeout): then it stays pending, retried when a reader closes, at the
 * next removal and at the next start. The caller holds the lock, or owns the outbox alone. */
static gboolean
checkpoint (KioskOutbox *self)
{
  int log_frames = -1, done_frames = -1;
  int rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done_frames);

  self->checkpoint_pending = rc != SQLITE_OK || log_frames != 0 || done_frames != 0;
  if (self->checkpoint_pending)
    g_debug ("Outbox checkpoint left for later: %s (%d of %d frames)", sqlite3_errstr (rc), done_frames, log_frames);
  return !self->checkpoint_pending;
}

/* Deletes the rows of shredded entries (their keys are already gone); the caller holds the lock,
 * or owns the outbox alone. secure_delete=FAST zeroes what the rows held in their own pages at no
 * extra cost, and frees the blobs' overflow pages without writing them again. */
static void
purge_shredded (KioskOutbox *self)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, "PRAGMA secure_delete=FAST;"
                              "DELETE FROM outbox WHERE shredded = 1;", NULL, NULL, &message) != SQLITE_OK)
    {
      g_warning ("Cannot delete shredded outbox entries: %s", message);
      sqlite3_free (message);
    }
  sqlite3_exec (self->db, "PRAGMA secure_delete=ON;", NULL, NULL, NULL);
  checkpoint (self);
}

/**
 * kiosk_outbox_remove:
 *
 * Deletes an entry the portal has acknowledged (or that the citizen is correcting).
 */
gboolean
kiosk_outbox_remove (KioskOutbox  *self,
                     gint64        id,
                     GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  /* 1. Shred: the entry's key and its dossier part go, overwritten (secure_delete is on). From
   *    here on, the entry's blobs are noise, and a restart only finishes deleting them. */
  if (sqlite3_prepare_v2 (self->db, "UPDATE outbox SET entry_key = NULL, dossier = x'', shredded = 1"
                          " WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return fail_storage ("Cannot update the outbox", sqlite3_errmsg (self->db), error);
  sqlite3_bind_int64 (stmt, 1, id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    return fail_storage ("Cannot update the outbox", sqlite3_errmsg (self->db), error);
  /* 2. Free the blobs' pages without overwriting them; the checkpoint that ends it leaves no copy
   *    of the old key in the write-ahead log. */
  purge_shredded (self);
  return TRUE;
}

static void
defer_entry (KioskOutbox *self,
             gint64       id,
             guint        attempts,
             guint        retry_after_s,
             gboolean     failed,
             const char  *reason)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  sqlite3_stmt *stmt = NULL;
  guint64 ceiling = MIN ((guint64) self->cap_ms, (guint64) self->base_ms << MIN (attempts, 20u));
  guint64 delay_ms = ceiling > 0 ? g_random_int_range (0, (gint32) MIN (ceiling, G_MAXINT32)) : 0;

  delay_ms = MAX (delay_ms, (guint64) retry_after_s * 1000);
  if (sqlite3_prepare_v2 (self->db, "UPDATE outbox SET attempts = ?, next_attempt = ?, failed = ?,"
                          " last_error = ? WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int (stmt, 1, attempts);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () + (gint64) delay_ms * 1000);
  sqlite3_bind_int (stmt, 3, failed);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("Cannot record a retry in the outbox: %s", sqlite3_errmsg (self->db));
  sqlite3_finalize (stmt);
}

static void
drain_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KioskOutbox *self = source;
  KioskPortal *portal = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kiosk_outbox_list (self, &error);
  guint sent = 0;

  if (entries == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      KioskOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *json = NULL;
      g_autoptr(GPtrArray) parts = NULL;
      g_autoptr(GError) send_error = NULL;
      g_autoptr(KioskReceipt) receipt = NULL;
      guint retry_after = 0;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (entry->failed || entry->next_attempt > g_get_real_time ())
        continue;
      if (!kiosk_outbox_get_parts (self, entry->id, &json, &parts, &send_error))
        {
          /* Delivered and removed by the citizen's own submission since the list was read. */
          if (!entry_exists (self, entry->id))
            continue;
          g_warning ("Outbox entry %" G_GINT64_FORMAT " is unreadable: %s", entry->id, send_error->message);
          defer_entry (self, entry->id, entry->attempts + 1, 0, TRUE, "unreadable");
          continue;
        }
      if (kiosk_followup_is_queued_complement (entry->slug))
        {
          /* A complement to a dossier (kiosk-followup.c): acknowledged like a submission. */
          g_autoptr(KioskComplementReceipt) sent =
            kiosk_followup_deliver_queued (portal, entry->slug, entry->idempotency_key, json, parts,
                                           cancellable, &send_error);

          if (sent != NULL)
            {
              receipt = g_new0 (KioskReceipt, 1);
              receipt->number = g_strdup (sent->number);
            }
        }
      else
        receipt = kiosk_portal_submit_payload (portal, entry->slug, entry->idempotency_key, json,
                                               parts, cancellable, &retry_after, &send_error);
      explicit_bzero (json, strlen (json));
      if (receipt != NULL)
        {
          g_message ("Outbox entry %" G_GINT64_FORMAT " delivered as %s", entry->id, receipt->number);
          if (!kiosk_outbox_remove (self, entry->id, &send_error))
            g_warning ("%s", send_error->message);
          sent++;
        }
      else if (g_error_matches (send_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
      else
        {
          gboolean retry = kiosk_portal_error_is_transient (send_error);

          /* The reason is the portal's or curl's, never the citizen's data. */
          g_message ("Outbox entry %" G_GINT64_FORMAT " not delivered (%s): %s", entry->id,
                     retry ? "will retry" : "refused", send_error->message);
          defer_entry (self, entry->id, entry->attempts + 1, retry_after, !retry, send_error->message);
        }
    }
  g_task_return_int (task, sent);
}

/**
 * kiosk_outbox_drain_async:
 *
 * Sends every due entry (in a worker), oldest first, each with its own Idempotency-Key; removes
 * what the portal acknowledged, reschedules what failed for a reason that may pass.
 */
void
kiosk_outbox_drain_async (KioskOutbox         *self,
                          KioskPortal         *portal,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  kiosk_task_run_in_thread (self, cancellable, callback, user_data, kiosk_outbox_drain_async,
                            g_object_ref (portal), g_object_unref, drain_in_thread);
}

/**
 * kiosk_outbox_drain_finish:
 *
 * Returns: how many dossiers the portal acknowledged
 */
guint
kiosk_outbox_drain_finish (KioskOutbox   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * kiosk_outbox_retry_now:
 *
 * An agent asks to send now: every entry becomes due at once, including those the portal
 * refused (after the agent has had the cause fixed). Blocking (disk).
 */
gboolean
kiosk_outbox_retry_now (KioskOutbox  *self,
                        GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (sqlite3_exec (self->db, "UPDATE outbox SET next_attempt = 0, failed = 0 WHERE shredded = 0",
                    NULL, NULL, NULL) != SQLITE_OK)
    return fail_storage ("Cannot update the outbox", sqlite3_errmsg (self->db), error);
  return TRUE;
}
