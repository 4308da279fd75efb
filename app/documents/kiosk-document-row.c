/* kiosk-document-row.c: one required document, as the dossier has it now. Its buttons are
 * actions of the documents page whose target is the document (documents.scan "s", …): the row
 * holds no state of its own and is made again when its document changes.
 *
 * An identity document is guided: the front, then "turn the card over" and the back (or "it has
 * no back", for a passport); a paper document is a PDF of pages (KioskPageStrip under it). */
#include "kiosk-document-row.h"

#include "kiosk-camera.h"
#include "kiosk-types.h"

#include <adwaita.h>
#include <glib/gi18n.h>

struct _KioskDocumentRow
{
  GtkBox      parent_instance;

  GtkPicture *front_preview;
  GtkPicture *back_preview;
  GtkLabel   *title_label;
  GtkLabel   *description_label;
  GtkLabel   *status_label;
  GtkWidget  *guide_label;
  GtkBox     *buttons;
};

G_DEFINE_FINAL_TYPE (KioskDocumentRow, kiosk_document_row, GTK_TYPE_BOX)

/* Whether a scan can be turned and cropped here: an image of its own (a card, a photo). */
static gboolean
can_edit (KioskDocument *document)
{
  return document != NULL && kiosk_document_get_preview (document) != NULL
         && g_strcmp0 (kiosk_document_get_content_type (document), "image/jpeg") == 0;
}

/* A scan's thumbnail, with what a screen reader says of it. */
static void
show_preview (GtkPicture    *picture,
              KioskDocument *document,
              const char    *name,
              const char    *alternative_text)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (document == NULL || kiosk_document_get_preview (document) == NULL)
    return;
  texture = kiosk_texture_new_for_image (kiosk_document_get_preview (document));
  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
  gtk_widget_set_name (GTK_WIDGET (picture), name);
  gtk_picture_set_alternative_text (picture, alternative_text);
  gtk_widget_set_visible (GTK_WIDGET (picture), TRUE);
}

/* A large button of the row: the action @action for the document @varname. */
static GtkWidget *
add_button (KioskDocumentRow *self,
            const char       *name_prefix,
            const char       *name_varname,
            const char       *icon_name,
            const char       *label,
            const char       *action,
            const char       *varname,
            gboolean          suggested)
{
  g_autofree char *name = g_strconcat (name_prefix, name_varname, NULL);
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_child (GTK_BUTTON (button), g_object_new (ADW_TYPE_BUTTON_CONTENT, "icon-name", icon_name,
                                                           "label", label, NULL));
  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "kiosk-nav");
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", varname);
  gtk_box_append (self->buttons, button);
  return button;
}

/* An identity document: front and back, guided. */
static void
fill_identity (KioskDocumentRow        *self,
               KioskDossier            *dossier,
               const KioskDocumentSpec *spec)
{
  const char *v = spec->varname;
  KioskDocument *front = kiosk_dossier_get_document (dossier, v);
  g_autofree char *back_varname = kiosk_document_back_varname (v);
  KioskDocument *back = kiosk_dossier_get_document (dossier, back_varname);
  gboolean pending = kiosk_dossier_back_is_pending (dossier, spec);
  /* TRANSLATORS: accessible description of the thumbnail of a card's front; %s is the document */
  g_autofree char *front_alt = g_strdup_printf (_("Front of %s"), spec->label);
  /* TRANSLATORS: accessible description of the thumbnail of a card's back; %s is the document */
  g_autofree char *back_alt = g_strdup_printf (_("Back of %s"), spec->label);
  g_autofree char *front_name = g_strdup_printf ("preview-%s", v);
  g_autofree char *back_name = g_strdup_printf ("preview-back-%s", v);

  /* Two thumbnails and three buttons do not fit across at 200 % text: one under the other then
   * (as the window does for every row marked so). */
  gtk_widget_add_css_class (GTK_WIDGET (self), "kiosk-reflow");
  if (front == NULL)
    gtk_label_set_label (self->status_label, spec->required ? _("To scan: the front, then the back") : _("Optional"));
  else if (pending)
    gtk_label_set_label (self->status_label, _("Front scanned ✓"));
  else if (back != NULL)
    gtk_label_set_label (self->status_label, _("Front and back scanned ✓"));
  else
    gtk_label_set_label (self->status_label, _("Scanned ✓"));
  /* Named only when shown: tests look for it to be gone once the back is in. */
  if (pending)
    gtk_widget_set_name (self->guide_label, "turn-over-hint");
  gtk_widget_set_visible (self->guide_label, pending);
  show_preview (self->front_preview, front, front_name, front_alt);
  show_preview (self->back_preview, back, back_name, back_alt);

  if (pending)
    {
      add_button (self, "scan-back-", v, "scanner-symbolic", _("Scan the back"), "documents.scan-back", v, TRUE);
      add_button (self, "no-back-", v, "object-select-symbolic", _("It has no back (passport)"),
                  "documents.no-back", v, FALSE);
    }
  add_button (self, "scan-", v, front ? "view-refresh-symbolic" : "scanner-symbolic",
              front ? _("Scan the front again") : _("Scan the front"), "documents.scan", v, front == NULL);
  if (front != NULL && !pending)
    add_button (self, "scan-back-", v, back ? "view-refresh-symbolic" : "scanner-symbolic",
                back ? _("Scan the back again") : _("Scan the back"), "documents.scan-back", v, FALSE);
  /* The side the page asks for now: the back once the front is in. */
  if (kiosk_camera_is_available ())
    add_button (self, "camera-", v, "camera-photo-symbolic",
                pending ? _("The back with the camera") : _("With the camera"), "documents.camera",
                pending ? back_varname : v, FALSE);
  if (can_edit (front))
    add_button (self, "edit-", v, "edit-cut-symbolic", _("Turn or crop the front"), "documents.edit", v, FALSE);
  if (can_edit (back))
    add_button (self, "edit-back-", v, "edit-cut-symbolic", _("Turn or crop the back"), "documents.edit",
                back_varname, FALSE);
  add_button (self, "usb-", v, "drive-removable-media-symbolic", _("From a USB stick"), "documents.usb", v, FALSE);
}

/* A paper document, or a photo: one scan (or pages). */
static void
fill_single (KioskDocumentRow        *self,
             KioskDossier            *dossier,
             const KioskDocumentSpec *spec,
             gboolean                 duplex)
{
  const char *v = spec->varname;
  KioskDocument *document = kiosk_dossier_get_document (dossier, v);
  gboolean paper = spec->kind == KIOSK_DOCUMENT_PAPER;
  /* TRANSLATORS: accessible description of a scan's thumbnail; %s is the document */
  g_autofree char *alt = g_strdup_printf (_("Preview of %s"), spec->label);
  g_autofree char *preview_name = g_strdup_printf ("preview-%s", v);
  GtkWidget *button;

  gtk_label_set_label (self->status_label, document != NULL ? _("Scanned ✓")
                       : spec->required ? _("To scan") : _("Optional"));
  show_preview (self->front_preview, document, preview_name, alt);
  add_button (self, "scan-", v, document ? "view-refresh-symbolic" : "scanner-symbolic",
              document ? _("Scan again") : _("Scan"), "documents.scan", v, document == NULL);
  if (paper)
    {
      button = add_button (self, "feeder-", v, "document-send-symbolic", _("Several sheets: feeder"),
                           "documents.feeder", v, FALSE);
      gtk_widget_set_tooltip_text (button, _("Put all the sheets in the feeder, face up: they are scanned one after the other"));
    }
  if (paper && duplex)
    {
      button = add_button (self, "feeder-duplex-", v, "document-send-symbolic", _("Printed on both sides: feeder"),
                           "documents.feeder-duplex", v, FALSE);
      gtk_widget_set_tooltip_text (button, _("Put all the sheets in the feeder: both sides of each are scanned, empty backs left out"));
    }
  /* On paper with pages already there, the photo is one more page (the page knows). */
  if (kiosk_camera_is_available ())
    add_button (self, "camera-", v, "camera-photo-symbolic",
                paper && document ? _("A page with the camera") : _("With the camera"), "documents.camera", v, FALSE);
  if (!paper && can_edit (document))
    add_button (self, "edit-", v, "edit-cut-symbolic", _("Turn or crop"), "documents.edit", v, FALSE);
  add_button (self, "usb-", v, "drive-removable-media-symbolic", _("From a USB stick"), "documents.usb", v, FALSE);
}

/* With larger text, an identity row stands one part under the other. */
static void
kiosk_document_row_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kiosk_document_row_parent_class)->root (widget);
  if (gtk_widget_has_css_class (widget, "kiosk-reflow")
      && gtk_widget_has_css_class (GTK_WIDGET (gtk_widget_get_root (widget)), "large-text"))
    gtk_orientable_set_orientation (GTK_ORIENTABLE (widget), GTK_ORIENTATION_VERTICAL);
}

static void
kiosk_document_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_DOCUMENT_ROW);
  G_OBJECT_CLASS (kiosk_document_row_parent_class)->dispose (object);
}

static void
kiosk_document_row_class_init (KioskDocumentRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_document_row_dispose;
  widget_class->root = kiosk_document_row_root;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-document-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentRow, front_preview);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentRow, back_preview);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentRow, description_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentRow, guide_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentRow, buttons);
}

static void
kiosk_document_row_init (KioskDocumentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * kiosk_document_row_new:
 * @duplex: the scanner's feeder scans both sides ("Printed on both sides: feeder")
 *
 * Returns: (transfer floating): @spec's row as @dossier has it now
 */
GtkWidget *
kiosk_document_row_new (KioskDossier            *dossier,
                        const KioskDocumentSpec *spec,
                        gboolean                 duplex)
{
  KioskDocumentRow *self = g_object_new (KIOSK_TYPE_DOCUMENT_ROW, NULL);

  gtk_label_set_label (self->title_label, spec->label);
  gtk_label_set_label (self->description_label, spec->description);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), spec->description != NULL);
  if (kiosk_document_spec_has_back (spec))
    fill_identity (self, dossier, spec);
  else
    fill_single (self, dossier, spec, duplex);
  return GTK_WIDGET (self);
}
