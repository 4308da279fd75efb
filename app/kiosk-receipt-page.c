/* kiosk-receipt-page.c: shows what the citizen needs to follow the request once they leave. */
#include "kiosk-receipt-page.h"

#include "kiosk-qr.h"

#include <glib/gi18n.h>

struct _KioskReceiptPage
{
  AdwBin      parent_instance;

  GtkLabel   *title_label;
  GtkLabel   *number_caption;
  GtkLabel   *follow_label;
  GtkLabel   *number_label;
  GtkLabel   *next_label;
  GtkLabel   *url_label;
  GtkPicture *qr_picture;
};

G_DEFINE_FINAL_TYPE (KioskReceiptPage, kiosk_receipt_page, ADW_TYPE_BIN)

/**
 * kiosk_receipt_page_set_receipt:
 * @receipt: (nullable): the portal's receipt, or %NULL to clear the page
 * @procedure: (nullable): the procedure, for what happens next
 */
void
kiosk_receipt_page_set_receipt (KioskReceiptPage   *self,
                                const KioskReceipt *receipt,
                                KioskProcedure     *procedure)
{
  const char *delay = procedure ? kiosk_procedure_get_delay (procedure) : NULL;

  gtk_label_set_label (self->number_label, receipt ? receipt->number : "");
  gtk_label_set_label (self->url_label, receipt && receipt->url ? receipt->url : "");
  gtk_label_set_label (self->next_label,
                       delay ? delay : _("The province studies your request and answers you."));
  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), receipt != NULL && !receipt->queued);

  if (receipt != NULL && receipt->queued)
    {
      /* The portal has not answered yet: the dossier is safe in the outbox and will be sent. */
      gtk_label_set_label (self->title_label, _("Your request is saved on this terminal"));
      gtk_label_set_label (self->number_caption, _("Your reference:"));
      gtk_label_set_label (self->follow_label,
                           _("The portal cannot be reached right now. The terminal will send your request by itself as soon as it can; you have nothing more to do. Keep this reference if you need to ask an agent."));
      return;
    }
  gtk_label_set_label (self->title_label, _("Your request is registered"));
  gtk_label_set_label (self->number_caption, _("Your dossier number:"));
  gtk_label_set_label (self->follow_label,
                       _("Write it down, or scan the code with your phone to follow your request."));

  if (receipt != NULL && receipt->url != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KioskImage) image = kiosk_qr_render (receipt->url, 8, &error);

      if (image != NULL)
        {
          g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (image);

          gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
        }
      else
        g_warning ("No QR code: %s", error->message);
    }
}

static void
kiosk_receipt_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_RECEIPT_PAGE);
  G_OBJECT_CLASS (kiosk_receipt_page_parent_class)->dispose (object);
}

static void
kiosk_receipt_page_class_init (KioskReceiptPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_receipt_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-receipt-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, number_caption);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, follow_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, number_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, next_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, url_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, qr_picture);
}

static void
kiosk_receipt_page_init (KioskReceiptPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kiosk_receipt_page_new (void)
{
  return g_object_new (KIOSK_TYPE_RECEIPT_PAGE, NULL);
}
