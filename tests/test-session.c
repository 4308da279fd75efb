/* test-session.c (suite unit): the session, submission and retry rules of the core, without a
 * display: which errors are worth a retry, the queued receipt, what ending a session clears,
 * a submission delivered, queued or refused by the reference portal over loopback, and the
 * catalogue service's sources. */
#include "kiosk-test-util.h"

#include "kiosk-errors.h"
#include "kiosk-session.h"
#include "kiosk-submission.h"

#include <curl/curl.h>
#include <string.h>

static KioskTestPortal *portal;

static gboolean
transient (GQuark domain,
           int    code)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, "test");

  return kiosk_portal_error_is_transient (error);
}

/* The one rule for retries: by code, by HTTP status, by curl failure; other domains never. */
static void
test_transient (void)
{
  const long transient_statuses[] = { 500, 502, 503, 504, 408, 409, 429 };
  const long final_statuses[] = { 400, 401, 403, 404, 410, 413, 422 };
  const int transient_curl[] = { CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_RECV_ERROR,
                                 CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_OPERATION_TIMEDOUT,
                                 CURLE_PARTIAL_FILE };
  const int final_curl[] = { CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR,
                             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE,
                             CURLE_SSL_PINNEDPUBKEYNOTMATCH };

  g_assert_true (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_UNREACHABLE));
  g_assert_true (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TIMEOUT));
  g_assert_true (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_SERVER));
  g_assert_true (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED));
  g_assert_false (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INVALID_FIELDS));
  g_assert_false (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED));
  g_assert_false (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TLS));
  g_assert_false (transient (KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL));
  g_assert_false (transient (G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_false (transient (G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_assert_false (transient (KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED));
  g_assert_false (transient (KIOSK_FIELD_ERROR, KIOSK_FIELD_ERROR_INVALID));
  g_assert_false (kiosk_portal_error_is_transient (NULL));

  for (guint i = 0; i < G_N_ELEMENTS (transient_statuses); i++)
    {
      KioskPortalError code = kiosk_portal_error_for_status (transient_statuses[i], NULL);

      g_assert_cmpint (code, ==, KIOSK_PORTAL_ERROR_SERVER);
      g_assert_true (transient (KIOSK_PORTAL_ERROR, code));
    }
  for (guint i = 0; i < G_N_ELEMENTS (final_statuses); i++)
    {
      KioskPortalError code = kiosk_portal_error_for_status (final_statuses[i], "no-such-form");

      g_assert_cmpint (code, ==, KIOSK_PORTAL_ERROR_REFUSED);
      g_assert_false (transient (KIOSK_PORTAL_ERROR, code));
    }
  g_assert_cmpint (kiosk_portal_error_for_status (422, "invalid-fields"), ==, KIOSK_PORTAL_ERROR_INVALID_FIELDS);
  g_assert_cmpint (kiosk_portal_error_for_status (400, "invalid-fields"), ==, KIOSK_PORTAL_ERROR_REFUSED);

  for (guint i = 0; i < G_N_ELEMENTS (transient_curl); i++)
    g_assert_true (transient (KIOSK_PORTAL_ERROR, kiosk_portal_error_for_curl (transient_curl[i])));
  g_assert_cmpint (kiosk_portal_error_for_curl (CURLE_OPERATION_TIMEDOUT), ==, KIOSK_PORTAL_ERROR_TIMEOUT);
  g_assert_cmpint (kiosk_portal_error_for_curl (CURLE_COULDNT_CONNECT), ==, KIOSK_PORTAL_ERROR_UNREACHABLE);
  for (guint i = 0; i < G_N_ELEMENTS (final_curl); i++)
    {
      g_assert_cmpint (kiosk_portal_error_for_curl (final_curl[i]), ==, KIOSK_PORTAL_ERROR_TLS);
      g_assert_false (transient (KIOSK_PORTAL_ERROR, kiosk_portal_error_for_curl (final_curl[i])));
    }
}

/* A queued receipt: a short reference from the key, no URL, marked queued. */
static void
test_queued_receipt (void)
{
  g_autoptr(KioskReceipt) receipt = kiosk_receipt_new_queued ("3f2a9c1e-77d0-4b1a-9f00-0123456789ab");

  g_assert_cmpstr (receipt->number, ==, "3F2A-9C1E");
  g_assert_null (receipt->url);
  g_assert_true (receipt->queued);
  g_assert_false (receipt->replayed);
}

static KioskCatalogue *
load_catalogue (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "resources", "catalogue.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  KioskCatalogue *catalogue;

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (file);
  catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return catalogue;
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
ended_cb (KioskSession *session,
          gpointer      user_data)
{
  (*(guint *) user_data)++;
}

/* Starting a dossier pre-fills it from the account; ending the session clears the dossier, the
 * account, the assisted session and its consent, and cancels the session's work. */
static void
test_session_start_end (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-session-XXXXXX", NULL);
  g_autoptr(KioskJournal) journal = kiosk_journal_new (dir);
  g_autoptr(KioskCatalogue) catalogue = load_catalogue ();
  g_autoptr(KioskSession) session = kiosk_session_new (NULL, journal, catalogue);
  KioskProcedure *procedure = kiosk_catalogue_lookup (catalogue, "aide-medicale");
  KioskAccount *account = g_new0 (KioskAccount, 1);
  KioskAgent agent = { .id = "marie", .name = "Marie Kaloi" };
  const char *scopes[] = { "fill", NULL };
  GCancellable *cancellable;
  KioskDossier *dossier;
  guint dossier_notes = 0, account_notes = 0, assisting_notes = 0, ended = 0;

  g_signal_connect (session, "notify::dossier", G_CALLBACK (count_cb), &dossier_notes);
  g_signal_connect (session, "notify::account", G_CALLBACK (count_cb), &account_notes);
  g_signal_connect (session, "notify::assisting", G_CALLBACK (count_cb), &assisting_notes);
  g_signal_connect (session, "ended", G_CALLBACK (ended_cb), &ended);
  g_assert_nonnull (procedure);
  g_assert_nonnull (kiosk_procedure_find_field (procedure, "last_name"));
  g_assert_null (kiosk_session_get_dossier (session));
  g_assert_false (kiosk_session_is_complete (session));

  account->token = g_strdup ("token");
  account->id = g_strdup ("citizen-1");
  account->first_name = g_strdup ("Marie");
  account->last_name = g_strdup ("Wamytan");
  account->birth_date = g_strdup ("1980-03-05");
  kiosk_session_set_account (session, account);
  g_assert_cmpuint (account_notes, ==, 1);
  kiosk_session_start_assisted (session, &agent);
  g_assert_cmpstr (kiosk_session_get_assisting (session)->id, ==, "marie");
  kiosk_session_give_consent (session, "aide-medicale", scopes);
  g_assert_true (kiosk_session_has_consent (session, "aide-medicale"));

  dossier = kiosk_session_start_dossier (session, procedure);
  g_assert_cmpuint (dossier_notes, ==, 1);
  g_assert_true (kiosk_session_get_dossier (session) == dossier);
  g_assert_true (kiosk_session_start_dossier (session, procedure) == dossier);
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "last_name"), ==, "Wamytan");
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "first_name"), ==, "Marie");
  if (kiosk_procedure_find_field (procedure, "birth_date") != NULL)
    g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "birth_date"), ==, "05/03/1980");
  g_assert_false (kiosk_session_is_complete (session));

  kiosk_session_call_agent (session);
  g_assert_cmpint (kiosk_session_get_call_time (session), >, 0);
  cancellable = g_object_ref (kiosk_session_get_cancellable (session));

  kiosk_session_end (session);
  g_assert_cmpuint (ended, ==, 1);
  g_assert_null (kiosk_session_get_dossier (session));
  g_assert_null (kiosk_session_get_account (session));
  g_assert_null (kiosk_session_get_assisting (session));
  g_assert_false (kiosk_session_has_consent (session, "aide-medicale"));
  g_assert_false (kiosk_session_is_complete (session));
  g_assert_cmpuint (dossier_notes, ==, 2);
  g_assert_cmpuint (account_notes, ==, 2);
  g_assert_cmpuint (assisting_notes, ==, 2);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_assert_false (g_cancellable_is_cancelled (kiosk_session_get_cancellable (session)));
  g_object_unref (cancellable);

  /* The next citizen's dossier knows nothing of the last one. */
  dossier = kiosk_session_start_dossier (session, procedure);
  g_assert_null (kiosk_dossier_get_answer (dossier, "last_name"));
}

typedef struct
{
  gboolean            done;
  const KioskReceipt *receipt;
  GError             *error;
} Run;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;

  run->receipt = kiosk_submission_run_finish (KIOSK_SUBMISSION (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
run_done_cb (gpointer data)
{
  return ((Run *) data)->done;
}

static KioskSubmission *
submit (KioskContext *context,
        Run          *run)
{
  KioskSession *session = kiosk_context_get_session (context);
  KioskProcedure *procedure = kiosk_catalogue_lookup (kiosk_context_get_catalogue (context), "aide-medicale");
  KioskSubmission *submission;

  kiosk_session_end (session);
  kiosk_test_complete_dossier (kiosk_session_start_dossier (session, procedure));
  submission = kiosk_submission_new (context, kiosk_session_get_dossier (session));
  *run = (Run) { 0 };
  kiosk_submission_run_async (submission, NULL, run_cb, run);
  g_assert_cmpint (kiosk_submission_get_state (submission), ==, KIOSK_SUBMISSION_SENDING);
  g_assert_true (kiosk_test_wait (run_done_cb, run, 20000));
  return submission;
}

static gboolean
outbox_has_one_cb (gpointer data)
{
  KioskOutbox *outbox = kiosk_context_get_outbox (data);
  g_autoptr(GPtrArray) entries = outbox ? kiosk_outbox_list (outbox, NULL) : NULL;

  return entries != NULL && entries->len == 1;
}

/* Against the reference portal: delivered (a number and a URL, the outbox emptied), queued
 * while the portal fails (the reference, no URL, the entry kept for the sender), refused. */
static void
test_submission_portal (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-submission-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, dir);
  g_autoptr(KioskSubmission) delivered = NULL;
  g_autoptr(KioskSubmission) queued = NULL;
  g_autoptr(KioskSubmission) refused = NULL;
  Run run;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  delivered = submit (context, &run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.receipt);
  g_assert_false (run.receipt->queued);
  g_assert_nonnull (run.receipt->url);
  g_assert_cmpstr (run.receipt->number, !=, "");
  g_assert_true (kiosk_submission_get_receipt (delivered) == run.receipt);
  g_assert_cmpint (kiosk_submission_get_state (delivered), ==, KIOSK_SUBMISSION_DONE);
  g_assert_cmpfloat (kiosk_submission_get_progress (delivered), ==, 1.0);
  g_assert_true (kiosk_test_wait_outbox_empty (context, 10000));

  kiosk_test_portal_post (portal, "_control/faults", "{\"fail_submissions\": 10}");
  queued = submit (context, &run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.receipt);
  g_assert_true (run.receipt->queued);
  g_assert_null (run.receipt->url);
  {
    g_autoptr(KioskReceipt) expected = kiosk_receipt_new_queued (kiosk_dossier_get_idempotency_key (kiosk_submission_get_dossier (queued)));

    g_assert_cmpstr (run.receipt->number, ==, expected->number);
  }
  g_assert_cmpint (kiosk_submission_get_state (queued), ==, KIOSK_SUBMISSION_DONE);
  g_assert_true (kiosk_test_wait (outbox_has_one_cb, context, 10000));

  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 10, \"status\": 400}");
  refused = submit (context, &run);
  g_assert_null (run.receipt);
  g_assert_error (run.error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED);
  g_assert_cmpint (kiosk_submission_get_state (refused), ==, KIOSK_SUBMISSION_FAILED);
  g_assert_false (kiosk_submission_can_retry (refused));
  g_assert_error (kiosk_submission_get_error (refused), KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED);
  g_clear_error (&run.error);
  kiosk_test_portal_post (portal, "_control/faults", "{}");
}

static void
service_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
have_result_cb (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* The catalogue service: the bundled copy first (notified once), then the portal's. */
static void
test_catalogue_service (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-catalogue-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "resources", "catalogue.json", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(KioskPortal) client = kiosk_portal_new (portal->url, "epn-test-01", NULL);
  g_autoptr(KioskCatalogueService) service = kiosk_catalogue_service_new (dir, uri, client);
  g_autoptr(KioskCatalogueService) offline = kiosk_catalogue_service_new (dir, uri, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint loaded_notes = 0, source_notes = 0;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  g_signal_connect (service, "notify::loaded", G_CALLBACK (count_cb), &loaded_notes);
  g_signal_connect (service, "notify::source", G_CALLBACK (count_cb), &source_notes);
  g_assert_false (kiosk_catalogue_service_get_loaded (service));
  g_assert_cmpstr (kiosk_catalogue_service_get_source (service), ==, "none");

  kiosk_catalogue_service_load_async (service, NULL, service_done_cb, &result);
  g_assert_true (kiosk_test_wait (have_result_cb, &result, 10000));
  g_assert_true (kiosk_catalogue_service_load_finish (service, result, &error));
  g_assert_no_error (error);
  g_assert_true (kiosk_catalogue_service_get_loaded (service));
  g_assert_cmpstr (kiosk_catalogue_service_get_source (service), ==, "bundled");
  g_assert_cmpint (kiosk_catalogue_service_get_synced (service), ==, 0);
  g_assert_cmpuint (loaded_notes, ==, 1);
  g_assert_cmpuint (source_notes, ==, 1);
  g_assert_nonnull (kiosk_catalogue_lookup (kiosk_catalogue_service_get_catalogue (service), "aide-medicale"));
  g_clear_object (&result);

  kiosk_catalogue_service_refresh_async (service, NULL, service_done_cb, &result);
  g_assert_true (kiosk_test_wait (have_result_cb, &result, 10000));
  g_assert_true (kiosk_catalogue_service_refresh_finish (service, result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_catalogue_service_get_source (service), ==, "portal");
  g_assert_cmpint (kiosk_catalogue_service_get_synced (service), >, 0);
  g_assert_nonnull (kiosk_catalogue_service_get_storage (service));
  g_assert_cmpuint (loaded_notes, ==, 1);
  g_assert_cmpuint (source_notes, ==, 2);
  g_clear_object (&result);

  /* Without a portal, a refresh says so and keeps what there is. */
  kiosk_catalogue_service_refresh_async (offline, NULL, service_done_cb, &result);
  g_assert_true (kiosk_test_wait (have_result_cb, &result, 10000));
  g_assert_false (kiosk_catalogue_service_refresh_finish (offline, result, &error));
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/portal/transient", test_transient);
  g_test_add_func ("/submission/queued-receipt", test_queued_receipt);
  g_test_add_func ("/session/start-end", test_session_start_end);
  g_test_add_func ("/submission/portal", test_submission_portal);
  g_test_add_func ("/catalogue/service", test_catalogue_service);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
