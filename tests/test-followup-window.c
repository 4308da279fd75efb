/* test-followup-window.c (suite followup): "Suivre ma demande" in the real window, in French,
 * against the reference portal over loopback and the SANE test scanner. The instructor (through
 * /_control/) asks for a missing document, a corrected answer and a reply; the citizen finds the
 * dossier by typed number and code (or a barcode reader typing the receipt's QR code, or "Mes
 * demandes" when signed in), scans, corrects (a wrong value refused on screen), replies, sends;
 * the portal has the bytes and the dossier is back in progress; after the session nothing of it
 * is on disk. Screenshots of the page at normal and 200 % text go to docs/screenshots/. */
#include "kiosk-test-util.h"

#include "kiosk-account.h"
#include "kiosk-agents.h"
#include "kiosk-consent-page.h"
#include "kiosk-journal.h"
#include "kiosk-followup-page-private.h"
#include "kiosk-json.h"
#include "kiosk-my-requests-page.h"
#include "kiosk-outbox.h"
#include "kiosk-receipt-page.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

static KioskTestPortal *portal;

/* The instructor's side and dossiers to follow */

static KioskReceipt *
submit_dossier (KioskPortal *client,
                const char  *grant,
                const char  *key)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("a scanned identity card", 23);
  g_autoptr(KioskDocument) document = kiosk_document_new ("id_card", "image/jpeg", bytes, NULL);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
  g_autofree char *grant_member = grant ? g_strdup_printf (",\"account_grant\":\"%s\"", grant) : g_strdup ("");
  g_autofree char *json = g_strdup_printf ("{\"data\":{\"last_name\":\"Wamytan\",\"first_name\":\"Léa\","
                                           "\"birth_date\":\"1961-04-12\",\"household_size\":2,"
                                           "\"monthly_income\":1000,\"cover\":\"cafat\",\"phone\":\"271234\"},"
                                           "\"files\":{\"id_card\":{\"filename\":\"id_card.jpg\","
                                           "\"content_type\":\"image/jpeg\",\"size\":23,\"sha256\":\"%s\"}},"
                                           "\"meta\":{\"kiosk_id\":\"epn-test-01\"},\"context\":{\"channel\":\"kiosk\"}%s}",
                                           kiosk_document_get_sha256 (document), grant_member);
  g_autofree char *own_key = key ? NULL : g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  KioskReceipt *receipt;

  g_ptr_array_add (parts, kiosk_upload_part_new_for_document (document));
  receipt = kiosk_portal_submit_payload (client, "aide-medicale", key ? key : own_key, json, parts, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (receipt->tracking_code);
  return receipt;
}

static char *
post_control (const char *number,
              const char *action,
              const char *json)
{
  g_autofree char *url = g_strdup_printf ("%s_control/dossiers/%s/%s", portal->url, number, action);
  long status = 0;
  g_autofree char *body = kiosk_test_http ("POST", url, json, &status);
  g_autoptr(JsonObject) root = kiosk_json_parse_object (body, -1, NULL);

  g_assert_cmpint (status, ==, 200);
  return g_strdup (kiosk_json_get_string (kiosk_json_get_object (root, "data"), "id"));
}

static JsonObject *
get_control_dossier (const char  *number,
                     JsonObject **root)
{
  g_autofree char *path = g_strdup_printf ("_control/dossiers/%s", number);

  *root = kiosk_test_portal_get (portal, path);
  return kiosk_json_get_object (*root, "data");
}

/* Nothing left behind */

static gboolean
file_contains (const char *path,
               const void *needle,
               gsize       length)
{
  g_autofree char *contents = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return FALSE;
  return memmem (contents, size, needle, length) != NULL;
}

static void
assert_nowhere (const char *dir,
                const void *needle,
                gsize       length)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        assert_nowhere (path, needle, length);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && file_contains (path, needle, length))
        g_error ("Left on disk: %s", path);
    }
}

/* Waiting for the page */

typedef struct
{
  KioskWindow *window;
  const char  *state;
} StateWait;

static KioskFollowupPage *
followup_page (KioskWindow *window)
{
  return KIOSK_FOLLOWUP_PAGE (kiosk_window_get_page (window, "followup"));
}

static gboolean
state_is_cb (gpointer data)
{
  StateWait *wait = data;

  return g_strcmp0 (kiosk_followup_page_get_state (followup_page (wait->window)), wait->state) == 0
         && !kiosk_page_get_busy (KIOSK_PAGE (followup_page (wait->window)));
}

static void
wait_state (KioskWindow *window,
            const char  *state)
{
  StateWait wait = { window, state };

  if (!kiosk_test_wait (state_is_cb, &wait, 60000))
    g_error ("The follow-up page is %s, not %s", kiosk_followup_page_get_state (followup_page (window)), state);
}

static gboolean
capture_idle_cb (gpointer data)
{
  KioskFollowupPage *page = data;

  return page->capture != NULL && !kiosk_page_get_busy (KIOSK_PAGE (page->capture));
}

/* Clicks a button of the capture's documents page and waits for its job (a scan) to end well. */
static void
capture_click (KioskWindow *window,
               const char  *name)
{
  kiosk_test_wait_clickable (window, name);
  kiosk_test_click (window, name);
  g_assert_true (kiosk_test_wait (capture_idle_cb, followup_page (window), 60000));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
}

static const char *
message_text (KioskWindow *window,
              guint        index)
{
  g_autofree char *name = g_strdup_printf ("followup-message-%u", index);
  GtkWidget *card = kiosk_test_find (window, name);
  GtkWidget *text = kiosk_test_find_prefixed (card, "followup-message-text");

  return gtk_label_get_label (GTK_LABEL (text));
}

/* With KIOSK_SCREENSHOT_DIR set, the page as shown, at normal size and with 200 % text. */
static void
save_screenshots (KioskWindow *window,
                  const char  *shot)
{
  const char *dir = g_getenv ("KIOSK_SCREENSHOT_DIR");
  g_autofree char *normal = NULL;
  g_autofree char *large = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  normal = g_strdup_printf ("%s/%s.png", dir, shot);
  large = g_strdup_printf ("%s/large-text-%s.png", dir, shot);
  /* Past the page transition, as a citizen would see it. */
  kiosk_test_spin (400);
  kiosk_test_save_png (GTK_WIDGET (window), normal);
  kiosk_test_click (window, "large-text-toggle");
  kiosk_test_spin (400);
  kiosk_test_save_png (GTK_WIDGET (window), large);
  kiosk_test_click (window, "large-text-toggle");
  kiosk_test_spin (100);
}

static void
assert_fits_width (KioskWindow *window)
{
  int minimum = 0;

  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 1280);
}

/* Tests */

/* Found by typed number and code (lower case, spaces: as read from paper); the three requests
 * shown with their actions, the messages newest first; the missing document scanned with the
 * test scanner, a wrong corrected value refused in French (nothing sent), the right one and a
 * reply sent; the portal has the scan's bytes and the answers, the dossier is back in progress;
 * after the session, the reply's canary and the scan's bytes are nowhere on disk. */
static void
test_typed_lookup_and_answers (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *incorrect = NULL;
  g_autofree char *question = NULL;
  g_autofree char *cover = NULL;
  g_autofree char *typed_code = NULL;
  g_autofree char *name = NULL;
  g_autofree char *canary = g_strdup_printf ("canari-%08x", g_random_int ());
  g_autoptr(GBytes) scanned = NULL;
  g_autofree char *scanned_sha = NULL;
  JsonObject *control;
  JsonArray *messages;
  KioskDocument *document;
  KioskWindow *window;
  g_autofree char *answers = NULL;
  gboolean found = FALSE;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  receipt = submit_dossier (kiosk_context_get_portal (context), NULL, NULL);
  g_free (post_control (receipt->number, "messages", "{\"text\":\"Bonjour, nous avons bien reçu votre demande.\"}"));
  missing = post_control (receipt->number, "requests",
                          "{\"kind\":\"missing-document\",\"description\":\"Un justificatif de domicile\"}");
  incorrect = post_control (receipt->number, "requests",
                            "{\"kind\":\"incorrect-answer\",\"field\":\"household_size\","
                            "\"reason\":\"Votre avis d’imposition compte trois personnes.\"}");
  question = post_control (receipt->number, "requests",
                           "{\"kind\":\"question\",\"text\":\"Depuis quand habitez-vous à Nouméa ?\"}");
  cover = post_control (receipt->number, "requests",
                        "{\"kind\":\"incorrect-answer\",\"field\":\"cover\","
                        "\"reason\":\"Vous avez une mutuelle.\"}");

  window = kiosk_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-followup");
  kiosk_test_wait_for_page (window, "followup");
  kiosk_test_wait_drawn (window, "followup-find");
  save_screenshots (window, "30-followup-lookup");

  /* A code that is not one: told so, the portal not asked. */
  kiosk_test_type (window, "followup-number", receipt->number);
  kiosk_test_type (window, "followup-code", "7K2M-9QXD");
  kiosk_test_click (window, "followup-find");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "followup-lookup-error")));
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-lookup-error"), "12 lettres et chiffres"));
  /* A wrong code: the same answer as an unknown number. */
  kiosk_test_type (window, "followup-code", "0000-0000-0000");
  kiosk_test_click (window, "followup-find");
  wait_state (window, "lookup");
  g_assert_cmpstr (kiosk_test_label (window, "followup-lookup-error"), ==,
                   "Aucune demande n’a ce numéro et ce code. Vérifiez-les tous les deux sur votre reçu.");
  save_screenshots (window, "31-followup-lookup-error");

  /* As read from paper: lower case, spaces instead of dashes. */
  typed_code = g_ascii_strdown (receipt->tracking_code, -1);
  g_strdelimit (typed_code, "-", ' ');
  kiosk_test_type (window, "followup-code", typed_code);
  kiosk_test_click (window, "followup-find");
  wait_state (window, "dossier");
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-status"), receipt->number));
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-status"), "En attente de votre réponse"));
  /* The messages, newest first: the last request before the question, the greeting last. */
  g_assert_cmpstr (message_text (window, 0), ==, "Vous avez une mutuelle.");
  g_assert_cmpstr (message_text (window, 1), ==, "Depuis quand habitez-vous à Nouméa ?");
  g_assert_cmpstr (message_text (window, 4), ==, "Bonjour, nous avons bien reçu votre demande.");
  save_screenshots (window, "32-followup-dossier");
  /* The dossier fits the terminal's 1280 pixels, with 200 % text too: every line wraps. */
  assert_fits_width (window);
  kiosk_test_click (window, "large-text-toggle");
  assert_fits_width (window);
  kiosk_test_click (window, "large-text-toggle");

  /* The missing document, scanned on the same documents page as in a procedure. */
  name = g_strdup_printf ("followup-scan-%s", missing);
  kiosk_test_click (window, name);
  wait_state (window, "capture");
  capture_click (window, "scan-document");
  g_assert_nonnull (kiosk_dossier_get_document (followup_page (window)->capture_dossier, "document"));
  kiosk_test_wait_clickable (window, "followup-capture-done");
  kiosk_test_click (window, "followup-capture-done");
  wait_state (window, "dossier");
  document = g_hash_table_lookup (followup_page (window)->scans, missing);
  g_assert_nonnull (document);
  scanned = g_bytes_ref (kiosk_document_get_content (document));
  scanned_sha = g_strdup (kiosk_document_get_sha256 (document));
  g_clear_pointer (&name, g_free);
  name = g_strdup_printf ("followup-scan-state-%s", missing);
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, name)));
  g_assert_false (gtk_widget_has_css_class (kiosk_test_find (window, name), "error"));

  /* A wrong correction: refused on screen, in French; nothing reaches the portal. The field's
   * own widget: the form's digits entry for a number, its choice buttons for a choice. */
  g_clear_pointer (&name, g_free);
  name = g_strdup_printf ("followup-correct-%s", incorrect);
  g_assert_true (GTK_IS_ENTRY (kiosk_test_find (window, name)));
  g_assert_cmpint (gtk_entry_get_input_purpose (GTK_ENTRY (kiosk_test_find (window, name))), ==, GTK_INPUT_PURPOSE_DIGITS);
  g_assert_true (gtk_widget_has_css_class (kiosk_test_find (window, name), "kiosk-field"));
  kiosk_test_type (window, name, "trois");
  g_clear_pointer (&name, g_free);
  name = g_strdup_printf ("followup-reply-%s", question);
  {
    g_autofree char *reply = g_strdup_printf ("Depuis 2019. %s", canary);

    kiosk_test_type (window, name, reply);
  }
  kiosk_test_click (window, "followup-send");
  g_clear_pointer (&name, g_free);
  name = g_strdup_printf ("followup-error-%s", incorrect);
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, name)));
  g_assert_cmpstr (kiosk_followup_page_get_state (followup_page (window)), ==, "dossier");
  g_message ("Refused: %s", kiosk_test_label (window, name));
  g_assert_nonnull (strstr (kiosk_test_label (window, name), "nombre"));
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (control, "complements")), ==, 0);
  g_clear_pointer (&root, json_object_unref);
  save_screenshots (window, "33-followup-correction-refused");

  /* The right one: sent, with the document and the reply. */
  g_clear_pointer (&name, g_free);
  name = g_strdup_printf ("followup-correct-%s", incorrect);
  kiosk_test_type (window, name, "3");
  kiosk_test_click (window, "field-cover-mutuelle");
  kiosk_test_click (window, "followup-send");
  wait_state (window, "sent");
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-sent"), receipt->number));
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-sent"), "Un justificatif de domicile"));
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-sent"), "En cours d’instruction"));
  save_screenshots (window, "34-followup-sent");

  /* The complement's receipt on paper (here a PDF) lists what was sent, not what was typed. */
  {
    g_autofree char *dir = g_dir_make_tmp ("kiosk-followup-print-XXXXXX", NULL);
    g_autofree char *pdf = g_build_filename (dir, "complement.pdf", NULL);
    g_autofree char *text = NULL;
    const char *argv[] = { "pdftotext", pdf, "-", NULL };

    g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "followup-print")));
    g_assert_true (kiosk_followup_page_print (followup_page (window), pdf));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &text, NULL, NULL, NULL));
    g_assert_nonnull (strstr (text, "réponses envoyées"));
    g_assert_nonnull (strstr (text, receipt->number));
    g_assert_nonnull (strstr (text, "Un justificatif de domicile"));
    g_assert_nonnull (strstr (text, "Réponse corrigée"));
    g_assert_nonnull (strstr (text, "Votre réponse à la question du service"));
    g_assert_null (strstr (text, canary));
    g_unlink (pdf);
    g_rmdir (dir);
  }

  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "in-progress");
  g_assert_cmpint (kiosk_json_get_int (kiosk_json_get_object (control, "data"), "household_size", -1), ==, 3);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "data"), "cover"), ==, "mutuelle");
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (control, "complements")), ==, 1);
  messages = kiosk_json_get_array (control, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);
      JsonArray *attachments = kiosk_json_get_array (message, "documents");

      if (g_strcmp0 (kiosk_json_get_string (message, "author"), "citizen") != 0)
        continue;
      g_free (answers);
      answers = json_to_string (json_object_get_member (message, "answers"), FALSE);
      for (guint j = 0; attachments != NULL && j < json_array_get_length (attachments); j++)
        if (g_strcmp0 (kiosk_json_get_string (json_array_get_object_element (attachments, j), "sha256"), scanned_sha) == 0)
          found = TRUE;
    }
  g_assert_true (found);
  /* The reply, word for word. */
  g_assert_nonnull (answers);
  g_assert_nonnull (strstr (answers, canary));

  /* The session ends: nothing of the dossier, the reply or the scan stays. */
  kiosk_test_finish_session (window);
  g_assert_cmpstr (kiosk_followup_page_get_state (followup_page (window)), ==, "lookup");
  g_assert_null (followup_page (window)->code);
  g_assert_null (followup_page (window)->dossier);
  assert_nowhere (data_dir, canary, strlen (canary));
  assert_nowhere (g_get_user_cache_dir (), canary, strlen (canary));
  {
    gsize size = 0;
    const guint8 *bytes = g_bytes_get_data (scanned, &size);

    /* 256 bytes from the middle of the JPEG: unique to this scan. */
    g_assert_cmpuint (size, >, 1024);
    assert_nowhere (data_dir, bytes + size / 2, 256);
    assert_nowhere (g_get_user_cache_dir (), bytes + size / 2, 256);
  }
  assert_nowhere (data_dir, receipt->tracking_code, strlen (receipt->tracking_code));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A barcode reader reads the receipt's QR code and types its address into the number field,
 * then Enter: the dossier opens, no code typed. */
static void
test_barcode_reader (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskReceipt) receipt = NULL;
  KioskWindow *window;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  receipt = submit_dossier (kiosk_context_get_portal (context), NULL, NULL);
  g_assert_nonnull (receipt->url);

  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-followup");
  kiosk_test_wait_for_page (window, "followup");
  kiosk_test_type (window, "followup-number", receipt->url);
  kiosk_test_press_keys (window, "Return");
  wait_state (window, "dossier");
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-status"), "Reçue"));
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_user_code_cb (gpointer data)
{
  return kiosk_sign_in_get_user_code (data) != NULL;
}

static gboolean
signed_in_cb (gpointer data)
{
  return kiosk_sign_in_get_state (data) == KIOSK_SIGN_IN_APPROVED;
}

static gboolean
keep_result_done_cb (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
keep_result_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A citizen signed in through the portal's device flow, and a dossier of their account. */
static KioskAccount *
sign_in_with_dossier (KioskContext  *context,
                      KioskReceipt **receipt)
{
  g_autoptr(KioskSignIn) sign_in = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *grant = NULL;
  KioskAccount *account;

  sign_in = kiosk_sign_in_new (kiosk_context_get_portal (context));
  kiosk_sign_in_start (sign_in);
  g_assert_true (kiosk_test_wait (has_user_code_cb, sign_in, 10000));
  {
    g_autofree char *form = g_strdup_printf ("user_code=%s&account=marie.wamytan&decision=approve",
                                             kiosk_sign_in_get_user_code (sign_in));
    g_autofree char *url = g_strconcat (portal->url, "activer", NULL);
    long status = 0;

    g_free (kiosk_test_http ("POST", url, form, &status));
    g_assert_cmpint (status, ==, 200);
  }
  g_assert_true (kiosk_test_wait (signed_in_cb, sign_in, 15000));
  account = kiosk_sign_in_steal_account (sign_in);
  kiosk_account_request_grant_async (kiosk_context_get_portal (context), account, key, NULL, keep_result_cb, &result);
  g_assert_true (kiosk_test_wait (keep_result_done_cb, &result, 15000));
  grant = kiosk_account_request_grant_finish (result, &error);
  g_assert_no_error (error);
  *receipt = submit_dossier (kiosk_context_get_portal (context), grant, key);
  return account;
}

/* Opens the account's dossier @number from "Mes demandes", as the signed-in citizen would. */
static void
open_from_my_requests (KioskWindow  *window,
                       KioskContext *context,
                       KioskAccount *account,
                       const char   *number)
{
  g_autofree char *name = g_strdup_printf ("my-request-open-%s", number);

  kiosk_session_set_account (kiosk_context_get_session (context), account);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "my-requests");
  kiosk_test_wait_for_page (window, "my-requests");
  kiosk_test_wait_clickable (window, name);
  kiosk_test_click (window, name);
  kiosk_test_wait_for_page (window, "followup");
  wait_state (window, "dossier");
  g_assert_null (followup_page (window)->code);
}

/* Signed in: "Mes demandes" lists the account's dossiers; one opens on the follow-up page
 * without a code, and a reply goes to the portal. */
static void
test_my_requests (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *question = NULL;
  g_autofree char *name = NULL;
  KioskAccount *account;
  KioskWindow *window;
  JsonObject *control;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  account = sign_in_with_dossier (context, &receipt);
  question = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Avez-vous un enfant ?\"}");

  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  open_from_my_requests (window, context, account, receipt->number);
  g_assert_cmpstr (message_text (window, 0), ==, "Avez-vous un enfant ?");
  name = g_strdup_printf ("followup-reply-%s", question);
  kiosk_test_type (window, name, "Non.");
  kiosk_test_click (window, "followup-send");
  wait_state (window, "sent");
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "in-progress");
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The portal itself stopped (SIGTERM, its database kept), then started again on the same port
 * and database: what a terminal sees when the portal's server goes down and comes back. */
static void
kill_portal (void)
{
  g_subprocess_send_signal (portal->process, SIGTERM);
  g_assert_true (g_subprocess_wait (portal->process, NULL, NULL));
  g_clear_object (&portal->process);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
restart_portal (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;
  const char *colon = strrchr (portal->url, ':');

  g_assert_nonnull (colon);
  port = g_strdup_printf ("--port=%d", atoi (colon + 1));
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  portal->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KIOSK_PORTAL_BINARY"), port,
                                                 "--data-dir", portal->data_dir, "--device-interval", "1", NULL);
  g_assert_no_error (error);
  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (portal->process));
  url = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, portal->url);
}

static guint count_complements (const char *number);

typedef struct
{
  KioskContext *context;
  const char   *number;
} Delivery;

static gboolean
delivered_cb (gpointer data)
{
  Delivery *delivery = data;

  return kiosk_test_outbox_is_empty (delivery->context) && count_complements (delivery->number) >= 1;
}

/* Signed in, without a code: the portal is stopped when the citizen sends; the complement waits
 * in the outbox (encrypted: the canary nowhere on disk), with the code the portal gave the
 * account; the portal starts again and the outbox delivers it, exactly once. */
static void
test_my_requests_queued (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *question = NULL;
  g_autofree char *name = NULL;
  g_autofree char *canary = g_strdup_printf ("canari-%08x", g_random_int ());
  g_autofree char *reply = g_strdup_printf ("Non. %s", canary);
  g_autofree char *thread = NULL;
  KioskAccount *account;
  KioskWindow *window;
  JsonObject *control;
  Delivery delivery;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  account = sign_in_with_dossier (context, &receipt);
  question = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Avez-vous un enfant ?\"}");

  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  open_from_my_requests (window, context, account, receipt->number);
  /* The portal gave the account the dossier's code, kept in memory only. */
  g_assert_nonnull (followup_page (window)->dossier->tracking_code);
  name = g_strdup_printf ("followup-reply-%s", question);
  kiosk_test_type (window, name, reply);

  /* The portal stops. */
  kill_portal ();
  kiosk_test_click (window, "followup-send");
  wait_state (window, "queued");
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-sent"), "enregistrées sur cette borne"));
  g_assert_false (kiosk_test_outbox_is_empty (context));
  kiosk_test_finish_session (window);
  assert_nowhere (data_dir, canary, strlen (canary));
  assert_nowhere (data_dir, receipt->tracking_code, strlen (receipt->tracking_code));

  /* The portal starts again, nothing received yet; the terminal's outbox delivers it, once. */
  restart_portal ();
  g_assert_cmpuint (count_complements (receipt->number), ==, 0);
  g_assert_true (kiosk_outbox_retry_now (kiosk_context_get_outbox (context), &error));
  g_assert_no_error (error);
  kiosk_outbox_sender_retry_now (kiosk_context_get_outbox_sender (context));
  delivery.context = context;
  delivery.number = receipt->number;
  g_assert_true (kiosk_test_wait (delivered_cb, &delivery, 60000));
  g_assert_cmpuint (count_complements (receipt->number), ==, 1);
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "in-progress");
  thread = json_to_string (json_object_get_member (control, "messages"), FALSE);
  g_assert_nonnull (strstr (thread, canary));
  g_assert_true (strstr (thread, canary) == g_strrstr (thread, canary));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
process_gone_cb (gpointer data)
{
  return g_subprocess_get_identifier (data) == NULL;
}

static guint
count_complements (const char *number)
{
  g_autoptr(JsonObject) root = NULL;
  JsonObject *control = get_control_dossier (number, &root);

  return json_array_get_length (kiosk_json_get_array (control, "complements"));
}

static gboolean
stored_once_cb (gpointer data)
{
  return count_complements (data) >= 1;
}

static GSubprocess *
spawn_worker (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("KIOSK_OUTBOX_WORKER"),
                                         data_dir, portal->url, "0", NULL);

  g_assert_no_error (error);
  return child;
}

/* The portal is down when the citizen sends: the complement waits in the outbox, encrypted (the
 * reply's canary nowhere on disk in clear), and the page says so. Later the outbox's worker
 * sends it; the portal stores it but the answer is lost and the worker is killed (SIGKILL)
 * while trying again; restarted, it delivers: the portal has it exactly once. */
static void
test_queued_kill_9 (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *question = NULL;
  g_autofree char *name = NULL;
  g_autofree char *canary = g_strdup_printf ("canari-%08x", g_random_int ());
  g_autofree char *reply = g_strdup_printf ("Oui. %s", canary);
  JsonObject *control;
  KioskWindow *window;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  receipt = submit_dossier (kiosk_context_get_portal (context), NULL, NULL);
  question = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Travaillez-vous ?\"}");

  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-followup");
  kiosk_test_wait_for_page (window, "followup");
  kiosk_test_type (window, "followup-number", receipt->number);
  kiosk_test_type (window, "followup-code", receipt->tracking_code);
  kiosk_test_click (window, "followup-find");
  wait_state (window, "dossier");
  name = g_strdup_printf ("followup-reply-%s", question);
  kiosk_test_type (window, name, reply);

  /* The portal goes down. */
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 10000, \"status\": 503}");
  kiosk_test_click (window, "followup-send");
  wait_state (window, "queued");
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-sent"), "enregistrées sur cette borne"));
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-sent"), receipt->number));
  save_screenshots (window, "35-followup-queued");
  g_assert_cmpuint (count_complements (receipt->number), ==, 0);
  g_assert_false (kiosk_test_outbox_is_empty (context));

  /* The citizen leaves: the complement waits, but only encrypted. */
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
  assert_nowhere (data_dir, canary, strlen (canary));
  {
    g_autofree char *plain = kiosk_tracking_code_normalize (receipt->tracking_code);

    assert_nowhere (data_dir, receipt->tracking_code, strlen (receipt->tracking_code));
    assert_nowhere (data_dir, plain, strlen (plain));
  }

  /* Due now (the in-process try backed off); the portal is back but loses its first answer and
   * is slow after: the worker is killed while it tries again. */
  g_assert_true (kiosk_outbox_retry_now (kiosk_context_get_outbox (context), &error));
  g_assert_no_error (error);
  kiosk_test_portal_post (portal, "_control/faults", "{\"reset_after_store\": 1, \"delay_ms\": 4000}");
  first = spawn_worker (data_dir);
  g_assert_true (kiosk_test_wait (stored_once_cb, receipt->number, 60000));
  g_assert_false (process_gone_cb (first));
  g_subprocess_send_signal (first, SIGKILL);
  g_assert_true (g_subprocess_wait (first, NULL, NULL));
  g_assert_false (g_subprocess_get_successful (first));
  g_assert_false (kiosk_test_outbox_is_empty (context));

  /* Restarted with the portal well: delivered, and still once. */
  kiosk_test_portal_post (portal, "_control/faults", "{}");
  g_assert_true (kiosk_outbox_retry_now (kiosk_context_get_outbox (context), &error));
  second = spawn_worker (data_dir);
  g_assert_true (g_subprocess_wait_check (second, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kiosk_test_outbox_is_empty (context));
  g_assert_cmpuint (count_complements (receipt->number), ==, 1);
  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "in-progress");
  {
    g_autofree char *thread = json_to_string (json_object_get_member (control, "messages"), FALSE);

    g_assert_nonnull (strstr (thread, canary));
    g_assert_true (strstr (thread, canary) == g_strrstr (thread, canary));
  }
}

static gboolean
decoding_started_cb (gpointer data)
{
  return followup_page (data)->camera_frames > 0;
}

/* An identity card asked for: "Scan this document" opens the documents page of a procedure, for
 * that card only, with what a procedure offers (scanner, camera, USB stick); the front and the
 * back are scanned with the SANE test scanner; the portal has both, by sha256, in the thread, and
 * the complement's receipt names both sides. */
static void
test_card_both_sides (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *name = NULL;
  g_autofree char *front_sha = NULL;
  g_autofree char *back_sha = NULL;
  g_autofree char *front_part = NULL;
  g_autofree char *back_part = NULL;
  KioskDossier *capture;
  KioskWindow *window;
  JsonObject *control;
  JsonArray *messages;
  guint found = 0;

  g_setenv ("KIOSK_CAMERA_PIPELINE", "videotestsrc is-live=true pattern=smpte ! video/x-raw,width=800,height=600,framerate=15/1", TRUE);
  kiosk_test_portal_post (portal, "_control/reset", "{}");
  receipt = submit_dossier (kiosk_context_get_portal (context), NULL, NULL);
  missing = post_control (receipt->number, "requests",
                          "{\"kind\":\"missing-document\",\"document\":\"id_card\","
                          "\"description\":\"Votre pièce d’identité est illisible : recto et verso, s’il vous plaît.\"}");

  window = kiosk_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-followup");
  kiosk_test_wait_for_page (window, "followup");
  /* The camera filming no QR code: it stays on until stopped, and the page waits. */
  kiosk_test_wait_clickable (window, "followup-camera");
  kiosk_test_click (window, "followup-camera");
  g_assert_true (kiosk_test_wait (decoding_started_cb, window, 60000));
  g_assert_cmpstr (kiosk_followup_page_get_state (followup_page (window)), ==, "camera");
  /* A new frame relayouts the picture, and a window waiting for its layout renders nothing:
   * the frames are held while the screenshots are taken. */
  g_signal_handlers_block_matched (followup_page (window)->camera, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                   followup_page (window));
  save_screenshots (window, "39-followup-camera");
  g_signal_handlers_unblock_matched (followup_page (window)->camera, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     followup_page (window));
  kiosk_test_click (window, "followup-camera-stop");
  wait_state (window, "lookup");
  g_assert_null (followup_page (window)->camera);
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "followup-camera-box")));
  kiosk_test_type (window, "followup-number", receipt->number);
  kiosk_test_type (window, "followup-code", receipt->tracking_code);
  kiosk_test_click (window, "followup-find");
  wait_state (window, "dossier");
  name = g_strdup_printf ("followup-scan-%s", missing);
  kiosk_test_click (window, name);
  wait_state (window, "capture");
  kiosk_test_wait_drawn (window, "scan-id_card");
  /* What a procedure offers for a card: the camera and a USB stick as well as the scanner. */
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "camera-id_card")));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "usb-id_card")));
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "followup-capture-done")));
  save_screenshots (window, "37-followup-capture");

  capture_click (window, "scan-id_card");
  capture = followup_page (window)->capture_dossier;
  g_assert_nonnull (kiosk_dossier_get_document (capture, "id_card"));
  /* A card waits for its back. */
  g_assert_true (kiosk_dossier_back_is_pending (capture, kiosk_procedure_get_document (kiosk_dossier_get_procedure (capture), 0)));
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "followup-capture-done")));
  capture_click (window, "scan-back-id_card");
  g_assert_nonnull (kiosk_dossier_get_document (capture, "id_card.verso"));
  front_sha = g_strdup (kiosk_document_get_sha256 (kiosk_dossier_get_document (capture, "id_card")));
  back_sha = g_strdup (kiosk_document_get_sha256 (kiosk_dossier_get_document (capture, "id_card.verso")));
  kiosk_test_wait_clickable (window, "followup-capture-done");
  kiosk_test_click (window, "followup-capture-done");
  wait_state (window, "dossier");
  g_assert_null (followup_page (window)->capture_dossier);
  g_clear_pointer (&name, g_free);
  name = g_strdup_printf ("followup-scan-state-%s", missing);
  g_assert_nonnull (strstr (kiosk_test_label (window, name), "deux faces"));

  kiosk_test_click (window, "followup-send");
  wait_state (window, "sent");
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-sent"), "recto et verso"));
  save_screenshots (window, "38-followup-sent-card");

  control = get_control_dossier (receipt->number, &root);
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (control, "status"), "id"), ==, "in-progress");
  front_part = g_strdup_printf ("request-%s", missing);
  back_part = g_strdup_printf ("request-%s.verso", missing);
  messages = kiosk_json_get_array (control, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *message = json_array_get_object_element (messages, i);
      JsonArray *documents = kiosk_json_get_array (message, "documents");

      for (guint j = 0; documents != NULL && j < json_array_get_length (documents); j++)
        {
          JsonObject *document = json_array_get_object_element (documents, j);
          const char *sha = kiosk_json_get_string (document, "sha256");

          if (g_strcmp0 (kiosk_json_get_string (document, "request"), missing) != 0)
            continue;
          /* The test scanner gives the same image twice: the sides are told by their parts. */
          if (g_strcmp0 (kiosk_json_get_string (document, "name"), front_part) == 0 && g_strcmp0 (sha, front_sha) == 0)
            found |= 1;
          if (g_strcmp0 (kiosk_json_get_string (document, "name"), back_part) == 0 && g_strcmp0 (sha, back_sha) == 0)
            found |= 2;
        }
    }
  g_assert_cmpuint (found, ==, 3);
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unsetenv ("KIOSK_CAMERA_PIPELINE");
}

/* The receipt as the kiosk prints it (PDF), drawn at 150 dpi by pdftoppm, is what the camera test
 * pipeline films: "Show my receipt to the camera", and the dossier opens from its QR code, read
 * by zbar in kiosk-qr-helper (sandboxed); the camera is off after. */
static void
test_camera_qr (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autofree char *pdf = g_build_filename (data_dir, "receipt.pdf", NULL);
  g_autofree char *png_base = g_build_filename (data_dir, "receipt", NULL);
  g_autofree char *png = g_build_filename (data_dir, "receipt.png", NULL);
  g_autofree char *pipeline = NULL;
  const char *argv[] = { "pdftoppm", "-r", "150", "-png", "-singlefile", pdf, png_base, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  KioskWindow *window;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  receipt = submit_dossier (kiosk_context_get_portal (context), NULL, NULL);

  /* The printed receipt, then a photo of it. */
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_receipt_page_set_receipt (KIOSK_RECEIPT_PAGE (kiosk_window_get_page (window, "receipt")), receipt,
                                  kiosk_catalogue_lookup (kiosk_context_get_catalogue (context), "aide-medicale"));
  g_assert_true (kiosk_receipt_page_print (KIOSK_RECEIPT_PAGE (kiosk_window_get_page (window, "receipt")), pdf));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));

  pipeline = g_strdup_printf ("filesrc location=%s ! pngdec ! imagefreeze is-live=true ! video/x-raw,framerate=5/1", png);
  g_setenv ("KIOSK_CAMERA_PIPELINE", pipeline, TRUE);
  window = kiosk_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-followup");
  kiosk_test_wait_for_page (window, "followup");
  kiosk_test_wait_clickable (window, "followup-camera");
  kiosk_test_click (window, "followup-camera");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "followup-camera-box")));
  g_assert_true (kiosk_test_wait (decoding_started_cb, window, 60000));
  wait_state (window, "dossier");
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-status"), receipt->number));
  {
    g_autofree char *plain = kiosk_tracking_code_normalize (receipt->tracking_code);

    g_assert_cmpstr (followup_page (window)->code, ==, plain);
  }
  g_assert_null (followup_page (window)->camera);
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unsetenv ("KIOSK_CAMERA_PIPELINE");
}

static gboolean
agent_set_cb (gpointer data)
{
  return kiosk_context_get_agent (data) != NULL;
}

/* An agent opens an assisted session, then the citizen finds their dossier: the consent screen
 * asks about completing that dossier only (its number, "compléter"), nothing of a procedure's
 * form; agreed, the page opens the dossier and a reply goes; refused, the assisted session ends
 * and the citizen sees the dossier alone. The journal records both with the number and nothing
 * of the dossier (no message, no reply, no code). */
static void
test_assisted_consent (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-followup-window-XXXXXX", NULL);
  g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);
  g_autofree char *journal_path = g_build_filename (data_dir, "journal.log", NULL);
  g_autofree char *journal = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *question = NULL;
  g_autofree char *name = NULL;
  g_autofree char *canary = g_strdup_printf ("canari-%08x", g_random_int ());
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  g_autoptr(GError) error = NULL;
  KioskWindow *window;

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", &error));
  g_assert_no_error (error);
  context = kiosk_test_context_new (portal->url, data_dir);
  receipt = submit_dossier (kiosk_context_get_portal (context), NULL, NULL);
  question = post_control (receipt->number, "requests", "{\"kind\":\"question\",\"text\":\"Travaillez-vous à Koné ?\"}");

  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  kiosk_test_wait_clickable (window, "agent-assist");
  kiosk_test_click (window, "agent-assist");
  kiosk_test_wait_for_page (window, "catalogue");
  g_assert_nonnull (kiosk_session_get_assisting (kiosk_context_get_session (context)));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "followup");
  kiosk_test_wait_for_page (window, "followup");
  kiosk_test_type (window, "followup-number", receipt->number);
  kiosk_test_type (window, "followup-code", receipt->tracking_code);
  kiosk_test_click (window, "followup-find");
  kiosk_test_wait_for_page (window, "consent");
  kiosk_test_wait_drawn (window, "consent-accept");
  /* That dossier, to complete, and nothing of a new procedure's form. */
  g_assert_nonnull (strstr (kiosk_test_label (window, "consent-intro"), "Marie Kaloi"));
  g_assert_nonnull (strstr (kiosk_test_label (window, "consent-intro"), receipt->number));
  g_assert_nonnull (strstr (kiosk_test_label (window, "consent-intro"), "compléter"));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "consent-complete")));
  g_assert_nonnull (strstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (kiosk_test_find (window, "consent-complete"))),
                            receipt->number));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "consent-fill")));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "consent-submit")));
  /* Nothing of the dossier is shown before the citizen agrees. */
  g_assert_null (followup_page (window)->dossier);
  save_screenshots (window, "36-followup-consent");

  kiosk_test_click (window, "consent-accept");
  kiosk_test_wait_for_page (window, "followup");
  wait_state (window, "dossier");
  {
    g_autofree char *scope = kiosk_consent_followup_scope (receipt->number);

    g_assert_true (kiosk_session_has_consent (kiosk_context_get_session (context), scope));
  }
  name = g_strdup_printf ("followup-reply-%s", question);
  kiosk_test_type (window, name, canary);
  kiosk_test_click (window, "followup-send");
  wait_state (window, "sent");
  kiosk_test_finish_session (window);
  g_assert_null (kiosk_session_get_assisting (kiosk_context_get_session (context)));

  /* A citizen who refuses goes on alone, on the same dossier. */
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_set_cb, context, 20000));
  kiosk_test_wait_clickable (window, "agent-assist");
  kiosk_test_click (window, "agent-assist");
  kiosk_test_wait_for_page (window, "catalogue");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "followup");
  kiosk_test_wait_for_page (window, "followup");
  kiosk_test_type (window, "followup-number", receipt->number);
  kiosk_test_type (window, "followup-code", receipt->tracking_code);
  kiosk_test_click (window, "followup-find");
  kiosk_test_wait_for_page (window, "consent");
  kiosk_test_wait_clickable (window, "consent-refuse");
  kiosk_test_click (window, "consent-refuse");
  kiosk_test_wait_for_page (window, "followup");
  wait_state (window, "dossier");
  g_assert_null (kiosk_session_get_assisting (kiosk_context_get_session (context)));
  g_assert_nonnull (strstr (kiosk_test_label (window, "followup-status"), receipt->number));
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&context);   /* waits for the journal's writes */

  g_assert_true (g_file_get_contents (journal_path, &journal, NULL, NULL));
  expected = g_strdup_printf ("\"event\":\"consent-given\",\"detail\":\"followup:%s complete\"", receipt->number);
  g_assert_nonnull (strstr (journal, expected));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("\"event\":\"dossier-complemented\",\"detail\":\"%s\"", receipt->number);
  g_assert_nonnull (strstr (journal, expected));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("\"event\":\"consent-refused\",\"detail\":\"followup:%s\"", receipt->number);
  g_assert_nonnull (strstr (journal, expected));
  /* Numbers only: nothing of the thread, the reply, the code or the citizen. */
  g_assert_null (strstr (journal, canary));
  g_assert_null (strstr (journal, "Koné"));
  g_assert_null (strstr (journal, receipt->tracking_code));
  g_assert_null (strstr (journal, "Wamytan"));
  g_assert_true (kiosk_journal_verify (data_dir, 0, NULL, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  const char *extra[] = { "--device-interval", "1", NULL };
  int status;

  kiosk_test_setup_locale ("fr");
  gtk_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start_with (extra);

  g_test_add_func ("/followup-window/typed-lookup-and-answers", test_typed_lookup_and_answers);
  g_test_add_func ("/followup-window/barcode-reader", test_barcode_reader);
  g_test_add_func ("/followup-window/my-requests", test_my_requests);
  g_test_add_func ("/followup-window/my-requests-queued", test_my_requests_queued);
  g_test_add_func ("/followup-window/queued-kill-9", test_queued_kill_9);
  g_test_add_func ("/followup-window/assisted-consent", test_assisted_consent);
  g_test_add_func ("/followup-window/card-both-sides", test_card_both_sides);
  g_test_add_func ("/followup-window/camera-qr", test_camera_qr);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
