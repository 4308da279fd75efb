/* kiosk-portal.c: the reference portal — a small HTTP server that implements
 * docs/portal-api.md on loopback for tests and demos, with faults a test can switch on.
 *
 * Everything runs on one main loop: handlers answer synchronously and a delayed answer is a
 * paused message resumed by a timeout, never a blocked loop.
 */
#include "kiosk-portal-private.h"

#include "kiosk-json.h"
#include "kiosk-signature.h"

#include <glib-unix.h>
#include <signal.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#ifndef KIOSK_DEFAULT_CATALOGUE
#error "KIOSK_DEFAULT_CATALOGUE must name the default catalogue file"
#endif

#define JSON_CONTENT_TYPE "application/json; charset=utf-8"

/* Larger bodies are refused and not kept in memory (documents are at most tens of MB). */
#define MAX_BODY_SIZE (256 * 1024 * 1024)
#define MAX_KEY_LENGTH 255

typedef struct
{
  GMainLoop        *loop;
  SoupServer       *server;
  KioskPortalStore *store;
  char             *base_url;        /* public URL, with a trailing slash */

  char             *catalogue_path;
  char             *catalogue_sha256;
  char             *catalogue_etag;  /* the sha256 in quotes */
  GBytes           *catalogue_body;  /* what GET /api/catalogue answers */
  JsonObject       *catalogue;
  GHashTable       *procedures;      /* slug → schema object, borrowed from catalogue */

  GHashTable       *in_flight;       /* Idempotency-Keys of submissions being answered */

  /* Faults for /api/, set by POST /_control/faults. */
  guint             fail_count;
  guint             fail_submissions; /* only POST …/submit fails (503), N times */
  guint             fail_status;
  gint64            fail_retry_after; /* -1: no Retry-After header */
  guint             malformed_count;
  guint             delay_ms;
  guint             reset_count;      /* submissions stored, then the connection is cut */
  guint             trickle_count;    /* answers sent at 1 byte a second, never finished */

  GBytes           *kiosk_key;        /* nullable: when set, /api/ requests must be signed */
  KioskPortalVerifier *verifier;      /* checks signatures, keeps nonces and the last requests */

  char                    *appointments_path;
  KioskPortalAppointments *appointments;
  char                    *accounts_path;
  KioskPortalAccounts     *accounts;
  KioskPortalFollowup     *followup;
  char                    *agents_path;
  KioskPortalFleet        *fleet;
} KioskPortal;

/* A paused answer waiting for its delay; owns a reference on the message. */
typedef struct
{
  KioskPortal       *portal;
  SoupServerMessage *msg;
  char              *key;
} DelayedReply;

static void
reply_text (SoupServerMessage *msg,
            guint              status,
            const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, JSON_CONTENT_TYPE, SOUP_MEMORY_COPY, text,
                                    strlen (text));
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonNode          *root)
{
  g_autofree char *text = kiosk_json_to_string (root);

  reply_text (msg, status, text);
}

/* Answers 200 `{"err": 0, "data": @data}`; takes @data. */
static void
reply_data (SoupServerMessage *msg,
            JsonObject        *data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = NULL;

  json_object_set_int_member (object, "err", 0);
  json_object_set_object_member (object, "data", data);
  root = json_node_init_object (json_node_alloc (), object);
  reply_json (msg, SOUP_STATUS_OK, root);
}

/* @fields: (nullable): varname → French message, sent as the `fields` member */
static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *code,
             const char        *description,
             GHashTable        *fields)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "err");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "err_code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "err_desc");
  json_builder_add_string_value (builder, description);
  if (fields != NULL)
    {
      g_autoptr(GList) names = g_list_sort (g_hash_table_get_keys (fields),
                                            (GCompareFunc) strcmp);

      json_builder_set_member_name (builder, "fields");
      json_builder_begin_object (builder);
      for (GList *l = names; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          json_builder_add_string_value (builder, g_hash_table_lookup (fields, l->data));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply_json (msg, status, root);
}

void
kiosk_portal_reply_error (SoupServerMessage *msg,
                          guint              status,
                          const char        *code,
                          const char        *description,
                          GHashTable        *fields)
{
  reply_error (msg, status, code, description, fields);
}

void
kiosk_portal_reply_data (SoupServerMessage *msg,
                         guint              status,
                         JsonObject        *data)
{
  reply_data (msg, data);
  soup_server_message_set_status (msg, status, NULL);
}

static void
reply_method_not_allowed (SoupServerMessage *msg,
                          const char        *allowed)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
               "Method not allowed on this resource", NULL);
}

static char *
compute_sha256 (const guint8 *data,
                gsize         length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

/* Catalogue */

static void
index_procedures (GHashTable *procedures,
                  JsonObject *catalogue)
{
  JsonArray *list = kiosk_json_get_array (catalogue, "procedures");
  guint n = list != NULL ? json_array_get_length (list) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      const char *slug;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      slug = kiosk_json_get_string (json_node_get_object (node), "slug");
      if (slug != NULL)
        g_hash_table_replace (procedures, (char *) slug, json_node_get_object (node));
    }
}

/* Returns: (transfer full): a copy of @object with `"err": 0` first, as every answer has. */
static JsonNode *
build_success_node (JsonObject *object)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (object);

  json_object_set_int_member (copy, "err", 0);
  for (GList *l = members; l != NULL; l = l->next)
    if (strcmp (l->data, "err") != 0)
      json_object_set_member (copy, l->data,
                              json_node_copy (json_object_get_member (object, l->data)));
  return json_node_init_object (json_node_alloc (), copy);
}

/* The file is served as it is, unless it lacks the `"err": 0` every answer carries; then it is
 * re-serialised with it. Either way the ETag, the file's sha256, changes exactly when it does. */
static GBytes *
build_catalogue_body (JsonObject *catalogue,
                      char       *contents,
                      gsize       length)
{
  g_autoptr(JsonNode) root = NULL;
  char *text;

  if (json_object_has_member (catalogue, "err"))
    return g_bytes_new_take (contents, length);
  g_free (contents);

  root = build_success_node (catalogue);
  text = kiosk_json_to_string (root);
  return g_bytes_new_take (text, strlen (text));
}

/* (Re)reads the catalogue file; a file that did not change is not parsed again. On error the
 * previous catalogue stays in service. */
static gboolean
load_catalogue (KioskPortal  *portal,
                GError      **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(JsonObject) catalogue = NULL;
  gsize length;

  if (!g_file_get_contents (portal->catalogue_path, &contents, &length, error))
    return FALSE;
  sha256 = compute_sha256 ((const guint8 *) contents, length);
  if (g_strcmp0 (sha256, portal->catalogue_sha256) == 0)
    return TRUE;

  catalogue = kiosk_json_parse_object (contents, length, error);
  if (catalogue == NULL)
    {
      g_prefix_error (error, "%s: ", portal->catalogue_path);
      return FALSE;
    }
  if (kiosk_json_get_array (catalogue, "procedures") == NULL)
    {
      g_set_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SHAPE,
                   "%s: no \"procedures\" array", portal->catalogue_path);
      return FALSE;
    }

  g_hash_table_remove_all (portal->procedures);
  index_procedures (portal->procedures, catalogue);
  g_clear_pointer (&portal->catalogue, json_object_unref);
  portal->catalogue = g_steal_pointer (&catalogue);
  g_clear_pointer (&portal->catalogue_body, g_bytes_unref);
  portal->catalogue_body = build_catalogue_body (portal->catalogue, g_steal_pointer (&contents),
                                                 length);
  g_free (portal->catalogue_etag);
  portal->catalogue_etag = g_strdup_printf ("\"%s\"", sha256);
  g_free (portal->catalogue_sha256);
  portal->catalogue_sha256 = g_steal_pointer (&sha256);
  return TRUE;
}

static void
refresh_catalogue (KioskPortal *portal)
{
  g_autoptr(GError) error = NULL;

  if (!load_catalogue (portal, &error))
    g_printerr ("kiosk-portal: keeping the previous catalogue: %s\n", error->message);
}

/* True when an If-None-Match list names @etag (weak or strong) or is "*". */
static gboolean
matches_etag (const char *if_none_match,
              const char *etag)
{
  g_auto(GStrv) tags = NULL;

  if (if_none_match == NULL)
    return FALSE;
  tags = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (strcmp (tag, "*") == 0 || strcmp (tag, etag) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
handle_catalogue (KioskPortal       *portal,
                  SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  gsize length;
  const char *data = g_bytes_get_data (portal->catalogue_body, &length);

  soup_message_headers_replace (response, "ETag", portal->catalogue_etag);
  soup_message_headers_replace (response, "Cache-Control", "no-cache");
  if (matches_etag (soup_message_headers_get_list (request, "If-None-Match"),
                    portal->catalogue_etag))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, JSON_CONTENT_TYPE, SOUP_MEMORY_COPY, data, length);
}

/* Copies @name from @object, or adds @fallback (a new node, or %NULL for null). */
static void
copy_member (JsonBuilder *builder,
             JsonObject  *object,
             const char  *name,
             JsonNode    *fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  json_builder_set_member_name (builder, name);
  if (node != NULL)
    {
      json_builder_add_value (builder, json_node_copy (node));
      g_clear_pointer (&fallback, json_node_unref);
    }
  else if (fallback != NULL)
    json_builder_add_value (builder, fallback);
  else
    json_builder_add_null_value (builder);
}

static JsonNode *
build_empty_array (void)
{
  JsonNode *node = json_node_alloc ();

  json_node_take_array (json_node_init (node, JSON_NODE_ARRAY), json_array_new ());
  return node;
}

static void
handle_formdefs (KioskPortal       *portal,
                 SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list = kiosk_json_get_array (portal->catalogue, "procedures");
  static const char * const copied[] = {
    "slug", "title", "description", "category", "category_slug",
  };

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "err");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *procedure;
      const char *slug;
      g_autofree char *url = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      procedure = json_node_get_object (node);
      slug = kiosk_json_get_string (procedure, "slug");
      if (slug == NULL)
        continue;
      url = g_strconcat (portal->base_url, slug, "/", NULL);

      json_builder_begin_object (builder);
      for (gsize j = 0; j < G_N_ELEMENTS (copied); j++)
        copy_member (builder, procedure, copied[j], NULL);
      copy_member (builder, procedure, "keywords", build_empty_array ());
      copy_member (builder, procedure, "profiles", build_empty_array ());
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply_json (msg, SOUP_STATUS_OK, root);
}

static void
handle_schema (KioskPortal       *portal,
               SoupServerMessage *msg,
               JsonObject        *procedure)
{
  g_autoptr(JsonNode) root = build_success_node (procedure);

  reply_json (msg, SOUP_STATUS_OK, root);
}

/* Submission */

static void
add_to_fingerprint (GChecksum  *checksum,
                    const char *text)
{
  if (text == NULL)
    text = "";
  g_checksum_update (checksum, (const guchar *) text, strlen (text) + 1);
}

/* Reads the parts of a multipart/form-data body: the @json_name part (`dossier`, `complement`)
 * into @dossier, the others into @uploads. Feeds @fingerprint with each part's name, filename,
 * type and bytes, not the boundary, which a client draws anew on every try. */
gboolean
kiosk_portal_read_parts (SoupMessageHeaders  *headers,
                         GBytes              *body,
                         GChecksum           *fingerprint,
                         const char          *json_name,
                         GBytes             **dossier,
                         GHashTable          *uploads,
                         const char         **problem)
{
  g_autoptr(SoupMultipart) multipart = NULL;
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  if (type == NULL || g_ascii_strcasecmp (type, "multipart/form-data") != 0
      || (multipart = soup_multipart_new_from_message (headers, body)) == NULL)
    {
      *problem = "The body must be multipart/form-data";
      return FALSE;
    }

  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;
      const char *name, *filename, *part_type;
      g_autofree char *size = NULL;

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      if (!soup_message_headers_get_content_disposition (part_headers, &disposition, &params)
          || g_ascii_strcasecmp (disposition, "form-data") != 0
          || (name = g_hash_table_lookup (params, "name")) == NULL || *name == '\0')
        {
          *problem = "Every part needs a Content-Disposition: form-data with a name";
          return FALSE;
        }
      if (g_hash_table_contains (uploads, name)
          || (strcmp (name, json_name) == 0 && *dossier != NULL))
        {
          *problem = "Two parts have the same name";
          return FALSE;
        }
      filename = g_hash_table_lookup (params, "filename");
      part_type = soup_message_headers_get_content_type (part_headers, NULL);
      size = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (part_body));
      add_to_fingerprint (fingerprint, name);
      add_to_fingerprint (fingerprint, filename);
      add_to_fingerprint (fingerprint, part_type);
      add_to_fingerprint (fingerprint, size);
      g_checksum_update (fingerprint, g_bytes_get_data (part_body, NULL),
                         g_bytes_get_size (part_body));

      if (strcmp (name, json_name) == 0)
        *dossier = g_bytes_ref (part_body);
      else
        {
          KioskPortalUpload *upload = g_new0 (KioskPortalUpload, 1);

          upload->varname = g_strdup (name);
          upload->filename = g_strdup (filename);
          upload->content_type = g_ascii_strdown (part_type ? part_type
                                                            : "application/octet-stream", -1);
          upload->bytes = g_bytes_ref (part_body);
          upload->sha256 = compute_sha256 (g_bytes_get_data (part_body, NULL),
                                           g_bytes_get_size (part_body));
          g_hash_table_insert (uploads, upload->varname, upload);
        }
    }
  if (*dossier == NULL)
    {
      *problem = strcmp (json_name, "dossier") == 0 ? "The \"dossier\" part is missing"
                                                    : "The \"complement\" part is missing";
      return FALSE;
    }
  return TRUE;
}

/* Validates and stores a parsed submission. Answers @msg in every case. */
static void
accept_dossier (KioskPortal       *portal,
                SoupServerMessage *msg,
                const char        *slug,
                JsonObject        *procedure,
                const char        *key,
                const char        *fingerprint,
                GBytes            *dossier_bytes,
                GHashTable        *uploads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) dossier = NULL;
  g_autoptr(JsonObject) empty = json_object_new ();
  g_autoptr(GHashTable) errors = kiosk_portal_new_errors ();
  g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
  g_autoptr(KioskPortalDossier) stored = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  g_autofree char *answers = NULL;
  g_autofree char *response = NULL;
  JsonObject *data, *files;
  GHashTableIter iter;
  gpointer value;
  gsize length;
  const char *text = g_bytes_get_data (dossier_bytes, &length);

  dossier = kiosk_json_parse_object (text, length, &error);
  if (dossier == NULL)
    {
      g_autofree char *description = g_strdup_printf ("Invalid dossier part: %s",
                                                      error->message);

      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", description, NULL);
      return;
    }
  data = kiosk_json_get_object (dossier, "data");
  files = kiosk_json_get_object (dossier, "files");
  if ((data == NULL && json_object_has_member (dossier, "data"))
      || (files == NULL && json_object_has_member (dossier, "files")))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                   "\"data\" and \"files\" must be objects", NULL);
      return;
    }
  if (data == NULL)
    data = empty;

  if (!kiosk_portal_validate_documents (procedure, data, files, uploads, errors))
    {
      reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                   "A document is larger than allowed", errors);
      return;
    }
  kiosk_portal_validate_answers (procedure, data, errors);
  if (g_hash_table_size (errors) > 0)
    {
      reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-fields",
                   "Some answers are not valid", errors);
      return;
    }

  g_hash_table_iter_init (&iter, uploads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (ordered, value);
  data_node = json_node_init_object (json_node_alloc (), data);
  answers = kiosk_json_to_string (data_node);
  stored = kiosk_portal_store_add (portal->store, slug, key, fingerprint, answers, ordered,
                                   portal->base_url, &response, &error);
  if (stored == NULL)
    {
      g_printerr ("kiosk-portal: cannot store a dossier: %s\n", error->message);
      reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                   "The dossier could not be stored", NULL);
      return;
    }
  /* Where and how it was made (kiosk, or at the counter with an agent and the citizen's consent). */
  {
    JsonObject *context = kiosk_json_get_object (dossier, "context");
    sqlite3 *db = kiosk_portal_store_get_db (portal->store);
    sqlite3_stmt *stmt = NULL;

    if (context != NULL)
      {
        g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), context);
        g_autofree char *text = kiosk_json_to_string (node);

        sqlite3_exec (db, "CREATE TABLE IF NOT EXISTS dossier_contexts (idempotency_key TEXT PRIMARY KEY,"
                          " context TEXT NOT NULL)", NULL, NULL, NULL);
        sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO dossier_contexts VALUES (?1, ?2)", -1, &stmt, NULL);
        sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
        sqlite3_step (stmt);
        sqlite3_finalize (stmt);
      }
  }
  /* Sent for a signed-in citizen: the dossier joins their account. An unknown or expired grant
   * does not refuse the dossier: the citizen still follows it by its number. */
  if (kiosk_json_get_string (dossier, "account_grant") != NULL
      && !kiosk_portal_accounts_attach (portal->accounts, key, kiosk_json_get_string (dossier, "account_grant")))
    g_printerr ("kiosk-portal: dossier %s: account grant not valid, not attached\n", stored->number);
  reply_text (msg, SOUP_STATUS_CREATED, response);
}

/* Journal heads: each submission carries the kiosk's latest journal head; the portal keeps the
 * highest per kiosk, so that a journal truncated or rewritten later no longer matches it. */
static void
record_journal_head (KioskPortal       *portal,
                     SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *kiosk = soup_message_headers_get_one (headers, "X-Kiosk-Id");
  const char *head = soup_message_headers_get_one (headers, "X-Kiosk-Journal-Head");
  sqlite3 *db = kiosk_portal_store_get_db (portal->store);
  sqlite3_stmt *stmt = NULL;
  gint64 seq = 0;
  char mac[65] = "";

  if (kiosk == NULL || head == NULL || sscanf (head, "%" G_GINT64_FORMAT " %64s", &seq, mac) != 2 || seq <= 0)
    return;
  sqlite3_exec (db, "CREATE TABLE IF NOT EXISTS journal_heads (kiosk TEXT PRIMARY KEY, seq INTEGER, mac TEXT)",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO journal_heads (kiosk, seq, mac) VALUES (?1, ?2, ?3)"
                      " ON CONFLICT (kiosk) DO UPDATE SET seq = excluded.seq, mac = excluded.mac"
                      " WHERE excluded.seq > journal_heads.seq", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, kiosk, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, seq);
  sqlite3_bind_text (stmt, 3, mac, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
}

/* GET /api/kiosks/<id>/journal-head */
static void
handle_journal_head (KioskPortal       *portal,
                     SoupServerMessage *msg,
                     const char        *kiosk)
{
  sqlite3 *db = kiosk_portal_store_get_db (portal->store);
  sqlite3_stmt *stmt = NULL;
  JsonObject *data = json_object_new ();

  sqlite3_exec (db, "CREATE TABLE IF NOT EXISTS journal_heads (kiosk TEXT PRIMARY KEY, seq INTEGER, mac TEXT)",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "SELECT seq, mac FROM journal_heads WHERE kiosk = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, kiosk, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_object_set_int_member (data, "seq", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (data, "mac", (const char *) sqlite3_column_text (stmt, 1));
    }
  else
    json_object_set_int_member (data, "seq", 0);
  sqlite3_finalize (stmt);
  reply_data (msg, data);
}

/* Returns: (transfer full) (nullable): the Idempotency-Key to keep in flight until the answer
 * has been sent, or %NULL when the request was answered without taking the key. */
static char *
handle_submit (KioskPortal       *portal,
               SoupServerMessage *msg,
               const char        *slug,
               JsonObject        *procedure)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GHashTable) uploads = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) dossier = NULL;
  g_autofree char *stored_fingerprint = NULL;
  g_autofree char *stored_response = NULL;
  const char *problem = NULL;
  const char *fingerprint;
  guint stored_status;

  record_journal_head (portal, msg);
  if (key == NULL || *key == '\0' || strlen (key) > MAX_KEY_LENGTH)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                   "An Idempotency-Key header of 1 to 255 characters is required", NULL);
      return NULL;
    }
  if (portal->fail_submissions > 0)
    {
      portal->fail_submissions--;
      reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "unavailable",
                   "Submissions are failing (fault injected)", NULL);
      return NULL;
    }
  if (g_hash_table_contains (portal->in_flight, key))
    {
      reply_error (msg, SOUP_STATUS_CONFLICT, "idempotency-conflict",
                   "A request with this Idempotency-Key is being processed", NULL);
      return NULL;
    }

  uploads = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                   (GDestroyNotify) kiosk_portal_upload_free);
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  add_to_fingerprint (checksum, slug);
  if (!kiosk_portal_read_parts (headers, body, checksum, "dossier", &dossier, uploads, &problem))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", problem, NULL);
      return NULL;
    }
  fingerprint = g_checksum_get_string (checksum);

  if (kiosk_portal_store_lookup_key (portal->store, key, &stored_fingerprint, &stored_status,
                                     &stored_response))
    {
      if (strcmp (stored_fingerprint, fingerprint) != 0)
        {
          reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                       "This Idempotency-Key was used for a different request", NULL);
          return NULL;
        }
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Idempotency-Replayed", "true");
      reply_text (msg, stored_status, stored_response);
      return NULL;
    }

  g_hash_table_add (portal->in_flight, g_strdup (key));
  accept_dossier (portal, msg, slug, procedure, key, fingerprint, dossier, uploads);
  return g_strdup (key);
}

/* Dossiers: status, thread, complements and the /suivi/ page are kiosk-portal-followup.c's. */

/* The page a phone opens from the kiosk's QR code: the procedure, the answers given at the kiosk,
 * and what is left to do here (a real portal opens its form, pre-filled). */
static void
handle_prefill_page (KioskPortal       *portal,
                     SoupServerMessage *msg,
                     const char        *token)
{
  g_autofree char *slug = NULL;
  g_autoptr(JsonObject) data = kiosk_portal_prefill_find (kiosk_portal_store_get_db (portal->store), token, &slug);
  g_autoptr(GString) page = g_string_new ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n"
                                          "<meta charset=\"utf-8\">\n"
                                          "<meta name=\"viewport\" "
                                          "content=\"width=device-width, initial-scale=1\">\n");
  guint status = SOUP_STATUS_OK;

  if (data == NULL)
    {
      status = SOUP_STATUS_NOT_FOUND;
      g_string_append (page, "<title>Brouillon introuvable</title>\n</head>\n<body>\n"
                             "<h1>Brouillon introuvable</h1>\n"
                             "<p>Ce brouillon n’existe pas ou a plus de 7 jours.</p>\n");
    }
  else
    {
      JsonObject *procedure = g_hash_table_lookup (portal->procedures, slug);
      const char *title = kiosk_json_get_string (procedure, "title");
      g_autofree char *e_title = g_markup_escape_text (title ? title : slug, -1);
      g_autoptr(GList) members = json_object_get_members (data);

      g_string_append_printf (page, "<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n"
                              "<p>Vos réponses données à la borne sont déjà remplies. "
                              "Complétez votre demande et ajoutez vos documents.</p>\n<ul>\n",
                              e_title, e_title);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autoptr(JsonNode) copy = json_node_copy (json_object_get_member (data, l->data));
          g_autofree char *value = kiosk_json_to_string (copy);
          g_autofree char *e_name = g_markup_escape_text (l->data, -1);
          g_autofree char *e_value = g_markup_escape_text (value, -1);

          g_string_append_printf (page, "<li>%s : %s</li>\n", e_name, e_value);
        }
      g_string_append (page, "</ul>\n");
    }
  g_string_append (page, "</body>\n</html>\n");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page->str, page->len);
}

/* Control */

static void
reply_faults (KioskPortal       *portal,
              SoupServerMessage *msg)
{
  JsonObject *data = json_object_new ();

  json_object_set_int_member (data, "fail", portal->fail_count);
  json_object_set_int_member (data, "status", portal->fail_status);
  if (portal->fail_retry_after >= 0)
    json_object_set_int_member (data, "retry_after", portal->fail_retry_after);
  json_object_set_int_member (data, "malformed", portal->malformed_count);
  json_object_set_int_member (data, "delay_ms", portal->delay_ms);
  json_object_set_int_member (data, "reset_after_store", portal->reset_count);
  json_object_set_int_member (data, "trickle", portal->trickle_count);
  json_object_set_int_member (data, "fail_submissions", portal->fail_submissions);
  reply_data (msg, data);
}

static void
clear_faults (KioskPortal *portal)
{
  portal->fail_count = 0;
  portal->fail_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
  portal->fail_retry_after = -1;
  portal->malformed_count = 0;
  portal->delay_ms = 0;
  portal->reset_count = 0;
  portal->trickle_count = 0;
  portal->fail_submissions = 0;
}

/* Each POST replaces the whole fault configuration, so `{}` clears it. */
static void
handle_faults (KioskPortal       *portal,
               SoupServerMessage *msg)
{
  static const char * const names[] = { "fail", "status", "retry_after", "malformed", "delay_ms",
                                        "reset_after_store", "trickle", "fail_submissions" };
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) faults = NULL;
  g_autoptr(GList) members = NULL;
  gint64 status;
  gsize length;
  const char *text = g_bytes_get_data (body, &length);

  faults = kiosk_json_parse_object (text, length, &error);
  if (faults == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", error->message, NULL);
      return;
    }
  members = json_object_get_members (faults);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        known |= strcmp (l->data, names[i]) == 0;
      if (!known || kiosk_json_get_int (faults, l->data, -1) < 0
          || kiosk_json_get_int (faults, l->data, -1) > G_MAXINT)
        {
          g_autofree char *description = g_strdup_printf ("\"%s\" is not a fault setting "
                                                          "(expected a whole number ≥ 0 for "
                                                          "fail, status, retry_after, "
                                                          "malformed, delay_ms, reset_after_store, trickle or fail_submissions)",
                                                          (char *) l->data);

          reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", description, NULL);
          return;
        }
    }
  status = kiosk_json_get_int (faults, "status", SOUP_STATUS_SERVICE_UNAVAILABLE);
  if (status < 400 || status > 599)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                   "\"status\" must be between 400 and 599", NULL);
      return;
    }

  portal->fail_count = kiosk_json_get_int (faults, "fail", 0);
  portal->fail_status = status;
  portal->fail_retry_after = kiosk_json_get_int (faults, "retry_after", -1);
  portal->malformed_count = kiosk_json_get_int (faults, "malformed", 0);
  portal->delay_ms = kiosk_json_get_int (faults, "delay_ms", 0);
  portal->reset_count = kiosk_json_get_int (faults, "reset_after_store", 0);
  portal->trickle_count = kiosk_json_get_int (faults, "trickle", 0);
  portal->fail_submissions = kiosk_json_get_int (faults, "fail_submissions", 0);
  reply_faults (portal, msg);
}

static void
handle_reset (KioskPortal       *portal,
              SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;

  clear_faults (portal);
  kiosk_portal_verifier_reset (portal->verifier);
  if (kiosk_portal_store_reset (portal->store, &error)
      && (!kiosk_portal_appointments_reset (portal->appointments)
          || !kiosk_portal_accounts_reset (portal->accounts)
          || !kiosk_portal_followup_reset (portal->followup)
          || !kiosk_portal_fleet_reset (portal->fleet)
          || sqlite3_exec (kiosk_portal_store_get_db (portal->store),
                           "CREATE TABLE IF NOT EXISTS journal_heads (kiosk TEXT PRIMARY KEY, seq INTEGER, mac TEXT);"
                           "DELETE FROM journal_heads;"
                           "CREATE TABLE IF NOT EXISTS dossier_contexts (idempotency_key TEXT PRIMARY KEY, context TEXT NOT NULL);"
                           "DELETE FROM dossier_contexts;"
                           "CREATE TABLE IF NOT EXISTS help_requests (kiosk TEXT NOT NULL, time INTEGER NOT NULL);"
                           "DELETE FROM help_requests;", NULL, NULL, NULL) != SQLITE_OK))
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "appointments, accounts or kiosk records not reset");
  if (error != NULL)
    {
      g_printerr ("kiosk-portal: reset failed: %s\n", error->message);
      reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error", "Reset failed", NULL);
      return;
    }
  reply_text (msg, SOUP_STATUS_OK, "{\"err\":0}");
}

/* POST /_control/clock {"now": "2026-12-01T08:00:00+11:00"} sets the appointments' clock;
 * {"now": null} goes back to the real time. */
static void
handle_clock (KioskPortal       *portal,
              SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonObject) request = kiosk_json_parse_object (g_bytes_get_data (body, NULL),
                                                           g_bytes_get_size (body), NULL);
  const char *now_text = kiosk_json_get_string (request, "now");
  g_autoptr(GDateTime) now = now_text ? g_date_time_new_from_iso8601 (now_text, NULL) : NULL;

  if (request == NULL || (now_text != NULL && now == NULL))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "now must be ISO 8601 or null", NULL);
      return;
    }
  kiosk_portal_appointments_set_now (portal->appointments, now);
  reply_text (msg, SOUP_STATUS_OK, "{\"err\":0}");
}

static void
handle_control (KioskPortal       *portal,
                SoupServerMessage *msg,
                const char        *method,
                char             **segments)
{
  const char *what = segments[1];
  gboolean is_get = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;
  gboolean is_post = strcmp (method, "POST") == 0;

  if (what != NULL && (strcmp (what, "dossiers") == 0 || strcmp (what, "instructor") == 0))
    kiosk_portal_followup_handle_control (portal->followup, msg, method, segments + 1, portal->base_url);
  else if (what != NULL && (strcmp (what, "agents") == 0 || strcmp (what, "terminals") == 0
                            || strcmp (what, "sites") == 0))
    kiosk_portal_fleet_handle_control (portal->fleet, msg, method, segments + 1);
  else if (what == NULL || segments[2] != NULL)
    reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
  else if (strcmp (what, "submissions") == 0)
    {
      g_autoptr(JsonNode) root = NULL;

      if (!is_get)
        {
          reply_method_not_allowed (msg, "GET, HEAD");
          return;
        }
      root = kiosk_portal_store_list (portal->store);
      reply_json (msg, SOUP_STATUS_OK, root);
    }
  else if (strcmp (what, "requests") == 0)
    {
      /* The last /api/ requests as received, for tests that replay them. */
      JsonObject *data = json_object_new ();

      json_object_set_array_member (data, "requests", kiosk_portal_verifier_list (portal->verifier));
      reply_data (msg, data);
    }
  else if (strcmp (what, "prefills") == 0)
    {
      JsonObject *data = json_object_new ();

      json_object_set_array_member (data, "prefills",
                                    kiosk_portal_prefill_list (kiosk_portal_store_get_db (portal->store)));
      reply_data (msg, data);
    }
  else if (strcmp (what, "contexts") == 0)
    {
      sqlite3 *db = kiosk_portal_store_get_db (portal->store);
      sqlite3_stmt *stmt = NULL;
      JsonObject *data = json_object_new ();

      sqlite3_exec (db, "CREATE TABLE IF NOT EXISTS dossier_contexts (idempotency_key TEXT PRIMARY KEY,"
                        " context TEXT NOT NULL)", NULL, NULL, NULL);
      sqlite3_prepare_v2 (db, "SELECT idempotency_key, context FROM dossier_contexts", -1, &stmt, NULL);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonNode *node = kiosk_json_parse ((const char *) sqlite3_column_text (stmt, 1), -1, 0, NULL);

          if (node != NULL)
            json_object_set_member (data, (const char *) sqlite3_column_text (stmt, 0), node);
        }
      sqlite3_finalize (stmt);
      reply_data (msg, data);
    }
  else if (strcmp (what, "oauth") == 0)
    kiosk_portal_accounts_handle_control (portal->accounts, msg);
  else if (strcmp (what, "clock") == 0)
    {
      if (!is_post)
        reply_method_not_allowed (msg, "POST");
      else
        handle_clock (portal, msg);
    }
  else if (strcmp (what, "faults") == 0 || strcmp (what, "reset") == 0)
    {
      if (!is_post)
        reply_method_not_allowed (msg, "POST");
      else if (strcmp (what, "faults") == 0)
        handle_faults (portal, msg);
      else
        handle_reset (portal, msg);
    }
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
}

/* API routing and faults */

static gboolean
delayed_reply_elapsed_cb (gpointer user_data)
{
  DelayedReply *delayed = user_data;

  if (delayed->key != NULL)
    g_hash_table_remove (delayed->portal->in_flight, delayed->key);
  soup_server_message_unpause (delayed->msg);
  g_object_unref (delayed->msg);
  g_free (delayed->key);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

/* Sends @msg now, or after the configured delay; @key (owned) leaves the in-flight set when the
 * answer goes out. */
static void
finish_api_reply (KioskPortal       *portal,
                  SoupServerMessage *msg,
                  char              *key)
{
  DelayedReply *delayed;

  if (portal->delay_ms == 0)
    {
      if (key != NULL)
        g_hash_table_remove (portal->in_flight, key);
      g_free (key);
      return;
    }
  delayed = g_new0 (DelayedReply, 1);
  delayed->portal = portal;
  delayed->msg = g_object_ref (msg);
  delayed->key = key;
  soup_server_message_pause (msg);
  g_timeout_add (portal->delay_ms, delayed_reply_elapsed_cb, delayed);
}

/* One byte a second, for ever: only the client's low-speed limit ends it. The timer lives as
 * long as the message is being answered, and no longer. */
typedef struct
{
  SoupServerMessage *msg;    /* not owned: the timer stops before the message goes */
  guint              source;
} Trickle;

static gboolean
trickle_tick_cb (gpointer user_data)
{
  Trickle *trickle = user_data;

  soup_message_body_append (soup_server_message_get_response_body (trickle->msg), SOUP_MEMORY_STATIC, " ", 1);
  soup_server_message_unpause (trickle->msg);
  return G_SOURCE_CONTINUE;
}

static void
stop_trickle (Trickle *trickle)
{
  g_clear_handle_id (&trickle->source, g_source_remove);
}

static void
trickle_finished_cb (SoupServerMessage *msg,
                     Trickle           *trickle)
{
  stop_trickle (trickle);
}

static void
free_trickle (gpointer data)
{
  stop_trickle (data);
  g_free (data);
}

static void
start_trickle (SoupServerMessage *msg)
{
  Trickle *trickle = g_new0 (Trickle, 1);

  trickle->msg = msg;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         "application/json", NULL);
  trickle->source = g_timeout_add (1000, trickle_tick_cb, trickle);
  g_object_set_data_full (G_OBJECT (msg), "kiosk-trickle", trickle, free_trickle);
  g_signal_connect (msg, "finished", G_CALLBACK (trickle_finished_cb), trickle);
  g_signal_connect (msg, "disconnected", G_CALLBACK (trickle_finished_cb), trickle);
}

/* Answers with an injected fault if one is pending; counters drop by one per request. */
static gboolean
inject_fault (KioskPortal       *portal,
              SoupServerMessage *msg)
{
  if (portal->fail_count > 0)
    {
      portal->fail_count--;
      if (portal->fail_retry_after >= 0)
        {
          g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                      portal->fail_retry_after);

          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", seconds);
        }
      reply_error (msg, portal->fail_status,
                   portal->fail_status >= 500 ? "server-error" : "injected-fault",
                   "Injected fault", NULL);
      return TRUE;
    }
  if (portal->trickle_count > 0)
    {
      portal->trickle_count--;
      start_trickle (msg);
      return TRUE;
    }
  if (portal->malformed_count > 0)
    {
      portal->malformed_count--;
      reply_text (msg, SOUP_STATUS_OK, "{\"err\":0,\"data\":[");
      return TRUE;
    }
  return FALSE;
}

static const char *
procedure_title (gpointer    data,
                 const char *slug)
{
  KioskPortal *portal = data;
  JsonObject *procedure = g_hash_table_lookup (portal->procedures, slug);

  return procedure ? kiosk_json_get_string (procedure, "title") : slug;
}

/* Returns: (transfer full) (nullable): an Idempotency-Key to release when the answer is sent */
static char *
handle_api (KioskPortal       *portal,
            SoupServerMessage *msg,
            const char        *method,
            char             **segments,
            GHashTable        *query)
{
  gboolean is_get = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;
  guint n = g_strv_length (segments);
  JsonObject *procedure = NULL;
  gboolean answered = FALSE;

  /* Agents' sessions and status reports are not the dossiers' API: no injected fault. */
  refresh_catalogue (portal);
  if (kiosk_portal_fleet_handle_api (portal->fleet, msg, method, segments, portal->catalogue_sha256))
    return NULL;
  if (inject_fault (portal, msg))
    return NULL;
  if (!kiosk_portal_fleet_check_agent (portal->fleet, msg, method, segments, &answered) || answered)
    return NULL;

  if (n == 2 && strcmp (segments[1], "catalogue") == 0)
    {
      if (is_get)
        handle_catalogue (portal, msg);
      else
        reply_method_not_allowed (msg, "GET, HEAD");
    }
  else if (strcmp (segments[1], "formdefs") == 0 && (n == 2 || (n == 3 && *segments[2] == '\0')))
    {
      if (is_get)
        handle_formdefs (portal, msg);
      else
        reply_method_not_allowed (msg, "GET, HEAD");
    }
  else if (n == 4 && strcmp (segments[1], "formdefs") == 0
           && (strcmp (segments[3], "schema") == 0 || strcmp (segments[3], "submit") == 0))
    {
      gboolean submit = strcmp (segments[3], "submit") == 0;

      procedure = g_hash_table_lookup (portal->procedures, segments[2]);
      if (procedure == NULL)
        reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No procedure with this slug",
                     NULL);
      else if (submit && strcmp (method, "POST") != 0)
        reply_method_not_allowed (msg, "POST");
      else if (!submit && !is_get)
        reply_method_not_allowed (msg, "GET, HEAD");
      else if (submit)
        return handle_submit (portal, msg, segments[2], procedure);
      else
        handle_schema (portal, msg, procedure);
    }
  else if (n == 4 && strcmp (segments[1], "formdefs") == 0 && strcmp (segments[3], "prefill") == 0)
    {
      procedure = g_hash_table_lookup (portal->procedures, segments[2]);
      if (procedure == NULL)
        reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No procedure with this slug", NULL);
      else if (strcmp (method, "POST") != 0)
        reply_method_not_allowed (msg, "POST");
      else
        {
          g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
          g_autoptr(GHashTable) errors = kiosk_portal_new_errors ();
          JsonObject *data = kiosk_portal_prefill_create (kiosk_portal_store_get_db (portal->store),
                                                          segments[2], procedure, body,
                                                          portal->base_url, errors);

          if (data != NULL)
            {
              reply_data (msg, data);
              soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
            }
          else if (g_hash_table_size (errors) > 0)
            reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-fields",
                         "Some answers are not valid", errors);
          else
            reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                         "The body must be {\"data\": {…}}", NULL);
        }
    }
  else if (n == 4 && strcmp (segments[1], "kiosks") == 0 && strcmp (segments[3], "help-requests") == 0)
    {
      sqlite3 *db = kiosk_portal_store_get_db (portal->store);
      sqlite3_stmt *stmt = NULL;
      JsonObject *data = json_object_new ();

      sqlite3_exec (db, "CREATE TABLE IF NOT EXISTS help_requests (kiosk TEXT NOT NULL, time INTEGER NOT NULL)",
                    NULL, NULL, NULL);
      if (strcmp (method, "POST") == 0)
        {
          sqlite3_prepare_v2 (db, "INSERT INTO help_requests VALUES (?1, ?2)", -1, &stmt, NULL);
          sqlite3_bind_text (stmt, 1, segments[2], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
          sqlite3_step (stmt);
          sqlite3_finalize (stmt);
        }
      sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM help_requests WHERE kiosk = ?1", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, segments[2], -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        json_object_set_int_member (data, "count", sqlite3_column_int64 (stmt, 0));
      sqlite3_finalize (stmt);
      reply_data (msg, data);
      if (strcmp (method, "POST") == 0)
        soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
    }
  else if (n == 4 && strcmp (segments[1], "kiosks") == 0 && strcmp (segments[3], "journal-head") == 0)
    {
      if (is_get)
        handle_journal_head (portal, msg, segments[2]);
      else
        reply_method_not_allowed (msg, "GET, HEAD");
    }
  else if (strcmp (segments[1], "account") == 0)
    kiosk_portal_accounts_handle_api (portal->accounts, portal->store, msg, segments + 2,
                                      procedure_title, portal);
  else if (strcmp (segments[1], "appointments") == 0)
    kiosk_portal_appointments_handle (portal->appointments, portal->store, msg, method,
                                      segments + 2, query);
  else if (n >= 3 && strcmp (segments[1], "dossiers") == 0)
    return kiosk_portal_followup_handle_api (portal->followup, msg, method, segments + 2, query);
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
  return NULL;
}

static void
server_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  KioskPortal *portal = user_data;
  const char *method = soup_server_message_get_method (msg);
  /* libsoup has already percent-decoded @path. */
  g_auto(GStrv) segments = g_strsplit (*path == '/' ? path + 1 : path, "/", -1);
  const char *refusal = NULL;

  if (segments[0] == NULL)
    reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
  else if (strcmp (segments[0], "api") == 0 && segments[1] != NULL
           && (kiosk_portal_verifier_record (portal->verifier, msg),
               !kiosk_portal_verifier_check (portal->verifier, msg, &refusal)))
    {
      g_autofree char *description = g_strdup_printf ("The request is not signed by a known kiosk "
                                                      "(docs/portal-api.md, \"Signed requests\"): %s",
                                                      refusal);

      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "bad-signature", description, NULL);
    }
  else if (strcmp (segments[0], "api") == 0 && segments[1] != NULL)
    {
      char *key = handle_api (portal, msg, method, segments, query);

      /* The dossier is stored, but the client never hears it: its retry must not duplicate. */
      if (soup_server_message_get_status (msg) == SOUP_STATUS_CREATED && portal->reset_count > 0)
        {
          GIOStream *stream;

          portal->reset_count--;
          if (key != NULL)
            g_hash_table_remove (portal->in_flight, key);
          g_free (key);
          stream = soup_server_message_steal_connection (msg);
          g_io_stream_close (stream, NULL, NULL);
          g_object_unref (stream);
          return;
        }
      finish_api_reply (portal, msg, key);
    }
  else if (strcmp (segments[0], "oauth") == 0 || strcmp (segments[0], "activer") == 0)
    kiosk_portal_accounts_handle_oauth (portal->accounts, msg, segments[0], segments + 1, query,
                                        portal->base_url);
  else if (strcmp (segments[0], "_control") == 0)
    handle_control (portal, msg, method, segments);
  else if (strcmp (segments[0], "parc") == 0 && (segments[1] == NULL || *segments[1] == '\0'))
    kiosk_portal_fleet_handle_page (portal->fleet, msg);
  else if (strcmp (segments[0], "brouillon") == 0 && g_strv_length (segments) == 2)
    {
      if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
        handle_prefill_page (portal, msg, segments[1]);
      else
        reply_method_not_allowed (msg, "GET, HEAD");
    }
  else if (strcmp (segments[0], "suivi") == 0 && g_strv_length (segments) == 2)
    {
      if (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0)
        kiosk_portal_followup_handle_page (portal->followup, msg, segments[1], query);
      else
        reply_method_not_allowed (msg, "GET, HEAD");
    }
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);

  g_printerr ("kiosk-portal: %s %s -> %u\n", method, path, soup_server_message_get_status (msg));
}

/* Runs once the headers are in: refuses an oversized body. libsoup then answers at once to an
 * `Expect: 100-continue` request; otherwise it still reads the body, but no longer keeps it. */
static void
server_early_request_cb (SoupServer        *server,
                         SoupServerMessage *msg,
                         const char        *path,
                         GHashTable        *query,
                         gpointer           user_data)
{
  KioskPortal *portal = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  kiosk_portal_verifier_watch (portal->verifier, msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > MAX_BODY_SIZE)
    {
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large",
                   "The request body is too large", NULL);
    }
}

static gboolean
quit_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static void
free_portal (KioskPortal *portal)
{
  if (portal->server != NULL)
    soup_server_disconnect (portal->server);
  g_clear_object (&portal->server);
  /* Lets the closed connections finish tearing down. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&portal->followup, kiosk_portal_followup_free);
  g_clear_pointer (&portal->fleet, kiosk_portal_fleet_free);
  g_free (portal->agents_path);
  g_clear_pointer (&portal->appointments, kiosk_portal_appointments_free);
  g_clear_pointer (&portal->accounts, kiosk_portal_accounts_free);
  g_free (portal->accounts_path);
  g_clear_pointer (&portal->store, kiosk_portal_store_free);
  g_free (portal->appointments_path);
  g_clear_pointer (&portal->loop, g_main_loop_unref);
  g_clear_pointer (&portal->procedures, g_hash_table_unref);
  g_clear_pointer (&portal->catalogue, json_object_unref);
  g_clear_pointer (&portal->catalogue_body, g_bytes_unref);
  g_clear_pointer (&portal->in_flight, g_hash_table_unref);
  g_free (portal->catalogue_path);
  g_free (portal->catalogue_sha256);
  g_free (portal->catalogue_etag);
  g_free (portal->base_url);
  g_clear_pointer (&portal->kiosk_key, g_bytes_unref);
  g_clear_pointer (&portal->verifier, kiosk_portal_verifier_free);
}

/* Binds 127.0.0.1 and returns the URL the portal listens on, with a trailing slash. */
static char *
start_server (KioskPortal  *portal,
              int           port,
              const char   *tls_cert,
              const char   *tls_key,
              GError      **error)
{
  GSList *uris;
  char *url;

  portal->server = soup_server_new ("server-header", "kiosk-portal ", NULL);
  if (tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, error);

      if (certificate == NULL)
        return NULL;
      soup_server_set_tls_certificate (portal->server, certificate);
    }
  soup_server_add_early_handler (portal->server, NULL, server_early_request_cb, portal, NULL);
  soup_server_add_handler (portal->server, NULL, server_request_cb, portal, NULL);
  if (!soup_server_listen_local (portal->server, port,
                                 SOUP_SERVER_LISTEN_IPV4_ONLY | (tls_cert ? SOUP_SERVER_LISTEN_HTTPS : 0),
                                 error))
    return NULL;
  uris = soup_server_get_uris (portal->server);
  /* With TLS, the name the test certificates are made for. */
  url = g_strdup_printf (tls_cert ? "https://localhost:%d/" : "http://127.0.0.1:%d/",
                         g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

int
main (int   argc,
      char *argv[])
{
  KioskPortal portal = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *catalogue = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *listen_url = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *kiosk_key = NULL;
  int port = 0;
  int device_interval = 5;
  g_autofree char *account_issuer = NULL;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0 picks a free one)", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the database and files go",
      "DIR" },
    { "catalogue", 0, 0, G_OPTION_ARG_FILENAME, &catalogue, "JSON catalogue to serve", "FILE" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      "Base URL for tracking links (default: the listening URL)", "URL" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "Serve HTTPS with this certificate (PEM)",
      "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "Private key of --tls-cert (PEM)", "FILE" },
    { "accounts", 0, 0, G_OPTION_ARG_FILENAME, &portal.accounts_path,
      "Citizen accounts for the sign-in demo (JSON)", "FILE" },
    { "account-issuer", 0, 0, G_OPTION_ARG_STRING, &account_issuer,
      "Also take the access tokens of this OpenID Connect provider (checked at its userinfo)", "URL" },
    { "device-interval", 0, 0, G_OPTION_ARG_INT, &device_interval,
      "Seconds between a kiosk's polls in the device sign-in (default 5)", "S" },
    { "appointments", 0, 0, G_OPTION_ARG_FILENAME, &portal.appointments_path,
      "Sites, opening hours and motifs of appointments (JSON)", "FILE" },
    { "agents", 0, 0, G_OPTION_ARG_FILENAME, &portal.agents_path,
      "Agents with their sites and PIN verifiers (JSON); agent-only endpoints then need their session", "FILE" },
    { "kiosk-key", 0, 0, G_OPTION_ARG_FILENAME, &kiosk_key,
      "Require /api/ requests signed with this kiosk key", "FILE" },
    { NULL }
  };
  int status = 1;

  context = g_option_context_new ("- reference portal for the kiosk");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kiosk-portal: %s\n", error->message);
      return 2;
    }
  if (data_dir == NULL || port < 0 || port > 65535 || argc > 1)
    {
      g_printerr ("kiosk-portal: --data-dir is required and --port must be 0 to 65535\n");
      return 2;
    }
  if (public_url != NULL && !g_uri_is_valid (public_url, G_URI_FLAGS_NONE, NULL))
    {
      g_printerr ("kiosk-portal: --public-url is not a URL: %s\n", public_url);
      return 2;
    }

  portal.catalogue_path = g_strdup (catalogue != NULL ? catalogue : KIOSK_DEFAULT_CATALOGUE);
  if (kiosk_key != NULL)
    {
      char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (kiosk_key, &contents, &length, &error))
        {
          g_printerr ("kiosk-portal: %s\n", error->message);
          return 2;
        }
      portal.kiosk_key = g_bytes_new_take (contents, length);
    }
  portal.verifier = kiosk_portal_verifier_new (portal.kiosk_key);
  portal.procedures = g_hash_table_new (g_str_hash, g_str_equal);
  portal.in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  clear_faults (&portal);

  if (!load_catalogue (&portal, &error))
    g_printerr ("kiosk-portal: %s\n", error->message);
  else
    {
      g_autofree char *dir = g_canonicalize_filename (data_dir, NULL);

      portal.store = kiosk_portal_store_open (dir, &error);
      if (portal.store == NULL)
        g_printerr ("kiosk-portal: cannot open the store in %s: %s\n", dir, error->message);
      else
        {
          portal.appointments = kiosk_portal_appointments_new (kiosk_portal_store_get_db (portal.store),
                                                               portal.appointments_path
                                                               ? portal.appointments_path
                                                               : KIOSK_DEFAULT_APPOINTMENTS,
                                                               &error);
          if (portal.appointments == NULL)
            {
              g_printerr ("kiosk-portal: appointments: %s\n", error->message);
              g_clear_pointer (&portal.store, kiosk_portal_store_free);
            }
          else
            {
              portal.accounts = kiosk_portal_accounts_new (kiosk_portal_store_get_db (portal.store),
                                                           portal.accounts_path
                                                           ? portal.accounts_path
                                                           : KIOSK_DEFAULT_ACCOUNTS,
                                                           (guint) CLAMP (device_interval, 1, 60),
                                                           &error);
              if (portal.accounts == NULL)
                {
                  g_printerr ("kiosk-portal: accounts: %s\n", error->message);
                  g_clear_pointer (&portal.appointments, kiosk_portal_appointments_free);
                  g_clear_pointer (&portal.store, kiosk_portal_store_free);
                }
              else
                {
                  kiosk_portal_accounts_set_issuer (portal.accounts, account_issuer);
                  portal.followup = kiosk_portal_followup_new (portal.store, portal.accounts,
                                                               portal.procedures, portal.in_flight);
                  portal.fleet = kiosk_portal_fleet_new (portal.agents_path, &error);
                  if (portal.fleet == NULL)
                    {
                      g_printerr ("kiosk-portal: agents: %s\n", error->message);
                      g_clear_pointer (&portal.store, kiosk_portal_store_free);
                    }
                }
            }
        }
    }
  if (portal.store != NULL)
    {
      listen_url = start_server (&portal, port, tls_cert, tls_key, &error);
      if (listen_url == NULL)
        g_printerr ("kiosk-portal: cannot listen: %s\n", error->message);
    }

  if (listen_url != NULL)
    {
      if (public_url == NULL)
        portal.base_url = g_strdup (listen_url);
      else
        portal.base_url = g_str_has_suffix (public_url, "/")
                          ? g_strdup (public_url) : g_strconcat (public_url, "/", NULL);

      portal.loop = g_main_loop_new (NULL, FALSE);
      g_unix_signal_add (SIGTERM, quit_signal_cb, portal.loop);
      g_unix_signal_add (SIGINT, quit_signal_cb, portal.loop);

      printf ("%s\n", listen_url);
      fflush (stdout);
      g_main_loop_run (portal.loop);
      status = 0;
    }

  free_portal (&portal);
  return status;
}
