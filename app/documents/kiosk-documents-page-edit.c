/* kiosk-documents-page-edit.c: the documents page's edits — a document from a USB stick, the
 * tools of a paper document's pages, and a scan turned and cropped by hand — each handed to
 * KioskCapture in the core. */
#include "kiosk-documents-page-private.h"

#include "kiosk-camera-view.h"
#include "kiosk-crop-view.h"
#include "kiosk-page-strip.h"
#include "kiosk-scan-error.h"
#include "kiosk-usb-picker.h"

#include <glib/gi18n.h>

/* ---- USB sticks ---- */


static void
close_usb (KioskDocumentsPage *self)
{
  g_autofree char *varname = g_steal_pointer (&self->usb_varname);

  g_clear_pointer (&self->usb_root, g_free);
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
  kiosk_documents_update_row (self, varname);
}

static void
usb_listed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *files = kiosk_capture_list_usb_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  kiosk_documents_set_busy (self, NULL);
  if (files == NULL)
    {
      close_usb (self);
      kiosk_documents_show_error (self, _("No USB stick was found. Plug it into the front of the terminal, wait a moment, then try again."));
      return;
    }
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
  self->usb_files = files;
  if (files->len == 0)
    kiosk_documents_show_error (self, _("There is no PDF, JPEG or PNG document on this USB stick."));
  kiosk_documents_update_row (self, self->usb_varname);
}

/* "From a USB stick": the stick's documents are listed under the row. */
static void
usb_cb (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  const char *varname = g_variant_get_string (parameter, NULL);
  g_autofree char *root = NULL;

  if (self->scanning != NULL)
    return;
  kiosk_documents_show_error (self, NULL);
  close_usb (self);
  root = kiosk_usb_find_root ();
  if (root == NULL)
    {
      kiosk_documents_show_error (self, _("No USB stick was found. Plug it into the front of the terminal, wait a moment, then try again."));
      return;
    }
  self->usb_varname = g_strdup (varname);
  self->usb_root = g_strdup (root);
  kiosk_documents_start_job (self, varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Reading the USB stick…"));
  kiosk_capture_list_usb_async (root, kiosk_page_get_cancellable (KIOSK_PAGE (self)), usb_listed_cb, g_object_ref (self));
}

static void
usb_imported_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = kiosk_capture_import_finish (result, &error);

  if (document != NULL && self->dossier != NULL)
    {
      kiosk_dossier_set_used_usb (self->dossier, TRUE);
      close_usb (self);
    }
  kiosk_documents_document_ready (self, document, error);
}

static void
usb_file_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  guint index = g_variant_get_uint32 (parameter);
  const KioskDocumentSpec *spec = kiosk_documents_find_spec (self, self->usb_varname);
  KioskUsbFile *file;

  if (self->usb_files == NULL || index >= self->usb_files->len || self->scanning != NULL || spec == NULL)
    return;
  file = g_ptr_array_index (self->usb_files, index);
  kiosk_documents_start_job (self, self->usb_varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Checking the file…"));
  kiosk_capture_import_async (spec, self->usb_root, file->name, kiosk_page_get_cancellable (KIOSK_PAGE (self)), usb_imported_cb,
                              g_object_ref (self));
}

static void
usb_cancel_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  close_usb (self);
}

/* The stick's documents, under the row they are for. */
GtkWidget *
kiosk_documents_build_usb_list (KioskDocumentsPage *self)
{
  GtkWidget *picker = kiosk_usb_picker_new ();

  kiosk_usb_picker_set_files (KIOSK_USB_PICKER (picker), self->usb_files);
  return picker;
}

typedef enum { PAGE_TURN = KIOSK_SHEET_TURN, PAGE_REMOVE = KIOSK_SHEET_REMOVE, PAGE_EARLIER = KIOSK_SHEET_EARLIER, PAGE_CROP } PageEdit;

static void open_editor (KioskDocumentsPage *self, const char *varname, int page);

/* Turn, remove or move one page of a paper document: the PDF is assembled again in a worker. */
/* The page tools of KioskPageStrip, in the order of PageEdit. */
static const char * const page_actions[] = {
  "documents.page-turn", "documents.page-remove", "documents.page-earlier", "documents.page-crop",
};

/* The page tools: the target is the document and the page, "(su)". */
static void
page_edit_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  const char *varname;
  guint index;
  PageEdit edit = PAGE_TURN;
  const KioskDocumentSpec *spec;

  g_variant_get (parameter, "(&su)", &varname, &index);
  spec = kiosk_documents_find_spec (self, varname);
  for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
    if (g_str_equal (action_name, page_actions[i]))
      edit = i;
  g_autoptr(GPtrArray) pages = NULL;

  if (spec == NULL || self->scanning != NULL || self->dossier == NULL)
    return;
  if (edit == PAGE_CROP)
    {
      open_editor (self, varname, index);
      return;
    }
  pages = kiosk_capture_change_sheets (kiosk_dossier_get_document (self->dossier, varname),
                                       (KioskSheetChange) edit, index);
  if (pages == NULL)
    return;
  if (pages->len == 0)
    {
      kiosk_dossier_set_document (self->dossier, varname, NULL);
      return;
    }
  kiosk_documents_start_job (self, varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  kiosk_capture_assemble_async (varname, g_steal_pointer (&pages), kiosk_page_get_cancellable (KIOSK_PAGE (self)), kiosk_documents_assembled_cb,
                                g_object_ref (self));
}

/* The pages of a paper document, each with its thumbnail and tools, then "Add a page". */
GtkWidget *
kiosk_documents_build_pages (KioskDocumentsPage      *self,
                             const KioskDocumentSpec *spec,
                             KioskDocument           *document)
{
  return kiosk_page_strip_new (spec->varname, document);
}

/* ---- Turning and cropping a scan by hand ---- */

static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = kiosk_capture_edit_finish (result, &error);

  kiosk_documents_document_ready (self, document, error);
}

/* The page being edited, or %NULL when a whole image is. */
static const KioskSheet *
edited_page (KioskDocumentsPage *self)
{
  KioskDocument *document = self->editing ? kiosk_dossier_get_document (self->dossier, self->editing) : NULL;
  GPtrArray *pages = document ? kiosk_document_get_pages (document) : NULL;

  if (self->edit_page < 0 || pages == NULL || (guint) self->edit_page >= pages->len)
    return NULL;
  return g_ptr_array_index (pages, self->edit_page);
}

/* What the frame is drawn on: the scan (or the page, as turned already), turned as asked.
 * Returns: (transfer full) (nullable) */
static KioskImage *
edited_preview (KioskDocumentsPage *self)
{
  KioskDocument *document = self->editing ? kiosk_dossier_get_document (self->dossier, self->editing) : NULL;
  const KioskSheet *page = edited_page (self);

  if (page != NULL && page->preview != NULL)
    return kiosk_image_rotate (page->preview, (page->quarter_turns + self->edit_turns) % 4);
  if (page == NULL && self->edit_page < 0 && document != NULL && kiosk_document_get_preview (document) != NULL)
    return kiosk_image_rotate (kiosk_document_get_preview (document), self->edit_turns);
  return NULL;
}

void
kiosk_documents_stop_editing (KioskDocumentsPage *self)
{
  g_autofree char *varname = g_steal_pointer (&self->editing);

  self->edit_page = -1;
  kiosk_documents_close_camera (self);
  self->crop_view = NULL;
  self->edit_turns = 0;
  kiosk_documents_update_row (self, varname);
}

/* Once laid out, the page scrolls so that @widget (a frame to drag, a camera view) is in sight
 * from its top: its lower corners must be within reach. */
static gboolean
scroll_into_view_tick_cb (GtkWidget     *widget,
                          GdkFrameClock *clock,
                          gpointer       user_data)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (scroller == NULL || gtk_widget_get_height (widget) == 0)
    return G_SOURCE_CONTINUE;
  if (gtk_widget_compute_bounds (widget, scroller, &bounds))
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + bounds.origin.y);
    }
  return G_SOURCE_REMOVE;
}

void
kiosk_documents_scroll_into_view (GtkWidget *widget)
{
  gtk_widget_add_tick_callback (widget, scroll_into_view_tick_cb, NULL, NULL);
}

/* documents.edit: the target is the document, or its back. */
static void
edit_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  open_editor (KIOSK_DOCUMENTS_PAGE (widget), g_variant_get_string (parameter, NULL), -1);
}

/* Opens the frame to turn and crop the scan @varname, or its page @page (-1: the whole image). */
static void
open_editor (KioskDocumentsPage *self,
             const char         *varname,
             int                 page)
{
  if (self->scanning != NULL)
    return;
  kiosk_documents_stop_editing (self);
  self->editing = g_strdup (varname);
  self->edit_page = page;
  self->edit_turns = 0;
  kiosk_documents_show_error (self, NULL);
  kiosk_documents_update_row (self, varname);
  if (self->crop_view != NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (kiosk_crop_view_get_area (KIOSK_CROP_VIEW (self->crop_view))));
      kiosk_documents_scroll_into_view (self->crop_view);
    }
}

static void
edit_turn_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  g_autoptr(KioskImage) turned = NULL;

  if (self->crop_view == NULL)
    return;
  self->edit_turns = (self->edit_turns + 1) % 4;
  turned = edited_preview (self);
  if (turned != NULL)
    kiosk_crop_area_set_image (kiosk_crop_view_get_area (KIOSK_CROP_VIEW (self->crop_view)), turned);
}

static void
edit_reset_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  if (self->crop_view != NULL)
    kiosk_crop_area_reset (kiosk_crop_view_get_area (KIOSK_CROP_VIEW (self->crop_view)));
}

static void
edit_cancel_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  kiosk_documents_stop_editing (KIOSK_DOCUMENTS_PAGE (widget));
}

static void
edit_apply_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  KioskDocument *document = self->editing ? kiosk_dossier_get_document (self->dossier, self->editing) : NULL;
  int page = edited_page (self) != NULL ? self->edit_page : -1;
  guint turns = self->edit_turns;
  graphene_rect_t frame;

  if (document == NULL || self->crop_view == NULL || self->scanning != NULL)
    return;
  kiosk_crop_area_get_frame (kiosk_crop_view_get_area (KIOSK_CROP_VIEW (self->crop_view)), &frame);
  g_object_ref (document);
  kiosk_documents_stop_editing (self);
  kiosk_documents_start_job (self, kiosk_document_get_varname (document));
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  kiosk_capture_edit_async (document, page, turns, frame.origin.x, frame.origin.y, frame.size.width,
                            frame.size.height, kiosk_page_get_cancellable (KIOSK_PAGE (self)), edited_cb, g_object_ref (self));
  g_object_unref (document);
}

/* In place of a document's row: its scan large, the frame to drag, turn, keep all, cancel, apply. */
GtkWidget *
kiosk_documents_build_edit_view (KioskDocumentsPage      *self,
                                 const KioskDocumentSpec *spec,
                                 KioskDocument           *document)
{
  g_autoptr(KioskImage) turned = edited_preview (self);

  self->crop_view = kiosk_crop_view_new (spec->label);
  kiosk_crop_area_set_image (kiosk_crop_view_get_area (KIOSK_CROP_VIEW (self->crop_view)), turned);
  return self->crop_view;
}

/* The actions of USB sticks and page edits; called by the page's class_init. */
void
kiosk_documents_page_edit_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "documents.edit", "s", edit_cb);
  gtk_widget_class_install_action (widget_class, "documents.usb", "s", usb_cb);
  for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
    gtk_widget_class_install_action (widget_class, page_actions[i], "(su)", page_edit_cb);
  gtk_widget_class_install_action (widget_class, "documents.usb-file", "u", usb_file_cb);
  gtk_widget_class_install_action (widget_class, "documents.usb-cancel", NULL, usb_cancel_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-turn", NULL, edit_turn_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-reset", NULL, edit_reset_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-cancel", NULL, edit_cancel_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-apply", NULL, edit_apply_cb);
}
