/* kiosk-procedure-page.c: the procedure's presentation before the citizen starts it. */
#include "kiosk-procedure-page.h"

#include "kiosk-qr.h"

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
  GtkBox   *how_box;
  GtkWidget *start_button;
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
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, how_box);
  gtk_widget_class_bind_template_child (widget_class, KioskProcedurePage, start_button);
}

static void
kiosk_procedure_page_init (KioskProcedurePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}


static GtkWidget *
add_text (GtkBox     *box,
          const char *text,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (box, label);
  return label;
}

/* How to do the procedure when it is not done here: online (a QR code to the province's page) or
 * with an agent (what to bring, where, and a button that books the motif linked to it). */
static void
fill_how (KioskProcedurePage *self,
          KioskProcedure     *procedure)
{
  const KioskProcedureHow *how = kiosk_procedure_get_how (procedure);

  kiosk_widget_remove_all (GTK_WIDGET (self->how_box));
  gtk_widget_set_visible (self->start_button, how->mode == KIOSK_PROCEDURE_HERE);
  gtk_widget_set_visible (self->accompanied_button, how->mode == KIOSK_PROCEDURE_HERE);
  /* A procedure done here keeps its page as it was: "Start" must stay within reach of a tap. */
  gtk_widget_set_visible (GTK_WIDGET (self->how_box), how->mode != KIOSK_PROCEDURE_HERE);
  if (how->mode == KIOSK_PROCEDURE_HERE)
    return;

  if (how->mode == KIOSK_PROCEDURE_ONLINE)
    {
      const char *url = how->online_url ? how->online_url : how->source_url;
      g_autoptr(KioskImage) image = kiosk_qr_render (url, 6, NULL);
      GtkWidget *picture = gtk_picture_new ();

      add_text (self->how_box, _("How to apply"), "kiosk-field-label");
      add_text (self->how_box, _("This procedure is done online only, on the province's website. Scan the code with your phone to open its page."), NULL);
      gtk_widget_set_name (picture, "procedure-qr");
      gtk_widget_set_size_request (picture, 180, 180);
      gtk_widget_set_halign (picture, GTK_ALIGN_START);
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Code to open the procedure's page"), -1);
      if (image != NULL)
        {
          g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (image);

          gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
        }
      gtk_box_append (self->how_box, picture);
      gtk_widget_set_name (add_text (self->how_box, url, "kiosk-hint"), "procedure-url");
      gtk_widget_set_name (add_text (self->how_box, _("An agent can help you."), NULL), "procedure-agent-help");
    }
  else if (how->mode == KIOSK_PROCEDURE_AGENT)
    {
      GtkWidget *button;

      add_text (self->how_box, _("How to apply"), "kiosk-field-label");
      add_text (self->how_box, _("This procedure is done with an agent, at a counter."), NULL);
      if (how->where != NULL)
        {
          /* TRANSLATORS: %s is a place, e.g. "Direction du logement, 12 avenue Paul Doumer, Nouméa" */
          g_autofree char *where = g_strdup_printf (_("Where: %s"), how->where);

          gtk_widget_set_name (add_text (self->how_box, where, NULL), "procedure-where");
        }
      if (how->bring != NULL && how->bring[0] != NULL)
        {
          add_text (self->how_box, _("What to bring:"), NULL);
          for (guint i = 0; how->bring[i] != NULL; i++)
            {
              g_autofree char *line = g_strdup_printf ("• %s", how->bring[i]);

              add_text (self->how_box, line, NULL);
            }
        }
      button = gtk_button_new_with_label (_("Book an appointment"));
      gtk_widget_set_name (button, "procedure-book");
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "kiosk-big");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.book-appointment");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", kiosk_procedure_get_slug (procedure));
      gtk_box_append (self->how_box, button);
    }
  if (how->service != NULL)
    {
      /* TRANSLATORS: %s is the service in charge, e.g. "Direction du logement" */
      g_autofree char *service = g_strdup_printf (_("Service in charge: %s"), how->service);

      gtk_widget_set_name (add_text (self->how_box, service, "kiosk-hint"), "procedure-service");
    }
  if (how->fees != NULL)
    {
      /* TRANSLATORS: %s is what the procedure costs, e.g. "Gratuit" */
      g_autofree char *fees = g_strdup_printf (_("Cost: %s"), how->fees);

      add_text (self->how_box, fees, "kiosk-hint");
    }
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
  fill_how (self, procedure);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->documents_box)),
                          kiosk_procedure_get_how (procedure)->mode == KIOSK_PROCEDURE_HERE);
}
