/* kiosk-review-page.c: one group per form page (with "Edit"), one for the documents. */
#include "kiosk-review-page.h"

#include <glib/gi18n.h>

struct _KioskReviewPage
{
  KioskPage      parent_instance;

  KioskDossier *dossier;
  GtkLabel     *step_label;
  GtkBox       *groups_box;
  GtkWidget    *submit_button;
};

G_DEFINE_FINAL_TYPE (KioskReviewPage, kiosk_review_page, KIOSK_TYPE_PAGE)

static void kiosk_review_page_set_dossier (KioskPage *page, KioskDossier *dossier);

static GtkWidget *
build_edit_button (const char *name,
                   const char *action,
                   GVariant   *target)
{
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_child (GTK_BUTTON (button),
                        g_object_new (ADW_TYPE_BUTTON_CONTENT, "icon-name", "document-edit-symbolic",
                                      "label", _("Edit"), NULL));
  gtk_widget_set_name (button, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

static GtkWidget *
build_answer_row (const char *title,
                  const char *value,
                  const char *name)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_widget_set_name (label, name);
  gtk_widget_add_css_class (label, "kiosk-field-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

/* One row per answer of each entry: "Child 2 · First name". */
static void
add_block_rows (KioskReviewPage     *self,
                AdwPreferencesGroup *group,
                const KioskField    *block)
{
  guint count = kiosk_dossier_get_block_count (self->dossier, block);
  const char *item_label = block->item_label ? block->item_label : block->label;

  if (count == 0)
    {
      g_autofree char *name = g_strdup_printf ("review-%s", block->varname);

      /* TRANSLATORS: shown on the review page for a repeated block with no entry */
      adw_preferences_group_add (group, build_answer_row (block->label, _("None"), name));
      return;
    }
  for (guint i = 0; i < count; i++)
    for (guint c = 0; c < block->children->len; c++)
      {
        const KioskField *child = g_ptr_array_index (block->children, c);
        g_autofree char *prefix = g_strdup_printf ("%s/%u/", block->varname, i);
        g_autofree char *name = g_strdup_printf ("review-%s%s", prefix, child->varname);
        g_autofree char *value = NULL;
        g_autofree char *title = NULL;

        if (!kiosk_field_has_answer (child) || !kiosk_dossier_child_is_visible (self->dossier, block, i, child))
          continue;
        value = kiosk_dossier_format_answer (self->dossier, child, prefix);
        /* TRANSLATORS: review row of one answer in a repeated block: "Child 2 · First name" */
        title = g_strdup_printf (_("%s %u · %s"), item_label, i + 1, child->label);
        adw_preferences_group_add (group, build_answer_row (title, value, name));
      }
}

static void
rebuild (KioskReviewPage *self)
{
  KioskProcedure *procedure;
  GtkWidget *group;
  g_autofree char *step_text = NULL;
  guint n_steps;

  kiosk_widget_remove_all (GTK_WIDGET (self->groups_box));
  if (self->dossier == NULL)
    return;

  procedure = kiosk_dossier_get_procedure (self->dossier);
  n_steps = kiosk_dossier_count_steps (self->dossier, G_MAXUINT, NULL);
  step_text = g_strdup_printf (_("Step %u of %u"), n_steps, n_steps);
  gtk_label_set_label (self->step_label, step_text);

  for (guint i = 0; i < kiosk_procedure_get_n_pages (procedure); i++)
    {
      const KioskFieldGroup *page = kiosk_procedure_get_page (procedure, i);
      g_autofree char *edit_name = g_strdup_printf ("edit-step-%u", i);

      if (!kiosk_dossier_page_is_visible (self->dossier, i))
        continue;
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), page->title);
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group),
                                               build_edit_button (edit_name, "win.edit-step",
                                                                  g_variant_new_uint32 (i)));
      for (guint j = 0; j < page->fields->len; j++)
        {
          const KioskField *field = g_ptr_array_index (page->fields, j);
          g_autofree char *value = NULL;
          g_autofree char *name = g_strdup_printf ("review-%s", field->varname);

          if (!kiosk_field_has_answer (field) || !kiosk_dossier_field_is_visible (self->dossier, field))
            continue;
          if (field->type == KIOSK_FIELD_REPEAT)
            {
              add_block_rows (self, ADW_PREFERENCES_GROUP (group), field);
              continue;
            }
          value = kiosk_dossier_format_answer (self->dossier, field, NULL);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     build_answer_row (field->label, value, name));
        }
      gtk_box_append (self->groups_box, group);
    }

  if (kiosk_dossier_has_needed_documents (self->dossier))
    {
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Documents"));
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group),
                                               build_edit_button ("edit-documents", "win.show-page",
                                                                  g_variant_new_string (KIOSK_PAGE_DOCUMENTS)));
      for (guint i = 0; i < kiosk_procedure_get_n_documents (procedure); i++)
        {
          const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, i);
          KioskDocument *document = kiosk_dossier_get_document (self->dossier, spec->varname);
          g_autofree char *name = g_strdup_printf ("review-%s", spec->varname);

          g_autofree char *back_varname = kiosk_document_back_varname (spec->varname);
          gboolean back = kiosk_dossier_get_document (self->dossier, back_varname) != NULL;

          if (!kiosk_dossier_document_is_needed (self->dossier, spec))
            continue;
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                     build_answer_row (spec->label,
                                                       document == NULL ? _("Not scanned")
                                                       : back ? _("Front and back scanned ✓")
                                                       : _("Scanned ✓"),
                                                       name));
        }
      gtk_box_append (self->groups_box, group);
    }

  gtk_widget_set_sensitive (self->submit_button, kiosk_dossier_is_complete (self->dossier));
}

/* @dossier: (nullable): the dossier to show, or %NULL to forget it */
static void
kiosk_review_page_set_dossier (KioskPage    *page,
                               KioskDossier *dossier)
{
  KioskReviewPage *self = KIOSK_REVIEW_PAGE (page);

  g_set_object (&self->dossier, dossier);
  rebuild (self);
}

static void
review_back_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskReviewPage *self = KIOSK_REVIEW_PAGE (widget);
  KioskProcedure *procedure;

  if (self->dossier == NULL)
    return;
  procedure = kiosk_dossier_get_procedure (self->dossier);
  if (kiosk_dossier_has_needed_documents (self->dossier))
    gtk_widget_activate_action (widget, "win.show-page", "s", KIOSK_PAGE_DOCUMENTS);
  else
    gtk_widget_activate_action (widget, "win.edit-step", "u",
                                kiosk_dossier_previous_page (self->dossier, kiosk_procedure_get_n_pages (procedure)));
}

static void
kiosk_review_page_dispose (GObject *object)
{
  KioskReviewPage *self = KIOSK_REVIEW_PAGE (object);

  g_clear_object (&self->dossier);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_REVIEW_PAGE);

  G_OBJECT_CLASS (kiosk_review_page_parent_class)->dispose (object);
}

static void
kiosk_review_page_class_init (KioskReviewPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->set_dossier = kiosk_review_page_set_dossier;
  G_OBJECT_CLASS (klass)->dispose = kiosk_review_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskReviewPage, step_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReviewPage, groups_box);
  gtk_widget_class_bind_template_child (widget_class, KioskReviewPage, submit_button);
  gtk_widget_class_install_action (widget_class, "review.back", NULL, review_back_cb);
}

static void
kiosk_review_page_init (KioskReviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

