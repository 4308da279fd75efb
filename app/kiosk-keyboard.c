/* kiosk-keyboard.c: the kiosk's own on-screen keyboard — French AZERTY with the accented
 * letters, a page of digits and signs, keys for e-mail addresses ("@", ".nc"), large keys.
 *
 * Its keys never take the focus: they type into the text field that has it (the editable's
 * delegate, so GtkEntry and GtkPasswordEntry alike), at the cursor. KioskWindow shows it when
 * a text field takes the focus on a touch terminal (or always, or never: GSettings
 * "on-screen-keyboard"). */
#include "kiosk-keyboard.h"
#include "kiosk-types.h"

#include <glib/gi18n.h>
#include <string.h>

struct _KioskKeyboard
{
  GtkBox      parent_instance;

  GtkWidget  *target;      /* weak: the focused editable */
  GtkStack   *pages;
  gboolean    shift;
  GPtrArray  *letter_keys; /* of GtkButton, relabelled by Shift */
};

G_DEFINE_FINAL_TYPE (KioskKeyboard, kiosk_keyboard, GTK_TYPE_BOX)

static void show_page_for_target (KioskKeyboard *self);

enum { HIDE_REQUESTED, KEY_CHOSEN, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const letters[] = {
  "a z e r t y u i o p",
  "q s d f g h j k l m",
  "w x c v b n ' - ,",
  "é è ê à ç ù â î ô",
};
static const char *const digits[] = {
  "1 2 3 4 5 6 7 8 9 0",
  "@ . _ + ( ) / : ? !",
};

/* Returns: (transfer none) (nullable): the GtkEditable to type into */
static GtkEditable *
target_editable (KioskKeyboard *self)
{
  GtkWidget *widget = self->target;

  if (widget == NULL || !GTK_IS_EDITABLE (widget))
    return NULL;
  return GTK_EDITABLE (widget);
}

static void
type_text (KioskKeyboard *self,
           const char    *text)
{
  GtkEditable *editable = target_editable (self);
  int position;

  if (self->target != NULL && GTK_IS_TEXT_VIEW (self->target))
    {
      gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->target)), text, -1);
      return;
    }
  if (editable == NULL)
    return;
  gtk_editable_delete_selection (editable);
  position = gtk_editable_get_position (editable);
  gtk_editable_insert_text (editable, text, -1, &position);
  gtk_editable_set_position (editable, position);
}

static void
letter_clicked_cb (GtkButton     *button,
                   KioskKeyboard *self)
{
  g_signal_emit (self, signals[KEY_CHOSEN], 0, gtk_button_get_label (button));
  type_text (self, gtk_button_get_label (button));
  if (self->shift)
    kiosk_keyboard_set_shift (self, FALSE);   /* one capital, as on a phone */
}

static void
special_clicked_cb (GtkButton     *button,
                    KioskKeyboard *self)
{
  g_autofree char *key = g_strdup (g_object_get_data (G_OBJECT (button), "key"));
  GtkEditable *editable = target_editable (self);
  char *suffix = strstr (key, "-digits");   /* the same key on the digits page */

  if (suffix != NULL)
    *suffix = '\0';
  g_signal_emit (self, signals[KEY_CHOSEN], 0, gtk_button_get_label (button));
  if (g_str_equal (key, "at"))
    type_text (self, "@");
  else if (g_str_equal (key, "space"))
    type_text (self, " ");
  else if (g_str_equal (key, "nc"))
    type_text (self, ".nc");
  else if (g_str_equal (key, "shift"))
    kiosk_keyboard_set_shift (self, !self->shift);
  else if (g_str_equal (key, "digits"))
    gtk_stack_set_visible_child_name (self->pages, "digits");
  else if (g_str_equal (key, "letters"))
    gtk_stack_set_visible_child_name (self->pages, "letters");
  else if (g_str_equal (key, "hide"))
    g_signal_emit (self, signals[HIDE_REQUESTED], 0);
  else if (g_str_equal (key, "backspace") && self->target != NULL && GTK_IS_TEXT_VIEW (self->target))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->target));
      GtkTextIter cursor;

      gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
      gtk_text_buffer_backspace (buffer, &cursor, TRUE, TRUE);
    }
  else if (g_str_equal (key, "backspace") && editable != NULL)
    {
      int start, end;

      if (gtk_editable_get_selection_bounds (editable, &start, &end))
        gtk_editable_delete_selection (editable);
      else if ((end = gtk_editable_get_position (editable)) > 0)
        gtk_editable_delete_text (editable, end - 1, end);
    }
  else if (g_str_equal (key, "enter") && self->target != NULL)
    g_signal_emit_by_name (self->target, "activate");
}

static GtkWidget *
new_key (KioskKeyboard *self,
         const char    *label,
         const char    *name)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_add_css_class (button, "kiosk-key");
  gtk_widget_set_name (button, name);
  return button;
}

static GtkWidget *
new_special (KioskKeyboard *self,
             const char    *label,
             const char    *key)
{
  g_autofree char *name = g_strdup_printf ("key-%s", key);
  GtkWidget *button = new_key (self, label, name);

  g_object_set_data_full (G_OBJECT (button), "key", g_strdup (key), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (special_clicked_cb), self);
  return button;
}

static GtkWidget *
new_row (KioskKeyboard *self,
         const char    *keys)
{
  g_auto(GStrv) list = g_strsplit (keys, " ", -1);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_set_homogeneous (GTK_BOX (row), TRUE);
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("key-%s", list[i]);
      GtkWidget *button = new_key (self, list[i], name);

      g_signal_connect (button, "clicked", G_CALLBACK (letter_clicked_cb), self);
      g_ptr_array_add (self->letter_keys, button);
      gtk_box_append (GTK_BOX (row), button);
    }
  return row;
}

static GtkWidget *
new_bottom_row (KioskKeyboard *self,
                gboolean       letters_page)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *space = new_special (self, _("space"), "space");

  if (letters_page)
    gtk_box_append (GTK_BOX (row), new_special (self, _("Capital"), "shift"));
  /* TRANSLATORS: on-screen keyboard: switch to digits and signs, or back to letters */
  gtk_box_append (GTK_BOX (row), letters_page ? new_special (self, _("123"), "digits")
                                             : new_special (self, _("abc"), "letters"));
  gtk_box_append (GTK_BOX (row), new_special (self, "@", letters_page ? "at" : "at-digits"));
  gtk_box_append (GTK_BOX (row), new_special (self, ".nc", letters_page ? "nc" : "nc-digits"));
  gtk_widget_set_hexpand (space, TRUE);
  gtk_widget_set_size_request (space, 320, -1);
  gtk_box_append (GTK_BOX (row), space);
  gtk_box_append (GTK_BOX (row), new_special (self, _("Erase"), letters_page ? "backspace" : "backspace-digits"));
  gtk_box_append (GTK_BOX (row), new_special (self, _("Enter"), letters_page ? "enter" : "enter-digits"));
  gtk_box_append (GTK_BOX (row), new_special (self, _("Hide"), letters_page ? "hide" : "hide-digits"));
  return row;
}

/**
 * kiosk_keyboard_set_shift:
 *
 * Capital letters for the next key (the keys show them).
 */
void
kiosk_keyboard_set_shift (KioskKeyboard *self,
                          gboolean       shift)
{
  self->shift = shift;
  for (guint i = 0; i < self->letter_keys->len; i++)
    {
      GtkButton *button = g_ptr_array_index (self->letter_keys, i);
      g_autofree char *label = shift ? g_utf8_strup (gtk_button_get_label (button), -1)
                                     : g_utf8_strdown (gtk_button_get_label (button), -1);

      gtk_button_set_label (button, label);
    }
}

/**
 * kiosk_keyboard_set_target:
 * @target: (nullable): the focused text field (its GtkText) to type into
 */
void
kiosk_keyboard_set_target (KioskKeyboard *self,
                           GtkWidget     *target)
{
  g_set_weak_pointer (&self->target, target);
  show_page_for_target (self);
}

static void
kiosk_keyboard_dispose (GObject *object)
{
  KioskKeyboard *self = KIOSK_KEYBOARD (object);

  g_clear_weak_pointer (&self->target);
  g_clear_pointer (&self->letter_keys, g_ptr_array_unref);
  G_OBJECT_CLASS (kiosk_keyboard_parent_class)->dispose (object);
}

static void
kiosk_keyboard_class_init (KioskKeyboardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kiosk_keyboard_dispose;
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_GROUP);

  /**
   * KioskKeyboard::hide-requested:
   *
   * The citizen pressed "Hide".
   */
  signals[HIDE_REQUESTED] = g_signal_new ("hide-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KioskKeyboard::key-chosen:
   * @text: the key's words, as written on it ("a", "É", "espace", "Effacer")
   *
   * A key was pressed, before it types: the window reads it aloud when asked to.
   */
  signals[KEY_CHOSEN] = g_signal_new ("key-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void build_keys (KioskKeyboard *self);

static void
kiosk_keyboard_init (KioskKeyboard *self)
{
  self->letter_keys = g_ptr_array_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "kiosk-keyboard");
  gtk_widget_set_name (GTK_WIDGET (self), "keyboard");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("On-screen keyboard"), -1);
  self->pages = GTK_STACK (gtk_stack_new ());
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->pages));
  /* Its hundred keys are built the first time it shows: most sessions never need it, and the
   * first frame should not pay for it. */
  g_signal_connect (self, "map", G_CALLBACK (build_keys), NULL);
}

/* E-mail and phone fields open on the digits and signs. */
static void
show_page_for_target (KioskKeyboard *self)
{
  if (self->target != NULL && GTK_IS_TEXT (self->target)
      && gtk_stack_get_child_by_name (self->pages, "letters") != NULL)
    {
      GtkInputPurpose purpose = gtk_text_get_input_purpose (GTK_TEXT (self->target));

      gtk_stack_set_visible_child_name (self->pages,
                                        purpose == GTK_INPUT_PURPOSE_PHONE
                                        || purpose == GTK_INPUT_PURPOSE_DIGITS
                                        || purpose == GTK_INPUT_PURPOSE_NUMBER ? "digits" : "letters");
    }
}

static void
build_keys (KioskKeyboard *self)
{
  GtkWidget *letters_page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *digits_page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  g_signal_handlers_disconnect_by_func (self, build_keys, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (letters); i++)
    gtk_box_append (GTK_BOX (letters_page), new_row (self, letters[i]));
  gtk_box_append (GTK_BOX (letters_page), new_bottom_row (self, TRUE));
  /* Digits are not letters: Shift leaves them alone. */
  {
    guint n_letters = self->letter_keys->len;

    for (guint i = 0; i < G_N_ELEMENTS (digits); i++)
      gtk_box_append (GTK_BOX (digits_page), new_row (self, digits[i]));
    g_ptr_array_set_size (self->letter_keys, n_letters);
  }
  gtk_box_append (GTK_BOX (digits_page), new_bottom_row (self, FALSE));
  /* TRANSLATORS: the on-screen keyboard's page of letters, for a screen reader */
  gtk_stack_add_titled (self->pages, letters_page, "letters", _("Letters"));
  /* TRANSLATORS: the on-screen keyboard's page of digits and signs, for a screen reader */
  gtk_stack_add_titled (self->pages, digits_page, "digits", _("Digits and signs"));
  kiosk_stack_label_pages (self->pages);
  if (self->shift)
    kiosk_keyboard_set_shift (self, TRUE);
  show_page_for_target (self);
}

GtkWidget *
kiosk_keyboard_new (void)
{
  return g_object_new (KIOSK_TYPE_KEYBOARD, NULL);
}
