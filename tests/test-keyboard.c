/* test-keyboard.c (suite a11y): the whole journey with the keyboard alone, in French — real key
 * presses through the X server (xdotool): Tab to move, Return or Space to press, typing in the
 * fields; from the welcome page to the receipt and back, scan included. The test only watches
 * where the focus is; every action is a key. No keyboard trap: Tab always moves on. */
#include "kiosk-test-util.h"

#include "kiosk-documents-page.h"
#include "kiosk-json.h"

#include <string.h>

static KioskTestPortal *portal;

static gboolean
named (GtkWidget  *widget,
       const char *name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

/* The focus is on @name, inside it, or on a row holding it. */
static gboolean
focus_is (KioskWindow *window,
          const char  *name)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    if (named (w, name))
      return TRUE;
  return focus != NULL && gtk_widget_get_first_child (focus) != NULL
         && named (gtk_widget_get_first_child (focus), name);
}

/* Presses Tab until the focus reaches @name (at most 80 times). */
static void
tab_to (KioskWindow *window,
        const char  *name)
{
  GtkWidget *last = NULL;
  guint same = 0;

  for (guint i = 0; i < 80; i++)
    {
      GtkWidget *focus;

      if (focus_is (window, name))
        {
          /* Where the focus is shows: once keys have moved it, it carries the focus ring. */
          focus = gtk_root_get_focus (GTK_ROOT (window));
          if (i > 0)
            {
              g_assert_true (gtk_window_get_focus_visible (GTK_WINDOW (window)));
              g_assert_true (gtk_widget_get_state_flags (focus) & GTK_STATE_FLAG_FOCUS_VISIBLE);
            }
          return;
        }
      kiosk_test_press_keys (window, "Tab");
      focus = gtk_root_get_focus (GTK_ROOT (window));
      /* A trap would keep the focus in one place. */
      same = focus == last ? same + 1 : 0;
      g_assert_cmpuint (same, <, 3);
      last = focus;
    }
  g_error ("Tab never reached %s (focus on %s)", name,
           gtk_widget_get_name (gtk_root_get_focus (GTK_ROOT (window))));
}

static void
tab_and_press (KioskWindow *window,
               const char  *name,
               const char  *key)
{
  tab_to (window, name);
  kiosk_test_press_keys (window, key);
}

static void
tab_and_type (KioskWindow *window,
              const char  *name,
              const char  *text)
{
  g_autofree char *keys = NULL;
  GString *sequence = g_string_new ("ctrl+a BackSpace");

  tab_to (window, name);
  for (const char *p = text; *p; p++)
    {
      if (*p == ' ')
        g_string_append (sequence, " space");
      else if (*p == '/')
        g_string_append (sequence, " slash");
      else
        g_string_append_printf (sequence, " %c", *p);
    }
  keys = g_string_free (sequence, FALSE);
  kiosk_test_press_keys (window, keys);
}

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static void
test_keyboard_journey (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-keys-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);

  kiosk_test_portal_post (portal, "_control/reset", "{}");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_spin (300);

  /* The focus ring is drawn: the start button looks different with the focus and without. */
  tab_to (window, "start-button");
  kiosk_test_press_keys (window, "Tab shift+Tab");
  g_assert_true (focus_is (window, "start-button"));
  g_assert_true (gtk_window_get_focus_visible (GTK_WINDOW (window)));
  {
    GtkWidget *button = kiosk_test_find (window, "start-button");
    g_autoptr(GdkTexture) focused = kiosk_test_render_settled (button);
    g_autoptr(GdkTexture) unfocused = NULL;
    int width = gdk_texture_get_width (focused), height = gdk_texture_get_height (focused);
    g_autofree guint8 *a = g_malloc ((gsize) width * height * 4);
    g_autofree guint8 *b = g_malloc ((gsize) width * height * 4);
    gsize differ = 0;

    kiosk_test_press_keys (window, "Tab");
    unfocused = kiosk_test_render_settled (button);
    g_assert_cmpint (gdk_texture_get_width (unfocused), ==, width);
    gdk_texture_download (focused, a, (gsize) width * 4);
    gdk_texture_download (unfocused, b, (gsize) width * 4);
    for (gsize i = 0; i < (gsize) width * height * 4; i++)
      differ += a[i] != b[i];
    /* The ring runs around the button: at least its perimeter, two pixels wide. */
    g_assert_cmpuint (differ, >, (gsize) (width + height) * 2);
    kiosk_test_press_keys (window, "shift+Tab");
  }
  tab_and_press (window, "start-button", "Return");
  kiosk_test_wait_for_page (window, "catalogue");
  tab_and_type (window, "search-entry", "aide medicale");
  kiosk_test_spin (300);
  tab_and_press (window, "result-aide-medicale", "Return");
  kiosk_test_wait_for_page (window, "procedure");
  tab_and_press (window, "start-dossier-button", "Return");
  kiosk_test_wait_for_page (window, "form");

  tab_and_type (window, "field-last_name", "Wamytan");
  tab_and_type (window, "field-first_name", "Lea");
  tab_and_type (window, "field-birth_date", "12/04/1961");
  tab_and_press (window, "form-next", "Return");
  tab_and_type (window, "field-household_size", "2");
  tab_and_type (window, "field-monthly_income", "98000");
  tab_and_press (window, "field-cover-cafat", "space");
  tab_and_press (window, "form-next", "Return");
  tab_and_type (window, "field-phone", "271234");
  tab_and_press (window, "form-next", "Return");

  kiosk_test_wait_for_page (window, "documents");
  tab_and_press (window, "scan-id_card", "Return");
  kiosk_test_spin (100);
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 30000));
  tab_and_press (window, "scan-back-id_card", "Return");
  kiosk_test_spin (100);
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 30000));
  tab_and_press (window, "documents-next", "Return");
  kiosk_test_wait_for_page (window, "review");
  tab_and_press (window, "submit-button", "Return");
  kiosk_test_wait_for_page (window, "receipt");
  {
    g_autoptr(JsonObject) root = kiosk_test_portal_get (portal, "_control/submissions");

    g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (root, "data")), ==, 1);
  }
  tab_and_press (window, "receipt-finish", "Return");
  kiosk_test_wait_for_page (window, "welcome");
  gtk_window_destroy (GTK_WINDOW (window));
}


static void
press (KioskWindow *window,
       const char  *key)
{
  kiosk_test_click (window, key);
}

/* The on-screen keyboard: it comes up with a text field (here "always"; "auto" does on a touch
 * terminal), types at the cursor — a capital, accented letters, digits, "@" and ".nc", erase —
 * without taking the focus, and goes when asked; "never" keeps it away. */
static void
test_on_screen_keyboard (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-osk-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  GtkRevealer *revealer;
  GtkWidget *field;

  kiosk_window_set_keyboard_mode (window, "always");
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  revealer = GTK_REVEALER (gtk_widget_get_parent (kiosk_test_find (window, "keyboard")));
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  field = kiosk_test_find (window, "field-last_name");
  gtk_widget_grab_focus (field);
  kiosk_test_spin (50);
  g_assert_true (gtk_revealer_get_reveal_child (revealer));

  press (window, "key-shift");
  press (window, "key-k");
  press (window, "key-a");
  press (window, "key-l");
  press (window, "key-é");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field)), ==, "Kalé");
  press (window, "key-digits");
  press (window, "key-4");
  press (window, "key-2");
  press (window, "key-backspace-digits");
  press (window, "key-letters");
  press (window, "key-at");
  press (window, "key-nc");
  press (window, "key-space");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field)), ==, "Kalé4@.nc ");
  /* The field kept the focus all along. */
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (field)))));

  press (window, "key-hide");
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (kiosk_test_wait (kiosk_test_hidden_cb, revealer, 5000));

  /* At 200 % text the last field of the page sits low: once the keyboard is up, the page has
   * scrolled so that the field is in sight above it. */
  kiosk_test_click (window, "large-text-toggle");
  kiosk_test_spin (100);
  field = kiosk_test_find (window, "field-birth_date");
  g_assert_true (GTK_IS_EDITABLE (field));
  gtk_widget_grab_focus (field);
  g_assert_true (kiosk_test_wait (kiosk_test_revealed_cb, revealer, 5000));
  kiosk_test_spin (100);
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (field, GTK_TYPE_SCROLLED_WINDOW);
    GtkWidget *keyboard = kiosk_test_find (window, "keyboard");
    graphene_rect_t in_page, in_window, keyboard_bounds;

    g_assert_true (gtk_widget_compute_bounds (field, scroller, &in_page));
    g_assert_true (gtk_widget_compute_bounds (field, GTK_WIDGET (window), &in_window));
    g_assert_true (gtk_widget_compute_bounds (keyboard, GTK_WIDGET (window), &keyboard_bounds));
    g_test_message ("field at %.0f–%.0f in a page %d high; keyboard from %.0f", in_page.origin.y,
                    in_page.origin.y + in_page.size.height, gtk_widget_get_height (scroller),
                    keyboard_bounds.origin.y);
    g_assert_cmpfloat (in_page.origin.y, >=, 0);
    g_assert_cmpfloat (in_page.origin.y + in_page.size.height, <=, gtk_widget_get_height (scroller));
    g_assert_cmpfloat (in_window.origin.y + in_window.size.height, <=, keyboard_bounds.origin.y);
  }
  kiosk_test_click (window, "large-text-toggle");
  press (window, "key-hide");

  /* "never": a physical keyboard only. */
  kiosk_window_set_keyboard_mode (window, "never");
  gtk_widget_grab_focus (kiosk_test_find (window, "field-first_name"));
  kiosk_test_spin (50);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("fr");
  gtk_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/keyboard/journey", test_keyboard_journey);
  g_test_add_func ("/keyboard/on-screen", test_on_screen_keyboard);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
