/* test-language.c (suite ui): the FR/EN switch of the welcome page rebuilds every page in the
 * chosen language; in French, a walk through every page finds no visible text left in English
 * (no label equals an English msgid of po/fr.po). With KIOSK_SCREENSHOT_DIR set, it also
 * writes a PNG of every page (the screenshots of docs/screenshots/). */
#include "kiosk-test-util.h"

#include "kiosk-draft-page.h"
#include "kiosk-form-page.h"

#include "kiosk-agent-page.h"
#include "kiosk-agents.h"
#include "kiosk-appointment-page.h"
#include "kiosk-arrival-page.h"
#include "kiosk-my-requests-page.h"

#include "kiosk-application.h"
#include "kiosk-documents-page.h"
#include "kiosk-submit-page.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

static KioskTestPortal *portal;
static GHashTable *english;   /* msgids whose French differs */

static char *
unquote (const char *line)
{
  const char *start = strchr (line, '"');
  const char *end = strrchr (line, '"');

  if (start == NULL || end == start)
    return g_strdup ("");
  return g_strcompress (g_strndup (start + 1, end - start - 1));
}

/* Reads msgid → msgstr pairs, enough of the PO format for our own file. */
static void
load_english_msgids (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "po", "fr.po", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GString *msgid = NULL, *msgstr = NULL, *current = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  english = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; ; i++)
    {
      const char *line = lines[i];

      if (line == NULL || g_str_has_prefix (line, "msgid ") || g_str_has_prefix (line, "#"))
        {
          if (msgid != NULL && msgid->len > 0 && msgstr != NULL)
            for (guint j = 0; j < ids->len; j++)
              if (g_strcmp0 (g_ptr_array_index (ids, j), msgstr->str) != 0)
                g_hash_table_add (english, g_strdup (g_ptr_array_index (ids, j)));
          if (line == NULL)
            break;
        }
      if (g_str_has_prefix (line, "msgid "))
        {
          if (msgid) g_string_free (msgid, TRUE);
          if (msgstr) g_string_free (msgstr, TRUE);
          msgid = g_string_new (NULL);
          msgstr = NULL;
          g_ptr_array_set_size (ids, 0);
          current = msgid;
        }
      else if (g_str_has_prefix (line, "msgid_plural "))
        {
          g_ptr_array_add (ids, g_strdup (msgid->str));
          current = g_string_new (NULL);
          g_ptr_array_add (ids, NULL);
        }
      else if (g_str_has_prefix (line, "msgstr"))
        {
          if (msgstr == NULL)
            msgstr = g_string_new (NULL);
          else
            g_string_truncate (msgstr, 0);
          if (ids->len == 0)
            g_ptr_array_add (ids, g_strdup (msgid->str));
          current = msgstr;
        }
      if (current != NULL && (line[0] == '"' || g_str_has_prefix (line, "msg")))
        {
          g_autofree char *text = unquote (line);

          g_string_append (current, text);
          if (ids->len >= 2 && g_ptr_array_index (ids, ids->len - 1) == NULL && current != msgid && current != msgstr)
            {
              g_free (g_ptr_array_index (ids, ids->len - 1));
              ids->pdata[ids->len - 1] = g_strdup (current->str);
            }
        }
    }
  if (msgid) g_string_free (msgid, TRUE);
  if (msgstr) g_string_free (msgstr, TRUE);
  g_ptr_array_unref (ids);
  g_assert_cmpuint (g_hash_table_size (english), >, 50);
}

static guint
check_no_english (GtkWidget  *widget,
                  const char *page)
{
  guint checked = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (text != NULL && *text != '\0')
        {
          if (g_hash_table_contains (english, text))
            g_error ("Page %s shows English text: “%s”", page, text);
          checked++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += check_no_english (child, page);
  return checked;
}

static gboolean
draft_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static gboolean
has_text_inside (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_text_inside (child))
      return TRUE;
  return FALSE;
}

/* Every control a citizen can reach has a name a screen reader can say: buttons by their text
 * (or an accessible label), inputs by a label relation or property, pictures by a text. */
static guint
check_accessible (GtkWidget  *widget,
                  const char *page)
{
  guint checked = 0;
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget))
    {
      if (!has_text_inside (widget) && !gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL)
          && gtk_widget_get_tooltip_text (widget) == NULL)
        g_error ("Page %s: a %s (%s) has no name", page, G_OBJECT_TYPE_NAME (widget), gtk_widget_get_name (widget));
      checked++;
    }
  else if ((GTK_IS_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_SEARCH_ENTRY (widget)
            || GTK_IS_DROP_DOWN (widget))
           && !(parent && (GTK_IS_SEARCH_ENTRY (parent) || GTK_IS_ENTRY (parent))))
    {
      if (!gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY)
          && !gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("Page %s: the input %s has no label", page, gtk_widget_get_name (widget));
      checked++;
    }
  else if (GTK_IS_PICTURE (widget) && gtk_picture_get_paintable (GTK_PICTURE (widget)) != NULL)
    {
      if (gtk_picture_get_alternative_text (GTK_PICTURE (widget)) == NULL)
        g_error ("Page %s: the picture %s has no alternative text", page, gtk_widget_get_name (widget));
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    checked += check_accessible (child, page);
  return checked;
}

/* The walk again with text at 200 %: every page must still fit the 1280-pixel screen. */
static gboolean
camera_shows_cb (gpointer data)
{
  GtkWidget *picture = kiosk_window_find_widget (data, "camera-picture");

  return picture != NULL && gtk_picture_get_paintable (GTK_PICTURE (picture)) != NULL;
}

static gboolean large_text;

static void
visit_page (KioskWindow *window,
            const char  *shot)
{
  const char *dir = g_getenv ("KIOSK_SCREENSHOT_DIR");
  const char *page = kiosk_window_get_page_name (window);

  /* Each session starts at normal size: the walk asks for larger text again after a finish. */
  if (large_text && !gtk_widget_has_css_class (GTK_WIDGET (window), "large-text"))
    kiosk_test_click (window, "large-text-toggle");
  /* Past the page transition (150 ms), as a citizen would see it. */
  kiosk_test_spin (400);
  g_assert_cmpuint (check_no_english (GTK_WIDGET (window), page), >, 3);
  g_assert_cmpuint (check_accessible (GTK_WIDGET (window), page), >, 1);
  /* Every page fits the terminal's 1280-pixel-wide screen. */
  {
    int min_width = 0;

    int min_height = 0;

    gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    g_assert_cmpint (min_width, <=, 1280);
    /* …and its 800 pixels of height: what is taller scrolls. */
    gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, 1280, &min_height, NULL, NULL, NULL);
    g_assert_cmpint (min_height, <=, 800);
  }
  if (dir != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s%s.png", dir, large_text ? "large-text-" : "", shot);

      g_mkdir_with_parents (dir, 0755);
      kiosk_test_save_png (GTK_WIDGET (window), path);
    }
}

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static gboolean
idle_warning_cb (gpointer data)
{
  gboolean visible;

  g_object_get (data, "idle-warning-visible", &visible, NULL);
  return visible;
}


static gboolean
arrival_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static gboolean
agent_ready_cb (gpointer data)
{
  KioskWindow *window = data;
  GtkWidget *page = kiosk_window_get_page (window, "agent");
  GtkStack *stack = GTK_STACK (kiosk_window_find_widget (window, "agent-stack"));

  return !kiosk_page_get_busy (KIOSK_PAGE (page))
         && g_strcmp0 (gtk_stack_get_visible_child_name (stack), "dashboard") == 0;
}

static gboolean
sign_in_code_cb (gpointer data)
{
  return *kiosk_test_label (data, "sign-in-code") != '\0';
}

static gboolean
signed_in_cb (gpointer data)
{
  return kiosk_session_get_account (kiosk_context_get_session (data)) != NULL;
}

static gboolean
requests_loaded_cb (gpointer data)
{
  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_get_page (data, "my-requests")));
}

static void
french_walk (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-lang-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  if (large_text)
    {
      kiosk_test_click (window, "large-text-toggle");
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "large-text"));
    }
  visit_page (window, "01-welcome");
  kiosk_test_click (window, "privacy-button");
  kiosk_test_wait_for_page (window, "privacy");
  visit_page (window, "01-privacy");
  kiosk_test_click (window, "privacy-back");
  kiosk_test_wait_for_page (window, "welcome");

  kiosk_test_click (window, "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  visit_page (window, "02-catalogue");
  kiosk_test_type (window, "search-entry", "aide medicale");
  g_signal_emit_by_name (kiosk_test_find (window, "search-entry"), "search-changed");
  visit_page (window, "03-catalogue-search");
  kiosk_test_type (window, "search-entry", "");
  g_signal_emit_by_name (kiosk_test_find (window, "search-entry"), "search-changed");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  visit_page (window, "04-procedure");

  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_type (window, "field-birth_date", "31/02/1961");
  kiosk_test_click (window, "form-next");
  visit_page (window, "05-form-errors");
  kiosk_test_type (window, "field-first_name", "Léa");
  kiosk_test_type (window, "field-birth_date", "12/04/1961");
  /* The on-screen keyboard, as on a touch terminal. */
  kiosk_window_set_keyboard_mode (window, "always");
  gtk_widget_grab_focus (kiosk_test_find (window, "field-first_name"));
  visit_page (window, "05-form-keyboard");
  kiosk_window_set_keyboard_mode (window, "never");
  kiosk_test_click (window, "form-next");
  kiosk_test_type (window, "field-household_size", "2");
  kiosk_test_type (window, "field-monthly_income", "98 000");
  kiosk_test_click (window, "field-cover-cafat");
  visit_page (window, "06-form-step-2");
  kiosk_test_click (window, "form-next");
  kiosk_test_type (window, "field-phone", "27 12 34");
  /* A terminal with a camera: "Avec la caméra" beside "Numériser", and what it sees. */
  g_setenv ("KIOSK_CAMERA_PIPELINE", "videotestsrc is-live=true pattern=smpte ! video/x-raw,width=800,height=600,framerate=15/1", TRUE);
  kiosk_test_click (window, "form-next");

  kiosk_test_wait_for_page (window, "documents");
  visit_page (window, "07-documents");
  kiosk_test_click (window, "camera-id_card");
  g_assert_true (kiosk_test_wait (camera_shows_cb, window, 15000));
  visit_page (window, "07-documents-camera");
  kiosk_test_click (window, "camera-cancel");
  kiosk_test_click (window, "scan-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 30000));
  visit_page (window, "08-documents-scanned");
  /* Turning or cropping the card by hand, then leaving it as it was. */
  kiosk_test_click (window, "edit-id_card");
  visit_page (window, "08-documents-crop");
  kiosk_test_click (window, "edit-cancel");
  /* The card's back, as the page now asks. */
  kiosk_test_click (window, "scan-back-id_card");
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 30000));
  visit_page (window, "08-documents-both-sides");
  kiosk_test_click (window, "documents-next");

  kiosk_test_wait_for_page (window, "review");
  g_unsetenv ("KIOSK_CAMERA_PIPELINE");
  visit_page (window, "09-review");

  /* High contrast, for this session. */
  kiosk_test_click (window, "contrast-toggle");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
  visit_page (window, "09-review-high-contrast");
  kiosk_test_click (window, "contrast-toggle");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));

  /* The idle warning, over the review page. */
  g_object_set (window, "idle-timeout", 1, "idle-warning", 30, NULL);
  g_assert_true (kiosk_test_wait (idle_warning_cb, window, 5000));
  visit_page (window, "10-idle-warning");
  kiosk_test_click (window, "idle-extend");
  g_object_set (window, "idle-timeout", 0, NULL);

  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  visit_page (window, "11-receipt");

  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");

  /* An appointment: reason, week, contact, booked. */
  kiosk_test_click (window, "welcome-appointment");
  kiosk_test_wait_for_page (window, "appointment");
  kiosk_test_wait_for_appointment_step (window, "motifs");
  visit_page (window, "12-appointment-motifs");
  kiosk_test_click (window, "motif-aide-medicale");
  kiosk_test_wait_for_appointment_step (window, "slots");
  visit_page (window, "13-appointment-week");
  g_signal_emit_by_name (kiosk_test_find_prefixed (kiosk_test_find (window, "slots-days"), "slot-"), "clicked");
  kiosk_test_wait_for_appointment_step (window, "contact");
  kiosk_test_type (window, "appointment-name", "Léa Wamytan");
  kiosk_test_type (window, "appointment-phone", "27 12 34");
  visit_page (window, "14-appointment-contact");
  kiosk_test_click (window, "appointment-confirm");
  kiosk_test_wait_for_appointment_step (window, "done");
  visit_page (window, "15-appointment-booked");
  {
    const KioskAppointment *booked =
      kiosk_appointment_page_get_appointment (KIOSK_APPOINTMENT_PAGE (kiosk_window_get_page (window, "appointment")));
    g_autofree char *reference = g_strdup (booked->reference);

    kiosk_test_click (window, "appointment-finish");
    kiosk_test_wait_for_page (window, "welcome");

    /* Arrival: too early for this appointment, the citizen is told its day. */
    kiosk_test_click (window, "welcome-arrival");
    kiosk_test_wait_for_page (window, "arrival");
    kiosk_test_type (window, "arrival-reference", reference);
    kiosk_test_click (window, "arrival-check-in");
    g_assert_true (kiosk_test_wait (arrival_idle_cb, kiosk_window_get_page (window, "arrival"), 20000));
    visit_page (window, "16-arrival");
  }
  kiosk_test_finish_session (window);

  /* Agent mode: the login, then the dashboard with the day's queue. */
  {
    g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);

    g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", NULL));
  }
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  visit_page (window, "17-agent-login");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_ready_cb, window, 20000));
  visit_page (window, "18-agent-dashboard");
  kiosk_test_click (window, "agent-lock");
  kiosk_test_finish_session (window);

  /* Signing in with the phone, then "My requests". */
  kiosk_test_click (window, "welcome-sign-in");
  kiosk_test_wait_for_page (window, "sign-in");
  g_assert_true (kiosk_test_wait (sign_in_code_cb, window, 10000));
  visit_page (window, "19-sign-in");
  {
    g_autofree char *form = g_strdup_printf ("user_code=%s&account=marie.wamytan&decision=approve",
                                             kiosk_test_label (window, "sign-in-code"));
    g_autofree char *url = g_strconcat (portal->url, "activer", NULL);
    g_autofree char *answer = kiosk_test_http ("POST", url, form, NULL);
  }
  /* "Is this you?" with the account's name, before anything of it is used. */
  kiosk_test_wait_clickable (window, "sign-in-confirm");
  visit_page (window, "19-sign-in-confirm");
  kiosk_test_click (window, "sign-in-confirm");
  g_assert_true (kiosk_test_wait (signed_in_cb, context, 10000));
  visit_page (window, "20-signed-in");
  kiosk_test_click (window, "sign-in-my-requests");
  kiosk_test_wait_for_page (window, "my-requests");
  kiosk_test_spin (20);
  g_assert_true (kiosk_test_wait (requests_loaded_cb, window, 10000));
  visit_page (window, "21-my-requests");
  kiosk_test_finish_session (window);

  /* The procedures engine: an eligibility stop, a repeated block with two entries, an address. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-sejours-vacances");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  {
    KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
    const KioskField *children = kiosk_procedure_find_field (kiosk_dossier_get_procedure (dossier), "children");

    kiosk_test_fill_dossier (dossier);
    kiosk_dossier_set_block_count (dossier, children, 2);
    kiosk_test_fill_dossier (dossier);
    kiosk_dossier_set_answer (dossier, "monthly_income", "520 000");
    gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-step", "u", 0);
    kiosk_test_click (window, "form-next");
    g_assert_true (kiosk_form_page_get_stopped (KIOSK_FORM_PAGE (kiosk_window_get_page (window, "form"))));
    visit_page (window, "22-form-not-eligible");
    kiosk_test_click (window, "form-change-answers");
    kiosk_test_type (window, "field-monthly_income", "98 000");
    kiosk_test_click (window, "form-next");
    visit_page (window, "23-form-repeated-block");
    gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-step", "u", 3);
    visit_page (window, "24-form-address");
  }
  /* "Continue later": the code and its QR code; then "Resume a draft". */
  kiosk_test_click (window, "form-park");
  kiosk_test_wait_for_page (window, "draft");
  g_assert_true (kiosk_test_wait (draft_idle_cb, kiosk_window_get_page (window, "draft"), 20000));
  visit_page (window, "25-draft-parked");
  kiosk_test_click (window, "draft-phone");
  g_assert_true (kiosk_test_wait (draft_idle_cb, kiosk_window_get_page (window, "draft"), 20000));
  visit_page (window, "25-draft-phone");
  kiosk_test_click (window, "draft-finish");
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-resume-draft");
  kiosk_test_wait_for_page (window, "draft");
  visit_page (window, "26-draft-resume");
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_french_walk (void)
{
  large_text = FALSE;
  french_walk ();
}

static void
test_large_text_walk (void)
{
  large_text = TRUE;
  french_walk ();
  large_text = FALSE;
}

static gboolean
has_window_cb (gpointer data)
{
  return gtk_application_get_active_window (data) != NULL;
}

static const char *
welcome_title (GtkApplication *app)
{
  KioskWindow *window = KIOSK_WINDOW (gtk_application_get_active_window (app));

  kiosk_test_wait_for_page (window, "welcome");
  return gtk_window_get_title (GTK_WINDOW (window));
}

static gboolean
window_replaced_cb (gpointer data)
{
  GtkApplication *app = GTK_APPLICATION (g_application_get_default ());

  return gtk_application_get_active_window (app) != NULL && gtk_application_get_active_window (app) != data;
}

/* The real application's language action: each switch gives a new window in that language. */
static void
test_switch (void)
{
  g_autoptr(KioskApplication) app = kiosk_application_new ();
  g_autofree char *state = g_dir_make_tmp ("kiosk-state-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  GtkWindow *first;

  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_true (kiosk_test_wait (has_window_cb, app, 5000));
  first = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_cmpstr (welcome_title (GTK_APPLICATION (app)), ==, "Borne des démarches");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (kiosk_test_find (KIOSK_WINDOW (first), "language-fr"))));

  kiosk_test_click (KIOSK_WINDOW (first), "language-en");
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (app)) != first);
  g_assert_cmpstr (welcome_title (GTK_APPLICATION (app)), ==, "Procedures kiosk");
  g_assert_cmpstr (_("Start a procedure"), ==, "Start a procedure");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (
    kiosk_test_find (KIOSK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))), "language-en"))));

  kiosk_test_click (KIOSK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))), "language-fr");
  g_assert_cmpstr (welcome_title (GTK_APPLICATION (app)), ==, "Borne des démarches");
  g_assert_cmpstr (_("Start a procedure"), !=, "Start a procedure");

  /* A citizen chooses English, then finishes: the next one gets a new window, in French. */
  kiosk_test_click (KIOSK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))), "language-en");
  g_assert_cmpstr (welcome_title (GTK_APPLICATION (app)), ==, "Procedures kiosk");
  first = gtk_application_get_active_window (GTK_APPLICATION (app));
  gtk_widget_activate_action (GTK_WIDGET (first), "win.finish", NULL);
  g_assert_true (kiosk_test_wait (window_replaced_cb, first, 5000));
  g_assert_cmpstr (welcome_title (GTK_APPLICATION (app)), ==, "Borne des démarches");

  gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (app)));
  kiosk_test_spin (50);
}

/* The French a newcomer read: "l'EPN" (the place's name is not put after "À"), decimal commas,
 * "parti(e)", and no colour named where contrast mode shows another one. */
static void
test_french_wording (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-lang-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  g_autoptr(GRegex) point = g_regex_new ("[0-9]\\.[0-9]", 0, 0, NULL);
  const char *text;

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "privacy-button");
  kiosk_test_wait_for_page (window, "privacy");
  g_assert_nonnull (strstr (kiosk_test_label (window, "privacy-what-stays"), "parti(e)"));

  kiosk_test_click (window, "contrast-toggle");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_click (window, "form-next");
  text = kiosk_test_label (window, "form-banner");
  g_assert_null (strstr (text, "rouge"));
  g_assert_nonnull (strstr (text, "signalés"));
  kiosk_test_finish_session (window);

  kiosk_test_click (window, "welcome-appointment");
  kiosk_test_wait_for_page (window, "appointment");
  kiosk_test_wait_for_appointment_step (window, "motifs");
  text = kiosk_test_label (window, "appointment-subtitle");
  g_assert_null (strstr (text, "À EPN"));
  g_assert_true (g_str_has_prefix (text, "Lieu\u00a0: EPN de Nouméa centre."));
  kiosk_test_click (window, "motif-aide-medicale");
  kiosk_test_wait_for_appointment_step (window, "slots");
  g_signal_emit_by_name (kiosk_test_find_prefixed (kiosk_test_find (window, "slots-days"), "slot-"), "clicked");
  kiosk_test_wait_for_appointment_step (window, "contact");
  g_assert_null (strstr (kiosk_test_label (window, "appointment-summary"), "à EPN"));
  kiosk_test_finish_session (window);

  {
    g_autofree char *agents = g_build_filename (data_dir, "agents.ini", NULL);

    g_assert_true (kiosk_agents_add (agents, "marie", "Marie Kaloi", "482913", NULL));
  }
  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  kiosk_test_type (window, "agent-id", "marie");
  kiosk_test_type (window, "agent-pin", "482913");
  kiosk_test_click (window, "agent-unlock");
  g_assert_true (kiosk_test_wait (agent_ready_cb, window, 20000));
  text = kiosk_test_label (window, "agent-health");
  g_assert_nonnull (strstr (text, "Espace disque libre"));
  g_assert_false (g_regex_match (point, text, 0, NULL));
  kiosk_test_click (window, "agent-lock");
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0 && gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
results_shown_cb (gpointer data)
{
  return find_named (data, "result-description") != NULL;
}

/* At 200 %, what a search finds is on screen after typing (not below the theme buttons), and
 * its description is whole, not cut with "…". */
static void
test_large_text_search (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-lang-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  GtkWidget *page, *results, *description;
  graphene_rect_t bounds;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "large-text-toggle");
  kiosk_test_click (window, "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  page = kiosk_window_get_page (window, "catalogue");
  gtk_widget_grab_focus (kiosk_test_find (window, "search-entry"));
  kiosk_test_press_keys (window, "m e d i c a l e");
  g_assert_true (kiosk_test_wait (results_shown_cb, page, 5000));
  kiosk_test_spin (300);

  /* The first result is inside the page as shown, without scrolling. */
  results = kiosk_test_find (window, "results-view");
  g_assert_true (gtk_widget_compute_bounds (results, page, &bounds));
  g_assert_cmpfloat (bounds.origin.y, <, gtk_widget_get_height (page) - 100);
  description = find_named (page, "result-description");
  g_assert_nonnull (description);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (description))));

  /* The search cleared, the themes are back. */
  kiosk_test_type (window, "search-entry", "");
  g_signal_emit_by_name (kiosk_test_find (window, "search-entry"), "search-changed");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "catalogue-filters")));
  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("fr");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  load_english_msgids ();
  {
    const char *extra[] = { "--device-interval", "1", NULL };

    portal = kiosk_test_portal_start_with (extra);
  }
  g_test_add_func ("/language/french-walk", test_french_walk);
  g_test_add_func ("/language/large-text-walk", test_large_text_walk);
  g_test_add_func ("/language/switch", test_switch);
  g_test_add_func ("/language/french-wording", test_french_wording);
  g_test_add_func ("/language/large-text-search", test_large_text_search);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
