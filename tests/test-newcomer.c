/* test-newcomer.c (suites a11y and ui): what a new user tripped on (issue 20), tried through
 * the real window at the terminal's 1280×800.
 *
 * Touch targets: every button, toggle, radio, check box and drop-down on every page is at least
 * 44 × 44 px (WCAG 2.5.5) as allocated, and the procedure page's buttons and "Mode agent" are
 * above the fold. Screen readers: the form's radio choices are radio buttons, and an error
 * message is tied to its field (error-message relation, invalid state). Small visual points: the
 * "agent told" notice stays until an agent answers, the idle warning hides the page under it,
 * the receipt's URL never breaks inside the number, and the receipt fades out unchanged. */
#include "kiosk-test-util.h"

#include "kiosk-page.h"

#include <string.h>

#define MIN_TARGET 44
#define SCREEN_WIDTH 1280
#define SCREEN_HEIGHT 800

static KioskTestPortal *portal;

static gboolean
is_target (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_DROP_DOWN (widget)
         || GTK_IS_SWITCH (widget) || GTK_IS_MENU_BUTTON (widget);
}

/* Where @widget is in the window, or FALSE when it is not drawn. */
static gboolean
get_window_bounds (GtkWidget       *widget,
                   graphene_rect_t *bounds)
{
  return gtk_widget_get_mapped (widget)
         && gtk_widget_compute_bounds (widget, GTK_WIDGET (gtk_widget_get_root (widget)), bounds);
}

/* Appends "name W×H" for each target under @widget smaller than MIN_TARGET. The on-screen
 * keyboard is left out: its keys are sized by its own test. */
static void
collect_small_targets (GtkWidget *widget,
                       GString   *small)
{
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget) || GTK_IS_SCROLLBAR (widget)
      || g_strcmp0 (gtk_widget_get_name (widget), "keyboard") == 0)
    return;
  if (is_target (widget) && get_window_bounds (widget, &bounds)
      && (bounds.size.width < MIN_TARGET - 0.5 || bounds.size.height < MIN_TARGET - 0.5))
    g_string_append_printf (small, " %s(%s) %.0f×%.0f;", gtk_widget_get_name (widget),
                            G_OBJECT_TYPE_NAME (widget), bounds.size.width, bounds.size.height);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_small_targets (child, small);
}

static gboolean
targets_large_cb (gpointer data)
{
  g_autoptr(GString) small = g_string_new (NULL);

  collect_small_targets (data, small);
  return small->len == 0;
}

/* A page just shown is laid out over the next frames: its targets are measured once that is
 * done, i.e. once they all are large enough, or after 10 s, when the small ones are named. */
static void
assert_targets (KioskWindow *window,
                const char  *where)
{
  g_autoptr(GString) small = g_string_new (NULL);

  kiosk_test_wait_widget_drawn (GTK_WIDGET (window));
  kiosk_test_wait (targets_large_cb, window, 10000);
  collect_small_targets (GTK_WIDGET (window), small);
  if (small->len > 0)
    g_error ("%s: targets under %d px:%s", where, MIN_TARGET, small->str);
}

/* Fully on screen, not under the fold nor cut by it. */
static void
assert_above_fold (KioskWindow *window,
                   const char  *name)
{
  GtkWidget *widget = kiosk_test_wait_drawn (window, name);
  graphene_rect_t bounds;

  g_assert_true (get_window_bounds (widget, &bounds));
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, SCREEN_HEIGHT);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, SCREEN_WIDTH);
}

static KioskWindow *
new_window (KioskContext *context)
{
  KioskWindow *window = kiosk_window_new (NULL, context);

  gtk_window_set_default_size (GTK_WINDOW (window), SCREEN_WIDTH, SCREEN_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  return window;
}

static void
show_page (KioskWindow *window,
           const char  *name)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", name);
  kiosk_test_wait_for_page (window, name);
}

static gboolean
receipt_shown_cb (gpointer data)
{
  return g_strcmp0 (kiosk_window_get_page_name (data), "receipt") == 0;
}

/* Every page a citizen or an agent meets, as they meet it. */
static void
test_touch_targets (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-newcomer-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);

  assert_targets (window, "welcome");
  assert_above_fold (window, "welcome-agent");
  kiosk_test_click (window, "start-button");
  kiosk_test_wait_for_page (window, "catalogue");
  assert_targets (window, "catalogue");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  assert_targets (window, "procedure");
  assert_above_fold (window, "start-dossier-button");
  assert_above_fold (window, "procedure-back");

  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  assert_targets (window, "form, step 1");
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_type (window, "field-first_name", "Léa");
  kiosk_test_type (window, "field-birth_date", "12/04/1961");
  kiosk_test_click (window, "form-next");
  kiosk_test_wait_drawn (window, "field-cover-cafat");
  assert_targets (window, "form, step 2 (radio choices)");

  kiosk_test_complete_dossier (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  show_page (window, "documents");
  assert_targets (window, "documents");
  show_page (window, "review");
  assert_targets (window, "review");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL);
  g_assert_true (kiosk_test_wait (receipt_shown_cb, window, 60000));
  assert_targets (window, "receipt");
  kiosk_test_finish_session (window);

  kiosk_test_click (window, "welcome-agent");
  kiosk_test_wait_for_page (window, "agent");
  assert_targets (window, "agent");
  kiosk_test_finish_session (window);
  show_page (window, "privacy");
  assert_targets (window, "privacy");
  show_page (window, "arrival");
  assert_targets (window, "arrival");

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

/* The form over the accessibility interface: radios, and errors tied to their fields. */
static void
test_form_accessible (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-newcomer-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  GtkWidget *field;
  GtkWidget *error;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");

  /* An empty required answer: the message is the field's error message, the field invalid. */
  kiosk_test_click (window, "form-next");
  field = kiosk_test_find (window, "field-last_name");
  error = kiosk_test_find (window, "error-last_name");
  g_assert_true (gtk_widget_get_visible (error));
  gtk_test_accessible_assert_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_ERROR_MESSAGE, error);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);
  kiosk_test_type (window, "field-last_name", "Wamytan");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_FALSE);

  kiosk_test_type (window, "field-first_name", "Léa");
  kiosk_test_type (window, "field-birth_date", "12/04/1961");
  kiosk_test_click (window, "form-next");

  /* One choice of a group is a radio button, checked once chosen. */
  field = kiosk_test_find (window, "field-cover-cafat");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_ROLE_RADIO);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_CHECKED, GTK_ACCESSIBLE_TRISTATE_FALSE);
  kiosk_test_click (window, "field-cover-cafat");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_CHECKED, GTK_ACCESSIBLE_TRISTATE_TRUE);

  /* The display toggles say whether they are on. */
  field = kiosk_test_find (window, "contrast-toggle");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_ROLE_SWITCH);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_CHECKED, GTK_ACCESSIBLE_TRISTATE_FALSE);
  kiosk_test_click (window, "contrast-toggle");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_CHECKED, GTK_ACCESSIBLE_TRISTATE_TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

typedef struct
{
  KioskWindow *window;
  char        *number;   /* the receipt's number when the window switched away from it */
  char        *title;
} SwitchSeen;

static void
visible_child_cb (GtkStack   *stack,
                  GParamSpec *pspec,
                  SwitchSeen *seen)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "welcome") != 0 || seen->number != NULL)
    return;
  seen->number = g_strdup (kiosk_test_label (seen->window, "receipt-number"));
  seen->title = g_strdup (kiosk_test_label (seen->window, "receipt-title"));
}

static gboolean
warning_shown_cb (gpointer data)
{
  gboolean visible;

  g_object_get (data, "idle-warning-visible", &visible, NULL);
  return visible;
}

static gboolean
print_settled_cb (gpointer data)
{
  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_get_page (data, "receipt")))
         && gtk_widget_get_visible (kiosk_test_find (data, "receipt-print-result"));
}

static gboolean
notice_revealed_cb (gpointer data)
{
  return gtk_revealer_get_child_revealed (GTK_REVEALER (data));
}

/* The five small things seen in the screenshots. */
static void
test_visual_points (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-newcomer-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = new_window (context);
  KioskSession *session = kiosk_context_get_session (context);
  GtkWidget *stack = gtk_widget_get_parent (kiosk_window_get_page (window, "welcome"));
  GtkWidget *notice = kiosk_test_find (window, "call-notice");
  SwitchSeen seen = { window, NULL, NULL };
  g_autofree char *number = NULL;
  const char *url;
  PangoLayout *layout;
  int start, end;

  /* "An agent has been told" stays, on every page, until an agent answers. */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (notice)));
  kiosk_test_click (window, "call-agent");
  g_assert_true (kiosk_test_wait (notice_revealed_cb, notice, 10000));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (notice)));
  g_assert_cmpint (gtk_widget_get_height (notice), >=, 48);
  kiosk_test_screenshot (window, "28-call-notice");
  kiosk_session_answer_call (session, NULL);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (notice)));

  /* The idle warning hides the page under it (here the form, later a scanned card). */
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  kiosk_test_type (window, "field-last_name", "Wamytan");
  g_object_set (window, "idle-timeout", 1, "idle-warning", 60, NULL);
  g_assert_true (kiosk_test_wait (warning_shown_cb, window, 30000));
  g_assert_cmpfloat (gtk_widget_get_opacity (stack), ==, 0.0);
  kiosk_test_click (window, "idle-extend");
  g_assert_false (warning_shown_cb (window));
  g_assert_cmpfloat (gtk_widget_get_opacity (stack), ==, 1.0);
  g_object_set (window, "idle-timeout", 600, NULL);

  /* The receipt's URL wraps at 200 % text, never inside the dossier number. */
  kiosk_test_complete_dossier (kiosk_session_get_dossier (session));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.submit", NULL);
  g_assert_true (kiosk_test_wait (receipt_shown_cb, window, 60000));
  kiosk_test_click (window, "large-text-toggle");
  kiosk_test_wait_drawn (window, "receipt-url");
  number = g_strdup (kiosk_test_label (window, "receipt-number"));
  url = kiosk_test_label (window, "receipt-url");
  g_assert_nonnull (strstr (url, number));
  start = strstr (url, number) - url;
  end = start + strlen (number);
  layout = gtk_label_get_layout (GTK_LABEL (kiosk_test_find (window, "receipt-url")));
  g_assert_cmpint (pango_layout_get_line_count (layout), >=, 2);
  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      int index = ((PangoLayoutLine *) l->data)->start_index;

      g_assert_false (index > start && index < end);
    }
  kiosk_test_click (window, "large-text-toggle");

  /* No CUPS at all (CUPS_SERVER names a closed port): printing ends in the sentence too, with
   * the number large. */
  kiosk_test_click (window, "receipt-print");
  g_assert_true (kiosk_test_wait (print_settled_cb, window, 60000));
  {
    g_autofree char *sentence = g_strdup_printf ("L’impression n’a pas fonctionné : notez ou photographiez votre numéro %s.", number);

    g_assert_cmpstr (kiosk_test_label (window, "receipt-print-status"), ==, sentence);
  }
  g_assert_cmpstr (kiosk_test_label (window, "receipt-print-number"), ==, number);
  kiosk_test_screenshot (window, "27-receipt-print-failed");

  /* Finishing: the receipt fades out as it was; it is emptied once the welcome page shows. */
  g_signal_connect (stack, "notify::visible-child", G_CALLBACK (visible_child_cb), &seen);
  kiosk_test_click (window, "receipt-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_signal_handlers_disconnect_by_data (stack, &seen);
  g_assert_cmpstr (seen.number, ==, number);
  g_assert_cmpstr (seen.title, !=, "");
  g_assert_cmpstr (kiosk_test_label (window, "receipt-number"), ==, "");
  g_free (seen.number);
  g_free (seen.title);

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_spin (20);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("fr");
  /* No print server here: the kiosk must say so (tests/test-printing.c has a real one). */
  g_setenv ("CUPS_SERVER", "127.0.0.1:9", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/newcomer/touch-targets", test_touch_targets);
  g_test_add_func ("/newcomer/form-accessible", test_form_accessible);
  g_test_add_func ("/newcomer/visual-points", test_visual_points);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
