/* kiosk-portal-fleet.c: the reference portal's side of a fleet of terminals (docs/portal-api.md,
 * "Agents" and "Terminals").
 *
 * Agents (--agents FILE, /_control/agents): an account with sites and an argon2id PIN verifier.
 * `POST /api/agents/session` checks the PIN, counting wrong ones per agent whatever the terminal,
 * and answers a short-lived token bound to the terminal; the agent-only endpoints require it.
 * Terminals: `PUT /api/terminals/<id>/status` keeps the last report and answers the site's
 * settings and its agents' verifiers; `/parc` shows the fleet in HTML. All in memory: a restart
 * forgets sessions and reports, as a reset does. */
#include "kiosk-portal-private.h"

#include "kiosk-json.h"

#include <sodium.h>
#include <string.h>

#define SESSION_SECONDS (15 * 60)
#define MAX_FAILURES 5
#define LOCK_SECONDS (15 * 60)
#define SILENT_SECONDS (15 * 60)
#define REPORT_SECONDS (5 * 60)

typedef struct
{
  char   *id;
  char   *name;
  GStrv   sites;
  char   *verifier;
  guint   failures;
  gint64  locked_until;
} Agent;

typedef struct
{
  char   *agent;
  char   *kiosk;
  gint64  expires;
} Session;

typedef struct
{
  char       *id;
  char       *site;
  gint64      last_report;   /* Unix time */
  JsonObject *report;
} Terminal;

struct _KioskPortalFleet
{
  char       *agents_path;   /* nullable: no agents at this portal */
  GHashTable *agents;        /* id → Agent; NULL without --agents */
  GHashTable *sessions;      /* token → Session */
  GHashTable *terminals;     /* id → Terminal */
  GHashTable *settings;      /* site → JsonObject */
};

static void
agent_free (Agent *agent)
{
  g_free (agent->id);
  g_free (agent->name);
  g_strfreev (agent->sites);
  g_free (agent->verifier);
  g_free (agent);
}

static void
session_free (Session *session)
{
  g_free (session->agent);
  g_free (session->kiosk);
  g_free (session);
}

static void
terminal_free (Terminal *terminal)
{
  g_free (terminal->id);
  g_free (terminal->site);
  g_clear_pointer (&terminal->report, json_object_unref);
  g_free (terminal);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
hash_pin (const char *pin)
{
  char hash[crypto_pwhash_STRBYTES];

  if (sodium_init () < 0
      || crypto_pwhash_str_alg (hash, pin, strlen (pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return NULL;
  return g_strdup (hash);
}

static gboolean
valid_pin (const char *pin)
{
  return pin != NULL && strlen (pin) >= 6 && strlen (pin) <= 32 && strspn (pin, "0123456789") == strlen (pin);
}

static GStrv
strv_from_json (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

/* {"id", "name", "sites": […], "verifier": "$argon2id$…"} or, for demos, "pin" instead. */
static Agent *
agent_from_json (JsonObject  *object,
                 const char **problem)
{
  const char *id = kiosk_json_get_string (object, "id");
  const char *verifier = kiosk_json_get_string (object, "verifier");
  const char *pin = kiosk_json_get_string (object, "pin");
  g_autofree char *hashed = NULL;
  Agent *agent;

  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return *problem = "an agent needs an id", NULL;
  if (verifier == NULL && !valid_pin (pin))
    return *problem = "an agent needs a verifier, or a PIN of 6 to 32 digits", NULL;
  if (verifier != NULL && !g_str_has_prefix (verifier, "$argon2id$"))
    return *problem = "a verifier is an argon2id hash", NULL;
  if (verifier == NULL && (hashed = hash_pin (pin)) == NULL)
    return *problem = "cannot hash the PIN", NULL;
  agent = g_new0 (Agent, 1);
  agent->id = g_strdup (id);
  agent->name = g_strdup (kiosk_json_get_string (object, "name") ? kiosk_json_get_string (object, "name") : id);
  agent->sites = strv_from_json (kiosk_json_get_array (object, "sites"));
  agent->verifier = verifier ? g_strdup (verifier) : g_steal_pointer (&hashed);
  return agent;
}

static gboolean
load_agents (KioskPortalFleet  *self,
             GError           **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(JsonObject) root = NULL;
  JsonArray *agents;

  g_clear_pointer (&self->agents, g_hash_table_unref);
  if (self->agents_path == NULL)
    return TRUE;
  self->agents = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) agent_free);
  if (!g_file_get_contents (self->agents_path, &contents, &length, error))
    return FALSE;
  root = kiosk_json_parse_object (contents, length, error);
  if (root == NULL)
    return FALSE;
  agents = kiosk_json_get_array (root, "agents");
  for (guint i = 0; agents != NULL && i < json_array_get_length (agents); i++)
    {
      JsonNode *node = json_array_get_element (agents, i);
      const char *problem = NULL;
      Agent *agent = JSON_NODE_HOLDS_OBJECT (node) ? agent_from_json (json_node_get_object (node), &problem) : NULL;

      if (agent == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: agent %u: %s", self->agents_path, i,
                       problem ? problem : "not an object");
          return FALSE;
        }
      g_hash_table_replace (self->agents, agent->id, agent);
    }
  return TRUE;
}

KioskPortalFleet *
kiosk_portal_fleet_new (const char  *agents_path,
                        GError     **error)
{
  KioskPortalFleet *self = g_new0 (KioskPortalFleet, 1);

  self->agents_path = g_strdup (agents_path);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);
  self->terminals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) terminal_free);
  self->settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  if (!load_agents (self, error))
    {
      kiosk_portal_fleet_free (self);
      return NULL;
    }
  return self;
}

void
kiosk_portal_fleet_free (KioskPortalFleet *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->agents, g_hash_table_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->terminals, g_hash_table_unref);
  g_clear_pointer (&self->settings, g_hash_table_unref);
  g_free (self->agents_path);
  g_free (self);
}

/* Back to the agents of the file, no session, no report, no setting. */
gboolean
kiosk_portal_fleet_reset (KioskPortalFleet *self)
{
  g_autoptr(GError) error = NULL;

  g_hash_table_remove_all (self->sessions);
  g_hash_table_remove_all (self->terminals);
  g_hash_table_remove_all (self->settings);
  if (!load_agents (self, &error))
    {
      g_printerr ("kiosk-portal: agents: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
read_body (SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  return kiosk_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
}

static const char *
kiosk_id_of (SoupServerMessage *msg)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Kiosk-Id");
}

/* The verifiers of the agents attached to @site (all the agents when @site is NULL). */
static JsonArray *
verifiers_for (KioskPortalFleet *self,
               const char       *site)
{
  JsonArray *array = json_array_new ();
  GHashTableIter iter;
  Agent *agent;

  g_hash_table_iter_init (&iter, self->agents);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &agent))
    {
      JsonObject *object;

      if (site != NULL && !g_strv_contains ((const char * const *) agent->sites, site))
        continue;
      object = json_object_new ();
      json_object_set_string_member (object, "id", agent->id);
      json_object_set_string_member (object, "name", agent->name);
      json_object_set_string_member (object, "verifier", agent->verifier);
      json_array_add_object_element (array, object);
    }
  return array;
}

/* POST /api/agents/session {"id", "pin", "site"} */
static void
handle_session (KioskPortalFleet  *self,
                SoupServerMessage *msg)
{
  g_autoptr(JsonObject) request = read_body (msg);
  const char *kiosk = kiosk_id_of (msg);
  const char *id = request ? kiosk_json_get_string (request, "id") : NULL;
  const char *pin = request ? kiosk_json_get_string (request, "pin") : NULL;
  const char *site = request ? kiosk_json_get_string (request, "site") : NULL;
  Agent *agent = id ? g_hash_table_lookup (self->agents, id) : NULL;
  Session *session;
  JsonObject *data, *who;
  char *token;

  if (request == NULL || id == NULL || pin == NULL || kiosk == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "The body is {\"id\", \"pin\", \"site\"}, from a terminal (X-Kiosk-Id)", NULL);
      return;
    }
  if (agent == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "wrong-pin", "Unknown agent or wrong PIN", NULL);
      return;
    }
  /* Counted per agent, whatever the terminal: moving to another one does not give more tries. */
  if (agent->locked_until > now_s ())
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, agent->locked_until - now_s ());

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
      kiosk_portal_reply_error (msg, 423, "agent-locked", "Too many wrong PINs for this agent", NULL);
      return;
    }
  if (sodium_init () < 0 || crypto_pwhash_str_verify (agent->verifier, pin, strlen (pin)) != 0)
    {
      agent->failures++;
      if (agent->failures >= MAX_FAILURES)
        agent->locked_until = now_s () + LOCK_SECONDS;
      kiosk_portal_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "wrong-pin", "Unknown agent or wrong PIN", NULL);
      return;
    }
  agent->failures = 0;
  agent->locked_until = 0;
  if (site != NULL && !g_strv_contains ((const char * const *) agent->sites, site))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_FORBIDDEN, "not-at-this-site",
                                "This agent is not attached to the terminal's site", NULL);
      return;
    }
  token = kiosk_portal_random_secret ();
  session = g_new0 (Session, 1);
  session->agent = g_strdup (agent->id);
  session->kiosk = g_strdup (kiosk);
  session->expires = now_s () + SESSION_SECONDS;
  g_hash_table_replace (self->sessions, g_strdup (token), session);
  data = json_object_new ();
  json_object_set_string_member (data, "token", token);
  json_object_set_int_member (data, "expires_in", SESSION_SECONDS);
  who = json_object_new ();
  json_object_set_string_member (who, "id", agent->id);
  json_object_set_string_member (who, "name", agent->name);
  json_object_set_object_member (data, "agent", who);
  kiosk_portal_reply_data (msg, SOUP_STATUS_CREATED, data);
  g_free (token);
}

static JsonObject *
settings_for (KioskPortalFleet *self,
              const char       *site,
              const char       *catalogue_version)
{
  JsonObject *stored = site ? g_hash_table_lookup (self->settings, site) : NULL;
  JsonObject *settings = json_object_new ();

  if (stored != NULL)
    {
      GList *members = json_object_get_members (stored);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (settings, l->data, json_node_copy (json_object_get_member (stored, l->data)));
      g_list_free (members);
    }
  if (!json_object_has_member (settings, "catalogue_version") && catalogue_version != NULL)
    json_object_set_string_member (settings, "catalogue_version", catalogue_version);
  return settings;
}

/* PUT /api/terminals/<id>/status */
static void
handle_status (KioskPortalFleet  *self,
               SoupServerMessage *msg,
               const char        *id,
               const char        *catalogue_version)
{
  g_autoptr(JsonObject) report = read_body (msg);
  const char *kiosk = kiosk_id_of (msg);
  Terminal *terminal;
  JsonObject *data;

  if (report == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "The body is a JSON object", NULL);
      return;
    }
  if (kiosk != NULL && strcmp (kiosk, id) != 0)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_FORBIDDEN, "other-terminal",
                                "A terminal reports only its own status", NULL);
      return;
    }
  terminal = g_hash_table_lookup (self->terminals, id);
  if (terminal == NULL)
    {
      terminal = g_new0 (Terminal, 1);
      terminal->id = g_strdup (id);
      g_hash_table_replace (self->terminals, terminal->id, terminal);
    }
  g_free (terminal->site);
  terminal->site = g_strdup (kiosk_json_get_string (report, "site"));
  terminal->last_report = now_s ();
  g_clear_pointer (&terminal->report, json_object_unref);
  terminal->report = json_object_ref (report);

  data = json_object_new ();
  json_object_set_object_member (data, "settings", settings_for (self, terminal->site, catalogue_version));
  if (self->agents != NULL)
    json_object_set_array_member (data, "agents", verifiers_for (self, terminal->site));
  json_object_set_int_member (data, "next_report_seconds", REPORT_SECONDS);
  kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
}

/* GET /api/sites/<site>/counters: today's counters of the site's terminals (agents only). */
static void
handle_counters (KioskPortalFleet  *self,
                 SoupServerMessage *msg,
                 const char        *site)
{
  JsonObject *data = json_object_new ();
  GHashTableIter iter;
  Terminal *terminal;
  gint64 terminals = 0, sessions = 0, dossiers = 0, assisted = 0;

  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &terminal))
    {
      JsonObject *today = terminal->report ? kiosk_json_get_object (terminal->report, "today") : NULL;

      if (g_strcmp0 (terminal->site, site) != 0)
        continue;
      terminals++;
      sessions += today ? kiosk_json_get_int (today, "sessions", 0) : 0;
      dossiers += today ? kiosk_json_get_int (today, "dossiers", 0) : 0;
      assisted += today ? kiosk_json_get_int (today, "assisted", 0) : 0;
    }
  json_object_set_string_member (data, "site", site);
  json_object_set_int_member (data, "terminals", terminals);
  json_object_set_int_member (data, "sessions", sessions);
  json_object_set_int_member (data, "dossiers", dossiers);
  json_object_set_int_member (data, "assisted", assisted);
  kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
}

/**
 * kiosk_portal_fleet_handle_api:
 * @segments: the path from "api"
 *
 * Returns: %TRUE when the request was one of the fleet's (and is answered)
 */
gboolean
kiosk_portal_fleet_handle_api (KioskPortalFleet  *self,
                               SoupServerMessage *msg,
                               const char        *method,
                               char             **segments,
                               const char        *catalogue_version)
{
  guint n = g_strv_length (segments);

  if (n == 3 && strcmp (segments[1], "agents") == 0 && strcmp (segments[2], "session") == 0)
    {
      if (self->agents == NULL)
        kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No agents at this portal", NULL);
      else if (strcmp (method, "POST") != 0)
        kiosk_portal_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed", "Use POST", NULL);
      else
        handle_session (self, msg);
      return TRUE;
    }
  if (n == 3 && strcmp (segments[1], "agents") == 0 && strcmp (segments[2], "verifiers") == 0)
    {
      GUri *uri = soup_server_message_get_uri (msg);
      g_autoptr(GHashTable) query = g_uri_get_query (uri) ? soup_form_decode (g_uri_get_query (uri)) : NULL;
      JsonObject *data;

      if (self->agents == NULL)
        {
          kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No agents at this portal", NULL);
          return TRUE;
        }
      data = json_object_new ();
      json_object_set_array_member (data, "agents",
                                    verifiers_for (self, query ? g_hash_table_lookup (query, "site") : NULL));
      json_object_set_int_member (data, "refresh_seconds", REPORT_SECONDS);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
      return TRUE;
    }
  if (n == 4 && strcmp (segments[1], "terminals") == 0 && strcmp (segments[3], "status") == 0)
    {
      if (strcmp (method, "PUT") != 0)
        kiosk_portal_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed", "Use PUT", NULL);
      else
        handle_status (self, msg, segments[2], catalogue_version);
      return TRUE;
    }
  return FALSE;
}

/* The agent-only endpoints: the day's appointments (with names and phone numbers), marking a
 * citizen as received, the list of help calls, the site's counters. */
static gboolean
is_agent_only (const char  *method,
               char       **segments)
{
  guint n = g_strv_length (segments);
  gboolean is_get = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;

  if (strcmp (segments[1], "appointments") == 0)
    return (is_get && (n == 2 || (n == 3 && *segments[2] == '\0')))
           || (n == 4 && strcmp (method, "POST") == 0 && strcmp (segments[3], "seen") == 0);
  if (n == 4 && strcmp (segments[1], "kiosks") == 0 && strcmp (segments[3], "help-requests") == 0)
    return is_get;
  return n == 4 && strcmp (segments[1], "sites") == 0 && strcmp (segments[3], "counters") == 0;
}

/**
 * kiosk_portal_fleet_check_agent:
 *
 * With agents at this portal, an agent-only endpoint needs X-Kiosk-Agent-Token: a live session
 * opened on the same terminal (X-Kiosk-Id) by an agent not revoked since. Answers 403 and
 * returns %FALSE otherwise. Also answers GET /api/sites/<site>/counters.
 *
 * Returns: %TRUE when the request may go on
 */
gboolean
kiosk_portal_fleet_check_agent (KioskPortalFleet  *self,
                                SoupServerMessage *msg,
                                const char        *method,
                                char             **segments,
                                gboolean          *answered)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "X-Kiosk-Agent-Token");
  Session *session = token ? g_hash_table_lookup (self->sessions, token) : NULL;
  gboolean counters = g_strv_length (segments) == 4 && strcmp (segments[1], "sites") == 0
                      && strcmp (segments[3], "counters") == 0;

  *answered = FALSE;
  if (!is_agent_only (method, segments))
    return TRUE;
  if (self->agents != NULL
      && (session == NULL || session->expires < now_s ()
          || g_strcmp0 (session->kiosk, kiosk_id_of (msg)) != 0
          || !g_hash_table_contains (self->agents, session->agent)))
    {
      if (session != NULL && session->expires < now_s ())
        g_hash_table_remove (self->sessions, token);
      kiosk_portal_reply_error (msg, SOUP_STATUS_FORBIDDEN, "agent-token-required",
                                "An agent's session opened on this terminal is required", NULL);
      *answered = TRUE;
      return FALSE;
    }
  /* Each use keeps the session alive: it ends 15 minutes after the agent's last request. */
  if (session != NULL)
    session->expires = now_s () + SESSION_SECONDS;
  if (counters)
    {
      handle_counters (self, msg, segments[2]);
      *answered = TRUE;
    }
  return TRUE;
}

static JsonObject *
agent_to_json (Agent *agent)
{
  JsonObject *object = json_object_new ();
  JsonArray *sites = json_array_new ();

  for (guint i = 0; agent->sites[i] != NULL; i++)
    json_array_add_string_element (sites, agent->sites[i]);
  json_object_set_string_member (object, "id", agent->id);
  json_object_set_string_member (object, "name", agent->name);
  json_object_set_array_member (object, "sites", sites);
  json_object_set_int_member (object, "failures", agent->failures);
  json_object_set_int_member (object, "locked_until", agent->locked_until);
  return object;
}

/**
 * kiosk_portal_fleet_handle_control:
 * @segments: the path after "_control"
 *
 * GET agents, POST agents (add or replace; "pin" is hashed), DELETE agents/<id> (revoke, its
 * sessions end), GET terminals, POST sites/<site>/settings, POST terminals/<id>/last-report
 * {"ago_seconds": N} (makes a terminal look silent).
 */
void
kiosk_portal_fleet_handle_control (KioskPortalFleet  *self,
                                   SoupServerMessage *msg,
                                   const char        *method,
                                   char             **segments)
{
  guint n = g_strv_length (segments);

  if (strcmp (segments[0], "agents") == 0 && n == 1 && strcmp (method, "GET") == 0)
    {
      JsonObject *data = json_object_new ();
      JsonArray *agents = json_array_new ();
      GHashTableIter iter;
      Agent *agent;
      Session *session;

      if (self->agents != NULL)
        {
          g_hash_table_iter_init (&iter, self->agents);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &agent))
            json_array_add_object_element (agents, agent_to_json (agent));
        }
      json_object_set_array_member (data, "agents", agents);
      agents = json_array_new ();
      g_hash_table_iter_init (&iter, self->sessions);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
        {
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, "agent", session->agent);
          json_object_set_string_member (object, "kiosk", session->kiosk);
          json_object_set_int_member (object, "expires", session->expires);
          json_array_add_object_element (agents, object);
        }
      json_object_set_array_member (data, "sessions", agents);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
    }
  else if (strcmp (segments[0], "agents") == 0 && n == 1 && strcmp (method, "POST") == 0)
    {
      g_autoptr(JsonObject) request = read_body (msg);
      const char *problem = "the body is a JSON object";
      Agent *agent = request ? agent_from_json (request, &problem) : NULL;

      if (agent == NULL)
        {
          kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", problem, NULL);
          return;
        }
      if (self->agents == NULL)
        self->agents = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) agent_free);
      g_hash_table_replace (self->agents, agent->id, agent);
      kiosk_portal_reply_data (msg, SOUP_STATUS_CREATED, agent_to_json (agent));
    }
  else if (strcmp (segments[0], "agents") == 0 && n == 2 && strcmp (method, "DELETE") == 0)
    {
      GHashTableIter iter;
      Session *session;

      if (self->agents == NULL || !g_hash_table_remove (self->agents, segments[1]))
        {
          kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such agent", NULL);
          return;
        }
      g_hash_table_iter_init (&iter, self->sessions);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
        if (strcmp (session->agent, segments[1]) == 0)
          g_hash_table_iter_remove (&iter);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, json_object_new ());
    }
  else if (strcmp (segments[0], "terminals") == 0 && n == 1)
    {
      JsonObject *data = json_object_new ();
      JsonArray *terminals = json_array_new ();
      GHashTableIter iter;
      Terminal *terminal;

      g_hash_table_iter_init (&iter, self->terminals);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &terminal))
        {
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, "id", terminal->id);
          if (terminal->site != NULL)
            json_object_set_string_member (object, "site", terminal->site);
          json_object_set_int_member (object, "last_report", terminal->last_report);
          json_object_set_object_member (object, "report", json_object_ref (terminal->report));
          json_array_add_object_element (terminals, object);
        }
      json_object_set_array_member (data, "terminals", terminals);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
    }
  else if (strcmp (segments[0], "terminals") == 0 && n == 3 && strcmp (segments[2], "last-report") == 0
           && strcmp (method, "POST") == 0)
    {
      g_autoptr(JsonObject) request = read_body (msg);
      Terminal *terminal = g_hash_table_lookup (self->terminals, segments[1]);

      if (terminal == NULL || request == NULL)
        {
          kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such terminal", NULL);
          return;
        }
      terminal->last_report = now_s () - kiosk_json_get_int (request, "ago_seconds", 0);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, json_object_new ());
    }
  else if (strcmp (segments[0], "sites") == 0 && n == 3 && strcmp (segments[2], "settings") == 0
           && strcmp (method, "POST") == 0)
    {
      JsonObject *request = read_body (msg);

      if (request == NULL)
        {
          kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                    "The body is {\"idle_timeout_seconds\", \"banner\", \"opening_hours\", "
                                    "\"catalogue_version\"}", NULL);
          return;
        }
      g_hash_table_replace (self->settings, g_strdup (segments[1]), request);
      kiosk_portal_reply_data (msg, SOUP_STATUS_OK, json_object_ref (request));
    }
  else
    kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
}

static int
by_site_then_id (gconstpointer a,
                 gconstpointer b)
{
  const Terminal *x = *(Terminal **) a;
  const Terminal *y = *(Terminal **) b;
  int site = g_strcmp0 (x->site, y->site);

  return site != 0 ? site : strcmp (x->id, y->id);
}

static void
append_escaped (GString    *html,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);

  g_string_append (html, escaped);
}

/* A health value of the report, in French. */
static void
append_health (GString    *html,
               const char *value)
{
  if (g_strcmp0 (value, "ok") == 0)
    g_string_append (html, "ok");
  else if (g_strcmp0 (value, "none") == 0)
    g_string_append (html, "aucune");
  else if (g_strcmp0 (value, "low") == 0)
    g_string_append (html, "presque plein");
  else if (value == NULL || g_strcmp0 (value, "unknown") == 0)
    g_string_append (html, "inconnu");
  else
    append_escaped (html, value);
}

/* GET /parc: the fleet, by site; a terminal silent for 15 minutes is red. */
void
kiosk_portal_fleet_handle_page (KioskPortalFleet  *self,
                                SoupServerMessage *msg)
{
  g_autoptr(GPtrArray) terminals = g_ptr_array_new ();
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  GHashTableIter iter;
  Terminal *terminal;
  const char *site = "";
  gint64 now = now_s ();
  guint silent = 0;

  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &terminal))
    g_ptr_array_add (terminals, terminal);
  g_ptr_array_sort (terminals, by_site_then_id);
  for (guint i = 0; i < terminals->len; i++)
    silent += now - ((Terminal *) g_ptr_array_index (terminals, i))->last_report >= SILENT_SECONDS;

  g_string_append (html,
                   "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
                   "<title>Parc des bornes</title><style>"
                   "body{font-family:sans-serif;margin:2em;color:#1a1a1a}"
                   "table{border-collapse:collapse;margin-bottom:2em;min-width:60%}"
                   "th,td{border:1px solid #888;padding:.4em .8em;text-align:left}td:first-child{white-space:nowrap}"
                   "tr.silent td{background:#b00020;color:#fff;font-weight:bold}"
                   "tr.ok td.state{color:#0b6b2b}"
                   "</style></head><body><h1>Parc des bornes</h1>");
  g_string_append_printf (html, "<p id=\"summary\">%u borne(s), %u silencieuse(s) depuis 15 minutes ou plus.</p>",
                          terminals->len, silent);
  for (guint i = 0; i < terminals->len; i++)
    {
      JsonObject *health, *today;
      g_autoptr(GDateTime) when = NULL;
      g_autofree char *time = NULL;
      gint64 ago;
      gboolean is_silent;

      terminal = g_ptr_array_index (terminals, i);
      if (i == 0 || g_strcmp0 (site, terminal->site) != 0)
        {
          if (i > 0)
            g_string_append (html, "</tbody></table>");
          site = terminal->site;
          g_string_append (html, "<h2>");
          append_escaped (html, site ? site : "Sans site");
          g_string_append (html, "</h2><table><thead><tr><th>Borne</th><th>Version</th><th>Dernier rapport</th>"
                                 "<th>État</th><th>Santé</th><th>Aujourd’hui</th></tr></thead><tbody>");
        }
      ago = now - terminal->last_report;
      is_silent = ago >= SILENT_SECONDS;
      when = g_date_time_new_from_unix_local (terminal->last_report);
      time = g_date_time_format (when, "%d/%m/%Y %H:%M:%S");
      health = terminal->report ? kiosk_json_get_object (terminal->report, "health") : NULL;
      today = terminal->report ? kiosk_json_get_object (terminal->report, "today") : NULL;
      g_string_append_printf (html, "<tr class=\"%s\" id=\"terminal-", is_silent ? "silent" : "ok");
      append_escaped (html, terminal->id);
      g_string_append (html, "\"><td>");
      append_escaped (html, terminal->id);
      g_string_append (html, "</td><td>");
      append_escaped (html, terminal->report ? kiosk_json_get_string (terminal->report, "version") : NULL);
      g_string_append_printf (html, "</td><td>%s (il y a %" G_GINT64_FORMAT " min)</td>", time, ago / 60);
      if (is_silent)
        g_string_append_printf (html, "<td class=\"state\">Silencieuse depuis %" G_GINT64_FORMAT " min</td>", ago / 60);
      else
        g_string_append (html, "<td class=\"state\">En ligne</td>");
      g_string_append (html, "<td>");
      if (health != NULL)
        {
          g_string_append (html, "scanneur ");
          append_health (html, kiosk_json_get_string (health, "scanner"));
          g_string_append (html, ", imprimante ");
          append_health (html, kiosk_json_get_string (health, "printer"));
          g_string_append (html, ", disque ");
          append_health (html, kiosk_json_get_string (health, "disk"));
          g_string_append_printf (html, ", file d’envoi %" G_GINT64_FORMAT " (plus ancienne %" G_GINT64_FORMAT " s)",
                                  kiosk_json_get_int (health, "outbox_depth", 0),
                                  kiosk_json_get_int (health, "outbox_oldest_seconds", 0));
        }
      g_string_append (html, "</td><td>");
      if (today != NULL)
        g_string_append_printf (html, "%" G_GINT64_FORMAT " session(s), %" G_GINT64_FORMAT " demande(s), dont %"
                                G_GINT64_FORMAT " avec un agent",
                                kiosk_json_get_int (today, "sessions", 0), kiosk_json_get_int (today, "dossiers", 0),
                                kiosk_json_get_int (today, "assisted", 0));
      g_string_append (html, "</td></tr>");
    }
  if (terminals->len > 0)
    g_string_append (html, "</tbody></table>");
  else
    g_string_append (html, "<p>Aucune borne ne s’est encore signalée.</p>");
  g_string_append (html, "</body></html>\n");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html->str, html->len);
}
