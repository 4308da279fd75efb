#define _GNU_SOURCE
/* test-agents.c: agent accounts (argon2id PIN, lockout, `kiosk --add-agent`) and agent mode in
 * the real window: unlocking, the day's waiting queue from the reference portal, marking a
 * citizen as received, locking by hand, on session end, and not before 15 idle minutes (suite
 * `agents`). */
#include "kiosk-test-util.h"
#include "kiosk-submission.h"

#include "kiosk-agent-page.h"
#include "kiosk-documents-page.h"
#include "kiosk-agents.h"
#include "kiosk-appointments.h"
#include "kiosk-json.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static KioskTestPortal *portal;

/* Created with a PIN that is stored only as an argon2id hash, in a file only its owner reads. */
static void
test_add_and_verify (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-agents-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "agents.ini", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(KioskAgent) agent = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_false (kiosk_agents_add (path, "marie", "Marie", "1234", &error));
  g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_WEAK_PIN);
  g_clear_error (&error);
  g_assert_false (kiosk_agents_add (path, "marie", "Marie", "12ab56", &error));
  g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_WEAK_PIN);
  g_clear_error (&error);
  g_assert_false (kiosk_agents_add (path, "marie dupont", "Marie", "482913", &error));
  g_clear_error (&error);

  g_assert_true (kiosk_agents_add (path, "marie", "Marie Kaloi", "482913", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "482913"));
  g_assert_nonnull (strstr (contents, "$argon2id$"));
  g_assert_nonnull (strstr (contents, "m=65536"));   /* 64 MiB */

  agent = kiosk_agents_verify (path, "marie", "482913", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (agent->id, ==, "marie");
  g_assert_cmpstr (agent->name, ==, "Marie Kaloi");
  g_assert_null (kiosk_agents_verify (path, "marie", "482914", &error));
  g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN);
  g_clear_error (&error);
  g_assert_null (kiosk_agents_verify (path, "nobody", "482913", &error));
  g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN);
}

/* Five wrong PINs lock the account: then even the right PIN is refused. A right PIN before the
 * fifth resets the count. */
static void
test_lockout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-agents-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "agents.ini", NULL);
  g_autoptr(GError) error = NULL;
  KioskAgent *agent;

  g_assert_true (kiosk_agents_add (path, "luc", NULL, "918273", &error));
  for (int i = 0; i < KIOSK_AGENT_MAX_FAILURES - 1; i++)
    {
      g_assert_null (kiosk_agents_verify (path, "luc", "000000", &error));
      g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_UNKNOWN);
      g_clear_error (&error);
    }
  agent = kiosk_agents_verify (path, "luc", "918273", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (agent->name, ==, "luc");
  kiosk_agent_free (agent);

  for (int i = 0; i < KIOSK_AGENT_MAX_FAILURES; i++)
    {
      g_assert_null (kiosk_agents_verify (path, "luc", "000000", &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
  g_assert_null (kiosk_agents_verify (path, "luc", "918273", &error));
  g_assert_error (error, KIOSK_AGENT_ERROR, KIOSK_AGENT_ERROR_LOCKED);
}

/* `kiosk --add-agent ID --agent-name NAME`, the PIN on standard input. */
static void
test_add_agent_command (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-agents-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "agents.ini", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskAgent) agent = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_getenv ("KIOSK_BINARY"), "--add-agent", "paul", "--agent-name",
                              "Paul Néa", "--data-dir", dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, "55667788\n", NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  agent = kiosk_agents_verify (path, "paul", "55667788", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (agent->name, ==, "Paul Néa");
}

typedef struct
{
  gboolean    done;
  gpointer    value;
  GError     *error;
} Result;

static gboolean
done_cb (gpointer data)
{
  return ((Result *) data)->done;
}

static void
book_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->value = kiosk_appointments_book_finish (res, NULL, &r->error);
  r->done = TRUE;
}

static void
call_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->value = kiosk_appointments_call_finish (res, &r->error);
  r->done = TRUE;
}

static void
set_clock (const char *iso)
{
  g_autofree char *body = g_strdup_printf ("{\"now\": \"%s\"}", iso);

  kiosk_test_portal_post (portal, "_control/clock", body);
}

static KioskAppointment *
book_at (KioskPortal *client,
         const char  *iso,
         const char  *name)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (iso, NULL);
  g_autoptr(KioskBooking) booking = kiosk_booking_new (NULL, "aide-medicale", when, name, "751234", NULL);
  Result r = { 0 };

  kiosk_appointments_book_async (client, booking, NULL, book_cb, &r);
  g_assert_true (kiosk_test_wait (done_cb, &r, 20000));
  g_assert_no_error (r.error);
  return r.value;
}

static gboolean
agent_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_find_widget (data, "agent")));
}

static gboolean
agent_set_cb (gpointer data)
{
  return kiosk_context_get_agent (data) != NULL;
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kiosk_catalogue_service_refresh_finish (KIOSK_CATALOGUE_SERVICE (object), result, &error));
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true_cb (gpointer data)
{
  return *(gboolean *) data;
}

/* An agent unlocks agent mode and sees the day's queue: who has arrived, in order, and who is
 * still to come; marks a citizen as received. Locking, ending the session and a wrong PIN all
 * leave the dashboard closed; agent mode is not locked by the citizens' short idle timeout. */
static void
test_dashboard (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-agent-ui-XXXXXX", NULL);
  g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskAppointment) first = NULL;
  g_autoptr(KioskAppointment) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seen_button = NULL;
  KioskWindow *window;
  Result r = { 0 };

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", &error));
  client = kiosk_portal_new (portal->url, "epn-test", &error);
  g_assert_no_error (error);

  /* Monday 7 December 2026, 6:00 in Nouméa: two bookings, the first citizen arrives. */
  set_clock ("2026-12-07T06:00:00+11:00");
  first = book_at (client, "2026-12-07T07:30:00+11:00", "Marie Wamytan");
  second = book_at (client, "2026-12-07T08:00:00+11:00", "Luc Tiéti");
  set_clock ("2026-12-07T07:25:00+11:00");
  kiosk_appointments_check_in_async (client, first->reference, NULL, call_cb, &r);
  g_assert_true (kiosk_test_wait (done_cb, &r, 20000));
  g_assert_no_error (r.error);
  kiosk_appointment_free (r.value);

  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  g_object_set (window, "idle-timeout", 1, "idle-warning", 30, NULL);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");

  /* The catalogue is checked with the portal (as the application does every so often). */
  {
    gboolean refreshed = FALSE;

    kiosk_catalogue_service_refresh_async (kiosk_context_get_catalogue_service (context), NULL, refreshed_cb, &refreshed);
    g_assert_true (kiosk_test_wait (is_true_cb, &refreshed, 10000));
  }

  /* A citizen finishes a session, another one calls an agent. */
  kiosk_test_finish_session (window);
  kiosk_test_click (window, "call-agent");
  g_assert_cmpint (kiosk_session_get_call_time (kiosk_context_get_session (context)), >, 0);

  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");

  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "111111");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 20000));
  g_assert_cmpstr (kiosk_test_label (window, "agent-error"), ==, "Unknown identifier or wrong PIN.");
  g_assert_null (kiosk_context_get_agent (context));
  g_assert_false (gtk_widget_get_mapped (kiosk_test_find (window, "agent-queue")));

  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  kiosk_test_spin (50);
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 20000));
  g_assert_cmpstr (kiosk_test_label (window, "agent-name"), ==, "Agent mode — Marie Kaloi");
  g_assert_cmpstr (kiosk_test_label (window, "agent-queue-summary"), ==, "1 waiting, 1 to come, 0 received.");
  g_assert_cmpstr (kiosk_test_label (window, "agent-outbox"), ==,
                   "None: every request made here has reached the portal.");
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "agent-health"), "Portal: reachable, answered in "));
  g_assert_nonnull (strstr (kiosk_test_label (window, "agent-health"), "Last checked with the portal: "));
  g_assert_true (gtk_widget_is_visible (kiosk_test_find (window, "agent-call")));
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "agent-call"), "A citizen at this terminal asked for help at "));
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "agent-counters"), "Today — sessions: 1, requests sent: 0, with an agent: 0."));
  kiosk_test_click (window, "agent-answer-call");
  g_assert_cmpint (kiosk_session_get_call_time (kiosk_context_get_session (context)), ==, 0);
  g_assert_false (gtk_widget_is_visible (kiosk_test_find (window, "agent-call")));
  {
    g_autoptr(JsonObject) calls = NULL;
    g_autofree char *path = g_strdup_printf ("api/kiosks/%s/help-requests", kiosk_context_get_kiosk_id (context));

    calls = kiosk_test_portal_get (portal, path);
    g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (calls, "data"), "count", 0), ==, 1);
  }
  {
    GtkWidget *row = kiosk_test_find (window, "agent-queue");
    GtkWidget *first_row = gtk_widget_get_first_child (row);
    GtkWidget *label = gtk_widget_get_first_child (first_row);
    g_autofree char *expected_name = g_strdup_printf ("agent-appointment-%s", first->reference);

    g_assert_cmpstr (gtk_widget_get_name (first_row), ==, expected_name);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==,
                     "7:30 — Marie Wamytan — Constituer un dossier d’aide médicale — Waiting (no. 1)");
  }

  /* The citizens' idle timeout (1 s here) does not lock agent mode: 15 minutes do. */
  kiosk_test_spin (2500);
  {
    gboolean warning = TRUE;

    g_object_get (window, "idle-warning-visible", &warning, NULL);
    g_assert_false (warning);
  }
  g_assert_nonnull (kiosk_context_get_agent (context));
  g_assert_cmpstr (kiosk_window_get_page_name (window), ==, "agent");

  seen_button = g_strdup_printf ("agent-seen-%s", first->reference);
  kiosk_test_click (window, seen_button);
  kiosk_test_spin (50);
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 20000));
  g_assert_cmpstr (kiosk_test_label (window, "agent-queue-summary"), ==, "0 waiting, 1 to come, 1 received.");

  kiosk_test_click (window, "agent-lock");
  g_assert_null (kiosk_context_get_agent (context));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (kiosk_test_find (window, "agent-stack"))), ==, "login");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "agent-pin"))), ==, "");

  /* Unlocked again, then the session ends: locked. */
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  kiosk_test_finish_session (window);
  g_assert_null (kiosk_context_get_agent (context));

  kiosk_test_portal_post (portal, "_control/clock", "{\"now\": null}");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
journal_at_cb (gpointer data)
{
  gpointer *pair = data;

  return kiosk_journal_get_head (pair[0], NULL) >= GPOINTER_TO_INT (pair[1]);
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(gint64 *) user_data = kiosk_submission_queue_finish (KIOSK_SUBMISSION (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
queued_done_cb (gpointer data)
{
  return *(gint64 *) data != 0;
}

static int
run_verify (const char *data_dir)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("KIOSK_BINARY"),
                              "--verify-journal", "--data-dir", data_dir, "--portal-url", portal->url,
                              "--kiosk-id", "epn-test-01", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_test_message ("verify: %s", out);
  return g_subprocess_get_exit_status (process);
}

static void
rewrite_file (const char *path,
              const char *from,
              const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr(GString) text = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  text = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (text, from, to, 1), ==, 1);
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
}

/* Agent actions and dossiers go into a chained, HMAC-signed journal; each submission takes the
 * latest head to the portal. `kiosk --verify-journal` says intact, then detects an edited entry,
 * a removed last entry and a chain rewritten with the key. */
static void
test_journal (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-journal-XXXXXX", NULL);
  g_autofree char *log_path = g_build_filename (data_dir, "journal.log", NULL);
  g_autofree char *backup = NULL;
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskProcedure) procedure = NULL;
  g_autoptr(JsonObject) head = NULL;
  g_autofree char *mac = NULL;
  g_autofree char *head_path = g_strdup_printf ("api/kiosks/%s/journal-head", kiosk_context_get_kiosk_id (context));
  gpointer pair[2];
  gint64 queued = 0;
  KioskDossier *dossier;
  GStatBuf st;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  {
    KioskAgent *agent = g_new0 (KioskAgent, 1);

    agent->id = g_strdup ("marie");
    agent->name = g_strdup ("Marie Kaloi");
    kiosk_context_set_agent (context, agent);
  }
  kiosk_context_log (context, "appointment-received", "12345674");
  kiosk_context_set_agent (context, NULL);
  pair[0] = kiosk_context_get_journal (context);
  pair[1] = GINT_TO_POINTER (3);
  g_assert_true (kiosk_test_wait (journal_at_cb, pair, 10000));
  g_assert_cmpint (kiosk_journal_get_head (kiosk_context_get_journal (context), &mac), ==, 3);
  g_assert_cmpint (g_stat (log_path, &st), ==, 0);
  {
    g_autofree char *key = g_build_filename (data_dir, "journal.key", NULL);

    g_assert_cmpint (g_stat (key, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  /* A dossier sent: the portal now holds the journal's head. */
  procedure = g_object_ref (kiosk_catalogue_lookup (kiosk_context_get_catalogue (context), "aide-medicale"));
  dossier = kiosk_session_start_dossier (kiosk_context_get_session (context), procedure);
  kiosk_test_complete_dossier (dossier);
  {
    g_autoptr(KioskSubmission) submission = kiosk_submission_new (context, dossier);

    kiosk_submission_queue_async (submission, NULL, queued_cb, &queued);
    g_assert_true (kiosk_test_wait (queued_done_cb, &queued, 10000));
  }
  kiosk_outbox_sender_start (kiosk_context_get_outbox_sender (context), 100);
  g_assert_true (kiosk_test_wait_outbox_empty (context, 20000));
  head = kiosk_test_portal_get (portal, head_path);
  g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (head, "data"), "seq", 0), ==, 3);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (head, "data"), "mac"), ==, mac);
  g_clear_object (&context);   /* waits for the journal's writes */

  g_assert_cmpint (run_verify (data_dir), ==, 0);
  g_assert_true (g_file_get_contents (log_path, &backup, NULL, NULL));

  /* An entry edited: its mac no longer matches. */
  rewrite_file (log_path, "12345674", "12345675");
  g_assert_cmpint (run_verify (data_dir), ==, 1);
  g_assert_true (g_file_set_contents (log_path, backup, -1, NULL));

  /* The last entry removed: the chain is fine, but the portal holds entry 3. */
  {
    char *last = strrchr (backup, '{');
    g_autofree char *cut = g_strndup (backup, last - backup);

    g_assert_true (g_file_set_contents (log_path, cut, -1, NULL));
    g_assert_cmpint (run_verify (data_dir), ==, 1);
  }

  /* Rewritten with the key (a new, consistent chain): entry 3 is not the one the portal got. */
  g_assert_true (g_unlink (log_path) == 0);
  {
    g_autoptr(KioskJournal) forged = kiosk_journal_open (data_dir, NULL);

    g_assert_true (kiosk_journal_append (forged, "marie", "agent-unlocked", "", NULL));
    g_assert_true (kiosk_journal_append (forged, "-", "nothing-to-see", "", NULL));
    g_assert_true (kiosk_journal_append (forged, "marie", "agent-locked", "", NULL));
  }
  g_assert_cmpint (run_verify (data_dir), ==, 1);

  g_assert_true (g_file_set_contents (log_path, backup, -1, NULL));
  g_assert_cmpint (run_verify (data_dir), ==, 0);
}

static gboolean
page_is_receipt_cb (gpointer data)
{
  return g_strcmp0 (kiosk_window_get_page_name (data), "receipt") == 0;
}

static void
unlock_in_window (KioskWindow  *window,
                  KioskContext *context)
{
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  kiosk_test_spin (50);
}

/* An agent opens an assisted session for the citizen beside them: agent mode locks, the citizen
 * agrees on screen to what the agent may do for this procedure (here: not scanning), and the
 * portal receives the dossier with channel "counter", the agent's id and that consent; the
 * journal records it all. A refusal ends the assisted session and the citizen goes on alone. */
static void
test_assisted_session (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-assist-XXXXXX", NULL);
  g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);
  g_autofree char *journal_path = g_build_filename (data_dir, "journal.log", NULL);
  g_autofree char *journal = NULL;
  g_autofree char *key = NULL;
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(JsonObject) contexts = NULL;
  g_autoptr(GError) error = NULL;
  KioskWindow *window;
  JsonObject *sent, *consent;
  JsonArray *scopes;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", &error));
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  unlock_in_window (window, context);

  kiosk_test_click (window, "agent-assist");
  kiosk_test_wait_for_page (window, "catalogue");
  g_assert_null (kiosk_context_get_agent (context));   /* the citizen has the screen now */
  g_assert_cmpstr (kiosk_session_get_assisting (kiosk_context_get_session (context))->id, ==, "marie");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "consent");
  g_assert_nonnull (strstr (kiosk_test_label (window, "consent-intro"), "Marie Kaloi"));
  g_assert_nonnull (strstr (kiosk_test_label (window, "consent-intro"), "Aide médicale"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (kiosk_test_find (window, "consent-scan")), FALSE);
  kiosk_test_click (window, "consent-accept");
  kiosk_test_wait_for_page (window, "form");
  key = g_strdup (kiosk_dossier_get_idempotency_key (kiosk_session_get_dossier (kiosk_context_get_session (context))));
  kiosk_test_complete_dossier (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL);
  g_assert_true (kiosk_test_wait (page_is_receipt_cb, window, 20000));

  contexts = kiosk_test_portal_get (portal, "_control/contexts");
  sent = kiosk_json_get_object (kiosk_json_get_object (contexts, "data"), key);
  g_assert_nonnull (sent);
  g_assert_cmpstr (kiosk_json_get_string (sent, "channel"), ==, "counter");
  g_assert_cmpstr (kiosk_json_get_string (sent, "agent_id"), ==, "marie");
  consent = kiosk_json_get_object (sent, "consent");
  scopes = kiosk_json_get_array (consent, "scopes");
  g_assert_cmpuint (json_array_get_length (scopes), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (scopes, 0), ==, "fill");
  g_assert_cmpstr (json_array_get_string_element (scopes, 1), ==, "submit");
  g_assert_true (kiosk_json_get_bool (consent, "session_only", FALSE));

  /* The session ends: so does the assisted session. */
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_session_get_assisting (kiosk_context_get_session (context)));

  /* A citizen who refuses goes on alone. */
  unlock_in_window (window, context);
  kiosk_test_click (window, "agent-assist");
  kiosk_test_wait_for_page (window, "catalogue");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "consent");
  kiosk_test_click (window, "consent-refuse");
  kiosk_test_wait_for_page (window, "procedure");
  g_assert_null (kiosk_session_get_assisting (kiosk_context_get_session (context)));
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&context);   /* waits for the journal's writes */

  g_assert_true (g_file_get_contents (journal_path, &journal, NULL, NULL));
  g_assert_nonnull (strstr (journal, "\"event\":\"assisted-opened\""));
  g_assert_nonnull (strstr (journal, "\"event\":\"consent-given\",\"detail\":\"aide-medicale fill,submit\""));
  g_assert_nonnull (strstr (journal, "\"event\":\"dossier-submitted\""));
  g_assert_nonnull (strstr (journal, "\"event\":\"consent-refused\""));
  g_assert_nonnull (strstr (journal, "\"event\":\"assisted-closed\""));
  g_assert_null (strstr (journal, "Wamytan"));   /* no citizen's personal data */
  g_assert_true (kiosk_journal_verify (data_dir, 0, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Under systemd (Type=notify, WatchdogSec), the real kiosk says READY=1 once its first frame is
 * painted, then feeds the watchdog from its main loop at half the period. */
static void
test_watchdog (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-notify-XXXXXX", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "notify", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, 0, NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (socket_path);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) kiosk = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ready = FALSE;
  guint pings = 0;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_no_error (error);
  g_subprocess_launcher_setenv (launcher, "NOTIFY_SOCKET", socket_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "WATCHDOG_USEC", "400000", TRUE);
  kiosk = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KIOSK_BINARY"), "--portal-url", portal->url,
                                       "--data-dir", data_dir, NULL);
  g_assert_no_error (error);
  while (pings < 3 && g_get_monotonic_time () < deadline)
    {
      char buffer[64] = "";
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_IN, 500000, NULL, NULL))
        continue;
      n = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, NULL);
      if (n <= 0)
        continue;
      buffer[n] = '\0';
      if (strcmp (buffer, "READY=1") == 0)
        ready = TRUE;
      else if (strcmp (buffer, "WATCHDOG=1") == 0)
        {
          g_assert_true (ready);   /* never before READY */
          pings++;
        }
    }
  g_subprocess_force_exit (kiosk);
  g_subprocess_wait (kiosk, NULL, NULL);
  g_assert_true (ready);
  g_assert_cmpuint (pings, >=, 3);
}

static gboolean
outbox_failed_cb (gpointer data)
{
  KioskOutbox *outbox = kiosk_context_get_outbox (data);
  g_autoptr(GPtrArray) entries = outbox ? kiosk_outbox_list (outbox, NULL) : NULL;

  return entries != NULL && entries->len == 1 && ((KioskOutboxEntry *) entries->pdata[0])->failed;
}

/* A dossier the portal refused waits in the outbox; the dashboard says so, and "Send them now"
 * sends it once the cause is fixed. Quitting needs agent mode. */
static void
test_retry_now_and_quit (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-retry-XXXXXX", NULL);
  g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);
  g_autofree char *journal_path = g_build_filename (data_dir, "journal.log", NULL);
  g_autofree char *journal = NULL;
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(KioskProcedure) procedure = NULL;
  g_autoptr(GError) error = NULL;
  gint64 queued = 0;
  KioskWindow *window;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", &error));
  context = kiosk_test_context_new (portal->url, data_dir);
  procedure = g_object_ref (kiosk_catalogue_lookup (kiosk_context_get_catalogue (context), "aide-medicale"));
  kiosk_test_complete_dossier (kiosk_session_start_dossier (kiosk_context_get_session (context), procedure));
  {
    g_autoptr(KioskSubmission) submission = kiosk_submission_new (context, kiosk_session_get_dossier (kiosk_context_get_session (context)));

    kiosk_submission_queue_async (submission, NULL, queued_cb, &queued);
    g_assert_true (kiosk_test_wait (queued_done_cb, &queued, 10000));
  }
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 1, \"status\": 400}");
  kiosk_outbox_sender_start (kiosk_context_get_outbox_sender (context), 100);
  g_assert_true (kiosk_test_wait (outbox_failed_cb, context, 20000));
  kiosk_session_end (kiosk_context_get_session (context));

  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  unlock_in_window (window, context);
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 20000));
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "agent-outbox"),
                                   "1 request waits to be sent; the terminal retries by itself. 1 was refused by the portal and needs an agent."));
  kiosk_test_click (window, "agent-retry");
  g_assert_true (kiosk_test_wait_outbox_empty (context, 20000));
  kiosk_test_click (window, "agent-refresh");
  kiosk_test_spin (50);
  g_assert_true (kiosk_test_wait (agent_idle_cb, window, 20000));
  g_assert_cmpstr (kiosk_test_label (window, "agent-outbox"), ==, "None: every request made here has reached the portal.");

  kiosk_test_click (window, "agent-quit");
  g_assert_null (kiosk_context_get_agent (context));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&context);
  g_assert_true (g_file_get_contents (journal_path, &journal, NULL, NULL));
  g_assert_nonnull (strstr (journal, "\"agent\":\"marie\",\"event\":\"outbox-retry\""));
  g_assert_nonnull (strstr (journal, "\"agent\":\"marie\",\"event\":\"kiosk-quit\""));
}

static gboolean
count_key_cb (GtkEventControllerKey *controller,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              guint                 *count)
{
  if (keyval == GDK_KEY_F12)
    (*count)++;
  return GDK_EVENT_PROPAGATE;
}

/* Real key presses through the X server (XTEST, as a keyboard would): in kiosk mode, Alt+F4,
 * Ctrl+W, Ctrl+Q, Escape, Super and the inspector's Ctrl+Shift+I / Ctrl+Shift+D neither close the
 * window nor open anything; and the keys do reach the window (a plain F12 is seen). Outside kiosk
 * mode, the same Ctrl+Shift+I opens GTK's inspector, which is what kiosk mode prevents. */
static void
test_lockdown_keys (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-keys-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = g_object_new (KIOSK_TYPE_WINDOW, "context", context, "kiosk-mode", TRUE, NULL);
  KioskWindow *plain;
  GtkEventController *probe = gtk_event_controller_key_new ();
  guint f12 = 0;
  guint toplevels;

  gtk_event_controller_set_propagation_phase (probe, GTK_PHASE_CAPTURE);
  g_signal_connect (probe, "key-pressed", G_CALLBACK (count_key_cb), &f12);
  gtk_widget_add_controller (GTK_WIDGET (window), probe);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_spin (300);
  toplevels = g_list_model_get_n_items (gtk_window_get_toplevels ());

  kiosk_test_press_keys (window,
              "alt+F4 ctrl+w ctrl+q Escape Super_L ctrl+shift+i ctrl+shift+d F12");
  kiosk_test_spin (400);
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpuint (f12, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, toplevels);
  g_assert_cmpstr (kiosk_window_get_page_name (window), ==, "welcome");

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (200);

  /* Without kiosk mode, the inspector shortcut would open a window. */
  plain = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (plain));
  kiosk_test_wait_for_page (plain, "welcome");
  kiosk_test_spin (300);
  toplevels = g_list_model_get_n_items (gtk_window_get_toplevels ());
  kiosk_test_press_keys (plain, "ctrl+shift+i");
  kiosk_test_spin (400);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), >, toplevels);
  gtk_window_destroy (GTK_WINDOW (plain));
}

#define CANARY "Canarie7731"

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static gboolean
contains (const char *path,
          GBytes     *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, g_bytes_get_data (needle, NULL), g_bytes_get_size (needle)) != NULL;
}

/* Every file under @dir (recursively) modified since @since (real µs, 0: any), except under
 * @skip: the paths where @needle occurs, appended to @found. */
static void
search_tree (const char *dir,
             GBytes     *needle,
             gint64      since,
             const char *skip,
             GPtrArray  *found)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (skip != NULL && g_str_has_prefix (path, skip))
        continue;
      if (g_lstat (path, &st) != 0 || S_ISLNK (st.st_mode))
        continue;
      if (S_ISDIR (st.st_mode))
        search_tree (path, needle, since, skip, found);
      else if (S_ISREG (st.st_mode) && st.st_size < 64 * 1024 * 1024
               && (since == 0 || (gint64) st.st_mtime * G_USEC_PER_SEC >= since - G_USEC_PER_SEC)
               && contains (path, needle))
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

/* Where @needle occurs in plain text: the data folder, this test's own temporary folder (not
 * the reference portal's folder in it) and the cache. */
static GPtrArray *
find_everywhere (const char *data_dir,
                 GBytes     *needle,
                 gint64      since)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  search_tree (data_dir, needle, 0, NULL, found);
  g_assert_cmpstr (g_get_tmp_dir (), ==, g_getenv ("TMPDIR"));
  search_tree (g_get_tmp_dir (), needle, 0, portal->data_dir, found);
  search_tree (g_get_user_cache_dir (), needle, since, NULL, found);
  for (guint i = 0; i < found->len; i++)
    g_printerr ("Found in plain text: %s\n", (char *) found->pdata[i]);
  return found;
}

/* Types the canary into the text fields of aide-medicale (and a valid rest), scans the identity
 * card; returns a piece of the scan's bytes to look for. */
static GBytes *
fill_with_canary (KioskWindow  *window,
                  KioskContext *context)
{
  KioskDossier *dossier;
  GBytes *jpeg;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_type (window, "field-last_name", CANARY);
  kiosk_test_type (window, "field-first_name", "Léa-" CANARY);
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  /* Other kinds of field, straight into the dossier: e-mail, long text, phone. */
  kiosk_dossier_set_answer (dossier, "email", CANARY "@example.nc");
  kiosk_dossier_set_answer (dossier, "phone", "27 12 34");
  kiosk_test_complete_dossier (dossier);
  kiosk_dossier_set_document (dossier, "id_card", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents");
  kiosk_test_wait_for_page (window, "documents");
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 20000));
  jpeg = kiosk_document_get_content (kiosk_dossier_get_document (dossier, "id_card"));
  g_assert_cmpuint (g_bytes_get_size (jpeg), >, 4096);
  return g_bytes_new_from_bytes (jpeg, g_bytes_get_size (jpeg) / 2, 64);
}

/* The privacy canary: typed into the fields and scanned, then (a) the session abandoned: found
 * nowhere; (b) the dossier sent while the portal refuses it: only encrypted in the outbox, and
 * nowhere once the portal has it. */
static void
test_privacy_canary (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-canary-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(GBytes) canary = g_bytes_new_static (CANARY, strlen (CANARY));
  g_autoptr(GBytes) scan = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 since = g_get_real_time ();
  KioskWindow *window;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");

  /* (a) Abandoned: the citizen walks away; the idle timeout ends the session. */
  scan = fill_with_canary (window, context);
  g_object_set (window, "idle-timeout", 1, "idle-warning", 1, NULL);
  kiosk_test_wait_for_page (window, "welcome");
  g_object_set (window, "idle-timeout", 0, NULL);
  g_assert_null (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  kiosk_test_spin (200);
  found = find_everywhere (data_dir, canary, since);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = find_everywhere (data_dir, scan, since);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  g_clear_pointer (&scan, g_bytes_unref);

  /* (b) Sent while the portal refuses dossiers: saved, encrypted only. */
  scan = fill_with_canary (window, context);
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail_submissions\": 100}");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL);
  g_assert_true (kiosk_test_wait (page_is_receipt_cb, window, 20000));
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_false (kiosk_test_outbox_is_empty (context));
  found = find_everywhere (data_dir, canary, since);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = find_everywhere (data_dir, scan, since);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* The portal takes it: gone from the terminal; only the portal has it. */
  kiosk_test_portal_post (portal, "_control/faults", "{}");
  kiosk_outbox_set_backoff (kiosk_context_get_outbox (context), 1, 10);
  kiosk_outbox_sender_start (kiosk_context_get_outbox_sender (context), 100);
  g_assert_true (kiosk_test_wait_outbox_empty (context, 20000));
  found = find_everywhere (data_dir, canary, since);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  {
    g_autoptr(GPtrArray) at_portal = g_ptr_array_new_with_free_func (g_free);

    search_tree (portal->data_dir, canary, 0, NULL, at_portal);
    g_assert_cmpuint (at_portal->len, >, 0);   /* the search does find it where it is */
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* A temporary folder of our own: the privacy canary test searches all of it (every test and
   * the reference portal of this run write there, nothing else does). */
  {
    /* Not g_get_tmp_dir (): it would keep the old value for the rest of the process. */
    const char *parent = g_getenv ("TMPDIR") ? g_getenv ("TMPDIR") : "/tmp";
    g_autofree char *template = g_build_filename (parent, "kiosk-agents-tmp-XXXXXX", NULL);
    char *tmp = g_mkdtemp (template);

    g_assert_nonnull (tmp);
    g_setenv ("TMPDIR", tmp, TRUE);
  }
  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start ();

  g_test_add_func ("/agents/add-and-verify", test_add_and_verify);
  g_test_add_func ("/agents/lockout", test_lockout);
  g_test_add_func ("/agents/add-agent-command", test_add_agent_command);
  g_test_add_func ("/agents/dashboard", test_dashboard);
  g_test_add_func ("/agents/journal", test_journal);
  g_test_add_func ("/agents/assisted-session", test_assisted_session);
  g_test_add_func ("/agents/watchdog", test_watchdog);
  g_test_add_func ("/agents/privacy-canary", test_privacy_canary);
  g_test_add_func ("/agents/retry-now-and-quit", test_retry_now_and_quit);
  g_test_add_func ("/agents/lockdown-keys", test_lockdown_keys);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
