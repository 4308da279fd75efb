/* kiosk-storage.c: SQLite storage. The catalogue is cached whole (with its ETag) so the kiosk
 * works offline, and one row per procedure keeps it queryable for agents and later search. */
#include "kiosk-storage.h"

#include "kiosk-errors.h"
#include "kiosk-procedure.h"

#include <sqlite3.h>
#include <glib/gstdio.h>

struct _KioskStorage
{
  GObject  parent_instance;

  GMutex   lock;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (KioskStorage, kiosk_storage, G_TYPE_OBJECT)

static const char schema_sql[] =
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=FULL;"
  "PRAGMA secure_delete=ON;"
  "CREATE TABLE IF NOT EXISTS catalogue_cache ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  etag TEXT, body BLOB NOT NULL, fetched_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS procedures ("
  "  slug TEXT PRIMARY KEY, title TEXT NOT NULL, category_slug TEXT,"
  "  folded TEXT NOT NULL);";

static void
kiosk_storage_finalize (GObject *object)
{
  KioskStorage *self = KIOSK_STORAGE (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kiosk_storage_parent_class)->finalize (object);
}

static void
kiosk_storage_class_init (KioskStorageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_storage_finalize;
}

static void
kiosk_storage_init (KioskStorage *self)
{
  g_mutex_init (&self->lock);
}

static gboolean
set_sqlite_error (sqlite3     *db,
                  const char  *what,
                  GError     **error)
{
  g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED,
               "%s: %s", what, db ? sqlite3_errmsg (db) : "no database");
  return FALSE;
}

/**
 * kiosk_storage_open:
 * @path: the database file; its folder is created 0700 if missing
 *
 * Returns: (transfer full): the storage, or %NULL with a #KIOSK_STORAGE_ERROR
 */
KioskStorage *
kiosk_storage_open (const char  *path,
                    GError     **error)
{
  g_autoptr(KioskStorage) self = g_object_new (KIOSK_TYPE_STORAGE, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  char *message = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED,
                   "Cannot create %s", dir);
      return NULL;
    }
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    return set_sqlite_error (self->db, "Cannot open the database", error), NULL;

  sqlite3_busy_timeout (self->db, 5000);
  if (sqlite3_exec (self->db, schema_sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED,
                   "Cannot prepare the database: %s", message);
      sqlite3_free (message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * kiosk_storage_load_catalogue:
 * @json: (out) (transfer full) (nullable): the cached catalogue, %NULL when none
 * @etag: (out) (transfer full) (nullable): its ETag
 *
 * Returns: %FALSE on a database error
 */
gboolean
kiosk_storage_load_catalogue (KioskStorage  *self,
                              GBytes       **json,
                              char         **etag,
                              GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  sqlite3_stmt *stmt = NULL;
  int rc;

  *json = NULL;
  *etag = NULL;
  if (sqlite3_prepare_v2 (self->db, "SELECT body, etag FROM catalogue_cache WHERE id = 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (self->db, "Cannot read the catalogue", error);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *json = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      *etag = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_sqlite_error (self->db, "Cannot read the catalogue", error);
  return TRUE;
}

/**
 * kiosk_storage_save_catalogue:
 * @json: the catalogue document as received
 * @etag: (nullable): its ETag
 * @procedures: (element-type KioskProcedure): the parsed procedures, for the procedures table
 *
 * Replaces the cache in one transaction.
 */
gboolean
kiosk_storage_save_catalogue (KioskStorage  *self,
                              GBytes        *json,
                              const char    *etag,
                              GPtrArray     *procedures,
                              GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  sqlite3_stmt *stmt = NULL;
  gsize size;
  const void *data = g_bytes_get_data (json, &size);

  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self->db, "Cannot save the catalogue", error);

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT OR REPLACE INTO catalogue_cache (id, etag, body, fetched_at)"
                          " VALUES (1, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (stmt, 1, etag, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (stmt, 2, data, size, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (sqlite3_exec (self->db, "DELETE FROM procedures", NULL, NULL, NULL) != SQLITE_OK)
    goto fail;
  if (sqlite3_prepare_v2 (self->db,
                          "INSERT OR REPLACE INTO procedures (slug, title, category_slug, folded)"
                          " VALUES (?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  for (guint i = 0; procedures != NULL && i < procedures->len; i++)
    {
      KioskProcedure *procedure = g_ptr_array_index (procedures, i);
      g_autofree char *folded = kiosk_fold_text (kiosk_procedure_get_title (procedure));

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, kiosk_procedure_get_slug (procedure), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, kiosk_procedure_get_title (procedure), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, kiosk_procedure_get_category_slug (procedure), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, folded, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto fail;
  return TRUE;

fail:
  set_sqlite_error (self->db, "Cannot save the catalogue", error);
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/**
 * kiosk_storage_get_catalogue_time:
 *
 * Returns: when the cached catalogue was saved (Unix seconds), or 0
 */
gint64
kiosk_storage_get_catalogue_time (KioskStorage *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  sqlite3_stmt *stmt = NULL;
  gint64 when = 0;

  if (sqlite3_prepare_v2 (self->db, "SELECT fetched_at FROM catalogue_cache WHERE id = 1",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    when = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return when;
}
