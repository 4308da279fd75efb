/* test-journey.c (suite ui): drives the real window through every page of the citizen journey,
 * as a citizen would, in English: search without accents, answer with mistakes first, scan on
 * the SANE test backend, review, submit to the reference portal, read the receipt, finish. */
#include "kiosk-test-util.h"

#include "kiosk-catalogue-page.h"
#include "kiosk-documents-page.h"
#include "kiosk-followup-dossier.h"
#include "kiosk-form-page.h"
#include "kiosk-receipt-page.h"

#include <string.h>

static KioskTestPortal *portal;

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static void
test_journey_every_page (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-ui-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  GtkWidget *catalogue_page;
  GListModel *results;
  g_autoptr(KioskProcedure) first = NULL;
  KioskDossier *dossier;

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_cmpstr (kiosk_test_label (window, "catalogue-status"), ==, "153 procedures available");

  /* Catalogue: search as you type, without accents, in capitals. */
  kiosk_test_click (window, "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  catalogue_page = kiosk_window_get_page (window, "catalogue");
  results = kiosk_catalogue_page_get_results (KIOSK_CATALOGUE_PAGE (catalogue_page));
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 153);
  kiosk_test_type (window, "search-entry", "AIDE MEDICALE");
  g_signal_emit_by_name (kiosk_test_find (window, "search-entry"), "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (results), >=, 1);
  first = g_list_model_get_item (results, 0);
  g_assert_cmpstr (kiosk_procedure_get_slug (first), ==, "aide-medicale");

  /* A search that finds nothing says so. */
  kiosk_test_type (window, "search-entry", "zzzqqq");
  g_signal_emit_by_name (kiosk_test_find (window, "search-entry"), "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 0);
  kiosk_test_type (window, "search-entry", "medicale");
  g_signal_emit_by_name (kiosk_test_find (window, "search-entry"), "search-changed");

  /* Theme filter keeps only that theme. */
  kiosk_test_click (window, "theme-education");
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(KioskProcedure) p = g_list_model_get_item (results, i);

      g_assert_cmpstr (kiosk_procedure_get_category_slug (p), ==, "education");
    }
  kiosk_test_click (window, "theme-all");

  /* Procedure page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  g_assert_cmpstr (kiosk_test_label (window, "procedure-title"), ==, kiosk_procedure_get_title (first));
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  g_assert_nonnull (dossier);

  /* Step 1: empty answers are refused, with the message beside each field. */
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Step 1 of 5");
  kiosk_test_click (window, "form-next");
  g_assert_cmpuint (kiosk_form_page_get_step (KIOSK_FORM_PAGE (kiosk_window_get_page (window, "form"))), ==, 0);
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "error-last_name")));
  g_assert_true (g_str_has_suffix (kiosk_test_label (window, "error-last_name"), "is required. Please answer this question."));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "form-banner")));

  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_type (window, "field-first_name", "Léa");
  kiosk_test_type (window, "field-birth_date", "31/02/1961");
  kiosk_test_click (window, "form-next");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "error-birth_date")));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "error-last_name")));
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "error-birth_date"), "“Date of birth”")
                 || strstr (kiosk_test_label (window, "error-birth_date"), "day/month/year") != NULL);
  kiosk_test_type (window, "field-birth_date", "12/04/1961");
  kiosk_test_click (window, "form-next");

  /* Step 2: range and amount checks; then Back keeps the answers. */
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Step 2 of 5");
  kiosk_test_type (window, "field-household_size", "40");
  kiosk_test_type (window, "field-monthly_income", "137 280");
  kiosk_test_click (window, "field-cover-cafat");
  kiosk_test_click (window, "form-next");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "error-household_size")));
  kiosk_test_type (window, "field-household_size", "2");
  kiosk_test_click (window, "form-back");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-birth_date"))), ==, "12/04/1961");
  kiosk_test_click (window, "form-next");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-household_size"))), ==, "2");
  kiosk_test_click (window, "form-next");

  /* Step 3: a wrong phone number, then a right one; e-mail left empty (optional). */
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Step 3 of 5");
  kiosk_test_type (window, "field-phone", "12 34");
  kiosk_test_click (window, "form-next");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "error-phone")));
  kiosk_test_type (window, "field-phone", "27 12 34");
  kiosk_test_click (window, "form-next");

  /* Documents: scan the identity card through libsane (test:0), see it, retake it. */
  kiosk_test_wait_for_page (window, "documents");
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_get_page (window, "documents"))));
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 20000));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
  g_assert_nonnull (kiosk_dossier_get_document (dossier, "id_card"));
  g_assert_true (GTK_IS_PICTURE (kiosk_test_find (window, "preview-id_card")));
  {
    g_autofree char *before = g_strdup (kiosk_document_get_sha256 (kiosk_dossier_get_document (dossier, "id_card")));

    kiosk_test_click (window, "scan-id_card");
    g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 20000));
    g_assert_nonnull (kiosk_dossier_get_document (dossier, "id_card"));
    g_assert_cmpstr (before, ==, kiosk_document_get_sha256 (kiosk_dossier_get_document (dossier, "id_card")));
  }
  /* Guided: the card's front is in, now its back — not before going on. */
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "turn-over-hint")));
  g_assert_cmpstr (kiosk_test_label (window, "turn-over-hint"), ==,
                   "Now turn the card over on the glass, then scan the back.");
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  kiosk_test_click (window, "scan-back-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 20000));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
  g_assert_nonnull (kiosk_dossier_get_document (dossier, "id_card.verso"));
  g_assert_cmpstr (kiosk_document_get_content_type (kiosk_dossier_get_document (dossier, "id_card.verso")), ==, "image/jpeg");
  g_assert_true (GTK_IS_PICTURE (kiosk_test_find (window, "preview-back-id_card")));
  g_assert_null (kiosk_window_find_widget (window, "turn-over-hint"));
  kiosk_test_click (window, "documents-next");

  /* Review: every answer, formatted; the edit link goes back to the right step. */
  kiosk_test_wait_for_page (window, "review");
  g_assert_cmpstr (kiosk_test_label (window, "review-last_name"), ==, "Wamytan");
  g_assert_cmpstr (kiosk_test_label (window, "review-cover"), ==, "CAFAT");
  g_assert_cmpstr (kiosk_test_label (window, "review-monthly_income"), ==, "137\u202f280 F");
  g_assert_cmpstr (kiosk_test_label (window, "review-email"), ==, "Not answered");
  g_assert_cmpstr (kiosk_test_label (window, "review-id_card"), ==, "Front and back scanned ✓");
  kiosk_test_click (window, "edit-step-1");
  kiosk_test_wait_for_page (window, "form");
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Step 2 of 5");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "review");
  kiosk_test_wait_for_page (window, "review");

  /* Submit → receipt with the portal's dossier number and a QR code. */
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "receipt-number"), "DS-"));
  /* The URL (the QR code) names the dossier and carries its tracking code. */
  {
    g_autofree char *number = NULL;
    g_autofree char *code = NULL;

    g_assert_true (kiosk_tracking_url_parse (kiosk_test_label (window, "receipt-url"), &number, &code));
    g_assert_cmpstr (number, ==, kiosk_test_label (window, "receipt-number"));
  }
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (kiosk_test_find (window, "receipt-qr"))));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "receipt-originals")));
  /* The code is drawn on screen, black modules on white (a wrong texture format once made it a
   * black square). */
  {
    g_autoptr(GdkTexture) shown = kiosk_test_render (kiosk_test_find (window, "receipt-qr"));
    int width = gdk_texture_get_width (shown);
    int height = gdk_texture_get_height (shown);
    g_autofree guint8 *pixels = g_malloc ((gsize) width * height * 4);
    gsize dark = 0, light = 0;

    gdk_texture_download (shown, pixels, (gsize) width * 4);
    for (gsize i = 0; i < (gsize) width * height; i++)
      {
        guint8 value = pixels[i * 4 + 1];

        dark += value < 64;
        light += value > 192;
      }
    g_assert_cmpuint (dark, >, (gsize) width * height / 5);
    g_assert_cmpuint (light, >, (gsize) width * height / 3);
  }

  /* The receipt on paper (here to a PDF file) carries the dossier number. */
  {
    g_autofree char *dir = g_dir_make_tmp ("kiosk-print-XXXXXX", NULL);
    g_autofree char *pdf = g_build_filename (dir, "receipt.pdf", NULL);
    g_autofree char *text = NULL;
    const char *argv[] = { "pdftotext", pdf, "-", NULL };

    g_assert_true (kiosk_receipt_page_print (KIOSK_RECEIPT_PAGE (kiosk_window_get_page (window, "receipt")), pdf));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &text, NULL, NULL, NULL));
    g_assert_nonnull (strstr (text, kiosk_test_label (window, "receipt-number")));
    g_assert_nonnull (strstr (text, "Aide médicale"));
  }

  /* The display choice is the citizen's: it ends with the session. */
  kiosk_test_click (window, "contrast-toggle");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));

  /* Finish: nothing of the citizen is left on any page, back to welcome. */
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  g_assert_null (kiosk_window_find_widget (window, "field-last_name"));
  g_assert_cmpstr (kiosk_test_label (window, "receipt-number"), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "search-entry"))), ==, "");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

static gboolean
warning_visible_cb (gpointer data)
{
  gboolean visible;

  g_object_get (data, "idle-warning-visible", &visible, NULL);
  return visible;
}

static gboolean
back_to_welcome_cb (gpointer data)
{
  return g_strcmp0 (kiosk_window_get_page_name (data), "welcome") == 0;
}

/* Left alone, the kiosk warns, waits, then erases everything; "I am still here" keeps it all. */
static void
test_idle_timeout (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-ui-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = g_object_new (KIOSK_TYPE_WINDOW, "context", context,
                                      "idle-timeout", 1, "idle-warning", 2, NULL);
  gint64 shown;

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  /* Nobody there and nothing entered: no warning. */
  kiosk_test_spin (1500);
  g_assert_false (warning_visible_cb (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_type (window, "field-last_name", "Wamytan");
  g_assert_true (kiosk_test_wait (warning_visible_cb, window, 5000));
  g_assert_true (strstr (kiosk_test_label (window, "idle-countdown"), "2 seconds") != NULL);
  kiosk_test_click (window, "idle-extend");
  g_assert_false (warning_visible_cb (window));
  g_assert_cmpstr (kiosk_dossier_get_answer (kiosk_session_get_dossier (kiosk_context_get_session (context)), "last_name"), ==, "Wamytan");

  g_assert_true (kiosk_test_wait (warning_visible_cb, window, 5000));
  shown = g_get_monotonic_time ();
  g_assert_true (kiosk_test_wait (back_to_welcome_cb, window, 10000));
  /* The citizen had the whole warning time to answer. */
  g_assert_cmpint (g_get_monotonic_time () - shown, >=, 1900 * 1000);
  g_assert_false (warning_visible_cb (window));
  g_assert_null (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  g_assert_null (kiosk_window_find_widget (window, "field-last_name"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
confirm_shown_cb (gpointer data)
{
  return kiosk_test_find_toplevel ("finish-confirm") != NULL;
}

static void
answer_confirm (const char *label)
{
  g_assert_true (kiosk_test_wait (confirm_shown_cb, NULL, 5000));
  kiosk_test_answer_dialog ("finish-confirm", label);
}

/* "Finish and erase" asks first only when something typed or scanned would be lost, and the
 * welcome page then says the data is erased. */
static void
test_finish_confirm (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-ui-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskSession *session = kiosk_context_get_session (context);
  KioskWindow *window = kiosk_window_new (NULL, context);

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "erased-notice")));

  /* Nothing typed yet: finishing erases at once, without a question. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_click (window, "finish-session");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_test_find_toplevel ("finish-confirm"));
  g_assert_null (kiosk_session_get_dossier (session));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "erased-notice")));
  g_assert_cmpstr (kiosk_test_label (window, "erased-notice"), ==, "Your data has been erased.");

  /* Moving on hides the notice; an answer typed: the citizen is asked, and may continue. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_click (window, "finish-session");
  g_assert_true (kiosk_test_wait (confirm_shown_cb, NULL, 5000));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (kiosk_test_find_toplevel ("finish-confirm"))), ==,
                   "Erase everything?");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (kiosk_test_find_toplevel ("finish-confirm"))), ==,
                   "Your answers and documents will be lost.");
  answer_confirm ("Continue");
  g_assert_cmpstr (kiosk_window_get_page_name (window), ==, "form");
  g_assert_cmpstr (kiosk_dossier_get_answer (kiosk_session_get_dossier (session), "last_name"), ==, "Wamytan");

  /* Erase: everything goes, and the welcome page says so. */
  kiosk_test_click (window, "finish-session");
  answer_confirm ("Erase");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_null (kiosk_session_get_dossier (session));
  g_assert_null (kiosk_window_find_widget (window, "field-last_name"));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "erased-notice")));
  kiosk_test_click (window, "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  g_assert_false (gtk_widget_get_visible (kiosk_window_find_widget (window, "erased-notice")));

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

static gboolean
visible (KioskWindow *window,
         const char  *name)
{
  return gtk_widget_get_visible (kiosk_test_find (window, name));
}

/* A red message goes as soon as its own field is corrected, not at "Next"; the others stay,
 * and an answer still wrong keeps its message. */
static void
test_errors_clear (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-ui-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_type (window, "field-birth_date", "31/02/1961");
  kiosk_test_click (window, "form-next");
  g_assert_true (visible (window, "error-last_name"));
  g_assert_true (visible (window, "error-first_name"));
  g_assert_true (visible (window, "error-birth_date"));
  g_assert_true (visible (window, "form-banner"));

  kiosk_test_type (window, "field-last_name", "Wamytan");
  g_assert_false (visible (window, "error-last_name"));
  g_assert_false (gtk_widget_has_css_class (kiosk_test_find (window, "field-last_name"), "error"));
  g_assert_true (visible (window, "error-first_name"));
  g_assert_true (visible (window, "form-banner"));

  kiosk_test_type (window, "field-birth_date", "30/02/1961");
  g_assert_true (visible (window, "error-birth_date"));
  kiosk_test_type (window, "field-birth_date", "12/04/1961");
  g_assert_false (visible (window, "error-birth_date"));

  /* Emptied again: no new message while typing, only at "Next". */
  kiosk_test_type (window, "field-last_name", "");
  g_assert_false (visible (window, "error-last_name"));

  kiosk_test_type (window, "field-first_name", "Léa");
  g_assert_false (visible (window, "error-first_name"));
  g_assert_false (visible (window, "form-banner"));
  kiosk_test_click (window, "form-next");
  g_assert_true (visible (window, "error-last_name"));
  g_assert_cmpuint (kiosk_form_page_get_step (KIOSK_FORM_PAGE (kiosk_window_get_page (window, "form"))), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

/* "Change" on the summary, then straight back to it once the step is valid. */
static void
test_back_to_review (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-ui-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  KioskDossier *dossier;

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  /* Going through the steps the first time, there is no summary to go back to. */
  g_assert_false (visible (window, "form-back-to-review"));
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  kiosk_test_complete_dossier (dossier);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "review");
  kiosk_test_wait_for_page (window, "review");

  kiosk_test_click (window, "edit-step-1");
  kiosk_test_wait_for_page (window, "form");
  g_assert_cmpstr (kiosk_test_label (window, "step-label"), ==, "Step 2 of 5");
  g_assert_true (visible (window, "form-back-to-review"));
  /* Not while the step is wrong. */
  kiosk_test_type (window, "field-household_size", "");
  g_assert_false (visible (window, "form-back-to-review"));
  kiosk_test_type (window, "field-household_size", "40");
  g_assert_false (visible (window, "form-back-to-review"));
  kiosk_test_type (window, "field-household_size", "3");
  g_assert_true (visible (window, "form-back-to-review"));
  kiosk_test_click (window, "form-back-to-review");
  kiosk_test_wait_for_page (window, "review");
  g_assert_cmpstr (kiosk_test_label (window, "review-household_size"), ==, "3");

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

typedef struct
{
  gboolean  done;
  char     *text;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_read_done_cb (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

/* Returns: (transfer full) (nullable): what a paste from @clipboard would give */
static char *
read_clipboard (GdkClipboard *clipboard)
{
  ClipboardRead read = { FALSE, NULL };

  gdk_clipboard_read_text_async (clipboard, NULL, clipboard_read_cb, &read);
  g_assert_true (kiosk_test_wait (clipboard_read_done_cb, &read, 5000));
  return read.text;
}

/* Counts the entries under @widget that still hold text. */
static guint
count_filled (GtkWidget *widget)
{
  guint n = GTK_IS_TEXT (widget) && *gtk_editable_get_text (GTK_EDITABLE (widget)) != '\0';

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_filled (child);
  return n;
}

/* Text a citizen typed, selected and copied is gone when the session ends: from the entry and
 * its undo history (Ctrl+Z brings nothing back), the clipboard and the primary selection. */
static void
test_session_end_forgets_text (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-ui-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  GdkClipboard *primary = gtk_widget_get_primary_clipboard (GTK_WIDGET (window));
  GtkWidget *search;
  g_autofree char *copied = NULL;
  g_autofree char *selected = NULL;
  g_autofree char *pasted = NULL;
  g_autofree char *middle = NULL;

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  search = kiosk_test_find (window, "search-entry");
  gtk_widget_grab_focus (search);
  kiosk_test_press_keys (window, "a i d e ctrl+a ctrl+c");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "aide");
  copied = read_clipboard (clipboard);
  selected = read_clipboard (primary);
  g_assert_cmpstr (copied, ==, "aide");
  g_assert_cmpstr (selected, ==, "aide");

  /* Typed on another page too, left unfinished. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "4829");
  g_assert_cmpuint (count_filled (GTK_WIDGET (window)), >=, 3);

  kiosk_test_finish_session (window);
  /* Every entry of every page is empty. */
  g_assert_cmpuint (count_filled (GTK_WIDGET (window)), ==, 0);
  kiosk_test_click (window, "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");
  gtk_widget_grab_focus (search);
  kiosk_test_press_keys (window, "ctrl+z ctrl+z ctrl+z");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");
  pasted = read_clipboard (clipboard);
  middle = read_clipboard (primary);
  g_assert_true (pasted == NULL || *pasted == '\0');
  g_assert_true (middle == NULL || *middle == '\0');

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

/* In kiosk mode, closing, quitting and the inspector are out of reach of the keyboard. */
static void
test_locked_shortcuts (void)
{
  g_assert_true (kiosk_window_is_locked_shortcut (GDK_KEY_F4, GDK_ALT_MASK));
  g_assert_true (kiosk_window_is_locked_shortcut (GDK_KEY_w, GDK_CONTROL_MASK));
  g_assert_true (kiosk_window_is_locked_shortcut (GDK_KEY_Q, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  g_assert_true (kiosk_window_is_locked_shortcut (GDK_KEY_I, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  g_assert_true (kiosk_window_is_locked_shortcut (GDK_KEY_D, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  g_assert_false (kiosk_window_is_locked_shortcut (GDK_KEY_Escape, 0));
  g_assert_false (kiosk_window_is_locked_shortcut (GDK_KEY_a, 0));
  g_assert_false (kiosk_window_is_locked_shortcut (GDK_KEY_Tab, 0));
  g_assert_false (kiosk_window_is_locked_shortcut (GDK_KEY_eacute, GDK_SHIFT_MASK));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/journey/every-page", test_journey_every_page);
  g_test_add_func ("/journey/idle-timeout", test_idle_timeout);
  g_test_add_func ("/journey/finish-confirm", test_finish_confirm);
  g_test_add_func ("/journey/errors-clear", test_errors_clear);
  g_test_add_func ("/journey/back-to-review", test_back_to_review);
  g_test_add_func ("/journey/session-end-forgets-text", test_session_end_forgets_text);
  g_test_add_func ("/window/locked-shortcuts", test_locked_shortcuts);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
