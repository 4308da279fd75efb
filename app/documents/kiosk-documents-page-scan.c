/* kiosk-documents-page-scan.c: the documents page's scans — a page from the glass, the sheets in
 * the feeder (encoded as they arrive, in their slots), a photo from the camera — each handed to
 * KioskCapture in the core, and the scanner asked once whether its feeder scans both sides. */
#include "kiosk-documents-page-private.h"

#include "kiosk-camera-view.h"
#include "kiosk-crop-view.h"
#include "kiosk-page-strip.h"
#include "kiosk-scan-error.h"
#include "kiosk-usb-picker.h"

#include <glib/gi18n.h>

static void
scan_progress_cb (double            fraction,
                  const KioskImage *partial,
                  gpointer          user_data)
{
  KioskDocumentsPage *self = user_data;

  if (self->scanning == NULL)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (partial != NULL)
    {
      g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (partial);

      gtk_picture_set_paintable (self->scan_preview, GDK_PAINTABLE (texture));
      gtk_widget_set_visible (GTK_WIDGET (self->scan_preview), TRUE);
    }
}

/* A page from the scanner (@scan, encoded as it came) or the camera (@image), for the document
 * being scanned (self->scanning): the quality gate, the crop of a card, the encoding, in a
 * worker. @image, @scan: (transfer full) (nullable): one of them */
static void
encode_page (KioskDocumentsPage      *self,
             const KioskDocumentSpec *spec,
             KioskImage              *image,
             KioskScan               *scan)
{
  KioskDocument *before = self->adding_page ? kiosk_dossier_get_document (self->dossier, spec->varname) : NULL;

  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  /* self->scanning: the document, or its back */
  kiosk_capture_encode_async (spec, self->scanning, image, scan, before ? kiosk_document_dup_pages (before) : NULL,
                              kiosk_page_get_cancellable (KIOSK_PAGE (self)), kiosk_documents_encoded_cb, g_object_ref (self));
}

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  KioskScan *scan = kiosk_scanner_scan_jpeg_finish (KIOSK_SCANNER (object), result, &error);
  const KioskDocumentSpec *spec;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->scanning != NULL && kiosk_page_get_context (KIOSK_PAGE (self)) != NULL)
        kiosk_documents_set_busy (self, NULL);
      return;
    }
  if (scan == NULL)
    {
      g_autofree char *text = kiosk_scanner_error_to_text (error);

      g_message ("Scan failed: %s", error->message);
      kiosk_documents_show_error (self, text);
      gtk_widget_set_visible (self->search_button,
                              g_error_matches (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NO_DEVICE));
      kiosk_documents_set_busy (self, NULL);
      return;
    }
  if (self->dossier == NULL || (spec = kiosk_documents_find_spec (self, self->scanning)) == NULL)
    {
      kiosk_scan_free (scan);
      kiosk_documents_set_busy (self, NULL);
      return;
    }

  encode_page (self, spec, NULL, scan);
}

/* Scans the document @varname, or its @back, or one more page of it (@adding_page). */
static void
start_scan (KioskDocumentsPage *self,
            const char         *varname,
            gboolean            back,
            gboolean            adding_page)
{
  const KioskDocumentSpec *spec = kiosk_documents_find_spec (self, varname);
  /* Encoded as it is read: the page itself is never held whole. */
  KioskScanOptions options = { 300, TRUE, FALSE, 85 };

  if (spec == NULL || self->scanning != NULL)
    return;
  self->adding_page = adding_page;
  if (spec->kind == KIOSK_DOCUMENT_PAPER)
    {
      options.dpi = 200;
      options.jpeg_quality = 78;
    }

  if (back)
    {
      g_autofree char *back_varname = kiosk_document_back_varname (spec->varname);

      kiosk_documents_start_job (self, back_varname);
    }
  else
    kiosk_documents_start_job (self, varname);
  kiosk_scanner_scan_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))), &options,
                            scan_progress_cb, self, kiosk_page_get_cancellable (KIOSK_PAGE (self)), scan_done_cb,
                            g_object_ref (self));
}

/* documents.scan, documents.scan-back, documents.add-page: the target is the document. */
static void
scan_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  start_scan (KIOSK_DOCUMENTS_PAGE (widget), g_variant_get_string (parameter, NULL),
              g_str_equal (action_name, "documents.scan-back"), g_str_equal (action_name, "documents.add-page"));
}


/* ---- Feeder batches ---- */

/* A page of a feeder batch being encoded: its place among the pages, whatever order they end in. */
typedef struct
{
  KioskDocumentsPage *self;   /* owned */
  guint               slot;
} BatchSlot;

static void
finish_batch_if_done (KioskDocumentsPage *self)
{
  g_autoptr(GPtrArray) pages = NULL;

  if (!self->batch_over || self->batch_pending > 0 || self->scanning == NULL)
    return;
  pages = self->batch_before ? g_steal_pointer (&self->batch_before)
                             : g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  for (guint i = 0; i < self->batch_pages->len; i++)
    if (self->batch_pages->pdata[i] != NULL)
      g_ptr_array_add (pages, g_steal_pointer (&self->batch_pages->pdata[i]));
  g_clear_pointer (&self->batch_pages, g_ptr_array_unref);

  if (self->batch_error != NULL)
    {
      g_autofree char *text = kiosk_scanner_error_to_text (self->batch_error);

      g_message ("Feeder batch stopped: %s", self->batch_error->message);
      kiosk_documents_show_error (self, text);
      g_clear_error (&self->batch_error);
    }
  if (pages->len == 0 || self->dossier == NULL)
    {
      kiosk_documents_set_busy (self, NULL);
      return;
    }
  kiosk_capture_assemble_async (self->scanning, g_steal_pointer (&pages), kiosk_page_get_cancellable (KIOSK_PAGE (self)),
                                kiosk_documents_assembled_cb, g_object_ref (self));
}

static void
batch_page_encoded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  BatchSlot *batch_slot = user_data;
  g_autoptr(KioskDocumentsPage) self = batch_slot->self;
  guint slot = batch_slot->slot;
  g_autoptr(GError) error = NULL;
  KioskSheet *page = kiosk_capture_encode_sheet_finish (result, &error);

  g_free (batch_slot);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->batch_pages == NULL)
    {
      g_clear_pointer (&page, kiosk_sheet_free);
      return;
    }
  self->batch_pending--;
  if (page != NULL)
    self->batch_pages->pdata[slot] = page;
  else if (error != NULL && self->batch_error == NULL)
    self->batch_error = g_steal_pointer (&error);
  finish_batch_if_done (self);
}

static void
batch_page_cb (KioskImage *image,
               gpointer    user_data)
{
  KioskDocumentsPage *self = user_data;
  BatchSlot *slot;

  if (self->batch_pages == NULL)
    {
      kiosk_image_free (image);
      return;
    }
  slot = g_new0 (BatchSlot, 1);
  slot->self = g_object_ref (self);
  slot->slot = self->batch_pages->len;
  g_ptr_array_add (self->batch_pages, NULL);
  self->batch_pending++;
  gtk_progress_bar_pulse (self->progress_bar);
  {
    /* TRANSLATORS: while the feeder scans, e.g. "Page 3 scanned…" */
    g_autofree char *text = g_strdup_printf (_("Page %u scanned…"), self->batch_pages->len);

    gtk_progress_bar_set_text (self->progress_bar, text);
  }
  kiosk_capture_encode_sheet_async (image, kiosk_page_get_cancellable (KIOSK_PAGE (self)), batch_page_encoded_cb, slot);
}

static void
batch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = kiosk_scanner_scan_batch_finish (KIOSK_SCANNER (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&self->batch_pages, g_ptr_array_unref);
      if (self->scanning != NULL && kiosk_page_get_context (KIOSK_PAGE (self)) != NULL)
        kiosk_documents_set_busy (self, NULL);
      return;
    }
  if (n < 0 && self->batch_error == NULL)
    self->batch_error = g_steal_pointer (&error);
  self->batch_over = TRUE;
  finish_batch_if_done (self);
}

/* "From the feeder": every sheet in the feeder, added after the pages already there. */
static void
feeder_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  const char *varname = g_variant_get_string (parameter, NULL);
  const KioskDocumentSpec *spec = kiosk_documents_find_spec (self, varname);
  KioskScanOptions options = { 200, TRUE, FALSE };

  if (spec == NULL || self->scanning != NULL)
    return;
  options.duplex = g_str_equal (action_name, "documents.feeder-duplex");
  g_clear_pointer (&self->batch_pages, g_ptr_array_unref);
  g_clear_pointer (&self->batch_before, g_ptr_array_unref);
  g_clear_error (&self->batch_error);
  self->batch_pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  self->batch_before = kiosk_document_dup_pages (kiosk_dossier_get_document (self->dossier, varname));
  self->batch_pending = 0;
  self->batch_over = FALSE;
  kiosk_documents_start_job (self, varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Scanning the pages in the feeder…"));
  kiosk_scanner_scan_batch_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))), &options,
                                  batch_page_cb, self, kiosk_page_get_cancellable (KIOSK_PAGE (self)), batch_done_cb,
                                  g_object_ref (self));
}

static void
sources_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sources = kiosk_scanner_list_sources_finish (KIOSK_SCANNER (object), result, &error);

  if (sources == NULL)
    {
      /* No scanner now: asked again when one is found. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Scanner sources: %s", error->message);
      self->sources_asked = FALSE;
      return;
    }
  if (self->duplex != kiosk_scanner_sources_have_duplex ((const char * const *) sources))
    {
      self->duplex = !self->duplex;
      if (self->scanning == NULL)
        kiosk_documents_rebuild_rows (self);
    }
}

/* Once per scanner: does its feeder scan both sides? ("Recto verso : chargeur" then.) */
void
kiosk_documents_ask_sources (KioskDocumentsPage *self)
{
  if (self->sources_asked || kiosk_page_get_context (KIOSK_PAGE (self)) == NULL || kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL)
    return;
  self->sources_asked = TRUE;
  kiosk_scanner_list_sources_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))),
                                    kiosk_session_get_cancellable (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)))),
                                    sources_listed_cb, g_object_ref (self));
}

/* ---- The camera ---- */


void
kiosk_documents_close_camera (KioskDocumentsPage *self)
{
  g_autofree char *varname = g_steal_pointer (&self->camera_varname);

  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      kiosk_camera_stop (self->camera);
      g_clear_object (&self->camera);
    }
  self->camera_view = NULL;
  kiosk_documents_update_row (self, varname);
}

static void
camera_frame_cb (KioskCamera        *camera,
                 KioskDocumentsPage *self)
{
  g_autoptr(KioskImage) preview = kiosk_camera_dup_preview (camera);

  if (preview != NULL && self->camera_view != NULL)
    kiosk_camera_view_set_frame (KIOSK_CAMERA_VIEW (self->camera_view), preview);
}

static void
camera_failed_cb (KioskCamera        *camera,
                  KioskDocumentsPage *self)
{
  kiosk_documents_close_camera (self);
  kiosk_documents_show_error (self, _("The camera does not answer. Scan the document instead, or call an agent."));
}

/* documents.camera: the target is the document, or its back. On paper with pages already there,
 * the photo is one more page. */
static void
camera_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  const char *varname = g_variant_get_string (parameter, NULL);
  const KioskDocumentSpec *spec = kiosk_documents_find_spec (self, varname);
  g_autoptr(GError) error = NULL;

  if (self->scanning != NULL)
    return;
  kiosk_documents_close_camera (self);
  kiosk_documents_show_error (self, NULL);
  self->camera = kiosk_camera_new ();
  g_signal_connect (self->camera, "frame", G_CALLBACK (camera_frame_cb), self);
  g_signal_connect (self->camera, "failed", G_CALLBACK (camera_failed_cb), self);
  if (!kiosk_camera_start (self->camera, &error))
    {
      g_message ("Camera: %s", error->message);
      camera_failed_cb (self->camera, self);
      return;
    }
  self->camera_varname = g_strdup (varname);
  self->adding_page = spec != NULL && spec->kind == KIOSK_DOCUMENT_PAPER && self->dossier != NULL
                      && kiosk_dossier_get_document (self->dossier, spec->varname) != NULL;
  kiosk_documents_update_row (self, varname);
  if (self->camera_view != NULL)
    kiosk_documents_scroll_into_view (self->camera_view);
}

static void
camera_take_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  KioskImage *photo = self->camera ? kiosk_camera_capture (self->camera) : NULL;
  g_autofree char *varname = g_strdup (self->camera_varname);
  const KioskDocumentSpec *spec = varname ? kiosk_documents_find_spec (self, varname) : NULL;

  if (photo == NULL || spec == NULL)
    {
      g_clear_pointer (&photo, kiosk_image_free);
      return;   /* no frame yet: the citizen presses again */
    }
  kiosk_documents_close_camera (self);
  kiosk_documents_start_job (self, varname);
  encode_page (self, spec, photo, NULL);
}

static void
camera_cancel_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  kiosk_documents_close_camera (self);
}

/* In place of a document's row while the camera is open: what it sees, "Take the photo". */
GtkWidget *
kiosk_documents_build_camera_view (KioskDocumentsPage      *self,
                                   const KioskDocumentSpec *spec)
{
  self->camera_view = kiosk_camera_view_new (spec->label);
  camera_frame_cb (self->camera, self);
  return self->camera_view;
}

/* The actions of scanning, the feeder and the camera; called by the page's class_init. */
void
kiosk_documents_page_scan_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "documents.scan", "s", scan_cb);
  gtk_widget_class_install_action (widget_class, "documents.scan-back", "s", scan_cb);
  gtk_widget_class_install_action (widget_class, "documents.add-page", "s", scan_cb);
  gtk_widget_class_install_action (widget_class, "documents.feeder", "s", feeder_cb);
  gtk_widget_class_install_action (widget_class, "documents.feeder-duplex", "s", feeder_cb);
  gtk_widget_class_install_action (widget_class, "documents.camera", "s", camera_cb);
  gtk_widget_class_install_action (widget_class, "documents.camera-take", NULL, camera_take_cb);
  gtk_widget_class_install_action (widget_class, "documents.camera-cancel", NULL, camera_cancel_cb);
}
