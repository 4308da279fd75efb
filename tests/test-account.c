#define _GNU_SOURCE
/* test-account.c: the citizen's account, linked with their phone (suite `account`): the device
 * flow against the reference portal (pending → approved → token; slow_down honoured; expiry;
 * denial), pre-filled forms, a dossier sent under the account, a dossier queued during the
 * session and delivered after it that still lands in the account, the token revoked at the end
 * of the session and found nowhere on disk. */
#include "kiosk-test-util.h"
#include "kiosk-submission.h"

#include "kiosk-my-requests-page.h"
#include "kiosk-sign-in-page.h"

#include "kiosk-json.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <string.h>

static KioskTestPortal *portal;

static gboolean
state_is_cb (gpointer data)
{
  gpointer *pair = data;

  return (int) kiosk_sign_in_get_state (pair[0]) == GPOINTER_TO_INT (pair[1]);
}

static void
wait_state (KioskSignIn      *sign_in,
            KioskSignInState  state,
            guint             timeout_ms)
{
  gpointer pair[2] = { sign_in, GINT_TO_POINTER (state) };

  if (!kiosk_test_wait (state_is_cb, pair, timeout_ms))
    g_error ("Sign-in did not reach state %d (it is %d)", state, kiosk_sign_in_get_state (sign_in));
}

/* What the citizen does on their phone: the page the QR code opens, then a decision. */
static void
decide_on_phone (const char *user_code,
                 const char *decision)
{
  g_autofree char *page_url = g_strdup_printf ("%sactiver?code=%s", portal->url, user_code);
  g_autofree char *form = g_strdup_printf ("user_code=%s&account=marie.wamytan&decision=%s", user_code, decision);
  g_autofree char *post_url = g_strconcat (portal->url, "activer", NULL);
  g_autofree char *page = NULL;
  g_autofree char *answer = NULL;
  long status = 0;

  page = kiosk_test_http ("GET", page_url, NULL, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_nonnull (strstr (page, user_code));
  answer = kiosk_test_http ("POST", post_url, form, &status);
  g_assert_cmpint (status, ==, 200);
}

static KioskPortal *
new_client (void)
{
  g_autoptr(GError) error = NULL;
  KioskPortal *client = kiosk_portal_new (portal->url, "epn-test", &error);

  g_assert_no_error (error);
  return client;
}

static KioskAccount *
sign_in_as_marie (KioskPortal *client)
{
  g_autoptr(KioskSignIn) sign_in = kiosk_sign_in_new (client);

  kiosk_sign_in_start (sign_in);
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  decide_on_phone (kiosk_sign_in_get_user_code (sign_in), "approve");
  wait_state (sign_in, KIOSK_SIGN_IN_APPROVED, 10000);
  return kiosk_sign_in_steal_account (sign_in);
}

static long
me_status (const char *token)
{
  g_autofree char *url = g_strconcat (portal->url, "api/account/me", NULL);
  g_autofree char *header = g_strdup_printf ("Authorization: Bearer %s", token);
  struct curl_slist *headers = curl_slist_append (NULL, header);
  CURL *curl = curl_easy_init ();
  long status = 0;
  FILE *sink = fopen ("/dev/null", "w");

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, sink);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  fclose (sink);
  return status;
}

/* The whole grant: a code and a verification address first, "pending" while the citizen has not
 * answered, then a token and the account's profile. */
static void
test_device_flow (void)
{
  g_autoptr(KioskPortal) client = new_client ();
  g_autoptr(KioskSignIn) sign_in = kiosk_sign_in_new (client);
  g_autoptr(KioskAccount) account = NULL;
  g_autoptr(JsonObject) stats = NULL;
  const char *code;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_sign_in_start (sign_in);
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  code = kiosk_sign_in_get_user_code (sign_in);
  g_assert_cmpuint (strlen (code), ==, 9);
  g_assert_cmpint (code[4], ==, '-');
  g_assert_true (g_str_has_suffix (kiosk_sign_in_get_verification_uri_complete (sign_in), code));
  g_assert_cmpuint (kiosk_sign_in_get_interval (sign_in), ==, 1);

  /* Pending for a while: the kiosk keeps polling at the interval. */
  kiosk_test_spin (2500);
  g_assert_cmpint (kiosk_sign_in_get_state (sign_in), ==, KIOSK_SIGN_IN_WAITING);
  stats = kiosk_test_portal_get (portal, "_control/oauth");
  g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (stats, "data"), "polls", 0), >=, 2);
  g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (stats, "data"), "slow_down_answers", -1), ==, 0);

  decide_on_phone (code, "approve");
  wait_state (sign_in, KIOSK_SIGN_IN_APPROVED, 10000);
  account = kiosk_sign_in_steal_account (sign_in);
  g_assert_nonnull (account);
  g_assert_cmpstr (account->id, ==, "marie.wamytan");
  g_assert_cmpstr (account->first_name, ==, "Marie");
  g_assert_cmpstr (account->last_name, ==, "Wamytan");
  g_assert_cmpstr (account->birth_date, ==, "1961-04-12");
  g_assert_cmpint (me_status (account->token), ==, 200);
  g_assert_cmpint (me_status ("not-a-token"), ==, 401);
}

/* The portal says slow_down: the kiosk adds 5 s to its interval and the portal has no reason to
 * say it again. */
static void
test_slow_down (void)
{
  g_autoptr(KioskPortal) client = new_client ();
  g_autoptr(KioskSignIn) sign_in = kiosk_sign_in_new (client);
  g_autoptr(JsonObject) stats = NULL;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/oauth", "{\"slow_down\": 1}");
  kiosk_sign_in_start (sign_in);
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  decide_on_phone (kiosk_sign_in_get_user_code (sign_in), "approve");
  /* First poll after 1 s: slow_down; the next one 6 s later brings the token. */
  wait_state (sign_in, KIOSK_SIGN_IN_APPROVED, 15000);
  g_assert_cmpuint (kiosk_sign_in_get_interval (sign_in), ==, 6);
  stats = kiosk_test_portal_get (portal, "_control/oauth");
  g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (stats, "data"), "slow_down_answers", -1), ==, 1);
}

/* Not approved in time: expired. Refused on the phone: denied. */
static void
test_expired_and_denied (void)
{
  g_autoptr(KioskPortal) client = new_client ();
  g_autoptr(KioskSignIn) sign_in = kiosk_sign_in_new (client);

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/oauth", "{\"expires_in\": 2}");
  kiosk_sign_in_start (sign_in);
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  wait_state (sign_in, KIOSK_SIGN_IN_EXPIRED, 10000);
  g_assert_null (kiosk_sign_in_steal_account (sign_in));

  kiosk_test_portal_post (portal, "_control/oauth", "{}");
  kiosk_sign_in_start (sign_in);
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  decide_on_phone (kiosk_sign_in_get_user_code (sign_in), "deny");
  wait_state (sign_in, KIOSK_SIGN_IN_DENIED, 10000);
  g_assert_null (kiosk_sign_in_steal_account (sign_in));
}

static const char *
owner_of (JsonObject *stats,
          const char *idempotency_key)
{
  return kiosk_json_get_string (kiosk_json_get_object (kiosk_json_get_object (stats, "data"),
                                                       "dossier_accounts"), idempotency_key);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

/* Every file under @dir, recursively. */
static void
assert_nowhere (const char *dir,
                const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_nowhere (path, needle);
      else if (file_contains (path, needle))
        g_error ("A secret was found in %s", path);
    }
}

static gboolean
sign_in_page_signed_in_cb (gpointer data)
{
  return kiosk_session_get_account (kiosk_context_get_session (data)) != NULL;
}

static gboolean
requests_loaded_cb (gpointer data)
{
  KioskWindow *window = data;

  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_get_page (window, "my-requests")));
}

static gboolean
submit_settled_cb (gpointer data)
{
  return g_strcmp0 (kiosk_window_get_page_name (data), "receipt") == 0;
}

/* In the window: sign in with the phone (QR code and code on screen, approved over HTTP), the
 * form is pre-filled from the account; the portal does not take the dossier now, so it waits in
 * the outbox; the session ends (token revoked, found nowhere on disk); the outbox delivers the
 * dossier later and it lands in the account, where "My requests" shows it. */
static void
test_sign_in_prefill_and_queued_dossier (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-account-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(JsonObject) stats = NULL;
  g_autofree char *token = NULL;
  g_autofree char *key = NULL;
  g_autofree char *grant = NULL;
  g_autofree char *number = NULL;
  KioskWindow *window;
  KioskDossier *dossier;
  const char *code;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "header-account")));

  kiosk_test_click (window, "welcome-sign-in");
  kiosk_test_wait_for_page (window, "sign-in");
  {
    KioskSignIn *sign_in = kiosk_sign_in_page_get_sign_in (KIOSK_SIGN_IN_PAGE (kiosk_window_get_page (window, "sign-in")));

    wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  }
  code = kiosk_test_label (window, "sign-in-code");
  g_assert_cmpuint (strlen (code), ==, 9);
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (kiosk_test_find (window, "sign-in-qr"))));
  g_assert_cmpstr (kiosk_test_label (window, "sign-in-status"), ==, "Waiting for you to accept on your phone…");
  decide_on_phone (code, "approve");
  /* "Is this you?" with the portal's name first; nothing attached before the answer. */
  kiosk_test_wait_clickable (window, "sign-in-confirm");
  g_assert_cmpstr (kiosk_test_label (window, "sign-in-title"), ==, "Is this you?");
  g_assert_nonnull (strstr (kiosk_test_label (window, "sign-in-status"), "Marie Wamytan"));
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));
  kiosk_test_click (window, "sign-in-confirm");
  g_assert_true (kiosk_test_wait (sign_in_page_signed_in_cb, context, 10000));
  g_assert_cmpstr (kiosk_test_label (window, "sign-in-title"), ==, "Hello Marie, you are signed in.");
  token = g_strdup (kiosk_session_get_account (kiosk_context_get_session (context))->token);
  g_assert_cmpint (me_status (token), ==, 200);

  /* Being signed in shows: in the header on every page, and on the welcome page instead of
   * "Sign in with my phone". */
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "header-account")));
  g_assert_cmpstr (kiosk_test_label (window, "header-account"), ==, "Signed in: Marie W.");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "welcome");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "welcome-sign-in")));
  g_assert_true (gtk_widget_is_visible (kiosk_test_find (window, "welcome-signed-in")));
  g_assert_cmpstr (kiosk_test_label (window, "welcome-signed-in"), ==, "Signed in: Marie W.");
  g_assert_true (gtk_widget_is_visible (kiosk_test_find (window, "welcome-my-requests")));

  /* The form knows the citizen; they may still change it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-last_name"))), ==, "Wamytan");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-first_name"))), ==, "Marie");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-birth_date"))), ==, "12/04/1961");

  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  kiosk_test_complete_dossier (dossier);
  key = g_strdup (kiosk_dossier_get_idempotency_key (dossier));

  /* The portal takes the grant but not the dossier, for now. */
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail_submissions\": 100}");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL);
  g_assert_true (kiosk_test_wait (submit_settled_cb, window, 20000));
  g_assert_cmpstr (kiosk_test_label (window, "receipt-title"), ==, "Your request is saved on this terminal");
  /* The receipt says the request goes to the account. */
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "receipt-account")));
  grant = g_strdup (kiosk_dossier_get_account_grant (dossier));
  g_assert_nonnull (grant);
  g_assert_false (kiosk_test_outbox_is_empty (context));

  /* The citizen leaves: signed out, the token revoked, and no secret in plain text on disk. */
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "header-account")));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "welcome-sign-in")));
  g_assert_false (gtk_widget_is_visible (kiosk_test_find (window, "welcome-signed-in")));
  g_assert_cmpint (me_status (token), ==, 401);
  assert_nowhere (data_dir, token);
  assert_nowhere (data_dir, grant);
  assert_nowhere (g_get_user_cache_dir (), token);

  /* Later, the portal takes dossiers again: it lands in Marie's account. */
  kiosk_test_portal_post (portal, "_control/faults", "{}");
  kiosk_outbox_set_backoff (kiosk_context_get_outbox (context), 1, 10);
  kiosk_outbox_sender_start (kiosk_context_get_outbox_sender (context), 100);
  g_assert_true (kiosk_test_wait_outbox_empty (context, 20000));
  stats = kiosk_test_portal_get (portal, "_control/oauth");
  g_assert_cmpstr (owner_of (stats, key), ==, "marie.wamytan");

  /* Signed in again (another session): "My requests" shows it. */
  kiosk_session_set_account (kiosk_context_get_session (context), sign_in_as_marie (kiosk_context_get_portal (context)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "my-requests");
  kiosk_test_wait_for_page (window, "my-requests");
  kiosk_test_spin (20);
  g_assert_true (kiosk_test_wait (requests_loaded_cb, window, 10000));
  g_assert_cmpstr (kiosk_test_label (window, "my-requests-status"), ==, "1 request");
  {
    g_autoptr(JsonObject) root = kiosk_test_portal_get (portal, "_control/submissions");
    JsonArray *list = kiosk_json_get_array (root, "data");
    JsonObject *first = json_array_get_object_element (list, 0);
    g_autofree char *name = g_strdup_printf ("my-request-%s", kiosk_json_get_string (first, "number"));
    const char *text = gtk_label_get_label (GTK_LABEL (kiosk_test_find (window, name)));

    g_assert_cmpstr (kiosk_json_get_string (first, "idempotency_key"), ==, key);
    g_assert_nonnull (strstr (text, kiosk_json_get_string (first, "number")));
    g_assert_nonnull (strstr (text, "Reçu"));   /* the portal words the status */
  }
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
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
queued_cb_done (gpointer data)
{
  return *(gint64 *) data != 0;
}

static gboolean
retry_shown_cb (gpointer data)
{
  return gtk_widget_get_visible (kiosk_test_find (data, "sign-in-retry"));
}

/* On screen: a code that expires says so and offers a new one; a refusal on the phone says the
 * terminal has no access; neither leaves an account in the session. */
static void
test_expired_and_denied_shown (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-account-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window;
  KioskSignIn *sign_in;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_portal_post (portal, "_control/oauth", "{\"expires_in\": 2}");
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-sign-in");
  kiosk_test_wait_for_page (window, "sign-in");
  g_assert_true (kiosk_test_wait (retry_shown_cb, window, 10000));
  g_assert_cmpstr (kiosk_test_label (window, "sign-in-status"), ==,
                   "The code has expired before it was accepted. Ask for a new code to try again.");
  g_assert_false (gtk_widget_is_visible (kiosk_test_find (window, "sign-in-qr")));

  kiosk_test_portal_post (portal, "_control/oauth", "{}");
  kiosk_test_click (window, "sign-in-retry");
  sign_in = kiosk_sign_in_page_get_sign_in (KIOSK_SIGN_IN_PAGE (kiosk_window_get_page (window, "sign-in")));
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  decide_on_phone (kiosk_test_label (window, "sign-in-code"), "deny");
  g_assert_true (kiosk_test_wait (retry_shown_cb, window, 10000));
  g_assert_cmpstr (kiosk_test_label (window, "sign-in-status"), ==,
                   "You refused on your phone: the terminal has no access to your account. You can still do your procedures without it.");
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Without an account, a dossier is sent as before, attached to nobody. */
static void
test_no_account (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-account-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskProcedure) procedure = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonObject) submissions = NULL;
  KioskDossier *dossier;
  gint64 queued = 0;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  procedure = g_object_ref (kiosk_catalogue_lookup (kiosk_context_get_catalogue (context), "aide-medicale"));
  dossier = kiosk_session_start_dossier (kiosk_context_get_session (context), procedure);
  g_assert_null (kiosk_dossier_get_answer (dossier, "last_name"));
  kiosk_test_complete_dossier (dossier);
  {
    g_autoptr(KioskSubmission) submission = kiosk_submission_new (context, dossier);

    kiosk_submission_queue_async (submission, NULL, queued_cb, &queued);
    g_assert_true (kiosk_test_wait (queued_cb_done, &queued, 10000));
  }
  kiosk_outbox_sender_start (kiosk_context_get_outbox_sender (context), 100);
  g_assert_true (kiosk_test_wait_outbox_empty (context, 20000));
  submissions = kiosk_test_portal_get (portal, "_control/submissions");
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (submissions, "data")), ==, 1);
  stats = kiosk_test_portal_get (portal, "_control/oauth");
  g_assert_cmpuint (json_object_get_size (kiosk_json_get_object (kiosk_json_get_object (stats, "data"), "dossier_accounts")), ==, 0);
}

/* A phone that cannot scan: the citizen opens the address the kiosk shows and types the code
 * there, in small letters and with a space; the kiosk is then signed in. */
static void
test_type_the_code (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-account-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window;
  KioskSignIn *sign_in;
  g_autofree char *uri = NULL;
  g_autofree char *page = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *form = NULL;
  g_autofree char *answer = NULL;
  long status = 0;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-sign-in");
  kiosk_test_wait_for_page (window, "sign-in");
  sign_in = kiosk_sign_in_page_get_sign_in (KIOSK_SIGN_IN_PAGE (kiosk_window_get_page (window, "sign-in")));
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING, 10000);
  uri = g_strdup (kiosk_sign_in_get_verification_uri (sign_in));
  g_assert_nonnull (strstr (kiosk_test_label (window, "sign-in-uri"), uri));

  /* The address alone (no code in it) has a field for the code. */
  page = kiosk_test_http ("GET", uri, NULL, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_nonnull (strstr (page, "<input name=\"user_code\""));
  g_assert_nonnull (strstr (page, "Code affiché sur la borne"));

  typed = g_ascii_strdown (kiosk_test_label (window, "sign-in-code"), -1);
  g_strdelimit (typed, "-", ' ');
  form = g_strdup_printf ("user_code=%s&account=marie.wamytan&decision=approve", typed);
  g_strdelimit (form, " ", '+');
  answer = kiosk_test_http ("POST", uri, form, &status);
  g_assert_cmpint (status, ==, 200);
  g_assert_nonnull (strstr (answer, "La borne est autorisée"));
  /* The kiosk asks "Is this you?" before anything of the account is attached. */
  kiosk_test_click (window, "sign-in-confirm");
  g_assert_true (kiosk_test_wait (sign_in_page_signed_in_cb, context, 10000));
  g_assert_cmpstr (kiosk_test_label (window, "header-account"), ==, "Signed in: Marie W.");

  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Who is signed in, as shown where others may see the screen: first name and initial. */
static void
test_short_name (void)
{
  KioskAccount marie = { .first_name = (char *) "Marie", .last_name = (char *) "Wamytan" };
  KioskAccount paul = { .first_name = (char *) "Paul", .last_name = (char *) " élia" };
  KioskAccount nameless = { .first_name = (char *) "Léa", .last_name = NULL };
  g_autofree char *a = kiosk_account_format_short_name (&marie);
  g_autofree char *b = kiosk_account_format_short_name (&paul);
  g_autofree char *c = kiosk_account_format_short_name (&nameless);

  g_assert_cmpstr (a, ==, "Marie W.");
  g_assert_cmpstr (b, ==, "Paul É.");
  g_assert_cmpstr (c, ==, "Léa");
}

int
main (int   argc,
      char *argv[])
{
  const char *extra[] = { "--device-interval", "1", NULL };
  int status;

  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start_with (extra);

  g_test_add_func ("/account/device-flow", test_device_flow);
  g_test_add_func ("/account/slow-down", test_slow_down);
  g_test_add_func ("/account/expired-and-denied", test_expired_and_denied);
  g_test_add_func ("/account/expired-and-denied-shown", test_expired_and_denied_shown);
  g_test_add_func ("/account/sign-in-prefill-and-queued-dossier", test_sign_in_prefill_and_queued_dossier);
  g_test_add_func ("/account/no-account", test_no_account);
  g_test_add_func ("/account/short-name", test_short_name);
  g_test_add_func ("/account/type-the-code", test_type_the_code);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
