/* test-fleet.c: a fleet of terminals (issue 17, suite `fleet`): agents known at the portal —
 * unlock through the portal in the real window, the agent-only endpoints refusing the terminal's
 * signature alone, wrong PINs counted across terminals, an offline unlock from the verifiers the
 * portal pushed, revocation — and terminals reporting in: status reports, the site's settings
 * applied live (banner, idle timeout), and the /parc page in headless Chromium. */
#include "kiosk-test-util.h"

#include "kiosk-agent-page.h"
#include "kiosk-agent-unlock.h"
#include "kiosk-fleet.h"
#include "kiosk-json.h"

#include <glib/gstdio.h>
#include <string.h>

#define SITE "epn-noumea-centre"

typedef struct
{
  gboolean  done;
  gpointer  value;
  GError   *error;
} Result;

static gboolean
done_cb (gpointer data)
{
  return ((Result *) data)->done;
}

static void
unlock_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *r = user_data;

  r->value = kiosk_agent_unlock_finish (result, &r->error);
  r->done = TRUE;
}

static void
request_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->value = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &r->error);
  r->done = TRUE;
}

/* The portal with two agents of Nouméa centre and one of La Foa, from a --agents file. */
static KioskTestPortal *
start_portal (char **agents_file)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-fleet-agents-XXXXXX", NULL);
  char *path = g_build_filename (dir, "agents.json", NULL);
  const char *json =
    "{\"agents\": ["
    " {\"id\": \"marie\", \"name\": \"Marie Kaloi\", \"sites\": [\"" SITE "\"], \"pin\": \"482913\"},"
    " {\"id\": \"luc\", \"name\": \"Luc Tiéti\", \"sites\": [\"" SITE "\", \"epn-la-foa\"], \"pin\": \"918273\"},"
    " {\"id\": \"paula\", \"name\": \"Paula Néa\", \"sites\": [\"epn-la-foa\"], \"pin\": \"555666\"}]}";
  const char *extra[] = { "--agents", path, NULL };

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  *agents_file = path;
  return kiosk_test_portal_start_with (extra);
}

static KioskPortalAnswer *
request (KioskPortal *client,
         const char  *method,
         const char  *path)
{
  Result r = { 0 };

  kiosk_portal_request_async (client, method, path, NULL, NULL, NULL, NULL, request_cb, &r);
  g_assert_true (kiosk_test_wait (done_cb, &r, 20000));
  g_assert_no_error (r.error);
  return r.value;
}

static KioskAgent *
unlock (KioskPortal  *client,
        const char   *id,
        const char   *pin,
        GError      **error)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-fleet-term-XXXXXX", NULL);
  g_autofree char *local = g_build_filename (dir, "agents.ini", NULL);
  g_autofree char *pushed = g_build_filename (dir, "agents-portal.ini", NULL);
  Result r = { 0 };

  kiosk_agent_unlock_async (client, SITE, local, pushed, id, pin, NULL, unlock_cb, &r);
  g_assert_true (kiosk_test_wait (done_cb, &r, 30000));
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.value;
}

static gboolean
agent_set_cb (gpointer data)
{
  return kiosk_context_get_agent (data) != NULL;
}

static gboolean
agent_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_find_widget (data, "agent")));
}

static gboolean
reports_cb (gpointer data)
{
  gpointer *pair = data;

  return kiosk_fleet_get_reports (pair[0]) >= GPOINTER_TO_UINT (pair[1]);
}

/* Waits for the window's fleet to have had @n answers from the portal. */
static void
wait_reports (KioskWindow *window,
              guint        n)
{
  gpointer pair[2] = { kiosk_window_get_fleet (window), GUINT_TO_POINTER (n) };

  g_assert_true (kiosk_test_wait (reports_cb, pair, 30000));
}

static KioskWindow *
open_window (KioskTestPortal *portal,
             const char      *data_dir,
             KioskContext   **context)
{
  KioskWindow *window;

  *context = kiosk_test_context_new (portal->url, data_dir);
  kiosk_context_set_site (*context, SITE);
  window = kiosk_window_new (NULL, *context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  wait_reports (window, 1);
  return window;
}

static void
type_pin (KioskWindow *window,
          const char  *id,
          const char  *pin)
{
  kiosk_test_type (window, "agent-id", id);
  kiosk_test_type (window, "agent-pin", pin);
  kiosk_test_click (window, "agent-unlock");
  kiosk_test_spin (20);
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 30000));
}

/* Agent unlock through the portal in the real window; the agent-only endpoints then take the
 * token of that session on that terminal, and refuse the terminal's signature alone, or a token
 * opened on another terminal. Five wrong PINs on one terminal lock the agent on another. */
static void
test_unlock_token_lockout (void)
{
  g_autofree char *agents_file = NULL;
  KioskTestPortal *portal = start_portal (&agents_file);
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-fleet-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(KioskPortal) same = NULL;
  g_autoptr(KioskPortal) other = NULL;
  g_autoptr(GError) error = NULL;
  KioskWindow *window = open_window (portal, data_dir, &context);
  const KioskAgent *agent;

  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  type_pin (window, "marie", "111111");
  g_assert_cmpstr (kiosk_test_label (window, "agent-error"), ==, "Unknown identifier or wrong PIN.");
  g_assert_null (kiosk_context_get_agent (context));
  type_pin (window, "marie", "482913");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  agent = kiosk_context_get_agent (context);
  g_assert_cmpstr (agent->name, ==, "Marie Kaloi");
  g_assert_nonnull (agent->token);
  g_assert_false (agent->offline);
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 30000));
  /* The site's counters, an agent-only endpoint, came through with the token. */
  g_assert_nonnull (strstr (kiosk_test_label (window, "agent-counters"),
                            "\nThis EPN today, terminals that reported: 1 — sessions: 0, requests sent: 0, with an agent: 0."));
  /* The dashboard's day list came through with the token. */
  g_assert_cmpstr (kiosk_test_label (window, "agent-queue-summary"), !=,
                   "The appointments cannot be shown: the portal does not answer.");
  {
    g_autoptr(JsonObject) state = kiosk_test_portal_get (portal, "_control/agents");
    JsonArray *sessions = kiosk_json_get_array (kiosk_json_get_object (state, "data"), "sessions");

    g_assert_cmpuint (json_array_get_length (sessions), ==, 1);
    g_assert_cmpstr (kiosk_json_get_string (json_array_get_object_element (sessions, 0), "kiosk"), ==, "epn-test-01");
  }

  /* The same terminal's signature without the token, then with it; another terminal with it. */
  same = kiosk_portal_new (portal->url, "epn-test-01", &error);
  g_assert_no_error (error);
  other = kiosk_portal_new (portal->url, "epn-test-02", &error);
  g_assert_no_error (error);
  {
    g_autoptr(KioskPortalAnswer) bare = request (same, "GET", "api/appointments?site=" SITE);
    g_autoptr(KioskPortalAnswer) help = request (same, "GET", "api/kiosks/epn-test-01/help-requests");
    g_autoptr(KioskPortalAnswer) counters = request (same, "GET", "api/sites/" SITE "/counters");
    g_autoptr(KioskPortalAnswer) motifs = request (same, "GET", "api/appointments/motifs?site=" SITE);
    g_autoptr(KioskPortalAnswer) with = NULL;
    g_autoptr(KioskPortalAnswer) elsewhere = NULL;
    g_autoptr(KioskPortalAnswer) site_counters = NULL;

    g_assert_cmpint (bare->status, ==, 403);
    g_assert_cmpstr (kiosk_json_get_string (bare->root, "err_code"), ==, "agent-token-required");
    g_assert_cmpint (help->status, ==, 403);
    g_assert_cmpint (counters->status, ==, 403);
    g_assert_cmpint (motifs->status, ==, 200);   /* citizens' endpoints need no agent */
    kiosk_portal_set_agent_token (same, agent->token);
    with = request (same, "GET", "api/appointments?site=" SITE);
    g_assert_cmpint (with->status, ==, 200);
    site_counters = request (same, "GET", "api/sites/" SITE "/counters");
    g_assert_cmpint (site_counters->status, ==, 200);
    g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (site_counters->root, "data"), "terminals", 0), ==, 1);
    kiosk_portal_set_agent_token (other, agent->token);
    elsewhere = request (other, "GET", "api/appointments?site=" SITE);
    g_assert_cmpint (elsewhere->status, ==, 403);
  }
  /* Locked: the window's portal client no longer sends the token. */
  kiosk_test_click (window, "agent-lock");
  g_assert_null (kiosk_context_get_agent (context));

  /* Five wrong PINs for luc on terminal 02: luc is locked on terminal 01 too, right PIN or not;
   * marie is not. */
  for (int i = 0; i < 5; i++)
    {
      g_assert_null (unlock (other, "luc", "000000", &error));
      g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN);
      g_clear_error (&error);
    }
  type_pin (window, "luc", "918273");
  g_assert_null (kiosk_context_get_agent (context));
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "agent-error"),
                                   "Too many wrong PINs have been typed for this agent, here or on other terminals."));
  g_assert_null (unlock (other, "luc", "918273", &error));
  g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED_AT_PORTAL);
  g_clear_error (&error);
  {
    g_autoptr(KioskAgent) marie = unlock (other, "marie", "482913", &error);

    g_assert_no_error (error);
    g_assert_nonnull (marie->token);
  }
  /* An agent of another site only. */
  g_assert_null (unlock (other, "paula", "555666", &error));
  g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_NOT_HERE);

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_portal_stop (portal);
}

static gboolean
file_has_cb (gpointer data)
{
  gpointer *pair = data;
  g_autofree char *contents = NULL;
  gboolean has;

  if (!g_file_get_contents (pair[0], &contents, NULL, NULL))
    return FALSE;
  has = strstr (contents, pair[1]) != NULL;
  return GPOINTER_TO_INT (pair[2]) ? has : !has;
}

static void
wait_file (const char *path,
           const char *text,
           gboolean    present)
{
  gpointer pair[3] = { (gpointer) path, (gpointer) text, GINT_TO_POINTER (present) };

  g_assert_true (kiosk_test_wait (file_has_cb, pair, 30000));
}

static gboolean
journal_has (const char *data_dir,
             const char *event,
             const char *detail)
{
  g_autofree char *path = g_build_filename (data_dir, "journal.log", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) entry = *lines[i] ? kiosk_json_parse_object (lines[i], -1, NULL) : NULL;

      if (entry != NULL && g_strcmp0 (kiosk_json_get_string (entry, "event"), event) == 0
          && g_strcmp0 (kiosk_json_get_string (entry, "detail"), detail) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
journal_offline_cb (gpointer data)
{
  return journal_has (data, "agent-unlocked", "offline");
}

/* The site's verifiers come with each status report (not La Foa's agent); a revoked agent
 * leaves the terminal at the next report; the portal stopped, the right PIN still unlocks from
 * the pushed verifiers (journalled offline), a wrong one does not, a revoked agent cannot. */
static void
test_pushed_verifiers_offline (void)
{
  g_autofree char *agents_file = NULL;
  KioskTestPortal *portal = start_portal (&agents_file);
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-fleet-XXXXXX", NULL);
  g_autofree char *pushed = g_build_filename (data_dir, "agents-portal.ini", NULL);
  g_autoptr(KioskContext) context = NULL;
  KioskWindow *window = open_window (portal, data_dir, &context);
  long status = 0;
  g_autofree char *url = g_strconcat (portal->url, "_control/agents/luc", NULL);
  g_autofree char *answer = NULL;
  GStatBuf st;

  wait_file (pushed, "[agent marie]", TRUE);
  wait_file (pushed, "[agent luc]", TRUE);
  g_assert_cmpint (g_stat (pushed, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (pushed, &contents, NULL, NULL));
    g_assert_null (strstr (contents, "paula"));
    g_assert_null (strstr (contents, "482913"));
    g_assert_nonnull (strstr (contents, "$argon2id$"));
  }

  /* Revoked at the portal: gone from the terminal at the next report (every 5 minutes; here
   * asked for at once). */
  answer = kiosk_test_http ("DELETE", url, NULL, &status);
  g_assert_cmpint (status, ==, 200);
  kiosk_fleet_report_now (kiosk_window_get_fleet (window));
  wait_file (pushed, "[agent luc]", FALSE);
  wait_file (pushed, "[agent marie]", TRUE);

  kiosk_test_portal_stop (portal);

  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  type_pin (window, "luc", "918273");
  g_assert_null (kiosk_context_get_agent (context));
  g_assert_cmpstr (kiosk_test_label (window, "agent-error"), ==, "Unknown identifier or wrong PIN.");
  type_pin (window, "marie", "000000");
  g_assert_null (kiosk_context_get_agent (context));
  type_pin (window, "marie", "482913");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  g_assert_true (kiosk_context_get_agent (context)->offline);
  g_assert_null (kiosk_context_get_agent (context)->token);
  g_assert_cmpstr (kiosk_test_label (window, "agent-name"), ==, "Agent mode — Marie Kaloi");
  g_assert_true (kiosk_test_wait (journal_offline_cb, data_dir, 10000));
  kiosk_test_click (window, "agent-lock");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
banner_shown_cb (gpointer data)
{
  GtkWidget *banner = kiosk_test_find (data, "fleet-banner");

  return gtk_widget_get_mapped (banner)
         && g_strcmp0 (gtk_label_get_label (GTK_LABEL (banner)), "Fermeture exceptionnelle à 14 h") == 0
         && gtk_revealer_get_child_revealed (GTK_REVEALER (kiosk_test_find (data, "fleet-revealer")));
}

static gboolean
banner_hidden_cb (gpointer data)
{
  return !gtk_revealer_get_child_revealed (GTK_REVEALER (kiosk_test_find (data, "fleet-revealer")));
}

static gboolean
catalogue_from_portal_cb (gpointer data)
{
  KioskCatalogueService *service = kiosk_context_get_catalogue_service (data);

  return g_strcmp0 (kiosk_catalogue_service_get_source (service), "portal") == 0
         && kiosk_catalogue_service_get_etag (service) != NULL;
}

static JsonObject *
find_terminal (KioskTestPortal *portal,
               const char      *id)
{
  g_autoptr(JsonObject) state = kiosk_test_portal_get (portal, "_control/terminals");
  JsonArray *terminals = kiosk_json_get_array (kiosk_json_get_object (state, "data"), "terminals");

  for (guint i = 0; i < json_array_get_length (terminals); i++)
    {
      JsonObject *terminal = json_array_get_object_element (terminals, i);

      if (g_strcmp0 (kiosk_json_get_string (terminal, "id"), id) == 0)
        return json_object_ref (terminal);
    }
  return NULL;
}

static char *
run_chromium (const char *flag,
              const char *url,
              const char *dir)
{
  g_autofree char *profile = g_strconcat ("--user-data-dir=", dir, "/profile", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                              "--window-size=1280,800", profile, flag, url, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return out;
}

/* The terminal reports in (no personal data); the site's banner and idle timeout arrive with the
 * answer and apply at once, in the same window; /parc lists the terminals by site in Chromium,
 * a terminal silent for 20 minutes in red. */
static void
test_status_settings_parc (void)
{
  g_autofree char *agents_file = NULL;
  KioskTestPortal *portal = start_portal (&agents_file);
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-fleet-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(KioskContext) silent = NULL;
  g_autoptr(KioskFleet) silent_fleet = NULL;
  KioskWindow *window = open_window (portal, data_dir, &context);
  KioskWindow *same_window = window;
  g_autoptr(JsonObject) terminal = NULL;
  JsonObject *report, *health, *today;
  guint idle = 0;

  /* A session ends: a report goes at once with today's counters. */
  kiosk_test_finish_session (window);
  wait_reports (window, 2);
  terminal = find_terminal (portal, "epn-test-01");
  g_assert_nonnull (terminal);
  g_assert_cmpstr (kiosk_json_get_string (terminal, "site"), ==, SITE);
  report = kiosk_json_get_object (terminal, "report");
  health = kiosk_json_get_object (report, "health");
  today = kiosk_json_get_object (report, "today");
  g_assert_cmpstr (kiosk_json_get_string (report, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (kiosk_json_get_int (report, "uptime_seconds", -1), >=, 0);
  g_assert_cmpstr (kiosk_json_get_string (health, "printer"), ==, "none");
  g_assert_nonnull (kiosk_json_get_string (health, "scanner"));
  g_assert_cmpstr (kiosk_json_get_string (health, "disk"), !=, "unknown");
  g_assert_cmpint (kiosk_json_get_int (health, "outbox_depth", -1), ==, 0);
  g_assert_cmpint (kiosk_json_get_int (health, "portal_latency_ms", -1), >=, 0);
  g_assert_cmpint (kiosk_json_get_int (today, "sessions", 0), ==, 1);
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), report);
    g_autofree char *text = kiosk_json_to_string (node);

    /* No agent, no citizen, no path of this terminal's files. */
    g_assert_null (strstr (text, "marie"));
    g_assert_null (strstr (text, data_dir));
  }

  /* The catalogue version the portal announced differs from the bundled catalogue's: the
   * terminal fetched it, without anyone asking. */
  g_assert_true (kiosk_test_wait (catalogue_from_portal_cb, context, 30000));
  {
    g_autofree char *quoted = g_strdup_printf ("\"%s\"", kiosk_fleet_get_catalogue_version (kiosk_window_get_fleet (window)));

    g_assert_cmpuint (strlen (quoted), ==, 66);
    g_assert_cmpstr (kiosk_catalogue_service_get_etag (kiosk_context_get_catalogue_service (context)), ==, quoted);
  }

  /* The site's settings: banner and idle timeout, live. */
  g_object_get (window, "idle-timeout", &idle, NULL);
  g_assert_cmpuint (idle, ==, 180);
  g_assert_false (gtk_revealer_get_child_revealed (GTK_REVEALER (kiosk_test_find (window, "fleet-revealer"))));
  kiosk_test_portal_post (portal, "_control/sites/" SITE "/settings",
                          "{\"banner\": \"Fermeture exceptionnelle à 14 h\", \"idle_timeout_seconds\": 120,"
                          " \"opening_hours\": \"lun.–ven. 7 h 30 – 16 h\"}");
  kiosk_fleet_report_now (kiosk_window_get_fleet (window));
  g_assert_true (kiosk_test_wait (banner_shown_cb, window, 30000));
  g_object_get (window, "idle-timeout", &idle, NULL);
  g_assert_cmpuint (idle, ==, 120);
  g_assert_cmpstr (kiosk_test_label (window, "fleet-hours"), ==, "Opening hours: lun.–ven. 7 h 30 – 16 h");
  g_assert_true (window == same_window);
  kiosk_test_portal_post (portal, "_control/sites/" SITE "/settings", "{}");
  kiosk_fleet_report_now (kiosk_window_get_fleet (window));
  g_assert_true (kiosk_test_wait (banner_hidden_cb, window, 30000));

  /* A second terminal of La Foa that went silent 20 minutes ago. */
  {
    g_autofree char *other_dir = g_dir_make_tmp ("kiosk-fleet-XXXXXX", NULL);
    gpointer pair[2];

    silent = kiosk_context_new (portal->url, "borne-la-foa-2", other_dir,
                                "resource:///nc/epn/Kiosk/catalogue.json", "test:0");
    kiosk_context_set_site (silent, "epn-la-foa");
    silent_fleet = kiosk_fleet_new (silent);
    kiosk_fleet_report_now (silent_fleet);
    pair[0] = silent_fleet;
    pair[1] = GUINT_TO_POINTER (1);
    g_assert_true (kiosk_test_wait (reports_cb, pair, 30000));
    kiosk_test_portal_post (portal, "_control/terminals/borne-la-foa-2/last-report", "{\"ago_seconds\": 1200}");
  }

  {
    g_autofree char *dir = g_dir_make_tmp ("kiosk-fleet-chromium-XXXXXX", NULL);
    g_autofree char *png = g_build_filename (dir, "parc.png", NULL);
    g_autofree char *flag = g_strconcat ("--screenshot=", png, NULL);
    g_autofree char *url = g_strconcat (portal->url, "parc", NULL);
    g_autofree char *dom = run_chromium ("--dump-dom", url, dir);
    g_autofree char *shot = NULL;
    g_autofree char *image = NULL;
    gsize length = 0;
    const char *row;

    g_assert_nonnull (strstr (dom, "Parc des bornes"));
    g_assert_nonnull (strstr (dom, "<h2>" SITE "</h2>"));
    g_assert_nonnull (strstr (dom, "<h2>epn-la-foa</h2>"));
    g_assert_nonnull (strstr (dom, "2 borne(s), 1 silencieuse(s)"));
    row = strstr (dom, "<tr class=\"ok\" id=\"terminal-epn-test-01\">");
    g_assert_nonnull (row);
    g_assert_nonnull (strstr (row, "En ligne"));
    row = strstr (dom, "<tr class=\"silent\" id=\"terminal-borne-la-foa-2\">");
    g_assert_nonnull (row);
    g_assert_nonnull (strstr (row, "Silencieuse depuis 20 min"));
    g_assert_nonnull (strstr (dom, "imprimante aucune"));
    /* Sites in order, Nouméa after La Foa. */
    g_assert_true (strstr (dom, "epn-la-foa") < strstr (dom, SITE "</h2>"));

    shot = run_chromium (flag, url, dir);
    g_assert_true (g_file_get_contents (png, &image, &length, NULL));
    g_assert_cmpuint (length, >, 5000);
    g_assert_cmpmem (image, 8, "\x89PNG\r\n\x1a\n", 8);
    /* The silent terminal's row is painted red (#b00020) in the screenshot. */
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (png, NULL);
      int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
      g_autofree guchar *pixels = g_malloc ((gsize) width * height * 4);
      guint red = 0;

      gdk_texture_download (texture, pixels, width * 4);
      for (gsize i = 0; i < (gsize) width * height; i++)
        {
          /* Cairo's ARGB32 in memory: B, G, R, A on little-endian. */
          guchar b = pixels[i * 4], g = pixels[i * 4 + 1], r = pixels[i * 4 + 2];

          red += r > 160 && r < 200 && g < 20 && b < 50;
        }
      g_assert_cmpuint (red, >, 10000);
    }
  }

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_portal_stop (portal);
}

int
main (int   argc,
      char *argv[])
{
  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fleet/unlock-token-lockout", test_unlock_token_lockout);
  g_test_add_func ("/fleet/pushed-verifiers-offline", test_pushed_verifiers_offline);
  g_test_add_func ("/fleet/status-settings-parc", test_status_settings_parc);
  return g_test_run ();
}
