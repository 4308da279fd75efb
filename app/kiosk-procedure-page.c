/* kiosk-procedure-page.c: the procedure's presentation before the citizen starts it. */
#include "kiosk-procedure-page.h"

#include <glib/gi18n.h>

struct _KioskProcedurePage
{
  KioskPage  parent_instance;

  GtkWidget *accompanied_button;
  GtkLabel *category_label;
  GtkLabel *title_label;
  GtkLabel *description_label;
  GtkLabel *eligibility_label;
  GtkLabel *delay_label;
  GtkBox   *documents_box;
};

G_DEFINE_FINAL_TYPE (KioskProcedurePage, kiosk_procedure_page, KIOSK_TYPE_PAGE)

static void
kiosk_procedure_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_PROCEDURE_PAGE);
  G_OBJECT_CLASS (kiosk_procedure_page_parent_class)->dispose (object);
}

static void
kiosk_procedure_page_class_init (KioskProcedurePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_procedure_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-procedure-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, accompanied_button);
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, category_label);
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, eligibility_label);
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, delay_label);
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, documents_box);
}

static void
kiosk_procedure_page_init (KioskProcedurePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}


void
kiosk_procedure_page_set_procedure (KioskProcedurePage *self,
                                    KioskProcedure     *procedure)
{
  const char *eligibility = kiosk_procedure_get_eligibility (procedure);
  const char *delay = kiosk_procedure_get_delay (procedure);
  guint n_documents = kiosk_procedure_get_n_documents (procedure);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->accompanied_button), "s",
                                    kiosk_procedure_get_slug (procedure));
  gtk_label_set_label (self->category_label, kiosk_procedure_get_category (procedure));
  gtk_label_set_label (self->title_label, kiosk_procedure_get_title (procedure));
  gtk_label_set_label (self->description_label, kiosk_procedure_get_description (procedure));
  gtk_label_set_label (self->eligibility_label,
                       eligibility ? eligibility : _("Anyone may apply."));
  gtk_label_set_label (self->delay_label,
                       delay ? delay : _("The province studies your request and answers you."));

  kiosk_widget_remove_all (GTK_WIDGET (self->documents_box));
  if (n_documents == 0)
    gtk_box_append (self->documents_box, gtk_label_new (_("No document is needed.")));
  for (guint i = 0; i < n_documents; i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, i);
      g_autofree char *text = NULL;
      GtkWidget *label;

      if (spec->required)
        text = g_strdup_printf ("• %s", spec->label);
      else
        /* TRANSLATORS: a document the citizen may add but need not; %s is its name */
        text = g_strdup_printf (_("• %s (if you have it)"), spec->label);
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (self->documents_box, label);
    }
}
