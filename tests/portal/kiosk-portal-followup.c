/* kiosk-portal-followup.c: following a dossier after its submission — tracking codes and who
 * may read a dossier, its thread of messages and the instructor's requests, the citizen's
 * complements, and the instructor's side (the /_control/ endpoints and a small HTML page).
 *
 * Like the rest of the reference portal, everything runs on the main loop's thread.
 */
#include "kiosk-portal-private.h"

#include "kiosk-followup-dossier.h"
#include "kiosk-json.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>

/* Wrong codes (and unknown numbers) allowed within the window, per dossier number and per
 * terminal, before the portal answers 429 to every look-up by code. */
#define FAILURES_PER_NUMBER   5
#define FAILURES_PER_TERMINAL 20
#define FAILURE_WINDOW        600
#define MAX_KEY_LENGTH        255
#define MAX_TEXT_LENGTH       10000
/* What a missing document that is not one of the procedure's may be. */
#define FREE_DOCUMENT_MAX_SIZE 20000000

struct _KioskPortalFollowup
{
  KioskPortalStore    *store;       /* borrowed: the portal outlives us */
  KioskPortalAccounts *accounts;    /* borrowed */
  GHashTable          *procedures;  /* owned reference: slug → schema */
  GHashTable          *in_flight;   /* owned reference: Idempotency-Keys being answered */
  sqlite3             *db;          /* the store's */
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS status_since ("
  "  dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id) ON DELETE CASCADE,"
  "  since TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS citizen_requests ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  document TEXT,"
  "  field TEXT,"
  "  text TEXT NOT NULL,"
  "  created TEXT NOT NULL,"
  "  answered TEXT,"
  "  complement_id INTEGER);"
  "CREATE TABLE IF NOT EXISTS complements ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  time TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS thread_messages ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  dossier_id INTEGER NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,"
  "  author TEXT NOT NULL,"
  "  text TEXT NOT NULL,"
  "  time TEXT NOT NULL,"
  "  request_id INTEGER,"
  "  complement_id INTEGER,"
  "  answers TEXT);"
  "CREATE TABLE IF NOT EXISTS thread_files ("
  "  message_id INTEGER NOT NULL REFERENCES thread_messages (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  filename TEXT NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  path TEXT NOT NULL,"
  "  request_id INTEGER);"
  "CREATE TABLE IF NOT EXISTS tracking_failures ("
  "  number TEXT NOT NULL,"
  "  terminal TEXT NOT NULL,"
  "  time INTEGER NOT NULL);";

/* A dossier as this file needs it. */
typedef struct
{
  gint64  id;
  char   *number;
  char   *slug;
  char   *receipt_time;
  char   *status;
  char   *key;      /* its Idempotency-Key */
  char   *answers;  /* JSON text */
  char   *code;     /* nullable: a dossier stored before tracking codes */
  char   *since;
} Dossier;

static void
dossier_free (Dossier *dossier)
{
  if (dossier == NULL)
    return;
  g_free (dossier->number);
  g_free (dossier->slug);
  g_free (dossier->receipt_time);
  g_free (dossier->status);
  g_free (dossier->key);
  g_free (dossier->answers);
  g_free (dossier->code);
  g_free (dossier->since);
  g_free (dossier);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Dossier, dossier_free)

static char *
now_iso (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
id_string (gint64 id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

/**
 * kiosk_portal_new_tracking_code:
 *
 * 60 bits from the kernel's CSPRNG (getrandom), as 12 symbols of Crockford's base 32, grouped
 * by four: `7K2M-9QXD-4F2A`.
 *
 * Returns: (transfer full): a new tracking code
 */
char *
kiosk_portal_new_tracking_code (void)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  guint8 bytes[8];
  guint64 bits = 0;
  char code[KIOSK_TRACKING_CODE_LENGTH + 1];

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("getrandom failed");
  for (gsize i = 0; i < sizeof bytes; i++)
    bits = (bits << 8) | bytes[i];
  for (guint i = 0; i < KIOSK_TRACKING_CODE_LENGTH; i++)
    {
      code[i] = alphabet[bits & 31];
      bits >>= 5;
    }
  code[KIOSK_TRACKING_CODE_LENGTH] = '\0';
  explicit_bzero (bytes, sizeof bytes);
  return kiosk_tracking_code_format (code);
}

KioskPortalFollowup *
kiosk_portal_followup_new (KioskPortalStore    *store,
                           KioskPortalAccounts *accounts,
                           GHashTable          *procedures,
                           GHashTable          *in_flight)
{
  KioskPortalFollowup *self = g_new0 (KioskPortalFollowup, 1);

  self->store = store;
  self->accounts = accounts;
  self->procedures = g_hash_table_ref (procedures);
  self->in_flight = g_hash_table_ref (in_flight);
  self->db = kiosk_portal_store_get_db (store);
  if (sqlite3_exec (self->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
    g_printerr ("kiosk-portal: follow-up tables: %s\n", sqlite3_errmsg (self->db));
  return self;
}

void
kiosk_portal_followup_free (KioskPortalFollowup *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->procedures);
  g_hash_table_unref (self->in_flight);
  g_free (self);
}

/* Forgets threads, requests, complements and failed attempts (the dossiers go with the store). */
gboolean
kiosk_portal_followup_reset (KioskPortalFollowup *self)
{
  return sqlite3_exec (self->db,
                       "DELETE FROM thread_files; DELETE FROM thread_messages;"
                       "DELETE FROM citizen_requests; DELETE FROM complements;"
                       "DELETE FROM status_since; DELETE FROM tracking_failures;"
                       "DELETE FROM sqlite_sequence WHERE name IN"
                       " ('thread_messages', 'citizen_requests', 'complements');",
                       NULL, NULL, NULL) == SQLITE_OK;
}

static Dossier *
find_dossier (KioskPortalFollowup *self,
              const char          *number)
{
  sqlite3_stmt *stmt = NULL;
  Dossier *dossier = NULL;

  sqlite3_prepare_v2 (self->db,
                      "SELECT d.id, d.number, d.slug, d.receipt_time, d.status, d.idempotency_key,"
                      " d.answers, t.code, COALESCE (s.since, d.receipt_time) FROM dossiers d"
                      " LEFT JOIN tracking_codes t ON t.dossier_id = d.id"
                      " LEFT JOIN status_since s ON s.dossier_id = d.id"
                      " WHERE d.number = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      dossier = g_new0 (Dossier, 1);
      dossier->id = sqlite3_column_int64 (stmt, 0);
      dossier->number = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      dossier->slug = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      dossier->receipt_time = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      dossier->status = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      dossier->key = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      dossier->answers = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      dossier->code = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      dossier->since = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
    }
  sqlite3_finalize (stmt);
  return dossier;
}

static void
set_status (KioskPortalFollowup *self,
            gint64               dossier_id,
            const char          *status)
{
  g_autofree char *now = now_iso ();
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (self->db, "UPDATE dossiers SET status = ?1 WHERE id = ?2", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, dossier_id);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO status_since (dossier_id, since) VALUES (?1, ?2)",
                      -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
}

static gint64
count_open_requests (KioskPortalFollowup *self,
                     gint64               dossier_id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 count = 0;

  sqlite3_prepare_v2 (self->db, "SELECT COUNT(*) FROM citizen_requests WHERE dossier_id = ?1"
                      " AND answered IS NULL", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* Access */

typedef enum
{
  ACCESS_GRANTED,
  ACCESS_OWNER,     /* granted with the token of the account the dossier is attached to */
  ACCESS_DENIED,    /* wrong code, no code, or no such dossier: all the same to the caller */
  ACCESS_LIMITED,   /* too many wrong codes lately */
} Access;

/* The terminal a request comes from: its kiosk id, else its address. */
static char *
dup_terminal (SoupServerMessage *msg)
{
  const char *kiosk = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "X-Kiosk-Id");

  if (kiosk != NULL && *kiosk != '\0')
    return g_strconcat ("kiosk:", kiosk, NULL);
  return g_strconcat ("address:", soup_server_message_get_remote_host (msg), NULL);
}

/* Seconds until the oldest failure that counts against @column = @value leaves the window,
 * or 0 when fewer than @limit count. */
static gint64
limited_for (KioskPortalFollowup *self,
             const char          *column,
             const char          *value,
             gint64               limit)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*), MIN(time) FROM tracking_failures"
                                          " WHERE %s = ?1 AND time > ?2", column);
  sqlite3_stmt *stmt = NULL;
  gint64 wait = 0;

  sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now_s () - FAILURE_WINDOW);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) >= limit)
    wait = MAX (1, sqlite3_column_int64 (stmt, 1) + FAILURE_WINDOW - now_s ());
  sqlite3_finalize (stmt);
  return wait;
}

/* Constant time for two strings of the same length; different lengths never match. */
static gboolean
equal_secrets (const char *a,
               const char *b)
{
  gsize length = strlen (a);
  guint8 diff = 0;

  if (strlen (b) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

/* Whether @msg may read or complete the dossier @number: with the citizen's token for a dossier
 * attached to their account, or with its tracking code (header X-Tracking-Code, or ?code=).
 * An unknown number and a wrong code are the same failure, counted against the number and the
 * terminal. @dossier is set only when access is granted. */
static Access
check_access (KioskPortalFollowup  *self,
              SoupServerMessage    *msg,
              const char           *number,
              GHashTable           *query,
              Dossier             **dossier,
              gint64               *retry_after)
{
  g_autoptr(Dossier) found = find_dossier (self, number);
  g_autofree char *owner = NULL;
  g_autofree char *terminal = dup_terminal (msg);
  g_autofree char *given = NULL;
  g_autofree char *expected = NULL;
  const char *typed;
  gint64 wait;
  sqlite3_stmt *stmt = NULL;
  gboolean match;

  *dossier = NULL;
  *retry_after = 0;
  if (found != NULL && (owner = kiosk_portal_accounts_owner_of (self->accounts, msg, found->key)) != NULL)
    {
      *dossier = g_steal_pointer (&found);
      return ACCESS_OWNER;
    }

  /* Limited: even the right code is refused, or the limit would only slow an attacker down. */
  wait = MAX (limited_for (self, "number", number, FAILURES_PER_NUMBER),
              limited_for (self, "terminal", terminal, FAILURES_PER_TERMINAL));
  if (wait > 0)
    {
      *retry_after = wait;
      return ACCESS_LIMITED;
    }

  typed = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Tracking-Code");
  if (typed == NULL && query != NULL)
    typed = g_hash_table_lookup (query, "code");
  given = typed ? kiosk_tracking_code_normalize (typed) : NULL;
  expected = found && found->code ? kiosk_tracking_code_normalize (found->code) : NULL;
  /* The same comparison whether the dossier exists or not. */
  match = equal_secrets (given ? given : "-", expected ? expected : "000000000000");
  if (match && given != NULL && expected != NULL)
    {
      *dossier = g_steal_pointer (&found);
      return ACCESS_GRANTED;
    }

  sqlite3_prepare_v2 (self->db, "INSERT INTO tracking_failures (number, terminal, time) VALUES (?1, ?2, ?3)",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, terminal, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_s ());
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return ACCESS_DENIED;
}

/* Answers a refused access; the same bytes for an unknown number and a wrong code. */
static void
reply_access (SoupServerMessage *msg,
              Access             access,
              gint64             retry_after)
{
  if (access == ACCESS_LIMITED)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
      kiosk_portal_reply_error (msg, 429, "too-many-attempts",
                                "Too many wrong tracking codes: try again later", NULL);
    }
  else
    kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                              "No dossier with this number and tracking code", NULL);
}

/* Reading */

static JsonObject *
find_field (JsonObject *procedure,
            const char *varname)
{
  JsonArray *pages = kiosk_json_get_array (procedure, "pages");

  for (guint i = 0; pages != NULL && i < json_array_get_length (pages); i++)
    {
      JsonNode *page = json_array_get_element (pages, i);
      JsonArray *fields = JSON_NODE_HOLDS_OBJECT (page)
                          ? kiosk_json_get_array (json_node_get_object (page), "fields") : NULL;

      for (guint j = 0; fields != NULL && j < json_array_get_length (fields); j++)
        {
          JsonNode *field = json_array_get_element (fields, j);

          if (JSON_NODE_HOLDS_OBJECT (field)
              && g_strcmp0 (kiosk_json_get_string (json_node_get_object (field), "varname"), varname) == 0)
            return json_node_get_object (field);
        }
    }
  return NULL;
}

/* The schema a missing document is checked against: the procedure's document, or for a free
 * description images and PDF up to 20 MB. Returns: (transfer full) */
static JsonObject *
build_document_schema (JsonObject *procedure,
                       const char *varname)
{
  JsonObject *document = varname ? kiosk_portal_find_document (procedure, varname) : NULL;
  JsonObject *schema;
  JsonArray *formats;

  if (document != NULL)
    return json_object_ref (document);
  schema = json_object_new ();
  formats = json_array_new ();
  json_array_add_string_element (formats, "image/jpeg");
  json_array_add_string_element (formats, "image/png");
  json_array_add_string_element (formats, "application/pdf");
  json_object_set_string_member (schema, "label", "Document demandé");
  json_object_set_array_member (schema, "formats", formats);
  json_object_set_int_member (schema, "max_size", FREE_DOCUMENT_MAX_SIZE);
  return schema;
}

static JsonObject *
build_status (const char *status,
              const char *since)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", status);
  json_object_set_string_member (object, "name", kiosk_portal_get_status_name (status));
  json_object_set_string_member (object, "since", since);
  return object;
}

static const char *
title_of (KioskPortalFollowup *self,
          const char          *slug)
{
  JsonObject *procedure = g_hash_table_lookup (self->procedures, slug);
  const char *title = kiosk_json_get_string (procedure, "title");

  return title != NULL ? title : slug;
}

/* The `GET /api/dossiers/<number>` document. */
static JsonObject *
build_summary (KioskPortalFollowup *self,
               Dossier             *dossier)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "number", dossier->number);
  json_object_set_string_member (data, "slug", dossier->slug);
  json_object_set_string_member (data, "title", title_of (self, dossier->slug));
  json_object_set_string_member (data, "receipt_time", dossier->receipt_time);
  json_object_set_object_member (data, "status", build_status (dossier->status, dossier->since));
  json_object_set_int_member (data, "open_requests", count_open_requests (self, dossier->id));
  return data;
}

static JsonArray *
build_requests (KioskPortalFollowup *self,
                Dossier             *dossier)
{
  JsonObject *procedure = g_hash_table_lookup (self->procedures, dossier->slug);
  JsonArray *list = json_array_new ();
  sqlite3_stmt *stmt = NULL;

  /* Open requests first, in the order they were asked; then the answered ones, newest first. */
  sqlite3_prepare_v2 (self->db, "SELECT id, kind, document, field, text, created, answered FROM citizen_requests"
                      " WHERE dossier_id = ?1 ORDER BY answered IS NOT NULL,"
                      " CASE WHEN answered IS NULL THEN id ELSE -id END", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, dossier->id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *request = json_object_new ();
      g_autofree char *id = id_string (sqlite3_column_int64 (stmt, 0));
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      const char *document = (const char *) sqlite3_column_text (stmt, 2);
      const char *field = (const char *) sqlite3_column_text (stmt, 3);
      const char *answered = (const char *) sqlite3_column_text (stmt, 6);

      json_object_set_string_member (request, "id", id);
      json_object_set_string_member (request, "kind", kind);
      json_object_set_string_member (request, "text", (const char *) sqlite3_column_text (stmt, 4));
      if (strcmp (kind, "missing-document") == 0)
        {
          g_autoptr(JsonObject) schema = build_document_schema (procedure, document);
          JsonNode *formats = json_object_get_member (schema, "formats");

          if (document != NULL)
            {
              JsonObject *named = json_object_new ();

              json_object_set_string_member (named, "varname", document);
              json_object_set_string_member (named, "label", kiosk_json_get_string (schema, "label"));
              json_object_set_object_member (request, "document", named);
            }
          if (formats != NULL)
            json_object_set_member (request, "formats", json_node_copy (formats));
          json_object_set_int_member (request, "max_size", kiosk_json_get_int (schema, "max_size", 0));
        }
      if (field != NULL)
        {
          JsonObject *named = json_object_new ();
          JsonObject *schema = find_field (procedure, field);

          json_object_set_string_member (named, "varname", field);
          json_object_set_string_member (named, "label", kiosk_json_get_string (schema, "label")
                                                         ? kiosk_json_get_string (schema, "label") : field);
          json_object_set_string_member (named, "type", kiosk_json_get_string (schema, "type"));
          json_object_set_object_member (request, "field", named);
        }
      json_object_set_string_member (request, "created", (const char *) sqlite3_column_text (stmt, 5));
      json_object_set_boolean_member (request, "open", answered == NULL);
      if (answered != NULL)
        json_object_set_string_member (request, "answered", answered);
      else
        json_object_set_null_member (request, "answered");
      json_array_add_object_element (list, request);
    }
  sqlite3_finalize (stmt);
  return list;
}

/* @with_paths: the control endpoints add where each file is on disk */
static JsonArray *
build_messages (KioskPortalFollowup *self,
                Dossier             *dossier,
                gboolean             with_paths)
{
  JsonArray *list = json_array_new ();
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (self->db, "SELECT id, author, text, time, request_id, answers FROM thread_messages"
                      " WHERE dossier_id = ?1 ORDER BY id DESC", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, dossier->id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *message = json_object_new ();
      JsonArray *documents = json_array_new ();
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_autofree char *id_text = id_string (id);
      sqlite3_stmt *files = NULL;

      json_object_set_string_member (message, "id", id_text);
      json_object_set_string_member (message, "author", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (message, "text", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_string_member (message, "time", (const char *) sqlite3_column_text (stmt, 3));
      if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
        {
          g_autofree char *request = id_string (sqlite3_column_int64 (stmt, 4));

          json_object_set_string_member (message, "request", request);
        }
      if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
        {
          JsonNode *answers = kiosk_json_parse ((const char *) sqlite3_column_text (stmt, 5), -1, 0, NULL);

          if (answers != NULL)
            json_object_set_member (message, "answers", answers);
        }
      sqlite3_prepare_v2 (self->db, "SELECT name, filename, content_type, size, sha256, path, request_id"
                          " FROM thread_files WHERE message_id = ?1 ORDER BY rowid", -1, &files, NULL);
      sqlite3_bind_int64 (files, 1, id);
      while (sqlite3_step (files) == SQLITE_ROW)
        {
          JsonObject *file = json_object_new ();

          json_object_set_string_member (file, "name", (const char *) sqlite3_column_text (files, 0));
          json_object_set_string_member (file, "filename", (const char *) sqlite3_column_text (files, 1));
          json_object_set_string_member (file, "content_type", (const char *) sqlite3_column_text (files, 2));
          json_object_set_int_member (file, "size", sqlite3_column_int64 (files, 3));
          json_object_set_string_member (file, "sha256", (const char *) sqlite3_column_text (files, 4));
          if (with_paths)
            json_object_set_string_member (file, "path", (const char *) sqlite3_column_text (files, 5));
          if (sqlite3_column_type (files, 6) != SQLITE_NULL)
            {
              g_autofree char *request = id_string (sqlite3_column_int64 (files, 6));

              json_object_set_string_member (file, "request", request);
            }
          json_array_add_object_element (documents, file);
        }
      sqlite3_finalize (files);
      json_object_set_array_member (message, "documents", documents);
      json_array_add_object_element (list, message);
    }
  sqlite3_finalize (stmt);
  return list;
}

static JsonObject *
build_details (KioskPortalFollowup *self,
               Dossier             *dossier,
               gboolean             for_instructor)
{
  JsonObject *data = build_summary (self, dossier);

  json_object_set_array_member (data, "requests", build_requests (self, dossier));
  json_object_set_array_member (data, "messages", build_messages (self, dossier, for_instructor));
  if (for_instructor)
    {
      JsonArray *complements = json_array_new ();
      JsonNode *answers = kiosk_json_parse (dossier->answers, -1, 0, NULL);
      sqlite3_stmt *stmt = NULL;

      json_object_set_string_member (data, "tracking_code", dossier->code);
      json_object_set_string_member (data, "idempotency_key", dossier->key);
      if (answers != NULL)
        json_object_set_member (data, "data", answers);
      sqlite3_prepare_v2 (self->db, "SELECT id, idempotency_key, time FROM complements WHERE dossier_id = ?1"
                          " ORDER BY id", -1, &stmt, NULL);
      sqlite3_bind_int64 (stmt, 1, dossier->id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *complement = json_object_new ();
          g_autofree char *id = id_string (sqlite3_column_int64 (stmt, 0));

          json_object_set_string_member (complement, "id", id);
          json_object_set_string_member (complement, "idempotency_key", (const char *) sqlite3_column_text (stmt, 1));
          json_object_set_string_member (complement, "time", (const char *) sqlite3_column_text (stmt, 2));
          json_array_add_object_element (complements, complement);
        }
      sqlite3_finalize (stmt);
      json_object_set_array_member (data, "complements", complements);
    }
  return data;
}

/* Complements */

typedef struct
{
  gint64      id;
  char       *kind;
  char       *document;
  char       *field;
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_free (request->kind);
  g_free (request->document);
  g_free (request->field);
  g_free (request);
}

/* Returns: (transfer full): request id (as text) → #OpenRequest, the dossier's open requests */
static GHashTable *
load_open_requests (KioskPortalFollowup *self,
                    gint64               dossier_id)
{
  GHashTable *open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) open_request_free);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (self->db, "SELECT id, kind, document, field FROM citizen_requests"
                      " WHERE dossier_id = ?1 AND answered IS NULL", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, dossier_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      OpenRequest *request = g_new0 (OpenRequest, 1);

      request->id = sqlite3_column_int64 (stmt, 0);
      request->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      request->document = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      request->field = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      g_hash_table_insert (open, id_string (request->id), request);
    }
  sqlite3_finalize (stmt);
  return open;
}

/* A request id as sent: "3" or 3. Returns: (transfer full) (nullable) */
static char *
dup_request_id (JsonObject *answer)
{
  JsonNode *node = json_object_get_member (answer, "request");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return id_string (json_node_get_int (node));
  return NULL;
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

static void
add_error (GHashTable *errors,
           const char *key,
           const char *message)
{
  if (!g_hash_table_contains (errors, key))
    g_hash_table_insert (errors, g_strdup (key), g_strdup (message));
}

/* What a valid complement changes, gathered before anything is stored. */
typedef struct
{
  JsonObject *data;          /* the dossier's answers, corrected */
  GHashTable *corrected;     /* varnames corrected (set) */
  GHashTable *part_request;  /* part name → request id (text) */
  GPtrArray  *answered;      /* request ids (text) */
  JsonArray  *answers;       /* what the thread shows of each answer */
} Complement;

static void
complement_clear (Complement *complement)
{
  g_clear_pointer (&complement->data, json_object_unref);
  g_clear_pointer (&complement->corrected, g_hash_table_unref);
  g_clear_pointer (&complement->part_request, g_hash_table_unref);
  g_clear_pointer (&complement->answered, g_ptr_array_unref);
  g_clear_pointer (&complement->answers, json_array_unref);
}

/* Checks every answer against its open request, the procedure's schema and the parts received.
 * Returns: %FALSE when a document exceeds its size (413); @errors holds every problem. */
static gboolean
check_answers (KioskPortalFollowup *self,
               Dossier             *dossier,
               JsonObject          *procedure,
               JsonArray           *answers,
               JsonObject          *declared_files,
               GHashTable          *uploads,
               Complement          *complement,
               GHashTable          *errors)
{
  g_autoptr(GHashTable) open = load_open_requests (self, dossier->id);
  gboolean fits = TRUE;
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; answers != NULL && i < json_array_get_length (answers); i++)
    {
      JsonNode *node = json_array_get_element (answers, i);
      JsonObject *answer = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *id = answer ? dup_request_id (answer) : NULL;
      g_autofree char *where = g_strdup_printf ("request/%s", id ? id : "?");
      OpenRequest *request = id ? g_hash_table_lookup (open, id) : NULL;
      JsonObject *shown;

      if (request == NULL)
        {
          add_error (errors, where, "Cette demande n’existe pas ou a déjà reçu une réponse.");
          continue;
        }
      if (g_ptr_array_find_with_equal_func (complement->answered, id, g_str_equal, NULL))
        {
          add_error (errors, where, "Cette demande reçoit deux réponses.");
          continue;
        }
      g_ptr_array_add (complement->answered, g_strdup (id));
      shown = json_object_new ();
      json_object_set_string_member (shown, "request", id);
      json_object_set_string_member (shown, "kind", request->kind);
      json_array_add_object_element (complement->answers, shown);

      if (strcmp (request->kind, "question") == 0)
        {
          const char *text = kiosk_json_get_string (answer, "text");

          if (is_blank (text) || strlen (text) > MAX_TEXT_LENGTH)
            add_error (errors, where, "Écrivez votre réponse à la question.");
          else
            json_object_set_string_member (shown, "text", text);
        }
      else if (strcmp (request->kind, "incorrect-answer") == 0)
        {
          JsonNode *value = json_object_get_member (answer, "value");

          if (value == NULL || JSON_NODE_HOLDS_NULL (value))
            add_error (errors, request->field, "La réponse corrigée manque.");
          else
            {
              json_object_set_member (complement->data, request->field, json_node_copy (value));
              g_hash_table_add (complement->corrected, g_strdup (request->field));
              json_object_set_string_member (shown, "field", request->field);
              json_object_set_member (shown, "value", json_node_copy (value));
            }
        }
      else
        {
          JsonArray *parts = kiosk_json_get_array (answer, "parts");
          g_autoptr(JsonObject) schema = build_document_schema (procedure, request->document);
          JsonArray *names = json_array_new ();
          guint n = parts ? json_array_get_length (parts) : 0;

          json_object_set_array_member (shown, "documents", names);
          if (n == 0 || n > 2)
            add_error (errors, where, "Joignez le document demandé (une ou deux faces).");
          for (guint j = 0; j < n && j < 2; j++)
            {
              JsonNode *part = json_array_get_element (parts, j);
              const char *name = JSON_NODE_HOLDS_VALUE (part) && json_node_get_value_type (part) == G_TYPE_STRING
                                 ? json_node_get_string (part) : NULL;

              if (name == NULL || g_hash_table_contains (complement->part_request, name))
                {
                  add_error (errors, where, "Chaque document joint répond à une seule demande.");
                  continue;
                }
              g_hash_table_insert (complement->part_request, g_strdup (name), g_strdup (id));
              json_array_add_string_element (names, name);
              fits &= kiosk_portal_validate_part (schema, name, declared_files, uploads, errors);
            }
        }
    }

  /* A part that answers nothing is refused, as a document a procedure does not ask. */
  g_hash_table_iter_init (&iter, uploads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (complement->part_request, key))
      add_error (errors, key, "Ce document ne répond à aucune demande.");

  /* Corrected answers are validated with the whole dossier, exactly as at submission; only what
   * the correction is about is reported. */
  if (g_hash_table_size (complement->corrected) > 0)
    {
      g_autoptr(GHashTable) all = kiosk_portal_new_errors ();
      GHashTableIter errors_iter;
      gpointer name, message;

      kiosk_portal_validate_answers (procedure, complement->data, all);
      g_hash_table_iter_init (&errors_iter, all);
      while (g_hash_table_iter_next (&errors_iter, &name, &message))
        {
          g_autofree char *top = g_strdup (name);
          char *slash = strchr (top, '/');

          if (slash != NULL)
            *slash = '\0';
          if (g_hash_table_contains (complement->corrected, top))
            add_error (errors, name, message);
        }
    }
  return fits;
}

static gint64
insert_row (sqlite3     *db,
            const char  *sql,
            const char  *types,
            ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;
  gint64 id = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    {
      if (types[i] == 's')
        {
          const char *text = va_arg (args, const char *);

          if (text != NULL)
            sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (stmt, i + 1);
        }
      else
        {
          gint64 value = va_arg (args, gint64);

          if (value >= 0)
            sqlite3_bind_int64 (stmt, i + 1, value);
          else
            sqlite3_bind_null (stmt, i + 1);
        }
    }
  va_end (args);
  if (sqlite3_step (stmt) == SQLITE_DONE)
    id = sqlite3_last_insert_rowid (db);
  sqlite3_finalize (stmt);
  return id;
}

/* Stores a checked complement in one transaction with its idempotency record.
 * Returns: (transfer full) (nullable): the 201 body */
static char *
store_complement (KioskPortalFollowup *self,
                  Dossier             *dossier,
                  const char          *key,
                  const char          *fingerprint,
                  const char          *message,
                  GHashTable          *uploads,
                  Complement          *complement)
{
  g_autofree char *now = now_iso ();
  g_autofree char *dir = NULL;
  g_autoptr(JsonNode) answers_node = json_node_init_array (json_node_alloc (), complement->answers);
  g_autofree char *answers_text = kiosk_json_to_string (answers_node);
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(JsonNode) response_node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *complement_id_text = NULL;
  JsonObject *data = json_object_new ();
  JsonArray *answered = json_array_new ();
  gint64 complement_id, message_id;
  g_autoptr(GList) parts = g_hash_table_get_keys (uploads);
  guint index = 0;
  g_autoptr(Dossier) after = NULL;

  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      json_array_unref (answered);
      json_object_unref (data);
      return NULL;
    }
  complement_id = insert_row (self->db, "INSERT INTO complements (dossier_id, idempotency_key, time) VALUES (?1, ?2, ?3)",
                              "iss", dossier->id, key, now);
  message_id = complement_id < 0 ? -1
    : insert_row (self->db, "INSERT INTO thread_messages (dossier_id, author, text, time, complement_id, answers)"
                  " VALUES (?1, 'citizen', ?2, ?3, ?4, ?5)", "issis",
                  dossier->id, message ? message : "", now, complement_id, answers_text);
  if (message_id < 0)
    goto fail;

  dir = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/complement-%" G_GINT64_FORMAT,
                         kiosk_portal_store_get_files_dir (self->store), dossier->id, complement_id);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    goto fail;
  parts = g_list_sort (parts, (GCompareFunc) strcmp);
  for (GList *l = parts; l != NULL; l = l->next)
    {
      KioskPortalUpload *upload = g_hash_table_lookup (uploads, l->data);
      /* Part names come from the client: the file on disk is named by its position only. */
      g_autofree char *path = g_strdup_printf ("%s/%u", dir, index++);
      gsize size;
      const char *bytes = g_bytes_get_data (upload->bytes, &size);
      const char *request = g_hash_table_lookup (complement->part_request, upload->varname);

      if (!g_file_set_contents (path, bytes, size, NULL)
          || insert_row (self->db, "INSERT INTO thread_files (message_id, name, filename, content_type, size,"
                         " sha256, path, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", "isssissi",
                         message_id, upload->varname, upload->filename ? upload->filename : upload->varname,
                         upload->content_type, (gint64) size, upload->sha256, path,
                         request ? g_ascii_strtoll (request, NULL, 10) : (gint64) -1) < 0)
        goto fail;
    }
  for (guint i = 0; i < complement->answered->len; i++)
    {
      sqlite3_stmt *stmt = NULL;

      sqlite3_prepare_v2 (self->db, "UPDATE citizen_requests SET answered = ?1, complement_id = ?2 WHERE id = ?3",
                          -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, complement_id);
      sqlite3_bind_int64 (stmt, 3, g_ascii_strtoll (g_ptr_array_index (complement->answered, i), NULL, 10));
      sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      json_array_add_string_element (answered, g_ptr_array_index (complement->answered, i));
    }
  if (g_hash_table_size (complement->corrected) > 0)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), complement->data);
      g_autofree char *corrected = kiosk_json_to_string (node);
      sqlite3_stmt *stmt = NULL;

      sqlite3_prepare_v2 (self->db, "UPDATE dossiers SET answers = ?1 WHERE id = ?2", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, corrected, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, dossier->id);
      sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  /* Every request answered: the instructor has what they asked for. */
  if (strcmp (dossier->status, "waiting-for-citizen") == 0 && count_open_requests (self, dossier->id) == 0)
    set_status (self, dossier->id, "in-progress");

  after = find_dossier (self, dossier->number);
  complement_id_text = id_string (complement_id);
  json_object_set_string_member (data, "number", dossier->number);
  json_object_set_string_member (data, "complement_id", complement_id_text);
  json_object_set_array_member (data, "answered", answered);
  json_object_set_object_member (data, "status", build_status (after->status, after->since));
  json_object_set_int_member (response, "err", 0);
  json_object_set_object_member (response, "data", data);
  response_node = json_node_init_object (json_node_alloc (), response);
  text = kiosk_json_to_string (response_node);
  if (!kiosk_portal_store_remember_key (self->store, key, fingerprint, SOUP_STATUS_CREATED, text)
      || sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto fail_built;
  return g_steal_pointer (&text);

fail:
  json_array_unref (answered);
  json_object_unref (data);
fail_built:
  g_printerr ("kiosk-portal: cannot store a complement: %s\n", sqlite3_errmsg (self->db));
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return NULL;
}

/* POST /api/dossiers/<number>/complements, once access is granted.
 * Returns: (transfer full) (nullable): the Idempotency-Key to release once answered */
static char *
handle_complement (KioskPortalFollowup *self,
                   SoupServerMessage   *msg,
                   Dossier             *dossier)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GHashTable) uploads = NULL;
  g_autoptr(GHashTable) errors = kiosk_portal_new_errors ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) json = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autofree char *stored_fingerprint = NULL;
  g_autofree char *stored_response = NULL;
  g_autofree char *response = NULL;
  const char *problem = NULL;
  const char *fingerprint, *message;
  JsonObject *procedure = g_hash_table_lookup (self->procedures, dossier->slug);
  JsonArray *answers;
  Complement complement = { 0 };
  guint stored_status;
  gboolean fits;

  if (key == NULL || *key == '\0' || strlen (key) > MAX_KEY_LENGTH)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "An Idempotency-Key header of 1 to 255 characters is required", NULL);
      return NULL;
    }
  if (g_hash_table_contains (self->in_flight, key))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_CONFLICT, "idempotency-conflict",
                                "A request with this Idempotency-Key is being processed", NULL);
      return NULL;
    }
  uploads = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) kiosk_portal_upload_free);
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_checksum_update (checksum, (const guchar *) "complement", sizeof "complement");
  g_checksum_update (checksum, (const guchar *) dossier->number, strlen (dossier->number) + 1);
  if (!kiosk_portal_read_parts (headers, body, checksum, "complement", &json, uploads, &problem))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", problem, NULL);
      return NULL;
    }
  fingerprint = g_checksum_get_string (checksum);
  if (kiosk_portal_store_lookup_key (self->store, key, &stored_fingerprint, &stored_status, &stored_response))
    {
      if (strcmp (stored_fingerprint, fingerprint) != 0)
        {
          kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                                    "This Idempotency-Key was used for a different request", NULL);
          return NULL;
        }
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Idempotency-Replayed", "true");
      soup_server_message_set_status (msg, stored_status, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                        stored_response, strlen (stored_response));
      return NULL;
    }

  request = kiosk_json_parse_object (g_bytes_get_data (json, NULL), g_bytes_get_size (json), NULL);
  message = kiosk_json_get_string (request, "message");
  answers = kiosk_json_get_array (request, "answers");
  if (request == NULL
      || (json_object_has_member (request, "message") && message == NULL)
      || (json_object_has_member (request, "answers") && answers == NULL)
      || (json_object_has_member (request, "files") && kiosk_json_get_object (request, "files") == NULL))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "The complement part must be {\"message\", \"answers\": […], \"files\": {…}}", NULL);
      return NULL;
    }
  if ((message == NULL || *message == '\0') && (answers == NULL || json_array_get_length (answers) == 0))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "A complement carries a message, answers, or both", NULL);
      return NULL;
    }
  if (message != NULL && strlen (message) > MAX_TEXT_LENGTH)
    add_error (errors, "message", "Votre message est trop long.");
  if (procedure == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                                "The dossier's procedure is no longer in the catalogue", NULL);
      return NULL;
    }

  stored = kiosk_json_parse (dossier->answers, -1, 0, NULL);
  complement.data = stored && JSON_NODE_HOLDS_OBJECT (stored) ? json_object_ref (json_node_get_object (stored))
                                                             : json_object_new ();
  complement.corrected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  complement.part_request = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  complement.answered = g_ptr_array_new_with_free_func (g_free);
  complement.answers = json_array_new ();
  fits = check_answers (self, dossier, procedure, answers, kiosk_json_get_object (request, "files"),
                        uploads, &complement, errors);
  if (!fits)
    kiosk_portal_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                              "A document is larger than allowed", errors);
  else if (g_hash_table_size (errors) > 0)
    kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-fields",
                              "Some answers are not valid", errors);
  else if ((response = store_complement (self, dossier, key, fingerprint, message, uploads, &complement)) == NULL)
    kiosk_portal_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                              "The complement could not be stored", NULL);
  else
    {
      soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                        response, strlen (response));
    }
  complement_clear (&complement);
  if (soup_server_message_get_status (msg) != SOUP_STATUS_CREATED)
    return NULL;
  g_hash_table_add (self->in_flight, g_strdup (key));
  return g_strdup (key);
}

/**
 * kiosk_portal_followup_handle_api:
 * @segments: what follows "api/dossiers": the number, then nothing, "details" or "complements"
 *
 * Returns: (transfer full) (nullable): an Idempotency-Key to release when the answer is sent
 */
char *
kiosk_portal_followup_handle_api (KioskPortalFollowup *self,
                                  SoupServerMessage   *msg,
                                  const char          *method,
                                  char               **segments,
                                  GHashTable          *query)
{
  gboolean is_get = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;
  guint n = g_strv_length (segments);
  const char *what = n == 2 ? segments[1] : NULL;
  g_autoptr(Dossier) dossier = NULL;
  gint64 retry_after;
  Access access;

  if (n > 2 || (what != NULL && strcmp (what, "details") != 0 && strcmp (what, "complements") != 0))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
      return NULL;
    }
  if (what != NULL && strcmp (what, "complements") == 0 ? strcmp (method, "POST") != 0 : !is_get)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    what != NULL && strcmp (what, "complements") == 0 ? "POST" : "GET, HEAD");
      kiosk_portal_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                                "Method not allowed on this resource", NULL);
      return NULL;
    }
  access = check_access (self, msg, segments[0], query, &dossier, &retry_after);
  if (access != ACCESS_GRANTED && access != ACCESS_OWNER)
    {
      reply_access (msg, access, retry_after);
      return NULL;
    }
  if (what == NULL)
    kiosk_portal_reply_data (msg, SOUP_STATUS_OK, build_summary (self, dossier));
  else if (strcmp (what, "details") == 0)
    {
      JsonObject *details = build_details (self, dossier, FALSE);

      /* The account holder may see the code: what their printed receipt carries, and what a
       * complement queued in a kiosk's outbox is later delivered with (the token expires). */
      if (access == ACCESS_OWNER && dossier->code != NULL)
        json_object_set_string_member (details, "tracking_code", dossier->code);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, details);
    }
  else
    return handle_complement (self, msg, dossier);
  return NULL;
}

/* Pages */

/* New Caledonia has no daylight saving time: UTC+11 all year. */
static char *
format_time (const char *iso)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GTimeZone) noumea = g_time_zone_new_offset (11 * 3600);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (iso ? iso : "");
  local = g_date_time_to_timezone (utc, noumea);
  return g_date_time_format (local, "%d/%m/%Y à %H:%M (heure de Nouméa)");
}

static GString *
begin_page (const char *title)
{
  GString *page = g_string_new (NULL);
  g_autofree char *e_title = g_markup_escape_text (title, -1);

  g_string_append_printf (page, "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<title>%s</title>\n</head>\n<body>\n", e_title);
  return page;
}

static void
send_page (SoupServerMessage *msg,
           guint              status,
           GString           *page)
{
  g_string_append (page, "</body>\n</html>\n");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page->str, page->len);
}

/* The thread as HTML, newest first. */
static void
append_thread (GString    *page,
               JsonObject *details)
{
  JsonArray *requests = kiosk_json_get_array (details, "requests");
  JsonArray *messages = kiosk_json_get_array (details, "messages");

  for (guint i = 0; requests != NULL && i < json_array_get_length (requests); i++)
    {
      JsonObject *request = json_array_get_object_element (requests, i);
      g_autofree char *e_text = g_markup_escape_text (kiosk_json_get_string (request, "text"), -1);

      if (kiosk_json_get_bool (request, "open", FALSE))
        g_string_append_printf (page, "<p><strong>Demande en attente de réponse</strong> (n° %s) : %s</p>\n",
                                kiosk_json_get_string (request, "id"), e_text);
    }
  g_string_append (page, "<ul>\n");
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);
      JsonArray *documents = kiosk_json_get_array (message, "documents");
      g_autofree char *when = format_time (kiosk_json_get_string (message, "time"));
      g_autofree char *e_text = g_markup_escape_text (kiosk_json_get_string (message, "text"), -1);
      gboolean citizen = g_strcmp0 (kiosk_json_get_string (message, "author"), "citizen") == 0;

      g_string_append_printf (page, "<li><p>%s, le %s :</p><p>%s</p>", citizen ? "Vous" : "Le service instructeur",
                              when, e_text);
      for (guint j = 0; documents != NULL && j < json_array_get_length (documents); j++)
        {
          JsonObject *document = json_array_get_object_element (documents, j);
          g_autofree char *e_name = g_markup_escape_text (kiosk_json_get_string (document, "filename"), -1);

          g_string_append_printf (page, "<p>Document joint : %s (%" G_GINT64_FORMAT " octets, sha256 %s)</p>",
                                  e_name, kiosk_json_get_int (document, "size", 0),
                                  kiosk_json_get_string (document, "sha256"));
        }
      g_string_append (page, "</li>\n");
    }
  g_string_append (page, "</ul>\n");
}

/**
 * kiosk_portal_followup_handle_page:
 *
 * `GET /suivi/<number>?code=<tracking code>`: the dossier's status and thread for whoever holds
 * the code. Without the right code the page is the same whatever the number.
 */
void
kiosk_portal_followup_handle_page (KioskPortalFollowup *self,
                                   SoupServerMessage   *msg,
                                   const char          *number,
                                   GHashTable          *query)
{
  g_autoptr(Dossier) dossier = NULL;
  g_autoptr(GString) page = NULL;
  gint64 retry_after;
  Access access = check_access (self, msg, number, query, &dossier, &retry_after);

  if (access == ACCESS_LIMITED)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);

      page = begin_page ("Trop d’essais");
      g_string_append (page, "<h1>Trop d’essais</h1>\n<p>Trop de codes de suivi erronés ont été essayés. "
                             "Réessayez dans quelques minutes.</p>\n");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
      send_page (msg, 429, page);
    }
  else if (access == ACCESS_DENIED)
    {
      page = begin_page ("Suivi d’un dossier");
      g_string_append (page, "<h1>Suivi d’un dossier</h1>\n<p>Pour suivre votre dossier, il faut son numéro et "
                             "son code de suivi, tous deux inscrits sur votre récépissé. Scannez le QR code "
                             "du récépissé, ou vérifiez le numéro et le code.</p>\n");
      send_page (msg, SOUP_STATUS_NOT_FOUND, page);
    }
  else
    {
      g_autoptr(JsonObject) details = build_details (self, dossier, FALSE);
      g_autofree char *e_number = g_markup_escape_text (dossier->number, -1);
      g_autofree char *e_title = g_markup_escape_text (title_of (self, dossier->slug), -1);
      g_autofree char *when = format_time (dossier->receipt_time);
      g_autofree char *since = format_time (dossier->since);
      g_autofree char *e_status = g_markup_escape_text (kiosk_portal_get_status_name (dossier->status), -1);

      page = begin_page ("Suivi de votre dossier");
      g_string_append_printf (page, "<h1>Suivi de votre dossier</h1>\n<p>Dossier n° <strong>%s</strong></p>\n"
                              "<p>Démarche : %s</p>\n<p>Déposé le %s</p>\n"
                              "<p>État : <strong>%s</strong> depuis le %s</p>\n",
                              e_number, e_title, when, e_status, since);
      append_thread (page, details);
      send_page (msg, SOUP_STATUS_OK, page);
    }
}

/* The instructor's side */

/* Adds a request (and its message in the thread) and puts the dossier in waiting-for-citizen.
 * Returns: the request id, or -1 with @problem set */
static gint64
add_request (KioskPortalFollowup  *self,
             Dossier              *dossier,
             JsonObject           *body,
             const char          **problem)
{
  JsonObject *procedure = g_hash_table_lookup (self->procedures, dossier->slug);
  const char *kind = kiosk_json_get_string (body, "kind");
  const char *document = kiosk_json_get_string (body, "document");
  const char *field = kiosk_json_get_string (body, "field");
  const char *text = kiosk_json_get_string (body, "text");
  g_autofree char *built = NULL;
  g_autofree char *now = now_iso ();
  gint64 id;

  if (g_strcmp0 (kind, "missing-document") == 0)
    {
      JsonObject *named = document ? kiosk_portal_find_document (procedure, document) : NULL;

      field = NULL;
      if (document != NULL && named == NULL)
        {
          *problem = "\"document\" is not one of the procedure's documents";
          return -1;
        }
      if (text == NULL)
        text = kiosk_json_get_string (body, "description");
      if (text == NULL && named != NULL)
        text = built = g_strdup_printf ("Merci de fournir le document « %s ».",
                                        kiosk_json_get_string (named, "label"));
      if (text == NULL || *text == '\0')
        {
          *problem = "A missing document needs \"document\" (a varname) or \"description\"";
          return -1;
        }
    }
  else if (g_strcmp0 (kind, "incorrect-answer") == 0)
    {
      document = NULL;
      text = kiosk_json_get_string (body, "reason") ? kiosk_json_get_string (body, "reason") : text;
      if (field == NULL || find_field (procedure, field) == NULL)
        {
          *problem = "\"field\" is not one of the procedure's fields";
          return -1;
        }
      if (text == NULL || *text == '\0')
        {
          *problem = "An incorrect answer needs a \"reason\"";
          return -1;
        }
    }
  else if (g_strcmp0 (kind, "question") == 0)
    {
      document = field = NULL;
      if (is_blank (text))
        {
          *problem = "A question needs its \"text\"";
          return -1;
        }
    }
  else
    {
      *problem = "\"kind\" must be missing-document, incorrect-answer or question";
      return -1;
    }

  id = insert_row (self->db, "INSERT INTO citizen_requests (dossier_id, kind, document, field, text, created)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "isssss", dossier->id, kind, document, field, text, now);
  if (id < 0
      || insert_row (self->db, "INSERT INTO thread_messages (dossier_id, author, text, time, request_id)"
                     " VALUES (?1, 'instructor', ?2, ?3, ?4)", "issi", dossier->id, text, now, id) < 0)
    {
      *problem = "The request could not be stored";
      return -1;
    }
  set_status (self, dossier->id, "waiting-for-citizen");
  return id;
}

static gint64
add_message (KioskPortalFollowup  *self,
             Dossier              *dossier,
             const char           *text,
             const char          **problem)
{
  g_autofree char *now = now_iso ();
  gint64 id;

  if (text == NULL || *text == '\0')
    {
      *problem = "A message needs its \"text\"";
      return -1;
    }
  id = insert_row (self->db, "INSERT INTO thread_messages (dossier_id, author, text, time)"
                   " VALUES (?1, 'instructor', ?2, ?3)", "iss", dossier->id, text, now);
  if (id < 0)
    *problem = "The message could not be stored";
  return id;
}

static gboolean
change_status (KioskPortalFollowup  *self,
               Dossier              *dossier,
               const char           *status,
               const char          **problem)
{
  static const char * const known[] = { "received", "in-progress", "waiting-for-citizen", "accepted", "refused" };

  if (status == NULL || !g_strv_contains (known, status))
    {
      *problem = "\"status\" must be received, in-progress, waiting-for-citizen, accepted or refused";
      return FALSE;
    }
  set_status (self, dossier->id, status);
  return TRUE;
}

/* Runs one action of the instructor on @dossier. Returns: the new item's id (or 0), -1 on error */
static gint64
run_action (KioskPortalFollowup  *self,
            Dossier              *dossier,
            const char           *action,
            JsonObject           *body,
            const char          **problem)
{
  if (strcmp (action, "messages") == 0)
    return add_message (self, dossier, kiosk_json_get_string (body, "text"), problem);
  if (strcmp (action, "requests") == 0)
    return add_request (self, dossier, body, problem);
  if (strcmp (action, "status") == 0)
    return change_status (self, dossier, kiosk_json_get_string (body, "status"), problem) ? 0 : -1;
  *problem = "No such action";
  return -1;
}

/* The instructor's page: every dossier, newest first, with its thread and forms to write. */
static void
reply_instructor_page (KioskPortalFollowup *self,
                       SoupServerMessage   *msg)
{
  g_autoptr(GString) page = begin_page ("Instruction des dossiers");
  sqlite3_stmt *stmt = NULL;

  g_string_append (page, "<h1>Instruction des dossiers (portail de référence)</h1>\n");
  sqlite3_prepare_v2 (self->db, "SELECT number FROM dossiers ORDER BY id DESC", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(Dossier) dossier = find_dossier (self, (const char *) sqlite3_column_text (stmt, 0));
      g_autoptr(JsonObject) details = NULL;
      g_autofree char *e_number = NULL;
      g_autofree char *e_title = NULL;
      g_autofree char *when = NULL;

      if (dossier == NULL)
        continue;
      details = build_details (self, dossier, TRUE);
      e_number = g_markup_escape_text (dossier->number, -1);
      e_title = g_markup_escape_text (title_of (self, dossier->slug), -1);
      when = format_time (dossier->receipt_time);
      g_string_append_printf (page, "<section>\n<h2>%s — %s</h2>\n<p>Déposé le %s. État : <strong>%s</strong>"
                              " (%" G_GINT64_FORMAT " demande(s) ouverte(s))</p>\n",
                              e_number, e_title, when, kiosk_portal_get_status_name (dossier->status),
                              count_open_requests (self, dossier->id));
      append_thread (page, details);
      g_string_append_printf (page,
                              "<form method=\"post\"><input type=\"hidden\" name=\"number\" value=\"%s\">"
                              "<input type=\"hidden\" name=\"action\" value=\"messages\">"
                              "<input name=\"text\" placeholder=\"Message\"> <button>Écrire</button></form>\n"
                              "<form method=\"post\"><input type=\"hidden\" name=\"number\" value=\"%s\">"
                              "<input type=\"hidden\" name=\"action\" value=\"requests\">"
                              "<select name=\"kind\"><option value=\"missing-document\">Document manquant</option>"
                              "<option value=\"incorrect-answer\">Réponse à corriger</option>"
                              "<option value=\"question\">Question</option></select>"
                              " <input name=\"document\" placeholder=\"document (varname)\">"
                              " <input name=\"field\" placeholder=\"champ (varname)\">"
                              " <input name=\"text\" placeholder=\"Texte ou motif\"> <button>Demander</button></form>\n"
                              "<form method=\"post\"><input type=\"hidden\" name=\"number\" value=\"%s\">"
                              "<input type=\"hidden\" name=\"action\" value=\"status\">"
                              "<select name=\"status\"><option>in-progress</option><option>accepted</option>"
                              "<option>refused</option></select> <button>Changer l’état</button></form>\n"
                              "</section>\n", e_number, e_number, e_number);
    }
  sqlite3_finalize (stmt);
  send_page (msg, SOUP_STATUS_OK, page);
}

/* A form of the instructor's page: the action, then back to the page. */
static void
handle_instructor_form (KioskPortalFollowup *self,
                        SoupServerMessage   *msg,
                        const char          *base_url)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(Dossier) dossier = find_dossier (self, g_hash_table_lookup (form, "number"));
  const char *action = g_hash_table_lookup (form, "action");
  const char *problem = NULL;
  g_autofree char *location = g_strconcat (base_url, "_control/instructor", NULL);
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &name, &value))
    if (*(const char *) value != '\0')
      json_object_set_string_member (request, name, value);
  if (dossier == NULL || action == NULL || run_action (self, dossier, action, request, &problem) < 0)
    {
      g_autoptr(GString) page = begin_page ("Action refusée");
      g_autofree char *e_problem = g_markup_escape_text (problem ? problem : "Unknown dossier", -1);

      g_string_append_printf (page, "<p>%s</p><p><a href=\"%s\">Retour</a></p>\n", e_problem, location);
      send_page (msg, SOUP_STATUS_BAD_REQUEST, page);
      return;
    }
  soup_server_message_set_redirect (msg, SOUP_STATUS_SEE_OTHER, location);
}

/**
 * kiosk_portal_followup_handle_control:
 * @segments: what follows "_control": "dossiers" [, number [, action]] or "instructor"
 *
 * The instructor's side, without any code: `GET /_control/dossiers[/<number>]`,
 * `POST /_control/dossiers/<number>/{messages,requests,status}`, and the page
 * `/_control/instructor`.
 */
void
kiosk_portal_followup_handle_control (KioskPortalFollowup *self,
                                      SoupServerMessage   *msg,
                                      const char          *method,
                                      char               **segments,
                                      const char          *base_url)
{
  gboolean is_get = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;
  gboolean is_post = strcmp (method, "POST") == 0;
  guint n = g_strv_length (segments);
  g_autoptr(Dossier) dossier = NULL;

  if (strcmp (segments[0], "instructor") == 0 && n == 1)
    {
      if (is_get)
        reply_instructor_page (self, msg);
      else if (is_post)
        handle_instructor_form (self, msg, base_url);
      else
        kiosk_portal_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                                  "Method not allowed on this resource", NULL);
      return;
    }
  if (strcmp (segments[0], "dossiers") != 0 || n > 3)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
      return;
    }
  if (n == 1)
    {
      JsonObject *data = json_object_new ();
      JsonArray *list = json_array_new ();
      sqlite3_stmt *stmt = NULL;

      sqlite3_prepare_v2 (self->db, "SELECT number FROM dossiers ORDER BY id DESC", -1, &stmt, NULL);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(Dossier) each = find_dossier (self, (const char *) sqlite3_column_text (stmt, 0));

          if (each != NULL)
            json_array_add_object_element (list, build_details (self, each, TRUE));
        }
      sqlite3_finalize (stmt);
      json_object_set_array_member (data, "dossiers", list);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
      return;
    }
  dossier = find_dossier (self, segments[1]);
  if (dossier == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No dossier with this number", NULL);
      return;
    }
  if (n == 2 && is_get)
    kiosk_portal_reply_data (msg, SOUP_STATUS_OK, build_details (self, dossier, TRUE));
  else if (n == 3 && is_post)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autoptr(JsonObject) request = kiosk_json_parse_object (g_bytes_get_data (body, NULL),
                                                               g_bytes_get_size (body), NULL);
      const char *problem = "The body must be a JSON object";
      gint64 id = request != NULL ? run_action (self, dossier, segments[2], request, &problem) : -1;

      if (id < 0)
        kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", problem, NULL);
      else
        {
          JsonObject *data = json_object_new ();
          g_autoptr(Dossier) after = find_dossier (self, dossier->number);

          if (id > 0)
            {
              g_autofree char *text = id_string (id);

              json_object_set_string_member (data, "id", text);
            }
          json_object_set_object_member (data, "status", build_status (after->status, after->since));
          kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
        }
    }
  else
    kiosk_portal_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                              "Method not allowed on this resource", NULL);
}
