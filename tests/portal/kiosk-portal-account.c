/* kiosk-portal-account.c: the reference portal's citizen accounts (docs/portal-api.md,
 * "Citizen accounts"): the OAuth 2.0 Device Authorization Grant (RFC 8628) with a small approval
 * page, bearer tokens, revocation (RFC 7009), the account's profile and requests, and one-dossier
 * grants that let a dossier sent later (from the kiosk's outbox) land in the account without the
 * token.
 *
 * Tokens, device codes and grants are stored as SHA-256 digests: the database never holds a
 * secret that works. Runs on the main loop's thread like the rest of the portal.
 *
 * With --account-issuer, the account endpoints also take the access tokens of that OpenID
 * Connect provider: a token the portal did not issue is shown to the provider's userinfo
 * endpoint (found by discovery) at each request, so a token revoked there is refused here at
 * once; the account is the provider's `sub`, its profile the standard claims. */
#include "kiosk-portal-private.h"

#include "kiosk-json.h"

#include <string.h>
#include <sys/random.h>

#define TOKEN_LIFETIME (30 * 60)
#define GRANT_LIFETIME (7 * 24 * 3600)
#define USER_CODE_ALPHABET "BCDFGHJKLMNPQRSTVWXZ"   /* no vowels: no words; RFC 8628 §6.1 */

struct _KioskPortalAccounts
{
  sqlite3    *db;
  JsonArray  *accounts;     /* the demo accounts */
  guint       interval;     /* seconds between polls */
  guint       expires_in;   /* seconds a device code lives */
  guint       slow_down_fault;
  guint       slow_down_answers;
  guint       polls;
  char       *issuer;              /* nullable: an OpenID provider whose tokens are taken too */
  char       *userinfo_endpoint;   /* from its discovery document, once read */
  SoupSession *session;
  GHashTable *provider_accounts;   /* sub → JsonObject, the claims as the portal's profile */
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS device_codes ("
  "  device_code_hash TEXT PRIMARY KEY,"
  "  user_code TEXT NOT NULL UNIQUE,"
  "  expires_at INTEGER NOT NULL,"
  "  interval INTEGER NOT NULL,"
  "  last_poll_ms INTEGER NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL DEFAULT 'pending',"   /* pending, approved, denied, used */
  "  account TEXT);"
  "CREATE TABLE IF NOT EXISTS tokens ("
  "  token_hash TEXT PRIMARY KEY,"
  "  account TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS grants ("
  "  grant_hash TEXT PRIMARY KEY,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  account TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS dossier_accounts ("
  "  idempotency_key TEXT PRIMARY KEY,"
  "  account TEXT NOT NULL);";

static char *
digest (const char *secret)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret ? secret : "", -1);
}

/* 256 bits from the kernel's CSPRNG, URL-safe base64 without padding. */
char *
kiosk_portal_random_secret (void)
{
  guint8 bytes[32];
  char *text;

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("getrandom failed");
  text = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return text;
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

KioskPortalAccounts *
kiosk_portal_accounts_new (sqlite3     *db,
                           const char  *accounts_path,
                           guint        interval,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(JsonNode) root = NULL;
  KioskPortalAccounts *self;

  if (!g_file_get_contents (accounts_path, &contents, &length, error))
    return NULL;
  root = kiosk_json_parse (contents, length, 0, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: an array of accounts is expected",
                   accounts_path);
      return NULL;
    }
  if (sqlite3_exec (db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "account tables: %s", sqlite3_errmsg (db));
      return NULL;
    }
  self = g_new0 (KioskPortalAccounts, 1);
  self->db = db;
  self->accounts = json_array_ref (json_node_get_array (root));
  self->interval = MAX (interval, 1);
  self->expires_in = 600;
  self->provider_accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) json_object_unref);
  return self;
}

void
kiosk_portal_accounts_free (KioskPortalAccounts *self)
{
  if (self == NULL)
    return;
  json_array_unref (self->accounts);
  g_free (self->issuer);
  g_free (self->userinfo_endpoint);
  g_clear_object (&self->session);
  g_clear_pointer (&self->provider_accounts, g_hash_table_unref);
  g_free (self);
}

gboolean
kiosk_portal_accounts_reset (KioskPortalAccounts *self)
{
  self->slow_down_fault = 0;
  self->slow_down_answers = 0;
  self->polls = 0;
  self->expires_in = 600;
  return sqlite3_exec (self->db, "DELETE FROM device_codes; DELETE FROM tokens; DELETE FROM grants;"
                       " DELETE FROM dossier_accounts;", NULL, NULL, NULL) == SQLITE_OK;
}

static JsonObject *
find_account (KioskPortalAccounts *self,
              const char          *id)
{
  for (guint i = 0; id != NULL && i < json_array_get_length (self->accounts); i++)
    {
      JsonNode *node = json_array_get_element (self->accounts, i);

      if (JSON_NODE_HOLDS_OBJECT (node)
          && g_strcmp0 (kiosk_json_get_string (json_node_get_object (node), "id"), id) == 0)
        return json_node_get_object (node);
    }
  return id != NULL ? g_hash_table_lookup (self->provider_accounts, id) : NULL;
}

void
kiosk_portal_accounts_set_issuer (KioskPortalAccounts *self,
                                  const char          *issuer)
{
  g_free (self->issuer);
  self->issuer = issuer != NULL && *issuer != '\0' ? g_strdup (issuer) : NULL;
  g_clear_pointer (&self->userinfo_endpoint, g_free);
  if (self->session == NULL)
    self->session = soup_session_new_with_options ("timeout", 10, NULL);
}

/* One blocking GET to the provider. Returns: (transfer full) (nullable): its JSON object when it
 * answered 200 */
static JsonObject *
get_from_provider (KioskPortalAccounts *self,
                   const char          *url,
                   const char          *bearer)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *authorization = NULL;

  if (message == NULL)
    return NULL;
  if (bearer != NULL)
    {
      authorization = g_strdup_printf ("Bearer %s", bearer);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
    }
  body = soup_session_send_and_read (self->session, message, NULL, NULL);
  if (body == NULL || soup_message_get_status (message) != SOUP_STATUS_OK)
    return NULL;
  return kiosk_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
}

/* The provider's account that @token belongs to, asked of its userinfo endpoint, with the
 * profile kept for "me". Returns: (transfer full) (nullable): its `sub` */
static char *
provider_subject (KioskPortalAccounts *self,
                  const char          *token)
{
  g_autoptr(JsonObject) claims = NULL;
  JsonObject *profile, *address;
  const char *sub;

  if (self->issuer == NULL)
    return NULL;
  if (self->userinfo_endpoint == NULL)
    {
      g_autofree char *url = g_strconcat (self->issuer, g_str_has_suffix (self->issuer, "/") ? "" : "/",
                                          ".well-known/openid-configuration", NULL);
      g_autoptr(JsonObject) document = get_from_provider (self, url, NULL);

      if (g_strcmp0 (kiosk_json_get_string (document, "issuer"), self->issuer) != 0)
        return NULL;
      self->userinfo_endpoint = g_strdup (kiosk_json_get_string (document, "userinfo_endpoint"));
      if (self->userinfo_endpoint == NULL)
        return NULL;
    }
  claims = get_from_provider (self, self->userinfo_endpoint, token);
  sub = kiosk_json_get_string (claims, "sub");
  if (sub == NULL)
    return NULL;
  profile = json_object_new ();
  address = kiosk_json_get_object (claims, "address");
  json_object_set_string_member (profile, "id", sub);
  json_object_set_string_member (profile, "first_name", kiosk_json_get_string (claims, "given_name"));
  json_object_set_string_member (profile, "last_name", kiosk_json_get_string (claims, "family_name"));
  json_object_set_string_member (profile, "birth_date", kiosk_json_get_string (claims, "birthdate"));
  json_object_set_string_member (profile, "email", kiosk_json_get_string (claims, "email"));
  json_object_set_string_member (profile, "phone", kiosk_json_get_string (claims, "phone_number"));
  if (address != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s, %s %s", kiosk_json_get_string (address, "street_address") ?: "",
                                               kiosk_json_get_string (address, "postal_code") ?: "",
                                               kiosk_json_get_string (address, "locality") ?: "");
      json_object_set_string_member (profile, "address", text);
    }
  g_hash_table_replace (self->provider_accounts, g_strdup (sub), profile);
  return g_strdup (sub);
}

static void
reply_oauth_error (SoupServerMessage *msg,
                   guint              status,
                   const char        *error,
                   const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = kiosk_json_to_string (root);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

/* Answers @object (transfer full) as is, without the {"err","data"} envelope. */
static void
reply_plain_json (SoupServerMessage *msg,
                  guint              status,
                  JsonObject        *object)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_take_object (root, object);
  text = kiosk_json_to_string (root);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

/* The request's form fields (application/x-www-form-urlencoded). */
static GHashTable *
read_form (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return soup_form_decode (text);
}

static char *
new_user_code (void)
{
  GString *code = g_string_new (NULL);

  for (int i = 0; i < 8; i++)
    {
      if (i == 4)
        g_string_append_c (code, '-');
      guint32 r;

      if (getrandom (&r, sizeof r, 0) != sizeof r)
        g_error ("getrandom failed");
      g_string_append_c (code, USER_CODE_ALPHABET[r % strlen (USER_CODE_ALPHABET)]);
    }
  return g_string_free (code, FALSE);
}

static void
handle_device_authorization (KioskPortalAccounts *self,
                             SoupServerMessage   *msg,
                             const char          *base_url)
{
  g_autofree char *device_code = kiosk_portal_random_secret ();
  g_autofree char *hash = digest (device_code);
  g_autofree char *user_code = new_user_code ();
  g_autofree char *uri = g_strconcat (base_url, "activer", NULL);
  g_autofree char *complete = g_strdup_printf ("%s?code=%s", uri, user_code);
  JsonObject *answer = json_object_new ();
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (self->db, "INSERT INTO device_codes (device_code_hash, user_code, expires_at, interval)"
                      " VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, user_code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_s () + self->expires_in);
  sqlite3_bind_int (stmt, 4, self->interval);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  json_object_set_string_member (answer, "device_code", device_code);
  json_object_set_string_member (answer, "user_code", user_code);
  json_object_set_string_member (answer, "verification_uri", uri);
  json_object_set_string_member (answer, "verification_uri_complete", complete);
  json_object_set_int_member (answer, "expires_in", self->expires_in);
  json_object_set_int_member (answer, "interval", self->interval);
  reply_plain_json (msg, SOUP_STATUS_OK, answer);
}

static void
handle_token (KioskPortalAccounts *self,
              SoupServerMessage   *msg)
{
  g_autoptr(GHashTable) form = read_form (msg);
  const char *grant_type = form ? g_hash_table_lookup (form, "grant_type") : NULL;
  const char *device_code = form ? g_hash_table_lookup (form, "device_code") : NULL;
  g_autofree char *hash = digest (device_code);
  g_autofree char *status = NULL;
  g_autofree char *account = NULL;
  gint64 expires_at = 0, last_poll_ms = 0, now_ms = g_get_monotonic_time () / 1000;
  int interval = 0;
  sqlite3_stmt *stmt = NULL;

  self->polls++;
  if (g_strcmp0 (grant_type, "urn:ietf:params:oauth:grant-type:device_code") != 0)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type", "Only the device code grant");
      return;
    }
  sqlite3_prepare_v2 (self->db, "SELECT status, account, expires_at, interval, last_poll_ms FROM device_codes"
                      " WHERE device_code_hash = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  if (device_code != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      status = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      account = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      expires_at = sqlite3_column_int64 (stmt, 2);
      interval = sqlite3_column_int (stmt, 3);
      last_poll_ms = sqlite3_column_int64 (stmt, 4);
    }
  sqlite3_finalize (stmt);
  if (status == NULL || strcmp (status, "used") == 0)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant", "Unknown or used device code");
      return;
    }
  if (now_s () >= expires_at)
    {
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "expired_token", "The device code has expired");
      return;
    }
  /* Polling faster than the interval (with 100 ms of slack), or a fault: slow down, and the
   * interval grows by 5 s (RFC 8628 §3.5). */
  if (self->slow_down_fault > 0
      || (last_poll_ms != 0 && now_ms - last_poll_ms < (gint64) interval * 1000 - 100))
    {
      if (self->slow_down_fault > 0)
        self->slow_down_fault--;
      self->slow_down_answers++;
      sqlite3_prepare_v2 (self->db, "UPDATE device_codes SET interval = interval + 5, last_poll_ms = ?2"
                          " WHERE device_code_hash = ?1", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now_ms);
      sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "slow_down", "Poll less often");
      return;
    }
  sqlite3_prepare_v2 (self->db, "UPDATE device_codes SET last_poll_ms = ?2 WHERE device_code_hash = ?1",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now_ms);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (strcmp (status, "pending") == 0)
    reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "authorization_pending", "Not approved yet");
  else if (strcmp (status, "denied") == 0)
    reply_oauth_error (msg, SOUP_STATUS_BAD_REQUEST, "access_denied", "The citizen refused");
  else
    {
      g_autofree char *token = kiosk_portal_random_secret ();
      g_autofree char *token_hash = digest (token);
      JsonObject *answer = json_object_new ();

      sqlite3_prepare_v2 (self->db, "UPDATE device_codes SET status = 'used' WHERE device_code_hash = ?1",
                          -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
      sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      sqlite3_prepare_v2 (self->db, "INSERT INTO tokens (token_hash, account, expires_at) VALUES (?1, ?2, ?3)",
                          -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, account, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, now_s () + TOKEN_LIFETIME);
      sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      json_object_set_string_member (answer, "access_token", token);
      json_object_set_string_member (answer, "token_type", "Bearer");
      json_object_set_int_member (answer, "expires_in", TOKEN_LIFETIME);
      reply_plain_json (msg, SOUP_STATUS_OK, answer);
    }
}

static void
handle_revoke (KioskPortalAccounts *self,
               SoupServerMessage   *msg)
{
  g_autoptr(GHashTable) form = read_form (msg);
  g_autofree char *hash = digest (form ? g_hash_table_lookup (form, "token") : NULL);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (self->db, "UPDATE tokens SET revoked = 1 WHERE token_hash = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  /* RFC 7009: 200 whether or not the token was known. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

/* What a citizen types: any case, with or without the dash. */
static char *
normalize_user_code (const char *typed)
{
  GString *code = g_string_new (NULL);

  for (const char *p = typed; p && *p; p++)
    if (g_ascii_isalpha (*p))
      {
        if (code->len == 4)
          g_string_append_c (code, '-');
        g_string_append_c (code, g_ascii_toupper (*p));
      }
  return g_string_free (code, FALSE);
}

static char *
html_escape (const char *text)
{
  return g_markup_escape_text (text ? text : "", -1);
}

/* The page a citizen's phone opens from the QR code. On the real portal the citizen is signed in
 * there; here they pick a demo account. */
static void
handle_activation_page (KioskPortalAccounts *self,
                        SoupServerMessage   *msg,
                        GHashTable          *query)
{
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GString) html = g_string_new ("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
                                          "<meta name=\"viewport\" content=\"width=device-width\">"
                                          "<title>Autoriser la borne</title></head><body>");
  guint status = SOUP_STATUS_OK;

  if (strcmp (method, "POST") == 0)
    {
      g_autoptr(GHashTable) form = read_form (msg);
      g_autofree char *user_code = normalize_user_code (form ? g_hash_table_lookup (form, "user_code") : NULL);
      const char *account = form ? g_hash_table_lookup (form, "account") : NULL;
      const char *decision = form ? g_hash_table_lookup (form, "decision") : NULL;
      gboolean approve = g_strcmp0 (decision, "approve") == 0;
      sqlite3_stmt *stmt = NULL;
      int changed = 0;

      if (approve && find_account (self, account) == NULL)
        status = SOUP_STATUS_BAD_REQUEST;
      else
        {
          sqlite3_prepare_v2 (self->db, "UPDATE device_codes SET status = ?2, account = ?3 WHERE user_code = ?1"
                              " AND status = 'pending' AND expires_at > ?4", -1, &stmt, NULL);
          sqlite3_bind_text (stmt, 1, user_code ? user_code : "", -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 2, approve ? "approved" : "denied", -1, SQLITE_STATIC);
          if (approve)
            sqlite3_bind_text (stmt, 3, account, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 4, now_s ());
          sqlite3_step (stmt);
          changed = sqlite3_changes (self->db);
          sqlite3_finalize (stmt);
          if (changed == 0)
            status = SOUP_STATUS_NOT_FOUND;
        }
      if (status != SOUP_STATUS_OK)
        g_string_append (html, "<p>Ce code n’est pas (ou plus) valable. Demandez un nouveau code à la borne.</p>");
      else if (approve)
        g_string_append (html, "<p>La borne est autorisée. Vous pouvez continuer sur la borne.</p>");
      else
        g_string_append (html, "<p>Vous avez refusé. La borne n’a pas accès à votre compte.</p>");
    }
  else
    {
      g_autofree char *code = html_escape (query ? g_hash_table_lookup (query, "code") : NULL);

      if (*code != '\0')
        g_string_append_printf (html, "<h1>Autoriser la borne</h1><p>Code affiché sur la borne&#160;: <b>%s</b></p>"
                                "<form method=\"post\"><input type=\"hidden\" name=\"user_code\" value=\"%s\">",
                                code, code);
      else
        g_string_append (html, "<h1>Autoriser la borne</h1><form method=\"post\">"
                               "<label>Code affiché sur la borne <input name=\"user_code\" autocapitalize=\"characters\""
                               " autocomplete=\"off\" required></label> ");
      g_string_append (html, "<label>Compte <select name=\"account\">");
      for (guint i = 0; i < json_array_get_length (self->accounts); i++)
        {
          JsonObject *a = json_node_get_object (json_array_get_element (self->accounts, i));
          g_autofree char *id = html_escape (kiosk_json_get_string (a, "id"));
          g_autofree char *first = html_escape (kiosk_json_get_string (a, "first_name"));
          g_autofree char *last = html_escape (kiosk_json_get_string (a, "last_name"));

          g_string_append_printf (html, "<option value=\"%s\">%s %s</option>", id, first, last);
        }
      g_string_append (html, "</select></label> "
                             "<button name=\"decision\" value=\"approve\">Autoriser</button> "
                             "<button name=\"decision\" value=\"deny\">Refuser</button></form>");
    }
  g_string_append (html, "</body></html>");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html->str, html->len);
}

/**
 * kiosk_portal_accounts_handle_oauth:
 * @segments: the path's segments after "oauth" (or "activer")
 */
void
kiosk_portal_accounts_handle_oauth (KioskPortalAccounts *self,
                                    SoupServerMessage   *msg,
                                    const char          *first,
                                    char               **segments,
                                    GHashTable          *query,
                                    const char          *base_url)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean is_post = strcmp (method, "POST") == 0;

  if (strcmp (first, "activer") == 0 && segments[0] == NULL)
    handle_activation_page (self, msg, query);
  else if (is_post && segments[0] != NULL && segments[1] == NULL && strcmp (segments[0], "device_authorization") == 0)
    handle_device_authorization (self, msg, base_url);
  else if (is_post && segments[0] != NULL && segments[1] == NULL && strcmp (segments[0], "token") == 0)
    handle_token (self, msg);
  else if (is_post && segments[0] != NULL && segments[1] == NULL && strcmp (segments[0], "revoke") == 0)
    handle_revoke (self, msg);
  else
    reply_oauth_error (msg, SOUP_STATUS_NOT_FOUND, "invalid_request", "No such endpoint");
}

/* The account of the request's bearer token, or %NULL after answering 401. */
static JsonObject *
authenticate (KioskPortalAccounts *self,
              SoupServerMessage   *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  g_autofree char *hash = NULL;
  g_autofree char *account = NULL;
  sqlite3_stmt *stmt = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    {
      hash = digest (header + 7);
      sqlite3_prepare_v2 (self->db, "SELECT account FROM tokens WHERE token_hash = ?1 AND revoked = 0"
                          " AND expires_at > ?2", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now_s ());
      if (sqlite3_step (stmt) == SQLITE_ROW)
        account = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      if (account == NULL)
        account = provider_subject (self, header + 7);
    }
  if (account == NULL || find_account (self, account) == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer error=\"invalid_token\"");
      kiosk_portal_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid-token",
                                "Missing, expired or revoked access token", NULL);
      return NULL;
    }
  return find_account (self, account);
}

/**
 * kiosk_portal_accounts_handle_api:
 * @segments: what follows "api/account"
 * @title_of: gives a procedure's title from its slug
 */
void
kiosk_portal_accounts_handle_api (KioskPortalAccounts *self,
                                  KioskPortalStore    *store,
                                  SoupServerMessage   *msg,
                                  char               **segments,
                                  const char        *(*title_of) (gpointer data, const char *slug),
                                  gpointer             data)
{
  const char *method = soup_server_message_get_method (msg);
  JsonObject *account = authenticate (self, msg);
  guint n = g_strv_length (segments);

  if (account == NULL)
    return;
  if (n == 1 && strcmp (segments[0], "me") == 0 && strcmp (method, "GET") == 0)
    {
      JsonObject *me = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, account);
      while (json_object_iter_next (&iter, &name, &node))
        json_object_set_member (me, name, json_node_copy (node));
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, me);
    }
  else if (n == 1 && strcmp (segments[0], "dossiers") == 0 && strcmp (method, "GET") == 0)
    {
      JsonObject *result = json_object_new ();
      JsonArray *list = json_array_new ();
      sqlite3_stmt *stmt = NULL;

      sqlite3_prepare_v2 (self->db, "SELECT d.number, d.slug, d.status, d.receipt_time FROM dossiers d"
                          " JOIN dossier_accounts a ON a.idempotency_key = d.idempotency_key"
                          " WHERE a.account = ?1 ORDER BY d.id DESC", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, kiosk_json_get_string (account, "id"), -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          JsonObject *item = json_object_new ();
          JsonObject *status = json_object_new ();
          const char *slug = (const char *) sqlite3_column_text (stmt, 1);
          const char *status_id = (const char *) sqlite3_column_text (stmt, 2);

          json_object_set_string_member (item, "number", (const char *) sqlite3_column_text (stmt, 0));
          json_object_set_string_member (item, "slug", slug);
          json_object_set_string_member (item, "title", title_of (data, slug));
          json_object_set_string_member (status, "id", status_id);
          json_object_set_string_member (status, "name", kiosk_portal_get_status_name (status_id));
          json_object_set_object_member (item, "status", status);
          json_object_set_string_member (item, "receipt_time", (const char *) sqlite3_column_text (stmt, 3));
          json_array_add_object_element (list, item);
        }
      sqlite3_finalize (stmt);
      json_object_set_array_member (result, "dossiers", list);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, result);
    }
  else if (n == 1 && strcmp (segments[0], "grants") == 0 && strcmp (method, "POST") == 0)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autoptr(JsonObject) request = kiosk_json_parse_object (g_bytes_get_data (body, NULL),
                                                               g_bytes_get_size (body), NULL);
      const char *key = kiosk_json_get_string (request, "idempotency_key");
      g_autofree char *grant = kiosk_portal_random_secret ();
      g_autofree char *hash = digest (grant);
      JsonObject *result;
      sqlite3_stmt *stmt = NULL;

      if (key == NULL || *key == '\0' || strlen (key) > 255)
        {
          kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                    "idempotency_key (the dossier's) is required", NULL);
          return;
        }
      /* One grant per dossier: asking again replaces it. */
      sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO grants (grant_hash, idempotency_key, account, expires_at)"
                          " VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, kiosk_json_get_string (account, "id"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, now_s () + GRANT_LIFETIME);
      sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      result = json_object_new ();
      json_object_set_string_member (result, "grant", grant);
      json_object_set_int_member (result, "expires_in", GRANT_LIFETIME);
      kiosk_portal_reply_data (msg, SOUP_STATUS_CREATED, result);
    }
  else
    kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
  (void) store;
}

/**
 * kiosk_portal_accounts_attach:
 *
 * A dossier was stored with @grant: when the grant was issued for this dossier (its
 * Idempotency-Key) and is still valid, the dossier joins the account.
 *
 * Returns: %TRUE when attached
 */
gboolean
kiosk_portal_accounts_attach (KioskPortalAccounts *self,
                              const char          *idempotency_key,
                              const char          *grant)
{
  g_autofree char *hash = digest (grant);
  g_autofree char *account = NULL;
  sqlite3_stmt *stmt = NULL;

  if (grant == NULL)
    return FALSE;
  sqlite3_prepare_v2 (self->db, "SELECT account FROM grants WHERE grant_hash = ?1 AND idempotency_key = ?2"
                      " AND expires_at > ?3", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, idempotency_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_s ());
  if (sqlite3_step (stmt) == SQLITE_ROW)
    account = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (account == NULL)
    return FALSE;
  sqlite3_prepare_v2 (self->db, "INSERT OR IGNORE INTO dossier_accounts (idempotency_key, account) VALUES (?1, ?2)",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, idempotency_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, account, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  return TRUE;
}

/* POST /_control/oauth {"slow_down": N, "expires_in": S} ; GET: counters and dossier owners. */
void
kiosk_portal_accounts_handle_control (KioskPortalAccounts *self,
                                      SoupServerMessage   *msg)
{
  const char *method = soup_server_message_get_method (msg);
  JsonObject *data = json_object_new ();
  JsonObject *owners = json_object_new ();
  sqlite3_stmt *stmt = NULL;

  if (strcmp (method, "POST") == 0)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      g_autoptr(JsonObject) request = kiosk_json_parse_object (g_bytes_get_data (body, NULL),
                                                               g_bytes_get_size (body), NULL);

      self->slow_down_fault = kiosk_json_get_int (request, "slow_down", 0);
      self->expires_in = CLAMP (kiosk_json_get_int (request, "expires_in", 600), 1, 3600);
    }
  json_object_set_int_member (data, "polls", self->polls);
  json_object_set_int_member (data, "slow_down_answers", self->slow_down_answers);
  sqlite3_prepare_v2 (self->db, "SELECT idempotency_key, account FROM dossier_accounts", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_object_set_string_member (owners, (const char *) sqlite3_column_text (stmt, 0),
                                   (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  json_object_set_object_member (data, "dossier_accounts", owners);
  kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
}

/**
 * kiosk_portal_accounts_owner_of:
 * @idempotency_key: the dossier's key
 *
 * For follow-up requests that may come with a citizen's token instead of the tracking code:
 * answers nothing itself.
 *
 * Returns: (transfer full) (nullable): the account id when @msg carries a valid bearer token of
 *   the account the dossier is attached to, else %NULL
 */
char *
kiosk_portal_accounts_owner_of (KioskPortalAccounts *self,
                                SoupServerMessage   *msg,
                                const char          *idempotency_key)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  g_autofree char *hash = NULL;
  char *account = NULL;
  sqlite3_stmt *stmt = NULL;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0 || idempotency_key == NULL)
    return NULL;
  hash = digest (header + 7);
  sqlite3_prepare_v2 (self->db, "SELECT t.account FROM tokens t JOIN dossier_accounts a ON a.account = t.account"
                      " WHERE t.token_hash = ?1 AND t.revoked = 0 AND t.expires_at > ?2"
                      " AND a.idempotency_key = ?3", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now_s ());
  sqlite3_bind_text (stmt, 3, idempotency_key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    account = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (account == NULL && (account = provider_subject (self, header + 7)) != NULL)
    {
      /* The provider's account: is the dossier attached to it? */
      sqlite3_prepare_v2 (self->db, "SELECT 1 FROM dossier_accounts WHERE account = ?1 AND idempotency_key = ?2",
                          -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, idempotency_key, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        g_clear_pointer (&account, g_free);
      sqlite3_finalize (stmt);
    }
  if (account != NULL && find_account (self, account) == NULL)
    g_clear_pointer (&account, g_free);
  return account;
}
