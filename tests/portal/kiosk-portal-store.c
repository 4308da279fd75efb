/* kiosk-portal-store.c: the reference portal's memory — dossiers, their files and the
 * idempotency records — in one SQLite file, with document bytes under <data-dir>/files/.
 *
 * Everything runs on the main loop's thread: one connection, no locking.
 */
#include "kiosk-portal-private.h"

#include "kiosk-json.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

struct _KioskPortalStore
{
  sqlite3 *db;
  char    *files_dir;
};

static const char schema_sql[] =
  "PRAGMA foreign_keys = ON;"
  "CREATE TABLE IF NOT EXISTS dossiers ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  number TEXT UNIQUE,"
  "  slug TEXT NOT NULL,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  body_sha256 TEXT NOT NULL,"
  "  answers TEXT NOT NULL,"
  "  receipt_time TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'received');"
  "CREATE TABLE IF NOT EXISTS files ("
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,"
  "  varname TEXT NOT NULL,"
  "  filename TEXT NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  path TEXT NOT NULL,"
  "  PRIMARY KEY (dossier_id, varname));"
  "CREATE TABLE IF NOT EXISTS idempotency ("
  "  key TEXT PRIMARY KEY,"
  "  body_sha256 TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  response TEXT NOT NULL,"
  "  dossier_id INTEGER REFERENCES dossiers (id) ON DELETE CASCADE);"
  "CREATE TABLE IF NOT EXISTS tracking_codes ("
  "  dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id) ON DELETE CASCADE,"
  "  code TEXT NOT NULL);";

static const struct
{
  const char *id;
  const char *name;
} statuses[] = {
  { "received", "Reçu" },
  { "in-progress", "En cours d'instruction" },
  { "waiting-for-citizen", "En attente de votre réponse" },
  { "accepted", "Accepté" },
  { "refused", "Refusé" },
};

const char *
kiosk_portal_get_status_name (const char *status)
{
  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (statuses[i].id, status) == 0)
      return statuses[i].name;
  return status;
}

void
kiosk_portal_dossier_free (KioskPortalDossier *dossier)
{
  if (dossier == NULL)
    return;
  g_free (dossier->number);
  g_free (dossier->slug);
  g_free (dossier->receipt_time);
  g_free (dossier->status);
  g_free (dossier);
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg (db));
}

static gboolean
exec_sql (KioskPortalStore  *store,
          const char        *sql,
          GError           **error)
{
  if (sqlite3_exec (store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, sql);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare_statement (KioskPortalStore  *store,
                   const char        *sql,
                   GError           **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, "prepare");
      return NULL;
    }
  return stmt;
}

/* Removes @path and, when it is a directory, everything below it. Best effort. */
static void
delete_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          delete_tree (child);
        }
      g_clear_pointer (&dir, g_dir_close);
    }
  g_remove (path);
}

/**
 * kiosk_portal_store_open:
 * @data_dir: an existing absolute directory
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
KioskPortalStore *
kiosk_portal_store_open (const char  *data_dir,
                         GError     **error)
{
  g_autofree char *db_path = g_build_filename (data_dir, "portal.sqlite3", NULL);
  KioskPortalStore *store = g_new0 (KioskPortalStore, 1);

  store->files_dir = g_build_filename (data_dir, "files", NULL);
  if (g_mkdir_with_parents (store->files_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s",
                   store->files_dir, g_strerror (saved_errno));
      kiosk_portal_store_free (store);
      return NULL;
    }
  if (sqlite3_open (db_path, &store->db) != SQLITE_OK)
    {
      set_sqlite_error (error, store->db, db_path);
      kiosk_portal_store_free (store);
      return NULL;
    }
  sqlite3_busy_timeout (store->db, 2000);
  if (!exec_sql (store, schema_sql, error))
    {
      kiosk_portal_store_free (store);
      return NULL;
    }
  return store;
}

void
kiosk_portal_store_free (KioskPortalStore *store)
{
  if (store == NULL)
    return;
  sqlite3_close (store->db);
  g_free (store->files_dir);
  g_free (store);
}

/**
 * kiosk_portal_store_lookup_key:
 * @body_sha256: (out) (transfer full): fingerprint of the request that used @key
 * @status: (out): the HTTP status that was answered
 * @response: (out) (transfer full): the body that was answered
 *
 * Returns: %TRUE when @key was already used by a successful submission
 */
gboolean
kiosk_portal_store_lookup_key (KioskPortalStore  *store,
                               const char        *key,
                               char             **body_sha256,
                               guint             *status,
                               char             **response)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  stmt = prepare_statement (store, "SELECT body_sha256, status, response FROM idempotency "
                                   "WHERE key = ?", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *body_sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *status = sqlite3_column_int (stmt, 1);
      *response = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      found = TRUE;
    }
  sqlite3_finalize (stmt);
  return found;
}

/* @code: the dossier's tracking code (kiosk-portal-followup.c), in its printed form */
static char *
build_created_response (KioskPortalDossier *dossier,
                        const char         *code,
                        const char         *base_url)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *data = json_object_new ();
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, dossier->id);
  g_autofree char *url = g_strconcat (base_url, "suivi/", dossier->number, "?code=", code, NULL);

  json_object_set_string_member (data, "id", id);
  json_object_set_string_member (data, "number", dossier->number);
  json_object_set_string_member (data, "url", url);
  json_object_set_string_member (data, "tracking_code", code);
  json_object_set_int_member (object, "err", 0);
  json_object_set_object_member (object, "data", data);
  root = json_node_init_object (json_node_alloc (), object);
  return kiosk_json_to_string (root);
}

static gboolean
insert_upload (KioskPortalStore   *store,
               gint64              dossier_id,
               const char         *dir,
               KioskPortalUpload  *upload,
               GError            **error)
{
  g_autofree char *path = g_build_filename (dir, upload->varname, NULL);
  sqlite3_stmt *stmt;
  gsize size;
  const char *data = g_bytes_get_data (upload->bytes, &size);
  gboolean ok;

  /* The part name is a schema varname (checked by the validator), never a path. */
  if (!g_file_set_contents (path, data, size, error))
    return FALSE;
  stmt = prepare_statement (store, "INSERT INTO files (dossier_id, varname, filename, "
                                   "content_type, size, sha256, path) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  sqlite3_bind_text (stmt, 2, upload->varname, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, upload->filename, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, upload->content_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, size);
  sqlite3_bind_text (stmt, 6, upload->sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, path, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    set_sqlite_error (error, store->db, "insert file");
  sqlite3_finalize (stmt);
  return ok;
}

/* Inserts the dossier row and gives it its number, which is derived from the row id. */
static KioskPortalDossier *
insert_dossier (KioskPortalStore  *store,
                const char        *slug,
                const char        *key,
                const char        *body_sha256,
                const char        *answers,
                GError           **error)
{
  g_autoptr(KioskPortalDossier) dossier = g_new0 (KioskPortalDossier, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  sqlite3_stmt *stmt;
  gboolean ok;

  dossier->slug = g_strdup (slug);
  dossier->status = g_strdup ("received");
  dossier->receipt_time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  stmt = prepare_statement (store, "INSERT INTO dossiers (slug, idempotency_key, body_sha256, "
                                   "answers, receipt_time, status) VALUES (?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, body_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, answers, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, dossier->receipt_time, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, dossier->status, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    {
      set_sqlite_error (error, store->db, "insert dossier");
      return NULL;
    }

  dossier->id = sqlite3_last_insert_rowid (store->db);
  dossier->number = g_strdup_printf ("DS-%d-%06" G_GINT64_FORMAT,
                                     g_date_time_get_year (now), dossier->id);
  stmt = prepare_statement (store, "UPDATE dossiers SET number = ? WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, dossier->number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, dossier->id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    {
      set_sqlite_error (error, store->db, "number dossier");
      return NULL;
    }
  return g_steal_pointer (&dossier);
}

static gboolean
insert_idempotency (KioskPortalStore  *store,
                    const char        *key,
                    const char        *body_sha256,
                    guint              status,
                    const char        *response,
                    gint64             dossier_id,
                    GError           **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  stmt = prepare_statement (store, "INSERT INTO idempotency (key, body_sha256, status, response, "
                                   "dossier_id) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, body_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, status);
  sqlite3_bind_text (stmt, 4, response, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, dossier_id);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  if (!ok)
    set_sqlite_error (error, store->db, "insert idempotency record");
  sqlite3_finalize (stmt);
  return ok;
}

/**
 * kiosk_portal_store_add:
 * @answers: the dossier's `data` as JSON text
 * @uploads: (element-type KioskPortalUpload): the validated documents
 * @base_url: the portal's public URL, with a trailing slash, for the tracking URL
 * @response: (out) (transfer full): the 201 body, also remembered for @key
 *
 * Stores a validated submission, its files and its idempotency record in one transaction.
 *
 * Returns: (transfer full): the new dossier, or %NULL with @error set (nothing is kept)
 */
KioskPortalDossier *
kiosk_portal_store_add (KioskPortalStore  *store,
                        const char        *slug,
                        const char        *key,
                        const char        *body_sha256,
                        const char        *answers,
                        GPtrArray         *uploads,
                        const char        *base_url,
                        char             **response,
                        GError           **error)
{
  g_autoptr(KioskPortalDossier) dossier = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  g_autofree char *code = kiosk_portal_new_tracking_code ();
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!exec_sql (store, "BEGIN IMMEDIATE", error))
    return NULL;

  dossier = insert_dossier (store, slug, key, body_sha256, answers, error);
  if (dossier == NULL)
    goto fail;

  dir = g_strdup_printf ("%s/%" G_GINT64_FORMAT, store->files_dir, dossier->id);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", dir,
                   g_strerror (saved_errno));
      goto fail;
    }
  for (guint i = 0; i < uploads->len; i++)
    if (!insert_upload (store, dossier->id, dir, g_ptr_array_index (uploads, i), error))
      goto fail;

  /* Whoever holds the number and this code, and only they, can follow the dossier. */
  stmt = prepare_statement (store, "INSERT INTO tracking_codes (dossier_id, code) VALUES (?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, dossier->id);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  if (!ok)
    {
      set_sqlite_error (error, store->db, "insert tracking code");
      goto fail;
    }

  text = build_created_response (dossier, code, base_url);
  if (!insert_idempotency (store, key, body_sha256, 201, text, dossier->id, error)
      || !exec_sql (store, "COMMIT", error))
    goto fail;

  *response = g_steal_pointer (&text);
  return g_steal_pointer (&dossier);

fail:
  exec_sql (store, "ROLLBACK", NULL);
  if (dir != NULL)
    delete_tree (dir);
  return NULL;
}

static KioskPortalDossier *
read_dossier (sqlite3_stmt *stmt)
{
  KioskPortalDossier *dossier = g_new0 (KioskPortalDossier, 1);

  dossier->id = sqlite3_column_int64 (stmt, 0);
  dossier->number = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  dossier->slug = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  dossier->receipt_time = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  dossier->status = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  return dossier;
}

/* Returns: (transfer full) (nullable): the dossier numbered @number */
KioskPortalDossier *
kiosk_portal_store_find (KioskPortalStore *store,
                         const char       *number)
{
  sqlite3_stmt *stmt;
  KioskPortalDossier *dossier = NULL;

  stmt = prepare_statement (store, "SELECT id, number, slug, receipt_time, status FROM dossiers "
                                   "WHERE number = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    dossier = read_dossier (stmt);
  sqlite3_finalize (stmt);
  return dossier;
}

static void
add_string_member (JsonBuilder  *builder,
                   const char   *name,
                   sqlite3_stmt *stmt,
                   int           column)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, column));
}

static void
add_files (KioskPortalStore *store,
           JsonBuilder      *builder,
           gint64            dossier_id)
{
  sqlite3_stmt *stmt;

  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  stmt = prepare_statement (store, "SELECT varname, filename, content_type, size, sha256, path "
                                   "FROM files WHERE dossier_id = ? ORDER BY rowid", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, dossier_id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          json_builder_begin_object (builder);
          add_string_member (builder, "varname", stmt, 0);
          add_string_member (builder, "filename", stmt, 1);
          add_string_member (builder, "content_type", stmt, 2);
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
          add_string_member (builder, "sha256", stmt, 4);
          add_string_member (builder, "path", stmt, 5);
          json_builder_end_object (builder);
        }
      sqlite3_finalize (stmt);
    }
  json_builder_end_array (builder);
}

/**
 * kiosk_portal_store_list:
 *
 * Returns: (transfer full): the `/_control/submissions` document, oldest dossier first
 */
JsonNode *
kiosk_portal_store_list (KioskPortalStore *store)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "err");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  stmt = prepare_statement (store, "SELECT id, number, slug, receipt_time, status, "
                                   "idempotency_key, answers FROM dossiers ORDER BY id", NULL);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(KioskPortalDossier) dossier = read_dossier (stmt);
      const char *answers = (const char *) sqlite3_column_text (stmt, 6);
      /* Stored by us after a bounded parse, so this cannot fail short of a corrupt file. */
      g_autoptr(JsonNode) data = kiosk_json_parse (answers, -1, 0, NULL);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, dossier->id);
      add_string_member (builder, "number", stmt, 1);
      add_string_member (builder, "slug", stmt, 2);
      add_string_member (builder, "receipt_time", stmt, 3);
      add_string_member (builder, "status", stmt, 4);
      add_string_member (builder, "idempotency_key", stmt, 5);
      json_builder_set_member_name (builder, "data");
      if (data != NULL)
        json_builder_add_value (builder, g_steal_pointer (&data));
      else
        json_builder_add_null_value (builder);
      add_files (store, builder, dossier->id);
      json_builder_end_object (builder);
    }
  if (stmt != NULL)
    sqlite3_finalize (stmt);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Forgets every dossier and file; numbering starts again at 1 so tests can predict it. */
gboolean
kiosk_portal_store_reset (KioskPortalStore  *store,
                          GError           **error)
{
  if (!exec_sql (store, "BEGIN IMMEDIATE;"
                        "DELETE FROM idempotency;"
                        "DELETE FROM tracking_codes;"
                        "DELETE FROM files;"
                        "DELETE FROM dossiers;"
                        "DELETE FROM sqlite_sequence WHERE name = 'dossiers';"
                        "COMMIT;", error))
    {
      exec_sql (store, "ROLLBACK", NULL);
      return FALSE;
    }
  delete_tree (store->files_dir);
  if (g_mkdir_with_parents (store->files_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s",
                   store->files_dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Records the answer given to a request other than a submission (an appointment booked), so
 * that a repeat with the same Idempotency-Key is answered the same. */
gboolean
kiosk_portal_store_remember_key (KioskPortalStore *store,
                                 const char       *key,
                                 const char       *body_sha256,
                                 guint             status,
                                 const char       *response)
{
  sqlite3_stmt *stmt = prepare_statement (store, "INSERT INTO idempotency (key, body_sha256, status, "
                                                 "response, dossier_id) VALUES (?, ?, ?, ?, NULL)", NULL);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, body_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, status);
  sqlite3_bind_text (stmt, 4, response, -1, SQLITE_TRANSIENT);
  ok = sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  return ok;
}

sqlite3 *
kiosk_portal_store_get_db (KioskPortalStore *store)
{
  return store->db;
}

/* The directory under which each dossier's files live (files/<dossier id>/). */
const char *
kiosk_portal_store_get_files_dir (KioskPortalStore *store)
{
  return store->files_dir;
}
