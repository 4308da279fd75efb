/* test-integration.c (suite integration): the real window submits to the reference portal over
 * loopback with a document read by sane_read() from the SANE test backend (test:0, A4 300 dpi),
 * then the test asks the portal what arrived: every answer, and the sha256 of every file.
 * Also: what must survive a portal that is down, fails or answers garbage. */
#include "kiosk-test-util.h"

#include "kiosk-documents-page.h"
#include "kiosk-followup.h"
#include "kiosk-scan-error.h"
#include "kiosk-json.h"
#include "kiosk-submit-page.h"

#include <glib/gi18n.h>
#include <string.h>

static KioskTestPortal *portal;

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static gboolean
submit_settled_cb (gpointer data)
{
  KioskSubmitState state = kiosk_submit_page_get_state (data);

  return state == KIOSK_SUBMIT_DONE || state == KIOSK_SUBMIT_FAILED;
}

/* Reads width and height from a JPEG's SOF marker. */
static void
read_jpeg_size (GBytes *jpeg,
                guint  *width,
                guint  *height)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  *width = *height = 0;
  for (gsize i = 2; i + 9 < size;)
    {
      guint length;

      g_assert_cmpint (data[i], ==, 0xff);
      length = (data[i + 2] << 8) | data[i + 3];
      if (data[i + 1] == 0xc0 || data[i + 1] == 0xc2)
        {
          *height = (data[i + 5] << 8) | data[i + 6];
          *width = (data[i + 7] << 8) | data[i + 8];
          return;
        }
      i += 2 + length;
    }
}

/* Answers the aide médicale form and scans the identity document, front and back, through the
 * window. */
static KioskWindow *
fill_aide_medicale (KioskContext *context)
{
  const char *grid[] = { "test-picture=Grid", NULL };
  KioskWindow *window = kiosk_window_new (NULL, context);
  GtkWidget *documents;

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_type (window, "field-first_name", "Léa-Marie");
  kiosk_test_type (window, "field-birth_date", "12/04/1961");
  kiosk_test_click (window, "form-next");
  kiosk_test_type (window, "field-household_size", "3");
  kiosk_test_type (window, "field-monthly_income", "137 280");
  kiosk_test_click (window, "field-cover-mutuelle");
  kiosk_test_click (window, "form-next");
  kiosk_test_type (window, "field-phone", "27 12 34");
  kiosk_test_type (window, "field-email", "lea@example.nc");
  kiosk_test_click (window, "form-next");
  kiosk_test_wait_for_page (window, "documents");
  documents = kiosk_window_get_page (window, "documents");
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 30000));
  g_assert_nonnull (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), "id_card"));
  /* The card's back: another picture, so that the two sides can be told apart at the portal. */
  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), grid);
  kiosk_test_click (window, "scan-back-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 30000));
  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), NULL);
  g_assert_nonnull (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), "id_card.verso"));
  kiosk_test_click (window, "documents-next");
  kiosk_test_wait_for_page (window, "review");
  return window;
}

static void
submit_and_wait (KioskWindow *window)
{
  GtkWidget *submit = kiosk_window_get_page (window, "submit");

  kiosk_test_click (window, "submit-button");
  g_assert_true (kiosk_test_wait (submit_settled_cb, submit, 30000));
}

static JsonArray *
get_submissions (JsonObject **root)
{
  *root = kiosk_test_portal_get (portal, "_control/submissions");
  return kiosk_json_get_array (*root, "data");
}

static char *
sha256_of_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static gboolean
is_nonnull_cb (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static gboolean
is_set_cb (gpointer data)
{
  return *(GError **) data != NULL;
}

static void
status_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(KioskFollowupDossier **) user_data = kiosk_followup_fetch_status_finish (KIOSK_FOLLOWUP (object), result, &error);
  g_assert_no_error (error);
}

static void
status_error_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_assert_null (kiosk_followup_fetch_status_finish (KIOSK_FOLLOWUP (object), result, user_data));
}

static void
test_submit_scanned_dossier (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(JsonObject) root = NULL;
  KioskWindow *window;
  KioskDocument *document;
  JsonArray *submissions;
  JsonObject *dossier, *data, *file;
  guint width, height;
  g_autofree char *stored_sha = NULL;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  window = fill_aide_medicale (context);

  /* The document is the scanner's page: A4 at 300 dpi from test:0, as JPEG for an identity. */
  document = kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), "id_card");
  g_assert_cmpstr (kiosk_document_get_content_type (document), ==, "image/jpeg");
  read_jpeg_size (kiosk_document_get_content (document), &width, &height);
  g_assert_cmpuint (width, ==, 2480);
  g_assert_cmpuint (height, ==, 3507);

  submit_and_wait (window);
  kiosk_test_wait_for_page (window, "receipt");

  submissions = get_submissions (&root);
  g_assert_cmpuint (json_array_get_length (submissions), ==, 1);
  dossier = json_array_get_object_element (submissions, 0);
  g_assert_cmpstr (kiosk_json_get_string (dossier, "number"), ==, kiosk_test_label (window, "receipt-number"));
  g_assert_cmpstr (kiosk_json_get_string (dossier, "slug"), ==, "aide-medicale");
  g_assert_cmpstr (kiosk_json_get_string (dossier, "idempotency_key"), ==,
                   kiosk_dossier_get_idempotency_key (kiosk_session_get_dossier (kiosk_context_get_session (context))));

  /* Every answer arrived, typed as the API says. */
  data = kiosk_json_get_object (dossier, "data");
  g_assert_cmpstr (kiosk_json_get_string (data, "last_name"), ==, "Wamytan");
  g_assert_cmpstr (kiosk_json_get_string (data, "first_name"), ==, "Léa-Marie");
  g_assert_cmpstr (kiosk_json_get_string (data, "birth_date"), ==, "1961-04-12");
  g_assert_cmpint (kiosk_json_get_int (data, "household_size", -1), ==, 3);
  g_assert_cmpint (kiosk_json_get_int (data, "monthly_income", -1), ==, 137280);
  g_assert_cmpstr (kiosk_json_get_string (data, "cover"), ==, "mutuelle");
  g_assert_cmpstr (kiosk_json_get_string (data, "phone"), ==, "271234");
  g_assert_cmpstr (kiosk_json_get_string (data, "email"), ==, "lea@example.nc");
  g_assert_cmpuint (json_object_get_size (data), ==, 8);

  /* The bytes that arrived are the bytes the kiosk made from sane_read(): the card's front, and
   * its back as a part of its own. */
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (dossier, "files")), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const char *varname = i == 0 ? "id_card" : "id_card.verso";
      KioskDocument *side = kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), varname);

      file = json_array_get_object_element (kiosk_json_get_array (dossier, "files"), i);
      g_assert_cmpstr (kiosk_json_get_string (file, "varname"), ==, varname);
      g_assert_cmpstr (kiosk_json_get_string (file, "content_type"), ==, "image/jpeg");
      g_assert_cmpint (kiosk_json_get_int (file, "size", -1), ==, g_bytes_get_size (kiosk_document_get_content (side)));
      g_assert_cmpstr (kiosk_json_get_string (file, "sha256"), ==, kiosk_document_get_sha256 (side));
      g_clear_pointer (&stored_sha, g_free);
      stored_sha = sha256_of_file (kiosk_json_get_string (file, "path"));
      g_assert_cmpstr (stored_sha, ==, kiosk_document_get_sha256 (side));
    }
  g_assert_cmpstr (kiosk_document_get_sha256 (document), !=,
                   kiosk_document_get_sha256 (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), "id_card.verso")));

  /* Where the dossier stands, asked by its number and the tracking code its receipt's URL (and
   * QR code) carries. */
  {
    g_autoptr(KioskFollowup) followup = kiosk_followup_new (kiosk_context_get_portal (context));
    g_autofree char *number = NULL;
    g_autofree char *code = NULL;
    KioskFollowupDossier *status = NULL;
    GError *status_error = NULL;

    g_assert_true (kiosk_tracking_url_parse (kiosk_test_label (window, "receipt-url"), &number, &code));
    g_assert_cmpstr (number, ==, kiosk_test_label (window, "receipt-number"));
    kiosk_followup_fetch_status_async (followup, number, code, NULL, NULL, status_done_cb, &status);
    g_assert_true (kiosk_test_wait (is_nonnull_cb, &status, 15000));
    g_assert_cmpstr (status->number, ==, kiosk_test_label (window, "receipt-number"));
    g_assert_cmpstr (status->status_id, ==, "received");
    g_assert_cmpstr (status->status_name, ==, "Reçu");
    kiosk_followup_dossier_free (status);

    kiosk_followup_fetch_status_async (followup, "DS-1999-999999", code, NULL, NULL,
                                       status_error_cb, &status_error);
    g_assert_true (kiosk_test_wait (is_set_cb, &status_error, 15000));
    g_assert_error (status_error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_NOT_FOUND);
    g_clear_error (&status_error);
  }

  /* Finishing wipes the session. */
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static guint
count_submissions (void)
{
  g_autoptr(JsonObject) root = NULL;

  return json_array_get_length (get_submissions (&root));
}

/* The portal fails, then answers garbage: the dossier is already safe in the outbox, so the
 * citizen gets a receipt with a local reference and may leave; the sender delivers each dossier
 * exactly once when the portal answers again. */
static void
test_portal_faults_then_retry (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  window = fill_aide_medicale (context);

  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 1, \"status\": 503, \"retry_after\": 1}");
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  g_assert_cmpstr (kiosk_test_label (window, "receipt-title"), ==, _("Your request is saved on this terminal"));
  g_assert_cmpuint (strlen (kiosk_test_label (window, "receipt-number")), ==, 9);
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "receipt-qr")));
  g_assert_false (kiosk_test_outbox_is_empty (context));
  g_assert_cmpuint (count_submissions (), ==, 0);

  /* The citizen leaves; the dossier stays, encrypted, until the portal has it. */
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  kiosk_outbox_set_backoff (kiosk_context_get_outbox (context), 1, 10);
  kiosk_outbox_sender_start (kiosk_context_get_outbox_sender (context), 100);
  g_assert_true (kiosk_test_wait_outbox_empty (context, 15000));
  g_assert_cmpuint (count_submissions (), ==, 1);

  /* Garbage from the portal: same story, still exactly once. */
  gtk_window_destroy (GTK_WINDOW (window));
  window = fill_aide_medicale (context);
  kiosk_test_portal_post (portal, "_control/faults", "{\"malformed\": 1}");
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  g_assert_true (kiosk_test_wait_outbox_empty (context, 15000));
  kiosk_test_spin (300);
  g_assert_cmpuint (count_submissions (), ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The portal is down: nothing is lost, nothing blocks the citizen. */
static void
test_portal_down (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KioskWindow *window;

  /* A port that is bound but never listens: connections are refused at once. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  context = kiosk_test_context_new (url, data_dir);
  window = fill_aide_medicale (context);
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  g_assert_cmpstr (kiosk_test_label (window, "receipt-title"), ==, _("Your request is saved on this terminal"));
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");

  /* Still queued after the session, and after the kiosk restarts. */
  g_clear_object (&context);
  gtk_window_destroy (GTK_WINDOW (window));
  {
    g_autofree char *db = g_build_filename (data_dir, "outbox.db", NULL);
    g_autofree char *key = g_build_filename (data_dir, "device.key", NULL);
    g_autoptr(KioskOutbox) outbox = kiosk_outbox_open (db, key, NULL);

    entries = kiosk_outbox_list (outbox, NULL);
    g_assert_cmpuint (entries->len, ==, 1);
    g_assert_cmpstr (((KioskOutboxEntry *) g_ptr_array_index (entries, 0))->slug, ==, "aide-medicale");
  }
}

static void
refresh_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  kiosk_catalogue_service_refresh_finish (KIOSK_CATALOGUE_SERVICE (object), result, error);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "ok");
}


static GError *
refresh (KioskContext *context)
{
  GError *error = NULL;

  kiosk_catalogue_service_refresh_async (kiosk_context_get_catalogue_service (context), NULL, refresh_done_cb, &error);
  g_assert_true (kiosk_test_wait (is_set_cb, &error, 15000));
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&error);
  return error;
}

/* The catalogue comes from the portal when reachable, is cached in SQLite with its ETag, is
 * not downloaded again when unchanged, and survives garbage from the portal. */
static void
test_catalogue_refresh (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (context);
  guint n = kiosk_catalogue_get_n_procedures (catalogue);
  GError *error;

  kiosk_test_portal_post (portal, "_control/faults", "{}");
  g_assert_cmpstr (kiosk_catalogue_service_get_source (kiosk_context_get_catalogue_service (context)), ==, "bundled");
  error = refresh (context);
  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_catalogue_service_get_source (kiosk_context_get_catalogue_service (context)), ==, "portal");
  g_assert_cmpuint (kiosk_catalogue_get_n_procedures (catalogue), ==, n);
  /* The portal's catalogue is indexed (SQLite FTS5 and words in memory) and searched through it. */
  g_assert_nonnull (kiosk_catalogue_get_index (catalogue));
  {
    g_autoptr(GListStore) found = kiosk_catalogue_search (catalogue, "AIDE MEDIC", NULL, NULL);
    g_autoptr(KioskProcedure) first = g_list_model_get_item (G_LIST_MODEL (found), 0);

    g_assert_cmpstr (kiosk_procedure_get_slug (first), ==, "aide-medicale");
  }

  /* Unchanged: 304, nothing re-parsed. */
  error = refresh (context);
  g_assert_no_error (error);

  /* Garbage: an error for the log, the catalogue stays. */
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 1, \"status\": 500}");
  error = refresh (context);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpuint (kiosk_catalogue_get_n_procedures (catalogue), ==, n);

  /* A new start, offline, uses the SQLite cache. */
  {
    g_autoptr(KioskContext) offline = kiosk_test_context_new ("http://127.0.0.1:9/", data_dir);

    g_assert_cmpstr (kiosk_catalogue_service_get_source (kiosk_context_get_catalogue_service (offline)), ==, "cache");
    g_assert_cmpuint (kiosk_catalogue_get_n_procedures (kiosk_context_get_catalogue (offline)), ==, n);
    g_assert_nonnull (kiosk_catalogue_get_index (kiosk_context_get_catalogue (offline)));
    /* Made from the index's summaries: a schema is read when its procedure is opened. */
    {
      KioskProcedure *aide = kiosk_catalogue_lookup (kiosk_context_get_catalogue (offline), "aide-medicale");
      KioskProcedure *bundled = kiosk_catalogue_lookup (catalogue, "aide-medicale");

      g_assert_cmpuint (kiosk_procedure_get_n_pages (aide), ==, kiosk_procedure_get_n_pages (bundled));
      g_assert_cmpuint (kiosk_procedure_get_n_documents (aide), ==, kiosk_procedure_get_n_documents (bundled));
      g_assert_cmpstr (kiosk_procedure_get_eligibility (aide), ==, kiosk_procedure_get_eligibility (bundled));
      g_assert_cmpuint (kiosk_catalogue_get_themes (kiosk_context_get_catalogue (offline))->len, ==,
                        kiosk_catalogue_get_themes (catalogue)->len);
      g_assert_cmpstr (kiosk_catalogue_get_version (kiosk_context_get_catalogue (offline)), ==,
                       kiosk_catalogue_get_version (catalogue));
    }
  }
}

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;
  KioskImage *image = kiosk_scanner_scan_finish (KIOSK_SCANNER (object), result, error);

  g_assert_null (image);
}

/* A scanner that is not there gives the citizen a sentence saying what to do. */
static void
test_no_scanner (void)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:42");
  KioskScanOptions options = { 300, TRUE };
  GError *error = NULL;
  g_autofree char *text = NULL;

  kiosk_scanner_scan_async (scanner, &options, NULL, NULL, NULL, scan_done_cb, &error);
  g_assert_true (kiosk_test_wait (is_set_cb, &error, 15000));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NO_DEVICE);
  text = kiosk_scanner_error_to_text (error);
  g_assert_cmpstr (text, ==, _("No scanner is connected. Please call an agent."));
  g_clear_error (&error);
}

/* Each device fault the SANE test backend can inject gets its own sentence; the citizen's
 * answers stay, and scanning works again once the fault is gone. */
static void
test_scanner_faults (void)
{
  static const struct { const char *status; int code; const char *text; } faults[] = {
    { "SANE_STATUS_JAMMED", KIOSK_SCANNER_ERROR_JAMMED, N_("The paper is jammed. Open the scanner, gently remove the sheet, then try again.") },
    { "SANE_STATUS_COVER_OPEN", KIOSK_SCANNER_ERROR_COVER_OPEN, N_("The scanner cover is open. Close it, then try again.") },
    { "SANE_STATUS_NO_DOCS", KIOSK_SCANNER_ERROR_NO_DOCS, N_("There is no paper in the feeder. Put your document in, then try again.") },
    { "SANE_STATUS_DEVICE_BUSY", KIOSK_SCANNER_ERROR_BUSY, N_("The scanner is busy. Wait a moment, then try again.") },
    { "SANE_STATUS_IO_ERROR", KIOSK_SCANNER_ERROR_IO, N_("The scanner is not responding. Try again; if it happens again, call an agent.") },
  };
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskScanner *scanner = kiosk_context_get_scanner (context);
  KioskWindow *window = kiosk_window_new (NULL, context);
  GtkWidget *documents;
  KioskDossier *dossier;

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  kiosk_dossier_set_answer (dossier, "last_name", "Wamytan");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents");
  kiosk_test_wait_for_page (window, "documents");
  documents = kiosk_window_get_page (window, "documents");

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *option = g_strdup_printf ("read-return-value=%s", faults[i].status);
      const char *options[] = { option, NULL };
      KioskScanOptions scan = { 300, TRUE };
      GError *error = NULL;

      /* The service reports the fault with its code… */
      kiosk_scanner_set_extra_options (scanner, options);
      kiosk_scanner_scan_async (scanner, &scan, NULL, NULL, NULL, scan_done_cb, &error);
      g_assert_true (kiosk_test_wait (is_set_cb, &error, 15000));
      g_assert_error (error, KIOSK_SCANNER_ERROR, faults[i].code);
      g_clear_error (&error);

      /* …and the page says what to do, in French, beside the document. */
      kiosk_test_click (window, "scan-id_card");
      g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 15000));
      g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
      g_assert_cmpstr (kiosk_test_label (window, "scan-error"), ==, _(faults[i].text));
      g_assert_null (kiosk_dossier_get_document (dossier, "id_card"));
    }

  /* The test backend keeps option values between sessions of the device: reset it. */
  {
    const char *reset[] = { "read-return-value=Default", NULL };

    kiosk_scanner_set_extra_options (scanner, reset);
  }
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 30000));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
  g_assert_nonnull (kiosk_dossier_get_document (dossier, "id_card"));
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "last_name"), ==, "Wamytan");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A backend that stops sending data cannot freeze the kiosk: the watchdog kills its helper. */
static void
test_hung_scanner (void)
{
  g_autofree char *script = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "hung-scan-helper.sh", NULL);
  g_autoptr(KioskScanner) scanner = NULL;
  KioskScanOptions options = { 300, TRUE };
  GError *error = NULL;
  gint64 start;

  g_setenv ("KIOSK_SCAN_HELPER", script, TRUE);
  scanner = kiosk_scanner_new ("test:0");
  g_setenv ("KIOSK_SCAN_HELPER", g_getenv ("KIOSK_SCAN_HELPER_REAL"), TRUE);
  kiosk_scanner_set_watchdog (scanner, 500);
  start = g_get_monotonic_time ();
  kiosk_scanner_scan_async (scanner, &options, NULL, NULL, NULL, scan_done_cb, &error);
  g_assert_true (kiosk_test_wait (is_set_cb, &error, 15000));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);
}

/* Cancelling (e.g. the session ends) stops a scan at once and discards the partial page. */
static void
test_cancel_scan (void)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:0");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const char *slow[] = { "read-delay=yes", "read-delay-duration=200000", NULL };
  KioskScanOptions options = { 300, TRUE };
  GError *error = NULL;
  gint64 start;

  kiosk_scanner_set_extra_options (scanner, slow);
  kiosk_scanner_scan_async (scanner, &options, NULL, NULL, cancellable, scan_done_cb, &error);
  kiosk_test_spin (500);
  g_assert_null (error);
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_assert_true (kiosk_test_wait (is_set_cb, &error, 15000));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_clear_error (&error);
}

static void
devices_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GPtrArray **devices = user_data;
  g_autoptr(GError) error = NULL;

  *devices = kiosk_scanner_list_devices_finish (KIOSK_SCANNER (object), result, &error);
  g_assert_no_error (error);
}

static void
finalized_cb (gpointer  user_data,
              GObject  *where_the_object_was)
{
  GThread **thread = user_data;

  *thread = g_thread_self ();
}

/* The scanner's worker thread never drops the last reference: if it did, the scanner would be
 * finalized on that thread and join itself (GLib aborts: "Resource deadlock avoided"). Whoever
 * releases the scanner right after its last job, it is finalized on the main thread. */
static void
test_scanner_released_on_main_thread (void)
{
  g_setenv ("KIOSK_SCANNER_RELEASE_DELAY_MS", "100", TRUE);
  for (guint i = 0; i < 3; i++)
    {
      KioskScanner *scanner = kiosk_scanner_new ("test:0");
      GPtrArray *devices = NULL;
      GThread *finalized_on = NULL;

      kiosk_scanner_list_devices_async (scanner, NULL, devices_done_cb, &devices);
      g_object_weak_ref (G_OBJECT (scanner), finalized_cb, &finalized_on);
      g_object_unref (scanner); /* the job alone keeps it alive now */
      g_assert_true (kiosk_test_wait (is_nonnull_cb, &devices, 30000));
      g_assert_cmpuint (devices->len, >=, 1);
      g_ptr_array_unref (devices);
      g_assert_true (kiosk_test_wait (is_nonnull_cb, &finalized_on, 10000));
      g_assert_true (finalized_on == g_thread_self ());
    }
  g_unsetenv ("KIOSK_SCANNER_RELEASE_DELAY_MS");
}

static void
image_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KioskImage **image = user_data;
  g_autoptr(GError) error = NULL;

  *image = kiosk_scanner_scan_finish (KIOSK_SCANNER (object), result, &error);
  g_assert_no_error (error);
}


static KioskImage *
scan_once (KioskScanner *scanner,
           guint         dpi)
{
  KioskScanOptions options = { dpi, TRUE };
  KioskImage *image = NULL;

  kiosk_scanner_scan_async (scanner, &options, NULL, NULL, NULL, image_done_cb, &image);
  g_assert_true (kiosk_test_wait (is_nonnull_cb, &image, 30000));
  return image;
}


static void
receipt_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KioskReceipt **receipt = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) fields = NULL;

  *receipt = kiosk_portal_submit_finish (KIOSK_PORTAL (object), result, &fields, &error);
  g_assert_no_error (error);
}

/* Every procedure of the bundled catalogue can be answered, documented and submitted: the
 * kiosk's rules and the portal's agree on all of them, and every file (JPEG for identity
 * documents and photos, PDF for papers, all made from sane_read() pixels) arrives intact. */
static void
test_every_procedure (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (context);
  g_autoptr(KioskImage) page300 = scan_once (kiosk_context_get_scanner (context), 300);
  g_autoptr(KioskImage) page200 = scan_once (kiosk_context_get_scanner (context), 200);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (page300, 85, &error);
  g_autoptr(GBytes) paper_jpeg = kiosk_encode_jpeg (page200, 78, &error);
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();
  g_autoptr(GPtrArray) jpegs = g_ptr_array_new ();
  g_autoptr(GBytes) pdf = NULL;
  guint n_files = 0;
  guint n_sent = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (page200->width, ==, 1653);   /* 210 mm at 200 dpi, as the test backend rounds */
  g_ptr_array_add (pages, page200);
  g_ptr_array_add (jpegs, paper_jpeg);
  pdf = kiosk_encode_pdf (pages, jpegs, &error);
  g_assert_no_error (error);
  kiosk_test_portal_post (portal, "_control/reset", "{}");

  for (guint i = 0; i < kiosk_catalogue_get_n_procedures (catalogue); i++)
    {
      g_autoptr(KioskProcedure) procedure = g_list_model_get_item (kiosk_catalogue_get_procedures (catalogue), i);
      KioskDossier *dossier = kiosk_session_start_dossier (kiosk_context_get_session (context), procedure);
      g_autoptr(JsonObject) root = NULL;
      KioskReceipt *receipt = NULL;
      JsonArray *submissions;
      JsonObject *stored;
      JsonArray *files;
      guint n_fields = 0;
      guint n_needed = 0;

      /* Démarches done online or with an agent have no form to send. */
      if (kiosk_procedure_get_how (procedure)->mode != KIOSK_PROCEDURE_HERE)
        {
          kiosk_session_end (kiosk_context_get_session (context));
          continue;
        }
      kiosk_test_fill_dossier (dossier);
      for (guint p = 0; p < kiosk_procedure_get_n_pages (procedure); p++)
        {
          const KioskFieldGroup *group = kiosk_procedure_get_page (procedure, p);

          for (guint f = 0; f < group->fields->len; f++)
            {
              g_autoptr(JsonNode) value = kiosk_dossier_get_value (dossier, g_ptr_array_index (group->fields, f));

              n_fields += value != NULL;
            }
        }
      for (guint d = 0; d < kiosk_procedure_get_n_documents (procedure); d++)
        {
          const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, d);
          gboolean paper = spec->kind == KIOSK_DOCUMENT_PAPER
                           && g_strv_contains ((const char * const *) spec->formats, "application/pdf");
          g_autoptr(KioskDocument) document = kiosk_document_new (spec->varname,
                                                                  paper ? "application/pdf" : "image/jpeg",
                                                                  paper ? pdf : jpeg, NULL);

          if (!kiosk_dossier_document_is_needed (dossier, spec))
            continue;
          g_assert_true (g_strv_contains ((const char * const *) spec->formats,
                                          kiosk_document_get_content_type (document)));
          kiosk_dossier_set_document (dossier, spec->varname, document);
          /* One side is enough here: an identity document is said to have no back. */
          kiosk_dossier_set_no_back (dossier, spec->varname, TRUE);
          n_needed++;
        }
      g_assert_true (kiosk_dossier_is_complete (dossier));

      kiosk_portal_submit_async (kiosk_context_get_portal (context), dossier, NULL, NULL, NULL,
                                 receipt_done_cb, &receipt);
      g_assert_true (kiosk_test_wait (is_nonnull_cb, &receipt, 30000));
      kiosk_receipt_free (receipt);

      submissions = get_submissions (&root);
      g_assert_cmpuint (json_array_get_length (submissions), ==, n_sent + 1);
      stored = json_array_get_object_element (submissions, n_sent++);
      g_assert_cmpstr (kiosk_json_get_string (stored, "slug"), ==, kiosk_procedure_get_slug (procedure));
      g_assert_cmpuint (json_object_get_size (kiosk_json_get_object (stored, "data")), ==, n_fields);
      files = kiosk_json_get_array (stored, "files");
      g_assert_cmpuint (json_array_get_length (files), ==, n_needed);
      for (guint f = 0; f < json_array_get_length (files); f++)
        {
          JsonObject *file = json_array_get_object_element (files, f);
          KioskDocument *sent = kiosk_dossier_get_document (dossier, kiosk_json_get_string (file, "varname"));
          g_autofree char *on_disk = sha256_of_file (kiosk_json_get_string (file, "path"));
          g_autofree char *head = NULL;

          g_assert_nonnull (sent);
          g_assert_cmpstr (kiosk_json_get_string (file, "sha256"), ==, kiosk_document_get_sha256 (sent));
          g_assert_cmpstr (on_disk, ==, kiosk_document_get_sha256 (sent));
          g_assert_true (g_file_get_contents (kiosk_json_get_string (file, "path"), &head, NULL, NULL));
          if (g_str_equal (kiosk_document_get_content_type (sent), "application/pdf"))
            g_assert_true (g_str_has_prefix (head, "%PDF-"));
          n_files++;
        }
      kiosk_session_end (kiosk_context_get_session (context));
    }
  g_assert_cmpuint (n_files, >, 30);
}

/* The quality gate: a blank page and a black page are not accepted; the citizen is told what to
 * do, and a real page goes through. */
static void
test_quality_gate (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskScanner *scanner = kiosk_context_get_scanner (context);
  KioskWindow *window = kiosk_window_new (NULL, context);
  const char *white[] = { "test-picture=Solid white", NULL };
  const char *black[] = { "test-picture=Solid black", NULL };
  GtkWidget *documents;
  KioskDossier *dossier;

  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents");
  kiosk_test_wait_for_page (window, "documents");
  documents = kiosk_window_get_page (window, "documents");

  kiosk_scanner_set_extra_options (scanner, white);
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 30000));
  g_assert_cmpstr (kiosk_test_label (window, "scan-error"), ==,
                   _("The page looks blank. Put the document face down on the glass, then scan again."));
  g_assert_null (kiosk_dossier_get_document (dossier, "id_card"));

  kiosk_scanner_set_extra_options (scanner, black);
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 30000));
  g_assert_cmpstr (kiosk_test_label (window, "scan-error"), ==,
                   _("The page is too dark to read. Close the scanner cover, then scan again."));
  g_assert_null (kiosk_dossier_get_document (dossier, "id_card"));

  kiosk_scanner_set_extra_options (scanner, NULL);
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 30000));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
  g_assert_nonnull (kiosk_dossier_get_document (dossier, "id_card"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
device_changed_cb (KioskContext *context,
                   const char   *device,
                   char        **remembered)
{
  g_free (*remembered);
  *remembered = g_strdup (device);
}

static gboolean
scan_error_shown_cb (gpointer data)
{
  return gtk_widget_get_visible (kiosk_test_find (data, "scan-search"));
}

static gboolean
search_done_cb (gpointer data)
{
  return !gtk_widget_get_visible (kiosk_test_find (data, "scan-search"));
}

/* The configured scanner is gone: the page offers to search, finds the one that is there,
 * remembers it, and scanning works. */
static void
test_search_scanner (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autofree char *remembered = NULL;
  KioskWindow *window;
  GtkWidget *documents;

  kiosk_context_set_scanner_device (context, "test:42");
  g_signal_connect (context, "scanner-device-changed", G_CALLBACK (device_changed_cb), &remembered);
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents");
  kiosk_test_wait_for_page (window, "documents");
  documents = kiosk_window_get_page (window, "documents");

  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (scan_error_shown_cb, window, 15000));
  g_assert_cmpstr (kiosk_test_label (window, "scan-error"), ==, _("No scanner is connected. Please call an agent."));
  kiosk_test_click (window, "scan-search");
  g_assert_true (kiosk_test_wait (search_done_cb, window, 15000));
  g_assert_cmpstr (remembered, ==, "test:0");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));

  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, documents, 30000));
  g_assert_nonnull (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), "id_card"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
discovered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(int *) user_data = kiosk_context_discover_scanner_finish (KIOSK_CONTEXT (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_counted_cb (gpointer data)
{
  return *(int *) data >= 0;
}

static int
discover (KioskContext *context)
{
  int found = -1;

  kiosk_context_discover_scanner_async (context, NULL, discovered_cb, &found);
  g_assert_true (kiosk_test_wait (is_counted_cb, &found, 15000));
  return found;
}

/* At start-up the kiosk looks for scanners once: a remembered one that is gone is replaced by
 * the first found, and one that is there is kept. */
static void
test_discover_scanner (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-int-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autofree char *remembered = NULL;

  kiosk_context_set_scanner_device (context, "test:42");
  g_signal_connect (context, "scanner-device-changed", G_CALLBACK (device_changed_cb), &remembered);
  g_assert_cmpint (discover (context), ==, 2);
  g_assert_cmpstr (remembered, ==, "test:0");

  kiosk_context_set_scanner_device (context, "test:1");
  g_clear_pointer (&remembered, g_free);
  g_assert_cmpint (discover (context), ==, 2);
  g_assert_cmpstr (remembered, ==, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("fr");
  g_setenv ("KIOSK_SCAN_HELPER_REAL", g_getenv ("KIOSK_SCAN_HELPER"), TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/integration/submit-scanned-dossier", test_submit_scanned_dossier);
  g_test_add_func ("/integration/portal-faults-then-retry", test_portal_faults_then_retry);
  g_test_add_func ("/integration/portal-down", test_portal_down);
  g_test_add_func ("/integration/catalogue-refresh", test_catalogue_refresh);
  g_test_add_func ("/integration/every-procedure", test_every_procedure);
  g_test_add_func ("/integration/no-scanner", test_no_scanner);
  g_test_add_func ("/integration/scanner-faults", test_scanner_faults);
  g_test_add_func ("/integration/search-scanner", test_search_scanner);
  g_test_add_func ("/integration/quality-gate", test_quality_gate);
  g_test_add_func ("/integration/discover-scanner", test_discover_scanner);
  g_test_add_func ("/integration/hung-scanner", test_hung_scanner);
  g_test_add_func ("/integration/cancel-scan", test_cancel_scan);
  g_test_add_func ("/integration/scanner-released-on-main-thread", test_scanner_released_on_main_thread);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
