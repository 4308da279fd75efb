/* kiosk-portal-prefill.c: pre-filled drafts, as Démarches Simplifiées' prefill API makes them.
 *
 * A kiosk hands over the answers a citizen has given so far (POST /api/formdefs/<slug>/prefill);
 * the portal keeps them under a random token and answers the URL that opens the draft on the
 * citizen's phone (/brouillon/<token>), where they finish it and add their documents. Answers
 * are checked for their type (not for being complete: it is a draft). Kept 7 days, in SQLite. */
#include "kiosk-portal-private.h"

#include "kiosk-json.h"

#include <string.h>

#define PREFILL_LIFETIME_S (7 * 24 * 3600)

static void
ensure_table (sqlite3 *db)
{
  sqlite3_exec (db, "CREATE TABLE IF NOT EXISTS prefills (token_sha256 TEXT PRIMARY KEY,"
                    " slug TEXT NOT NULL, data TEXT NOT NULL, created INTEGER NOT NULL)",
                NULL, NULL, NULL);
}

/* Keeps only the messages about answers that were given: a draft may lack required ones. */
static void
drop_missing (GHashTable *errors,
              JsonObject *data)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, errors);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *top = g_strdup (key);
      char *slash = strchr (top, '/');

      if (slash != NULL)
        *slash = '\0';
      if (!json_object_has_member (data, top))
        g_hash_table_iter_remove (&iter);
      else if (slash == NULL)
        {
          /* A given block whose entries lack required answers is still a fine draft. */
        }
    }
}

/**
 * kiosk_portal_prefill_create:
 * @procedure: the procedure's schema
 * @body: the request's body: {"data": {…}}
 * @base_url: the portal's public URL, ending with '/'
 * @errors: where invalid answers are reported
 *
 * Returns: (transfer full) (nullable): the reply's data ({"token", "url", "expires_at"}), or
 *   %NULL with @errors filled (or empty when the body is not JSON)
 */
JsonObject *
kiosk_portal_prefill_create (sqlite3    *db,
                             const char *slug,
                             JsonObject *procedure,
                             GBytes     *body,
                             const char *base_url,
                             GHashTable *errors)
{
  g_autoptr(JsonObject) request = kiosk_json_parse_object (g_bytes_get_data (body, NULL),
                                                           g_bytes_get_size (body), NULL);
  JsonObject *data = kiosk_json_get_object (request, "data");
  g_autofree char *token = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GDateTime) expires = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonObject *reply;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (data == NULL)
    return NULL;
  kiosk_portal_validate_answers (procedure, data, errors);
  drop_missing (errors, data);
  /* A block entry's missing answers are for the citizen to give at home. */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, errors);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (strstr (value, "est obligatoire") != NULL)
        g_hash_table_iter_remove (&iter);
  }
  if (g_hash_table_size (errors) > 0)
    return NULL;

  ensure_table (db);
  token = kiosk_portal_random_secret ();
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), data);

    stored = kiosk_json_to_string (node);
  }
  sqlite3_prepare_v2 (db, "INSERT INTO prefills VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, stored, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  expires = g_date_time_new_from_unix_utc (now + PREFILL_LIFETIME_S);
  reply = json_object_new ();
  {
    g_autofree char *url = g_strconcat (base_url, "brouillon/", token, NULL);
    g_autofree char *when = g_date_time_format_iso8601 (expires);

    json_object_set_string_member (reply, "url", url);
    json_object_set_string_member (reply, "expires_at", when);
  }
  return reply;
}

/**
 * kiosk_portal_prefill_find:
 * @token: from the URL
 * @slug: (out) (transfer full): the procedure
 *
 * Returns: (transfer full) (nullable): the pre-filled answers, or %NULL when unknown or expired
 */
JsonObject *
kiosk_portal_prefill_find (sqlite3     *db,
                           const char  *token,
                           char       **slug)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sqlite3_stmt *stmt = NULL;
  JsonObject *data = NULL;

  ensure_table (db);
  sqlite3_prepare_v2 (db, "SELECT slug, data FROM prefills WHERE token_sha256 = ?1 AND created > ?2",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC - PREFILL_LIFETIME_S);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *slug = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      data = kiosk_json_parse_object ((const char *) sqlite3_column_text (stmt, 1), -1, NULL);
    }
  sqlite3_finalize (stmt);
  return data;
}

/**
 * kiosk_portal_prefill_list:
 *
 * Returns: (transfer full): every pre-filled draft, for /_control/prefills
 */
JsonArray *
kiosk_portal_prefill_list (sqlite3 *db)
{
  JsonArray *list = json_array_new ();
  sqlite3_stmt *stmt = NULL;

  ensure_table (db);
  sqlite3_prepare_v2 (db, "SELECT slug, data, created FROM prefills ORDER BY created", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *item = json_object_new ();
      JsonObject *data = kiosk_json_parse_object ((const char *) sqlite3_column_text (stmt, 1), -1, NULL);

      json_object_set_string_member (item, "slug", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_object_member (item, "data", data ? data : json_object_new ());
      json_object_set_int_member (item, "created", sqlite3_column_int64 (stmt, 2));
      json_array_add_object_element (list, item);
    }
  sqlite3_finalize (stmt);
  return list;
}
