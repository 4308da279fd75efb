/* kiosk-field-input.c: one answer's widget (see kiosk-field-input.h). Each widget writes its
 * answer into the dossier on every change; the dossier and the page validate it with the same
 * rules (kiosk-validate.c). */
#include "kiosk-field-input.h"

#include "kiosk-validate.h"

#include <glib/gi18n.h>

static void
entry_changed_cb (GtkEditable   *editable,
                  KioskDossier  *dossier)
{
  const char *key = g_object_get_data (G_OBJECT (editable), "key");

  kiosk_dossier_set_answer (dossier, key, gtk_editable_get_text (editable));
}

static void
buffer_changed_cb (GtkTextBuffer *buffer,
                   KioskDossier  *dossier)
{
  const char *key = g_object_get_data (G_OBJECT (buffer), "key");
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  kiosk_dossier_set_answer (dossier, key, text);
}

static void
choice_toggled_cb (GtkCheckButton *button,
                   KioskDossier   *dossier)
{
  if (!gtk_check_button_get_active (button))
    return;
  kiosk_dossier_set_answer (dossier, g_object_get_data (G_OBJECT (button), "key"),
                            g_object_get_data (G_OBJECT (button), "value"));
}

/* Multiple choice: the answer is the ticked ids, in the order offered, one per line. */
static void
multi_toggled_cb (GtkCheckButton *button,
                  KioskDossier   *dossier)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (button));
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  g_autofree char *text = NULL;

  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (child)))
      g_strv_builder_add (ids, g_object_get_data (G_OBJECT (child), "value"));
  list = g_strv_builder_end (ids);
  text = g_strjoinv ("\n", list);
  kiosk_dossier_set_answer (dossier, g_object_get_data (G_OBJECT (button), "key"), text);
}

static void
commune_selected_cb (GtkDropDown   *dropdown,
                     GParamSpec    *pspec,
                     KioskDossier  *dossier)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  const char *key = g_object_get_data (G_OBJECT (dropdown), "key");

  /* Item 0 is "Choose the commune". */
  kiosk_dossier_set_answer (dossier, key,
                            selected == 0 || selected == GTK_INVALID_LIST_POSITION
                            ? NULL : kiosk_communes[selected - 1]);
}

static GtkWidget *
add_choice (KioskDossier     *dossier,
            GtkWidget        *box,
            GtkCheckButton  **group,
            const char       *key,
            const char       *value,
            const char       *text,
            gboolean          active)
{
  GtkWidget *button = kiosk_choice_button_new (text, group != NULL);
  g_autofree char *name = g_strdup_printf ("field-%s-%s", key, value);

  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "kiosk-choice");
  g_object_set_data_full (G_OBJECT (button), "key", g_strdup (key), g_free);
  g_object_set_data_full (G_OBJECT (button), "value", g_strdup (value), g_free);
  if (group != NULL && *group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (button), *group);
  else if (group != NULL)
    *group = GTK_CHECK_BUTTON (button);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (button), active);
  g_signal_connect_object (button, "toggled",
                         group != NULL ? G_CALLBACK (choice_toggled_cb) : G_CALLBACK (multi_toggled_cb), dossier, 0);
  gtk_box_append (GTK_BOX (box), button);
  return button;
}

static GtkWidget *
new_entry (KioskDossier  *dossier,
           const char    *key,
           const char    *name)
{
  GtkWidget *input = gtk_entry_new ();
  const char *answer = kiosk_dossier_get_answer (dossier, key);

  gtk_widget_set_name (input, name);
  gtk_widget_add_css_class (input, "kiosk-field");
  gtk_editable_set_text (GTK_EDITABLE (input), answer ? answer : "");
  g_object_set_data_full (G_OBJECT (input), "key", g_strdup (key), g_free);
  g_signal_connect_object (input, "changed", G_CALLBACK (entry_changed_cb), dossier, 0);
  gtk_entry_set_activates_default (GTK_ENTRY (input), TRUE);
  return input;
}

static GtkWidget *
build_address (KioskDossier  *dossier,
               const char    *key)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *line_key = g_strconcat (key, "/line", NULL);
  g_autofree char *postcode_key = g_strconcat (key, "/postcode", NULL);
  g_autofree char *commune_key = g_strconcat (key, "/commune", NULL);
  g_autofree char *line_name = g_strdup_printf ("field-%s", line_key);
  g_autofree char *postcode_name = g_strdup_printf ("field-%s", postcode_key);
  g_autofree char *commune_name = g_strdup_printf ("field-%s", commune_key);
  const char *commune = kiosk_dossier_get_answer (dossier, commune_key);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *line, *postcode, *dropdown;
  guint selected = 0;

  line = new_entry (dossier, line_key, line_name);
  /* TRANSLATORS: placeholder of the street part of an address */
  gtk_entry_set_placeholder_text (GTK_ENTRY (line), _("Number and street, lot, tribe or PO box"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (line), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Number and street, lot, tribe or PO box"), -1);
  gtk_box_append (GTK_BOX (box), line);

  postcode = new_entry (dossier, postcode_key, postcode_name);
  gtk_entry_set_input_purpose (GTK_ENTRY (postcode), GTK_INPUT_PURPOSE_DIGITS);
  gtk_entry_set_max_length (GTK_ENTRY (postcode), 5);
  gtk_editable_set_width_chars (GTK_EDITABLE (postcode), 7);
  /* TRANSLATORS: placeholder of the postcode part of an address */
  gtk_entry_set_placeholder_text (GTK_ENTRY (postcode), _("Postcode"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (postcode), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Postcode"), -1);
  gtk_box_append (GTK_BOX (row), postcode);

  /* TRANSLATORS: first entry of the list of communes, before one is chosen */
  g_ptr_array_add (names, (gpointer) _("Choose the commune"));
  for (guint i = 0; kiosk_communes[i] != NULL; i++)
    {
      g_ptr_array_add (names, (gpointer) kiosk_communes[i]);
      if (g_strcmp0 (commune, kiosk_communes[i]) == 0)
        selected = i + 1;
    }
  g_ptr_array_add (names, NULL);
  dropdown = gtk_drop_down_new_from_strings ((const char * const *) names->pdata);
  gtk_widget_set_name (dropdown, commune_name);
  gtk_widget_set_hexpand (dropdown, TRUE);
  gtk_widget_add_css_class (dropdown, "kiosk-field");
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Commune"), -1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), selected);
  g_object_set_data_full (G_OBJECT (dropdown), "key", g_strdup (commune_key), g_free);
  g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (commune_selected_cb), dossier, 0);
  gtk_box_append (GTK_BOX (row), dropdown);
  gtk_box_append (GTK_BOX (box), row);
  return box;
}

/**
 * kiosk_field_input_new:
 * @dossier: where the answer is kept as it is typed, under @key
 * @key: the answer's key (a field's varname, or its place in a repeated block)
 *
 * Returns: (transfer floating): the widget a form page shows for @field, named "field-<key>"
 */
GtkWidget *
kiosk_field_input_new (KioskDossier     *dossier,
             const KioskField *field,
             const char       *key)
{
  const char *answer = kiosk_dossier_get_answer (dossier, key);
  g_autofree char *name = g_strdup_printf ("field-%s", key);
  GtkCheckButton *group = NULL;
  GtkWidget *input;

  switch (field->type)
    {
    case KIOSK_FIELD_TEXT:
      {
        GtkWidget *view = gtk_text_view_new ();
        GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

        gtk_widget_set_name (view, name);
        gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
        gtk_widget_set_size_request (view, -1, 120);
        gtk_widget_add_css_class (view, "kiosk-field");
        gtk_widget_add_css_class (view, "card");
        gtk_text_buffer_set_text (buffer, answer ? answer : "", -1);
        g_object_set_data_full (G_OBJECT (buffer), "key", g_strdup (key), g_free);
        g_signal_connect_object (buffer, "changed", G_CALLBACK (buffer_changed_cb), dossier, 0);
        return view;
      }

    case KIOSK_FIELD_BOOL:
      input = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
      gtk_widget_set_name (input, name);
      add_choice (dossier, input, &group, key, "true", _("Yes"), g_strcmp0 (answer, "true") == 0);
      add_choice (dossier, input, &group, key, "false", _("No"), g_strcmp0 (answer, "false") == 0);
      return input;

    case KIOSK_FIELD_ITEM:
    case KIOSK_FIELD_MULTI:
      {
        g_auto(GStrv) ticked = g_strsplit (answer ? answer : "", "\n", -1);

        input = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
        gtk_widget_set_name (input, name);
        for (guint i = 0; i < field->items->len; i++)
          {
            const KioskChoice *choice = g_ptr_array_index (field->items, i);

            add_choice (dossier, input, field->type == KIOSK_FIELD_ITEM ? &group : NULL, key,
                        choice->id, choice->text,
                        g_strv_contains ((const char * const *) ticked, choice->id));
          }
        return input;
      }

    case KIOSK_FIELD_ADDRESS:
      return build_address (dossier, key);

    default:
      input = new_entry (dossier, key, name);
      switch (field->type)
        {
        case KIOSK_FIELD_INT:
        case KIOSK_FIELD_AMOUNT:
        case KIOSK_FIELD_CAFAT:
        case KIOSK_FIELD_RIDET:
          gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_DIGITS);
          break;
        case KIOSK_FIELD_PHONE:
          gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_PHONE);
          break;
        case KIOSK_FIELD_EMAIL:
          gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_EMAIL);
          break;
        case KIOSK_FIELD_IBAN:
          gtk_entry_set_input_hints (GTK_ENTRY (input), GTK_INPUT_HINT_UPPERCASE_CHARS | GTK_INPUT_HINT_NO_SPELLCHECK);
          break;
        case KIOSK_FIELD_DATE:
          /* TRANSLATORS: placeholder of a date field: day/month/year */
          gtk_entry_set_placeholder_text (GTK_ENTRY (input), _("DD/MM/YYYY"));
          break;
        default:
          break;
        }
      if (field->type == KIOSK_FIELD_STRING)
        gtk_entry_set_input_hints (GTK_ENTRY (input), GTK_INPUT_HINT_UPPERCASE_WORDS);
      return input;
    }
}

