/* kiosk-form-page.c: builds the widgets of one form page from its fields. Every answer is stored
 * in the dossier as it is typed, so going back and forth loses nothing; "Next" validates the
 * page and shows each message beside its field. */
#include "kiosk-form-page.h"

#include "kiosk-field-input.h"

#include "kiosk-validate.h"

#include <glib/gi18n.h>
#include <string.h>

struct _KioskFormPage
{
  KioskPage           parent_instance;

  KioskDossier      *dossier;
  gulong             changed_id;
  guint              step;
  GHashTable        *error_labels;   /* answer key → GtkLabel (borrowed) */
  GHashTable        *inputs;         /* answer key → first input widget (borrowed) */
  GPtrArray         *keys;           /* answer keys in page order */
  GPtrArray         *boxes;          /* field boxes whose visibility depends on answers */
  guint              rebuild_id;
  double             rebuild_scroll;

  GtkScrolledWindow *scroller;
  GtkLabel          *step_label;
  GtkLabel          *title_label;
  GtkLabel          *help_label;
  GtkLabel          *banner_label;
  GtkBox            *fields_box;
  GtkWidget         *stop_box;
  GtkLabel          *stop_label;
  GtkWidget         *nav_box;
  GtkWidget         *review_button;
  gboolean           from_review;    /* shown by "Change" on the summary, for this dossier */
};

G_DEFINE_FINAL_TYPE (KioskFormPage, kiosk_form_page, KIOSK_TYPE_PAGE)

static void kiosk_form_page_clear (KioskPage *page);

enum { PROP_0, PROP_STEP, PROP_STOPPED, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Where a field sits: at the top of the page, or in one instance of a repeated block. */
typedef struct
{
  const KioskField *field;
  const KioskField *block;   /* nullable */
  guint             index;
} Placement;

static GtkWidget *
new_wrapped_label (const char *text,
                   const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

static void add_field (KioskFormPage *self, GtkBox *parent, const KioskField *field,
                       const KioskField *block, guint index);

static void
rebuild_idle_cb (gpointer data)
{
  KioskFormPage *self = data;

  self->rebuild_id = 0;
  if (self->dossier == NULL)
    return;
  kiosk_form_page_show_step (self, self->dossier, self->step, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), self->rebuild_scroll);
}

/* Adding or removing an entry of a block changes the page's widgets: rebuild it once the
 * button's handler has returned (the button is among the widgets destroyed). */
static void
schedule_rebuild (KioskFormPage *self)
{
  self->rebuild_scroll = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->scroller));
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add_once (rebuild_idle_cb, self);
}

static void
block_add_clicked_cb (GtkButton     *button,
                      KioskFormPage *self)
{
  const KioskField *block = g_object_get_data (G_OBJECT (button), "block");

  kiosk_dossier_set_block_count (self->dossier, block, kiosk_dossier_get_block_count (self->dossier, block) + 1);
  schedule_rebuild (self);
}

static void
block_remove_clicked_cb (GtkButton     *button,
                         KioskFormPage *self)
{
  const KioskField *block = g_object_get_data (G_OBJECT (button), "block");

  kiosk_dossier_remove_block_item (self->dossier, block,
                                   GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
  schedule_rebuild (self);
}

/* One card per entry ("Child 1", "Child 2"), each with its questions and a Remove button, then
 * an Add button while there is room. */
static GtkWidget *
build_block (KioskFormPage    *self,
             const KioskField *block)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
  guint count = kiosk_dossier_get_block_count (self->dossier, block);
  const char *item_label = block->item_label ? block->item_label : block->label;
  g_autofree char *name = g_strdup_printf ("field-%s", block->varname);

  gtk_widget_set_name (box, name);
  for (guint i = 0; i < count; i++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
      GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      /* TRANSLATORS: title of one entry of a repeated block, e.g. "Child 2" */
      g_autofree char *title = g_strdup_printf (_("%s %u"), item_label, i + 1);
      GtkWidget *title_label = new_wrapped_label (title, "kiosk-block-title");

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "kiosk-block");
      gtk_widget_set_hexpand (title_label, TRUE);
      gtk_box_append (GTK_BOX (header), title_label);
      if (!block->has_min || i >= (guint) block->min || count > (guint) block->min)
        {
          /* TRANSLATORS: removes one entry of a repeated block, e.g. "Remove Child 2" */
          g_autofree char *remove_text = g_strdup_printf (_("Remove %s %u"), item_label, i + 1);
          g_autofree char *remove_name = g_strdup_printf ("remove-%s-%u", block->varname, i);
          GtkWidget *remove = gtk_button_new_with_label (remove_text);

          gtk_widget_set_name (remove, remove_name);
          gtk_widget_add_css_class (remove, "kiosk-nav");
          g_object_set_data (G_OBJECT (remove), "block", (gpointer) block);
          g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (i));
          g_signal_connect (remove, "clicked", G_CALLBACK (block_remove_clicked_cb), self);
          gtk_box_append (GTK_BOX (header), remove);
        }
      gtk_box_append (GTK_BOX (card), header);
      for (guint c = 0; c < block->children->len; c++)
        add_field (self, GTK_BOX (card), g_ptr_array_index (block->children, c), block, i);
      gtk_box_append (GTK_BOX (box), card);
    }
  if (count < (guint) block->max)
    {
      /* TRANSLATORS: adds one entry to a repeated block, e.g. "Add: Child" */
      g_autofree char *add_text = g_strdup_printf (_("Add: %s"), item_label);
      g_autofree char *add_name = g_strdup_printf ("add-%s", block->varname);
      GtkWidget *add = gtk_button_new ();
      GtkWidget *content = adw_button_content_new ();

      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), add_text);
      gtk_button_set_child (GTK_BUTTON (add), content);
      gtk_widget_set_name (add, add_name);
      gtk_widget_set_halign (add, GTK_ALIGN_START);
      gtk_widget_add_css_class (add, "kiosk-nav");
      g_object_set_data (G_OBJECT (add), "block", (gpointer) block);
      g_signal_connect (add, "clicked", G_CALLBACK (block_add_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), add);
    }
  return box;
}

static gboolean
placement_is_visible (KioskFormPage   *self,
                      const Placement *placement)
{
  if (placement->block != NULL)
    return kiosk_dossier_child_is_visible (self->dossier, placement->block, placement->index,
                                           placement->field);
  return kiosk_dossier_field_is_visible (self->dossier, placement->field);
}

static void
show_error (KioskFormPage *self,
            const char    *key,
            GtkWidget     *label,
            const char    *message)
{
  GtkWidget *input = g_hash_table_lookup (self->inputs, key);

  gtk_label_set_label (GTK_LABEL (label), message ? message : "");
  gtk_widget_set_visible (label, message != NULL);
  gtk_accessible_update_state (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_STATE_INVALID,
                               message ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  if (message != NULL)
    gtk_widget_add_css_class (input, "error");
  else
    gtk_widget_remove_css_class (input, "error");
}

/* The message under a field goes as soon as the answer it concerns becomes valid (a new one
 * only appears on "Next": nobody is scolded while still typing). */
static void
clear_fixed_errors (KioskFormPage *self,
                    const char    *changed)
{
  g_autoptr(GHashTable) errors = kiosk_dossier_validate_page (self->dossier, self->step);
  gboolean any = FALSE;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->error_labels);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gsize length = strlen (key);

      if (!gtk_widget_get_visible (value))
        continue;
      if ((errors == NULL || !g_hash_table_contains (errors, key))
          && strncmp (changed, key, length) == 0 && (changed[length] == '\0' || changed[length] == '/'))
        show_error (self, key, value, NULL);
      else
        any = TRUE;
    }
  if (!any)
    gtk_widget_set_visible (GTK_WIDGET (self->banner_label), FALSE);
}

/* Come from the summary ("Change"), the citizen may go straight back to it once this step is
 * valid, rather than through every later step. */
static void
update_review_button (KioskFormPage *self)
{
  g_autoptr(GHashTable) errors = self->from_review && self->dossier != NULL
                                 ? kiosk_dossier_validate_page (self->dossier, self->step) : NULL;

  gtk_widget_set_visible (self->review_button, self->from_review && self->dossier != NULL
                                               && (errors == NULL || g_hash_table_size (errors) == 0));
}

/* Shows and hides the questions whose conditions name the answer that changed. */
static void
dossier_changed_cb (KioskDossier  *dossier,
                    const char    *key,
                    KioskFormPage *self)
{
  for (guint i = 0; i < self->boxes->len; i++)
    {
      GtkWidget *box = g_ptr_array_index (self->boxes, i);

      gtk_widget_set_visible (box, placement_is_visible (self, g_object_get_data (G_OBJECT (box), "placement")));
    }
  clear_fixed_errors (self, key);
  update_review_button (self);
}

static void
add_field (KioskFormPage    *self,
           GtkBox           *parent,
           const KioskField *field,
           const KioskField *block,
           guint             index)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *prefix = block ? g_strdup_printf ("%s/%u/", block->varname, index) : NULL;
  g_autofree char *key = g_strconcat (prefix ? prefix : "", field->varname, NULL);
  g_autofree char *label_text = NULL;
  g_autofree char *error_name = g_strdup_printf ("error-%s", key);
  g_autofree char *box_name = g_strdup_printf ("box-%s", key);
  GtkWidget *label;
  GtkWidget *hint = NULL;
  GtkWidget *input;
  GtkWidget *error;

  gtk_widget_set_name (box, box_name);
  if (field->visible_if != NULL)
    {
      Placement *placement = g_new0 (Placement, 1);

      placement->field = field;
      placement->block = block;
      placement->index = index;
      g_object_set_data_full (G_OBJECT (box), "placement", placement, g_free);
      g_ptr_array_add (self->boxes, box);
      gtk_widget_set_visible (box, placement_is_visible (self, placement));
    }
  gtk_box_append (parent, box);

  if (field->type == KIOSK_FIELD_SECTION)
    {
      label = new_wrapped_label (field->label, "kiosk-section-title");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
      gtk_box_append (GTK_BOX (box), label);
      if (field->hint != NULL)
        gtk_box_append (GTK_BOX (box), new_wrapped_label (field->hint, "kiosk-hint"));
      return;
    }
  if (field->type == KIOSK_FIELD_EXPLANATION)
    {
      gtk_box_append (GTK_BOX (box), new_wrapped_label (field->label, "kiosk-explanation"));
      if (field->hint != NULL)
        gtk_box_append (GTK_BOX (box), new_wrapped_label (field->hint, "kiosk-hint"));
      return;
    }

  if (field->required || field->type == KIOSK_FIELD_REPEAT)
    label_text = g_strdup (field->label);
  else
    /* TRANSLATORS: label of a question the citizen may leave empty */
    label_text = g_strdup_printf (_("%s (optional)"), field->label);
  label = new_wrapped_label (label_text, "kiosk-field-label");
  gtk_box_append (GTK_BOX (box), label);

  if (field->hint != NULL)
    {
      hint = new_wrapped_label (field->hint, "kiosk-hint");
      gtk_box_append (GTK_BOX (box), hint);
    }

  if (field->type == KIOSK_FIELD_REPEAT)
    input = build_block (self, field);
  else
    input = kiosk_field_input_new (self->dossier, field, key);
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
                                    GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, hint, error, NULL, GTK_ACCESSIBLE_RELATION_ERROR_MESSAGE, error, -1);
  else
    gtk_accessible_update_relation (GTK_ACCESSIBLE (input),
                                    GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, error, NULL, GTK_ACCESSIBLE_RELATION_ERROR_MESSAGE, error, -1);
  if (field->required)
    gtk_accessible_update_property (GTK_ACCESSIBLE (input), GTK_ACCESSIBLE_PROPERTY_REQUIRED, TRUE, -1);

  /* For a block, the first focusable thing is its first question: focus lands there. */
  g_hash_table_insert (self->error_labels, g_strdup (key), error);
  g_hash_table_insert (self->inputs, g_strdup (key), input);
  g_ptr_array_add (self->keys, g_strdup (key));
}

static gboolean
show_errors (KioskFormPage *self,
             GHashTable    *errors)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->error_labels);
  while (g_hash_table_iter_next (&iter, &key, &value))
    show_error (self, key, value, errors ? g_hash_table_lookup (errors, key) : NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->banner_label), errors != NULL && g_hash_table_size (errors) > 0);
  if (errors != NULL && g_hash_table_size (errors) > 0)
    kiosk_page_errors_shown (KIOSK_PAGE (self));   /* read aloud while "Écouter" is on */
  return errors == NULL || g_hash_table_size (errors) == 0;
}

static void
focus_first_error (KioskFormPage *self,
                   GHashTable    *errors)
{
  /* Focus the first invalid answer in page order, so the citizen lands where to act. */
  for (guint i = 0; i < self->keys->len; i++)
    if (g_hash_table_contains (errors, self->keys->pdata[i]))
      {
        GtkWidget *input = g_hash_table_lookup (self->inputs, self->keys->pdata[i]);

        if (!gtk_widget_grab_focus (input))
          gtk_widget_child_focus (input, GTK_DIR_TAB_FORWARD);
        return;
      }
}

static void
set_stopped (KioskFormPage *self,
             const char    *message)
{
  gboolean stopped = message != NULL;

  if (stopped == gtk_widget_get_visible (self->stop_box)
      && (!stopped || g_strcmp0 (message, gtk_label_get_label (self->stop_label)) == 0))
    return;
  gtk_label_set_label (self->stop_label, message ? message : "");
  gtk_widget_set_visible (self->stop_box, stopped);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_box), !stopped);
  gtk_widget_set_visible (self->nav_box, !stopped);
  gtk_widget_set_visible (GTK_WIDGET (self->help_label), !stopped && gtk_label_get_label (self->help_label)[0] != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOPPED]);
}

/**
 * kiosk_form_page_show_step:
 * @step: the form page index
 * @errors: (nullable): answer key → message to show at once (e.g. the portal's)
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
  guint step_number = step + 1;
  guint n_steps;

  if (dossier != self->dossier)
    self->from_review = FALSE;
  g_object_ref (dossier);
  kiosk_form_page_clear (KIOSK_PAGE (self));
  self->dossier = dossier;
  self->step = step;
  self->changed_id = g_signal_connect (dossier, "changed", G_CALLBACK (dossier_changed_cb), self);

  n_steps = kiosk_dossier_count_steps (dossier, step, &step_number);
  /* TRANSLATORS: progress through the procedure, e.g. "Step 2 of 5" */
  step_text = g_strdup_printf (_("Step %u of %u"), step_number, n_steps);
  gtk_label_set_label (self->step_label, step_text);
  gtk_label_set_label (self->title_label, group->title);
  gtk_label_set_label (self->help_label, group->help ? group->help : "");
  gtk_widget_set_visible (GTK_WIDGET (self->help_label), group->help != NULL);
  set_stopped (self, NULL);
  for (guint i = 0; i < group->fields->len; i++)
    add_field (self, self->fields_box, g_ptr_array_index (group->fields, i), NULL, 0);

  show_errors (self, errors);
  update_review_button (self);
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

/**
 * kiosk_form_page_get_stopped:
 *
 * Returns: whether an eligibility check stopped the procedure on this page
 */
gboolean
kiosk_form_page_get_stopped (KioskFormPage *self)
{
  return gtk_widget_get_visible (self->stop_box);
}

/* Drops the widgets that show the citizen's answers. */
static void
kiosk_form_page_clear (KioskPage *page)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (page);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->dossier != NULL)
    g_clear_signal_handler (&self->changed_id, self->dossier);
  g_hash_table_remove_all (self->error_labels);
  g_hash_table_remove_all (self->inputs);
  g_ptr_array_set_size (self->keys, 0);
  g_ptr_array_set_size (self->boxes, 0);
  kiosk_widget_remove_all (GTK_WIDGET (self->fields_box));
  g_clear_object (&self->dossier);
}

static void
form_next_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (widget);
  g_autoptr(GHashTable) errors = NULL;
  const char *stop;
  int next;

  if (self->dossier == NULL)
    return;
  /* Straight back to the summary, unless the new answers ask for more (a question or a
   * document now shown, an eligibility stop): then on through the steps, as with "Next". */
  if (g_strcmp0 (action_name, "form.back-to-review") == 0 && kiosk_dossier_is_complete (self->dossier)
      && kiosk_dossier_check_eligibility (self->dossier, self->step) == NULL)
    {
      gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_REVIEW);
      return;
    }
  errors = kiosk_dossier_validate_page (self->dossier, self->step);
  show_errors (self, errors);
  if (errors != NULL)
    {
      focus_first_error (self, errors);
      return;
    }
  /* An eligibility check stops the citizen as soon as the answers it needs are given. */
  stop = kiosk_dossier_check_eligibility (self->dossier, self->step);
  if (stop != NULL)
    {
      set_stopped (self, stop);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
      return;
    }
  next = kiosk_dossier_next_page (self->dossier, self->step);
  if (next >= 0)
    kiosk_form_page_show_step (self, self->dossier, next, NULL);
  else if (kiosk_dossier_has_needed_documents (self->dossier))
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
  int previous;

  if (self->dossier == NULL)
    {
      gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_PROCEDURE);
      return;
    }
  previous = kiosk_dossier_previous_page (self->dossier, self->step);
  if (previous < 0)
    gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_PROCEDURE);
  else
    kiosk_form_page_show_step (self, self->dossier, previous, NULL);
}

/* From the eligibility stop: back to the answers, which may have been mistyped. */
static void
form_change_answers_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (widget);

  set_stopped (self, NULL);
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
    case PROP_STOPPED:
      g_value_set_boolean (value, kiosk_form_page_get_stopped (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_form_page_dispose (GObject *object)
{
  KioskFormPage *self = KIOSK_FORM_PAGE (object);

  kiosk_form_page_clear (KIOSK_PAGE (self));
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_FORM_PAGE);
  g_clear_pointer (&self->error_labels, g_hash_table_unref);
  g_clear_pointer (&self->inputs, g_hash_table_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_clear_pointer (&self->boxes, g_ptr_array_unref);

  G_OBJECT_CLASS (kiosk_form_page_parent_class)->dispose (object);
}

static void
kiosk_form_page_class_init (KioskFormPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_form_page_clear;
  object_class->get_property = kiosk_form_page_get_property;
  object_class->dispose = kiosk_form_page_dispose;

  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STOPPED] =
    g_param_spec_boolean ("stopped", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-form-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, step_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, help_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, fields_box);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, stop_box);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, stop_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, nav_box);
  gtk_widget_class_bind_template_child (widget_class, KioskFormPage, review_button);
  gtk_widget_class_install_action (widget_class, "form.next", NULL, form_next_cb);
  gtk_widget_class_install_action (widget_class, "form.back-to-review", NULL, form_next_cb);
  gtk_widget_class_install_action (widget_class, "form.back", NULL, form_back_cb);
  gtk_widget_class_install_action (widget_class, "form.change-answers", NULL, form_change_answers_cb);
}

static void
kiosk_form_page_init (KioskFormPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->error_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->boxes = g_ptr_array_new ();
}
/**
 * kiosk_form_page_return_to_review:
 *
 * The step was opened from the summary: offer to go straight back to it once it is valid.
 */
void
kiosk_form_page_return_to_review (KioskFormPage *self)
{
  self->from_review = TRUE;
  update_review_button (self);
}
