/* kiosk-form-page.c: builds the widgets of one form page from its fields. Every answer is stored
 * in the dossier as it is typed, so going back and forth loses nothing; "Next" validates the
 * page and shows each message beside its field. */
#include "kiosk-form-page.h"

#include <glib/gi18n.h>

struct _KioskFormPage
{
  AdwBin             parent_instance;

  KioskDossier      *dossier;
  guint              step;
  GHashTable        *error_labels;   /* varname → GtkLabel (borrowed) */
  GHashTable        *inputs;         /* varname → first input widget (borrowed) */

  GtkScrolledWindow *scroller;
  GtkLabel          *step_label;
  GtkLabel          *title_label;
  GtkLabel          *help_label;
  GtkLabel          *banner_label;
  GtkBox            *fields_box;
};

G_DEFINE_FINAL_TYPE (KioskFormPage, kiosk_form_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_STEP, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
entry_changed_cb (GtkEditable   *editable,
                  KioskFormPage *self)
{
  const char *varname = g_object_get_data (G_OBJECT (editable), "varname");

  kiosk_dossier_set_answer (self->dossier, varname, gtk_editable_get_text (editable));
}

static void
buffer_changed_cb (GtkTextBuffer *buffer,
                   KioskFormPage *self)
{
  const char *varname = g_object_get_data (G_OBJECT (buffer), "varname");
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  kiosk_dossier_set_answer (self->dossier, varname, text);
}

static void
choice_toggled_cb (GtkCheckButton *button,
                   KioskFormPage  *self)
{
  if (!gtk_check_button_get_active (button))
    return;
  kiosk_dossier_set_answer (self->dossier, g_object_get_data (G_OBJECT (button), "varname"),
                            g_object_get_data (G_OBJECT (button), "value"));
}

static GtkWidget *
add_choice (KioskFormPage    *self,
            GtkWidget        *box,
            GtkCheckButton  **group,
            const KioskField *field,
            const char       *value,
            const char       *text)
{
  GtkWidget *button = gtk_check_button_new_with_label (text);
  g_autofree char *name = g_strdup_printf ("field-%s-%s", field->varname, value);

  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "kiosk-choice");
  g_object_set_data_full (G_OBJECT (button), "varname", g_strdup (field->varname), g_free);
  g_object_set_data_full (G_OBJECT (button), "value", g_strdup (value), g_free);
  if (*group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (button), *group);
  else
    *group = GTK_CHECK_BUTTON (button);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (button),
                               g_strcmp0 (kiosk_dossier_get_answer (self->dossier, field->varname), value) == 0);
  g_signal_connect (button, "toggled", G_CALLBACK (choice_toggled_cb), self);
  gtk_box_append (GTK_BOX (box), button);
  return button;
}

static GtkWidget *
build_input (KioskFormPage    *self,
             const KioskField *field)
{
  const char *answer = kiosk_dossier_get_answer (self->dossier, field->varname);
  g_autofree char *name = g_strdup_printf ("field-%s", field->varname);
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
        g_object_set_data_full (G_OBJECT (buffer), "varname", g_strdup (field->varname), g_free);
        g_signal_connect (buffer, "changed", G_CALLBACK (buffer_changed_cb), self);
        return view;
      }

    case KIOSK_FIELD_BOOL:
      input = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
      gtk_widget_set_name (input, name);
      add_choice (self, input, &group, field, "true", _("Yes"));
      add_choice (self, input, &group, field, "false", _("No"));
      return input;

    case KIOSK_FIELD_ITEM:
      input = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
      gtk_widget_set_name (input, name);
      for (guint i = 0; i < field->items->len; i++)
        {
          const KioskChoice *choice = g_ptr_array_index (field->items, i);

          add_choice (self, input, &group, field, choice->id, choice->text);
        }
      return input;

    default:
      input = gtk_entry_new ();
      gtk_widget_set_name (input, name);
      gtk_widget_add_css_class (input, "kiosk-field");
      gtk_editable_set_text (GTK_EDITABLE (input), answer ? answer : "");
      g_object_set_data_full (G_OBJECT (input), "varname", g_strdup (field->varname), g_free);
      switch (field->type)
        {
        case KIOSK_FIELD_INT:
        case KIOSK_FIELD_AMOUNT:
          gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_DIGITS);
          break;
        case KIOSK_FIELD_PHONE:
          gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_PHONE);
          break;
        case KIOSK_FIELD_EMAIL:
          gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_EMAIL);
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
      g_signal_connect (input, "changed", G_CALLBACK (entry_changed_cb), self);
      gtk_entry_set_activates_default (GTK_ENTRY (input), TRUE);
      return input;
    }
}

static void
add_field (KioskFormPage    *self,
           const KioskField *field)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *label_text = NULL;
  g_autofree char *error_name = g_strdup_printf ("error-%s", field->varname);
  GtkWidget *label;
  GtkWidget *hint = NULL;
  GtkWidget *input;
  GtkWidget *error;

  if (field->required)
    label_text = g_strdup (field->label);
  else
    /* TRANSLATORS: label of a question the citizen may leave empty */
    label_text = g_strdup_printf (_("%s (optional)"), field->label);
  label = gtk_label_new (label_text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "kiosk-field-label");
  gtk_box_append (GTK_BOX (box), label);

  if (field->hint != NULL)
    {
      hint = gtk_label_new (field->hint);
      gtk_label_set_xalign (GTK_LABEL (hint), 0);
      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_widget_add_css_class (hint, "kiosk-hint");
      gtk_box_append (GTK_BOX (box), hint);
    }

  input = build_input (self, field);
  gtk_box_append (GTK_BOX (box), input);

  error = gtk_label_new (NULL);
  gtk_widget_set_name (error, error_name);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_add_css_class (error, "kiosk-error");
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (GTK_BOX (box), error);

  /* The question labels its input, and the hint and error describe it, for screen readers.
   * Reference lists end with NULL. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (input),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  if (hint != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (input),
                                    GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, hint, error, NULL, -1);
  else
    gtk_accessible_update_relation (GTK_ACCESSIBLE (input),
                                    GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, error, NULL, -1);
  if (field->required)
    gtk_accessible_update_property (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_PROPERTY_REQUIRED, TRUE, -1);

  g_hash_table_insert (self->error_labels, g_strdup (field->varname), error);
  g_hash_table_insert (self->inputs, g_strdup (field->varname), input);
  gtk_box_append (self->fields_box, box);
}

static gboolean
show_errors (KioskFormPage *self,
             GHashTable    *errors)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->error_labels);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *message = errors ? g_hash_table_lookup (errors, key) : NULL;
      GtkWidget *input = g_hash_table_lookup (self->inputs, key);

      gtk_label_set_label (GTK_LABEL (value), message ? message : "");
      gtk_widget_set_visible (GTK_WIDGET (value), message != NULL);
      gtk_accessible_update_state (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_STATE_INVALID,
                                   message ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
      if (message != NULL)
        gtk_widget_add_css_class (input, "error");
      else
        gtk_widget_remove_css_class (input, "error");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->banner_label), errors != NULL && g_hash_table_size (errors) > 0);
  return errors == NULL || g_hash_table_size (errors) == 0;
}

static void
focus_first_error (KioskFormPage *self,
                   GHashTable    *errors)
{
  const KioskFieldGroup *group = kiosk_procedure_get_page (kiosk_dossier_get_procedure (self->dossier),
                                                           self->step);

  /* Focus the first invalid field in page order, so the citizen lands where to act. */
  for (guint i = 0; i < group->fields->len; i++)
    {
      const KioskField *field = g_ptr_array_index (group->fields, i);

      if (g_hash_table_contains (errors, field->varname))
        {
          gtk_widget_grab_focus (g_hash_table_lookup (self->inputs, field->varname));
          return;
        }
    }
}

/**
 * kiosk_form_page_show_step:
 * @step: the form page index
 * @errors: (nullable): varname → message to show at once (e.g. the portal's)
 */
void
kiosk_form_page_show_step (KioskFormPage *self,
                           KioskDossier  *dossier,
                           guint          step,
                           GHashTable    *errors)
{
  KioskProcedure *procedure = kiosk_dossier_get_procedure (dossier);
  const KioskFieldGroup *group = kiosk_procedure_get_page (procedure, step);
  g_autofree char *step_text = NULL;

  g_object_ref (dossier);
  kiosk_form_page_clear (self);
  self->dossier = dossier;
  self->step = step;

  /* TRANSLATORS: progress through the procedure, e.g. "Step 2 of 5" */
  step_text = g_strdup_printf (_("Step %u of %u"), step + 1, kiosk_count_steps (procedure));
  gtk_label_set_label (self->step_label, step_text);
  gtk_label_set_label (self->title_label, group->title);
  gtk_label_set_label (self->help_label, group->help ? group->help : "");
  gtk_widget_set_visible (GTK_WIDGET (self->help_label), group->help != NULL);
  for (guint i = 0; i < group->fields->len; i++)
    add_field (self, g_ptr_array_index (group->fields, i));

  show_errors (self, errors);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
  if (errors != NULL && g_hash_table_size (errors) > 0)
    focus_first_error (self, errors);
}

guint
kiosk_form_page_get_step (KioskFormPage *self)
{
  return self->step;
}

/* Drops the widgets that show the citizen's answers. */
void
kiosk_form_page_clear (KioskFormPage *self)
{
  g_hash_table_remove_all (self->error_labels);
  g_hash_table_remove_all (self->inputs);
  kiosk_widget_remove_all (GTK_WIDGET (self->fields_box));
  g_clear_object (&self->dossier);
}

static void
form_next_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (widget);
  KioskProcedure *procedure;
  g_autoptr(GHashTable) errors = NULL;

  if (self->dossier == NULL)
    return;
  procedure = kiosk_dossier_get_procedure (self->dossier);
  errors = kiosk_dossier_validate_page (self->dossier, self->step);
  show_errors (self, errors);
  if (errors != NULL)
    {
      focus_first_error (self, errors);
      return;
    }
  if (self->step + 1 < kiosk_procedure_get_n_pages (procedure))
    kiosk_form_page_show_step (self, self->dossier, self->step + 1, NULL);
  else if (kiosk_procedure_get_n_documents (procedure) > 0)
    gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_DOCUMENTS);
  else
    gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_REVIEW);
}

static void
form_back_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (widget);

  if (self->dossier == NULL || self->step == 0)
    gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_PROCEDURE);
  else
    kiosk_form_page_show_step (self, self->dossier, self->step - 1, NULL);
}

static void
kiosk_form_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_form_page_dispose (GObject *object)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (object);

  g_clear_object (&self->dossier);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_FORM_PAGE);
  g_clear_pointer (&self->error_labels, g_hash_table_unref);
  g_clear_pointer (&self->inputs, g_hash_table_unref);

  G_OBJECT_CLASS (kiosk_form_page_parent_class)->dispose (object);
}

static void
kiosk_form_page_class_init (KioskFormPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kiosk_form_page_get_property;
  object_class->dispose = kiosk_form_page_dispose;

  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-form-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, step_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, help_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, fields_box);
  gtk_widget_class_install_action (widget_class, "form.next", NULL, form_next_cb);
  gtk_widget_class_install_action (widget_class, "form.back", NULL, form_back_cb);
}

static void
kiosk_form_page_init (KioskFormPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->error_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

GtkWidget *
kiosk_form_page_new (void)
{
  return g_object_new (KIOSK_TYPE_FORM_PAGE, NULL);
}
