/* kiosk-receipt-page.c: shows what the citizen needs to follow the request once they leave. */
#include "kiosk-receipt-page.h"

#include "kiosk-print.h"
#include "kiosk-followup-page.h"
#include "kiosk-followup-dossier.h"
#include "kiosk-qr.h"

#include <glib/gi18n.h>
#include <string.h>

struct _KioskReceiptPage
{
  KioskPage    parent_instance;

  /* What the printed receipt shows; copied, since the session may end while printing. */
  char       *number;
  char       *url;
  char       *tracking_code;   /* nullable: printed by groups, 7K2M-9QXD-4F2A */
  char       *procedure_title;
  char       *next_steps;
  gboolean    queued;

  GtkLabel   *title_label;
  GtkLabel   *number_caption;
  GtkLabel   *follow_label;
  GtkWidget  *originals_label;
  GtkWidget  *account_label;
  GtkLabel   *number_label;
  GtkLabel   *next_label;
  GtkLabel   *url_label;
  GtkLabel   *code_label;
  GtkWidget  *followup_button;
  GtkPicture *qr_picture;
  GtkWidget  *print_box;
  GtkLabel   *print_label;
  GtkLabel   *print_number_label;
};

G_DEFINE_FINAL_TYPE (KioskReceiptPage, kiosk_receipt_page, KIOSK_TYPE_PAGE)

static void show_print_result (KioskReceiptPage *self, const char *sentence, gboolean failed);
static void show_tracking_code (KioskReceiptPage *self);

/**
 * kiosk_receipt_page_set_usb_reminder:
 * @used_usb: a document came from a USB stick: the reminder names it too
 */
void
kiosk_receipt_page_set_usb_reminder (KioskReceiptPage *self,
                                     gboolean          used_usb)
{
  gtk_label_set_label (GTK_LABEL (self->originals_label),
                       used_usb ? _("Don’t forget your documents and your USB stick: check the scanner glass and the front of the terminal before you leave.")
                                : _("Don’t forget your documents: check the scanner glass before you leave."));
  if (used_usb)
    gtk_widget_set_visible (self->originals_label, TRUE);
}

/* The URL wraps anywhere on a narrow column (200 % text), except inside the dossier number,
 * which is read and copied as one word. */
static void
keep_number_whole (GtkLabel   *label,
                   const char *number)
{
  const char *text = gtk_label_get_label (label);
  const char *at = number && *number ? strstr (text, number) : NULL;
  PangoAttrList *attributes = pango_attr_list_new ();

  if (at != NULL)
    {
      PangoAttribute *no_break = pango_attr_allow_breaks_new (FALSE);

      no_break->start_index = at - text;
      no_break->end_index = no_break->start_index + strlen (number);
      pango_attr_list_insert (attributes, no_break);
    }
  gtk_label_set_attributes (label, attributes);
  pango_attr_list_unref (attributes);
}

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

  g_free (self->number);
  self->number = receipt ? g_strdup (receipt->number) : NULL;
  g_free (self->url);
  self->url = receipt ? g_strdup (receipt->url) : NULL;
  g_free (self->tracking_code);
  self->tracking_code = receipt ? kiosk_tracking_code_format (receipt->tracking_code) : NULL;
  g_free (self->procedure_title);
  self->procedure_title = procedure ? g_strdup (kiosk_procedure_get_title (procedure)) : NULL;
  g_free (self->next_steps);
  self->next_steps = g_strdup (delay);
  self->queued = receipt != NULL && receipt->queued;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receipt.print", receipt != NULL);
  show_print_result (self, NULL, FALSE);
  /* Originals left on the glass are the commonest loss at a public scanner. */
  gtk_widget_set_visible (self->originals_label,
                          receipt != NULL && procedure != NULL && kiosk_procedure_get_n_documents (procedure) > 0);

  gtk_label_set_label (self->number_label, receipt ? receipt->number : "");
  gtk_label_set_label (self->url_label, receipt && receipt->url ? receipt->url : "");
  keep_number_whole (self->url_label, receipt ? receipt->number : NULL);
  gtk_label_set_label (self->next_label,
                       delay ? delay : _("The province studies your request and answers you."));
  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), receipt != NULL && !receipt->queued);
  show_tracking_code (self);

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

/* The tracking code, with the number, opens the dossier at any terminal ("Suivre ma demande")
 * and on the portal: shown and printed by groups of four, a screen reader reads it as shown. */
static void
show_tracking_code (KioskReceiptPage *self)
{
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->code_label), self->tracking_code != NULL);
  gtk_widget_set_visible (self->followup_button, self->tracking_code != NULL);
  if (self->tracking_code == NULL)
    {
      gtk_label_set_label (self->code_label, "");
      return;
    }
  /* TRANSLATORS: %s a tracking code, 7K2M-9QXD-4F2A */
  text = g_strdup_printf (_("Tracking code: %s"), self->tracking_code);
  gtk_label_set_label (self->code_label, text);
}

static void
follow_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskReceiptPage *self = KIOSK_RECEIPT_PAGE (widget);
  g_autofree char *number = g_strdup (self->number);
  g_autofree char *code = g_strdup (self->tracking_code);

  if (number != NULL && code != NULL)
    kiosk_followup_show (widget, number, code);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              KioskReceiptPage  *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  /* TRANSLATORS: date and time on the printed receipt, strftime format */
  g_autofree char *when = g_date_time_format (now, _("%d/%m/%Y at %H:%M"));
  g_autofree char *line = NULL;
  double y = 0;

  kiosk_print_text (context, _("Procedures kiosk — receipt"), "Sans Bold 18", &y);
  if (self->procedure_title != NULL)
    kiosk_print_text (context, self->procedure_title, "Sans 14", &y);
  /* TRANSLATORS: %s is a date and time, e.g. "29/11/2026 at 10:15" */
  line = g_strdup_printf (_("Sent on %s"), when);
  kiosk_print_text (context, line, "Sans 12", &y);
  kiosk_print_text (context, self->queued ? _("Your reference:") : _("Your dossier number:"), "Sans 12", &y);
  kiosk_print_text (context, self->number ? self->number : "", "Sans Bold 28", &y);
  if (self->queued)
    kiosk_print_text (context,
               _("The portal cannot be reached right now. The terminal will send your request by itself as soon as it can; you have nothing more to do. Keep this reference if you need to ask an agent."),
               "Sans 12", &y);
  if (self->tracking_code != NULL)
    {
      /* TRANSLATORS: %s a tracking code, 7K2M-9QXD-4F2A */
      g_autofree char *code = g_strdup_printf (_("Tracking code: %s"), self->tracking_code);

      kiosk_print_text (context, code, "Monospace Bold 16", &y);
      kiosk_print_text (context, _("To follow your request or answer the service, choose “Follow my request” at any terminal and show this receipt, or type the number and the code."),
                        "Sans 12", &y);
    }
  if (self->url != NULL)
    {
      kiosk_print_qr (cr, self->url, 160, &y);
      kiosk_print_text (context, _("Scan the code with your phone to follow your request:"), "Sans 12", &y);
      kiosk_print_text (context, self->url, "Monospace 10", &y);
    }
  if (self->next_steps != NULL)
    {
      kiosk_print_text (context, _("What happens next"), "Sans Bold 12", &y);
      kiosk_print_text (context, self->next_steps, "Sans 12", &y);
    }
}

/**
 * kiosk_receipt_page_print:
 * @export_pdf: (nullable): write a PDF file there instead of printing
 *
 * Prints the receipt on the default printer, without a dialog (a kiosk has no one to answer
 * it), or exports it as PDF.
 *
 * Returns: %TRUE when the job was handed over
 */
gboolean
kiosk_receipt_page_print (KioskReceiptPage *self,
                          const char       *export_pdf)
{
  if (self->number == NULL)
    return FALSE;
  /* TRANSLATORS: name of the print job */
  return kiosk_print_one_page (_("Receipt"), G_CALLBACK (draw_page_cb), self, export_pdf);
}

/* Shows how printing went, always in words; on failure the number again, large. */
static void
show_print_result (KioskReceiptPage *self,
                   const char       *sentence,
                   gboolean          failed)
{
  gtk_widget_set_visible (self->print_box, sentence != NULL);
  gtk_label_set_label (self->print_label, sentence ? sentence : "");
  gtk_label_set_label (self->print_number_label, failed && self->number ? self->number : "");
  gtk_widget_set_visible (GTK_WIDGET (self->print_number_label), failed);
  gtk_widget_remove_css_class (self->print_box, "kiosk-banner");
  gtk_widget_remove_css_class (self->print_box, "kiosk-success");
  if (sentence != NULL)
    gtk_widget_add_css_class (self->print_box, failed ? "kiosk-banner" : "kiosk-success");
}

static void
printed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KioskReceiptPage *self;
  g_autofree char *failure = NULL;

  if (!kiosk_print_page_finish (result, &error) && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_RECEIPT_PAGE (user_data);
  kiosk_page_set_busy (KIOSK_PAGE (self), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "receipt.print", self->number != NULL);
  if (error == NULL)
    {
      show_print_result (self, _("Your receipt is printed: take it from the printer."), FALSE);
      return;
    }
  g_message ("Receipt not printed: %s", error->message);
  failure = kiosk_print_failure_sentence (self->number);
  show_print_result (self, failure, TRUE);
}

static void
print_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KioskReceiptPage *self = KIOSK_RECEIPT_PAGE (widget);
  GCancellable *cancellable;

  if (self->number == NULL)
    return;
  cancellable = kiosk_page_begin_request (KIOSK_PAGE (self));
  gtk_widget_action_set_enabled (widget, "receipt.print", FALSE);
  show_print_result (self, _("Printing your receipt…"), FALSE);
  gtk_widget_remove_css_class (self->print_box, "kiosk-success");
  /* TRANSLATORS: name of the print job */
  kiosk_print_page_async (_("Receipt"), G_CALLBACK (draw_page_cb), self, cancellable, printed_cb, self);
}

static void
kiosk_receipt_page_dispose (GObject *object)
{
  KioskReceiptPage *self = KIOSK_RECEIPT_PAGE (object);

  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->tracking_code, g_free);
  g_clear_pointer (&self->procedure_title, g_free);
  g_clear_pointer (&self->next_steps, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_RECEIPT_PAGE);
  G_OBJECT_CLASS (kiosk_receipt_page_parent_class)->dispose (object);
}

/* A dossier sent by a signed-in citizen carries a grant to their account: say where to find it. */
static void
kiosk_receipt_page_set_dossier (KioskPage    *page,
                                KioskDossier *dossier)
{
  gtk_widget_set_visible (KIOSK_RECEIPT_PAGE (page)->account_label,
                          dossier != NULL && kiosk_dossier_get_account_grant (dossier) != NULL);
}

/* The session ended: the receipt's number and QR code go with it. */
static void
kiosk_receipt_page_reset (KioskPage *page)
{
  kiosk_receipt_page_set_receipt (KIOSK_RECEIPT_PAGE (page), NULL, NULL);
}

static void
kiosk_receipt_page_class_init (KioskReceiptPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_receipt_page_reset;
  KIOSK_PAGE_CLASS (klass)->set_dossier = kiosk_receipt_page_set_dossier;
  G_OBJECT_CLASS (klass)->dispose = kiosk_receipt_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-receipt-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, number_caption);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, follow_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, originals_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, number_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, next_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, url_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, followup_button);
  gtk_widget_class_install_action (widget_class, "receipt.follow", NULL, follow_action_cb);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, print_box);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, print_label);
  gtk_widget_class_bind_template_child (widget_class, KioskReceiptPage, print_number_label);
  gtk_widget_class_install_action (widget_class, "receipt.print", NULL, print_action_cb);
}

static void
kiosk_receipt_page_init (KioskReceiptPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

