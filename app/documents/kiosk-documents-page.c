/* kiosk-documents-page.c: scans each supporting document through the scanner service, encodes
 * it in a worker (JPEG for identity documents, PDF for papers) and shows a preview.
 *
 * A scan belongs to the session: it is cancelled when the session ends, and its pixels are
 * wiped when dropped (KioskImage, KioskDocument). */
#include "kiosk-documents-page.h"

#include "kiosk-camera.h"
#include "kiosk-capture.h"
#include "kiosk-camera-view.h"
#include "kiosk-crop-view.h"
#include "kiosk-usb-picker.h"
#include "kiosk-scan-error.h"

#include "kiosk-image.h"
#include "kiosk-import.h"

#include <glib/gi18n.h>
#include <string.h>

struct _KioskDocumentsPage
{
  KioskPage        parent_instance;

  KioskDossier   *dossier;
  GCancellable   *cancellable;    /* the scan in progress */
  char           *scanning;       /* varname being scanned, or NULL */
  gboolean        adding_page;    /* the scan adds a page to the paper document */

  /* A feeder batch in progress: pages are encoded as they arrive, in their slots. */
  GPtrArray      *batch_pages;    /* of KioskSheet or NULL (blank, skipped), by arrival */
  guint           batch_pending;  /* pages being encoded */
  gboolean        batch_over;     /* the scanner has finished */
  GError         *batch_error;    /* why it stopped early, if it did */
  GPtrArray      *batch_before;   /* the document's pages before the batch, or NULL */

  /* A scan being turned or cropped by hand: its varname (a front or a back), its turns so far. */
  char           *editing;
  int             edit_page;      /* the page of a paper document, or -1: the whole image */
  guint           edit_turns;
  GtkWidget      *crop_view;     /* nullable: KioskCropView while it is shown */

  /* Whether the scanner's feeder scans both sides, once asked (per scanner). */
  gboolean        sources_asked;
  gboolean        duplex;

  /* The camera, while it is open for a document (a front, a back, a page). */
  KioskCamera    *camera;
  char           *camera_varname;
  GtkWidget      *camera_view;   /* nullable: KioskCameraView while it is shown */

  /* A USB stick being looked at for one document. */
  char           *usb_varname;    /* nullable: the document the stick's list is for */
  char           *usb_root;
  GPtrArray      *usb_files;      /* of KioskUsbFile, once listed */

  GtkLabel       *step_label;
  GtkLabel       *error_label;
  GtkWidget      *search_button;
  GtkProgressBar *progress_bar;
  GtkPicture     *scan_preview;   /* the page as it is scanned */
  GtkWidget      *stop_button;
  GtkBox         *rows_box;
  GHashTable     *slots;          /* front varname → its box in rows_box (not owned): a row, a view */
  GtkWidget      *next_button;
};

G_DEFINE_FINAL_TYPE (KioskDocumentsPage, kiosk_documents_page, KIOSK_TYPE_PAGE)

static void kiosk_documents_page_set_dossier (KioskPage *page, KioskDossier *dossier);

enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void rebuild_rows (KioskDocumentsPage *self);
static void update_row   (KioskDocumentsPage *self, const char *varname);
static void update_next  (KioskDocumentsPage *self);

/* The actions of the rows and of the views in place of a row: off while a job runs. */
static const char * const view_actions[] = {
  "documents.scan", "documents.scan-back", "documents.add-page", "documents.no-back", "documents.feeder",
  "documents.feeder-duplex", "documents.camera", "documents.edit", "documents.usb", "documents.page-turn",
  "documents.page-remove", "documents.page-earlier", "documents.page-crop", "documents.usb-file", "documents.usb-cancel", "documents.camera-take", "documents.camera-cancel",
  "documents.edit-turn", "documents.edit-reset", "documents.edit-cancel", "documents.edit-apply",
};

static void
set_busy (KioskDocumentsPage *self,
          const char         *varname)
{
  gboolean was_busy = self->scanning != NULL;

  g_free (self->scanning);
  self->scanning = g_strdup (varname);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), varname != NULL);
  gtk_widget_set_visible (self->stop_button, varname != NULL);
  /* The page being scanned shows as it comes (scan_progress_cb), then goes with the scan. */
  gtk_widget_set_visible (GTK_WIDGET (self->scan_preview), FALSE);
  gtk_picture_set_paintable (self->scan_preview, NULL);
  if (varname != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Scanning…"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (view_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), view_actions[i], varname == NULL);
  if (was_busy != (varname != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  update_next (self);
}

static void
show_error (KioskDocumentsPage *self,
            const char         *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}


static const KioskDocumentSpec *find_spec (KioskDocumentsPage *self, const char *varname);

/* Where every job of the page ends: @document (transfer none) made, or @error. */
static void
document_ready (KioskDocumentsPage *self,
                KioskDocument      *document,
                const GError       *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Stopped by the citizen (the session's end has reset the page already). */
      if (self->scanning != NULL && kiosk_page_get_context (KIOSK_PAGE (self)) != NULL && self->dossier != NULL)
        set_busy (self, NULL);
      return;
    }
  if (document == NULL)
    {
      g_autofree char *text = kiosk_scanner_error_to_text (error);

      g_message ("Scan not accepted: %s", error->message);
      show_error (self, text);
    }
  else if (self->dossier != NULL)
    {
      const KioskDocumentSpec *spec = find_spec (self, kiosk_document_get_varname (document));
      gsize size = g_bytes_get_size (kiosk_document_get_content (document));

      /* What the portal would refuse is refused here, with what to do. */
      if (spec != NULL && !kiosk_document_spec_accepts (spec, kiosk_document_get_content_type (document), -1))
        show_error (self, _("The online service does not accept this kind of file for this document. Please ask an agent."));
      else if (spec != NULL && !kiosk_document_spec_accepts (spec, NULL, size))
        {
          g_autofree char *got = g_format_size (size);
          g_autofree char *limit = g_format_size (spec->max_size);
          /* TRANSLATORS: "This document is too large: 12.3 MB, at most 10.0 MB. …" */
          g_autofree char *text = g_strdup_printf (_("This document is too large for the online service: %s, at most %s. Remove a page, or scan it again."),
                                                   got, limit);

          show_error (self, text);
          /* The pages stay, so that the citizen can remove some; "Next" waits (rebuild_rows). */
          if (kiosk_document_get_pages (document) != NULL)
            kiosk_dossier_set_document (self->dossier, kiosk_document_get_varname (document), document);
        }
      else
        kiosk_dossier_set_document (self->dossier, kiosk_document_get_varname (document), document);
    }
  set_busy (self, NULL);
}

static void
encoded_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = kiosk_capture_encode_finish (result, &error);

  document_ready (self, document, error);
}

static void
assembled_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = kiosk_capture_assemble_finish (result, &error);

  document_ready (self, document, error);
}

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

/* The document @varname is, or is a side of (the back of an identity card). */
static const KioskDocumentSpec *
find_spec (KioskDocumentsPage *self,
           const char         *varname)
{
  return kiosk_procedure_find_document (kiosk_dossier_get_procedure (self->dossier), varname);
}

/* Starts a job of the page for @varname (a scan, a batch, a USB stick, a page edit): a fresh
 * cancellable, cancelled too when the session ends, and the page busy. */
static GCancellable *
start_job (KioskDocumentsPage *self,
           const char         *varname)
{
  show_error (self, NULL);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (kiosk_context_get_session_cancellable (kiosk_page_get_context (KIOSK_PAGE (self))), "cancelled",
                           G_CALLBACK (g_cancellable_cancel), self->cancellable, G_CONNECT_SWAPPED);
  set_busy (self, varname);
  return self->cancellable;
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
                              self->cancellable, encoded_cb, g_object_ref (self));
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
        set_busy (self, NULL);
      return;
    }
  if (scan == NULL)
    {
      g_autofree char *text = kiosk_scanner_error_to_text (error);

      g_message ("Scan failed: %s", error->message);
      show_error (self, text);
      gtk_widget_set_visible (self->search_button,
                              g_error_matches (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NO_DEVICE));
      set_busy (self, NULL);
      return;
    }
  if (self->dossier == NULL || (spec = find_spec (self, self->scanning)) == NULL)
    {
      kiosk_scan_free (scan);
      set_busy (self, NULL);
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
  const KioskDocumentSpec *spec = find_spec (self, varname);
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

      start_job (self, back_varname);
    }
  else
    start_job (self, varname);
  kiosk_scanner_scan_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))), &options,
                            scan_progress_cb, self, self->cancellable, scan_done_cb,
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
      show_error (self, text);
      g_clear_error (&self->batch_error);
    }
  if (pages->len == 0 || self->dossier == NULL)
    {
      set_busy (self, NULL);
      return;
    }
  kiosk_capture_assemble_async (self->scanning, g_steal_pointer (&pages), self->cancellable,
                                assembled_cb, g_object_ref (self));
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
  kiosk_capture_encode_sheet_async (image, self->cancellable, batch_page_encoded_cb, slot);
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
        set_busy (self, NULL);
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
  const KioskDocumentSpec *spec = find_spec (self, varname);
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
  start_job (self, varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Scanning the pages in the feeder…"));
  kiosk_scanner_scan_batch_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))), &options,
                                  batch_page_cb, self, self->cancellable, batch_done_cb,
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
        rebuild_rows (self);
    }
}

/* Once per scanner: does its feeder scan both sides? ("Recto verso : chargeur" then.) */
static void
ask_sources (KioskDocumentsPage *self)
{
  if (self->sources_asked || kiosk_page_get_context (KIOSK_PAGE (self)) == NULL || kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))) == NULL)
    return;
  self->sources_asked = TRUE;
  kiosk_scanner_list_sources_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))),
                                    kiosk_context_get_session_cancellable (kiosk_page_get_context (KIOSK_PAGE (self))),
                                    sources_listed_cb, g_object_ref (self));
}

/* ---- USB sticks ---- */

static void rebuild_rows (KioskDocumentsPage *self);

static void
close_usb (KioskDocumentsPage *self)
{
  g_autofree char *varname = g_steal_pointer (&self->usb_varname);

  g_clear_pointer (&self->usb_root, g_free);
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
  update_row (self, varname);
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
  set_busy (self, NULL);
  if (files == NULL)
    {
      close_usb (self);
      show_error (self, _("No USB stick was found. Plug it into the front of the terminal, wait a moment, then try again."));
      return;
    }
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
  self->usb_files = files;
  if (files->len == 0)
    show_error (self, _("There is no PDF, JPEG or PNG document on this USB stick."));
  update_row (self, self->usb_varname);
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
  show_error (self, NULL);
  close_usb (self);
  root = kiosk_usb_find_root ();
  if (root == NULL)
    {
      show_error (self, _("No USB stick was found. Plug it into the front of the terminal, wait a moment, then try again."));
      return;
    }
  self->usb_varname = g_strdup (varname);
  self->usb_root = g_strdup (root);
  start_job (self, varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Reading the USB stick…"));
  kiosk_capture_list_usb_async (root, self->cancellable, usb_listed_cb, g_object_ref (self));
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
  document_ready (self, document, error);
}

static void
usb_file_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  guint index = g_variant_get_uint32 (parameter);
  const KioskDocumentSpec *spec = find_spec (self, self->usb_varname);
  KioskUsbFile *file;

  if (self->usb_files == NULL || index >= self->usb_files->len || self->scanning != NULL || spec == NULL)
    return;
  file = g_ptr_array_index (self->usb_files, index);
  start_job (self, self->usb_varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Checking the file…"));
  kiosk_capture_import_async (spec, self->usb_root, file->name, self->cancellable, usb_imported_cb,
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
static GtkWidget *
build_usb_list (KioskDocumentsPage *self)
{
  GtkWidget *picker = kiosk_usb_picker_new ();

  kiosk_usb_picker_set_files (KIOSK_USB_PICKER (picker), self->usb_files);
  return picker;
}

typedef enum { PAGE_TURN = KIOSK_SHEET_TURN, PAGE_REMOVE = KIOSK_SHEET_REMOVE, PAGE_EARLIER = KIOSK_SHEET_EARLIER, PAGE_CROP } PageEdit;

static void open_editor (KioskDocumentsPage *self, const char *varname, int page);

/* Turn, remove or move one page of a paper document: the PDF is assembled again in a worker. */
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
  spec = find_spec (self, varname);
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
  start_job (self, varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  kiosk_capture_assemble_async (varname, g_steal_pointer (&pages), self->cancellable, assembled_cb,
                                g_object_ref (self));
}

static GtkWidget *
new_page_button (KioskDocumentsPage *self,
                 const char         *varname,
                 guint               index,
                 PageEdit            edit,
                 const char         *icon,
                 const char         *label)
{
  static const char * const prefixes[] = { "turn", "remove", "earlier", "crop" };
  g_autofree char *name = g_strdup_printf ("%s-%s-%u", prefixes[edit], varname, index);
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_name (button, name);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "kiosk-page-button");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), page_actions[edit]);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(su)", varname, index);
  return button;
}


/* The pages of a paper document, each with its thumbnail, then "Add a page". */
static GtkWidget *
build_pages (KioskDocumentsPage      *self,
             const KioskDocumentSpec *spec,
             KioskDocument           *document)
{
  GPtrArray *pages = kiosk_document_get_pages (document);
  /* A flow box: the pages wrap onto more lines, with larger text too. */
  GtkWidget *box = gtk_flow_box_new ();
  g_autofree char *add_name = g_strdup_printf ("add-page-%s", spec->varname);
  GtkWidget *add;

  for (guint i = 0; i < pages->len; i++)
    {
      const KioskSheet *page = g_ptr_array_index (pages, i);
      GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      g_autofree char *number = g_strdup_printf (_("Page %u"), i + 1);
      g_autofree char *picture_name = g_strdup_printf ("page-%s-%u", spec->varname, i);
      g_autofree char *turn = g_strdup_printf (_("Turn page %u"), i + 1);
      g_autofree char *remove = g_strdup_printf (_("Remove page %u"), i + 1);
      g_autofree char *earlier = g_strdup_printf (_("Move page %u before the previous one"), i + 1);
      /* TRANSLATORS: a button under a page's thumbnail, for a screen reader */
      g_autofree char *crop = g_strdup_printf (_("Crop page %u"), i + 1);
      GtkWidget *label = gtk_label_new (number);

      if (page->preview != NULL)
        {
          g_autoptr(KioskImage) turned = kiosk_image_rotate (page->preview, page->quarter_turns);
          g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (turned);
          GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

          gtk_widget_set_name (picture, picture_name);
          gtk_widget_set_size_request (picture, 90, 120);
          gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
          gtk_picture_set_alternative_text (GTK_PICTURE (picture), number);
          gtk_box_append (GTK_BOX (column), picture);
        }
      gtk_box_append (GTK_BOX (column), label);
      gtk_box_append (GTK_BOX (tools), new_page_button (self, spec->varname, i, PAGE_TURN, "object-rotate-right-symbolic", turn));
      if (i > 0)
        gtk_box_append (GTK_BOX (tools), new_page_button (self, spec->varname, i, PAGE_EARLIER, "go-previous-symbolic", earlier));
      gtk_box_append (GTK_BOX (tools), new_page_button (self, spec->varname, i, PAGE_CROP, "edit-cut-symbolic", crop));
      gtk_box_append (GTK_BOX (tools), new_page_button (self, spec->varname, i, PAGE_REMOVE, "user-trash-symbolic", remove));
      gtk_box_append (GTK_BOX (column), tools);
      gtk_flow_box_append (GTK_FLOW_BOX (box), column);
    }

  add = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (add), g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                                        "icon-name", "list-add-symbolic",
                                                        "label", _("Add a page"), NULL));
  gtk_widget_set_name (add, add_name);
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add, "kiosk-nav");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "documents.add-page");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (add), "s", spec->varname);
  gtk_flow_box_append (GTK_FLOW_BOX (box), add);
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (box), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (box), 12);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 8);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (box), FALSE);
  return box;
}

/* ---- The camera ---- */

static void scroll_into_view (GtkWidget *widget);

static void
close_camera (KioskDocumentsPage *self)
{
  g_autofree char *varname = g_steal_pointer (&self->camera_varname);

  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      kiosk_camera_stop (self->camera);
      g_clear_object (&self->camera);
    }
  self->camera_view = NULL;
  update_row (self, varname);
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
  close_camera (self);
  show_error (self, _("The camera does not answer. Scan the document instead, or call an agent."));
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
  const KioskDocumentSpec *spec = find_spec (self, varname);
  g_autoptr(GError) error = NULL;

  if (self->scanning != NULL)
    return;
  close_camera (self);
  show_error (self, NULL);
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
  update_row (self, varname);
  if (self->camera_view != NULL)
    scroll_into_view (self->camera_view);
}

static void
camera_take_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);
  KioskImage *photo = self->camera ? kiosk_camera_capture (self->camera) : NULL;
  g_autofree char *varname = g_strdup (self->camera_varname);
  const KioskDocumentSpec *spec = varname ? find_spec (self, varname) : NULL;

  if (photo == NULL || spec == NULL)
    {
      g_clear_pointer (&photo, kiosk_image_free);
      return;   /* no frame yet: the citizen presses again */
    }
  close_camera (self);
  start_job (self, varname);
  encode_page (self, spec, photo, NULL);
}

static void
camera_cancel_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  close_camera (self);
}

/* In place of a document's row while the camera is open: what it sees, "Take the photo". */
static GtkWidget *
build_camera_view (KioskDocumentsPage      *self,
                   const KioskDocumentSpec *spec)
{
  self->camera_view = kiosk_camera_view_new (spec->label);
  camera_frame_cb (self->camera, self);
  return self->camera_view;
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

  document_ready (self, document, error);
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

static void
stop_editing (KioskDocumentsPage *self)
{
  g_autofree char *varname = g_steal_pointer (&self->editing);

  self->edit_page = -1;
  close_camera (self);
  self->crop_view = NULL;
  self->edit_turns = 0;
  update_row (self, varname);
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

static void
scroll_into_view (GtkWidget *widget)
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
  stop_editing (self);
  self->editing = g_strdup (varname);
  self->edit_page = page;
  self->edit_turns = 0;
  show_error (self, NULL);
  update_row (self, varname);
  if (self->crop_view != NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (kiosk_crop_view_get_area (KIOSK_CROP_VIEW (self->crop_view))));
      scroll_into_view (self->crop_view);
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
  stop_editing (KIOSK_DOCUMENTS_PAGE (widget));
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
  stop_editing (self);
  start_job (self, kiosk_document_get_varname (document));
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  kiosk_capture_edit_async (document, page, turns, frame.origin.x, frame.origin.y, frame.size.width,
                            frame.size.height, self->cancellable, edited_cb, g_object_ref (self));
  g_object_unref (document);
}

/* In place of a document's row: its scan large, the frame to drag, turn, keep all, cancel, apply. */
static GtkWidget *
build_edit_view (KioskDocumentsPage      *self,
                 const KioskDocumentSpec *spec,
                 KioskDocument           *document)
{
  g_autoptr(KioskImage) turned = edited_preview (self);

  self->crop_view = kiosk_crop_view_new (spec->label);
  kiosk_crop_area_set_image (kiosk_crop_view_get_area (KIOSK_CROP_VIEW (self->crop_view)), turned);
  return self->crop_view;
}

/* Whether a scan can be turned and cropped here: an image of its own (a card, a photo). */
static gboolean
can_edit (KioskDocument *document)
{
  return document != NULL && kiosk_document_get_preview (document) != NULL
         && g_strcmp0 (kiosk_document_get_content_type (document), "image/jpeg") == 0;
}

/* A scan's thumbnail, with what a screen reader says of it. */
static GtkWidget *
new_preview (const KioskImage *image,
             const char       *name,
             const char       *alternative_text)
{
  g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (image);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

  gtk_widget_set_name (picture, name);
  gtk_widget_set_size_request (picture, 120, 160);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), alternative_text);
  return picture;
}

/* A large button of a document's row: the action @action for the document @varname. */
static GtkWidget *
new_row_button (KioskDocumentsPage *self,
                const char         *name,
                const char         *icon_name,
                const char         *label,
                const char         *varname,
                gboolean            suggested,
                const char         *action)
{
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_child (GTK_BUTTON (button), g_object_new (ADW_TYPE_BUTTON_CONTENT, "icon-name", icon_name,
                                                           "label", label, NULL));
  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "kiosk-nav");
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", varname);
  return button;
}

static void
no_back_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  /* Recorded in the dossier, whose "changed" rebuilds the rows; win.submit checks it too. */
  if (self->dossier != NULL)
    kiosk_dossier_set_no_back (self->dossier, g_variant_get_string (parameter, NULL), TRUE);
}

/* An identity document, guided: the front, then "turn it over", then the back (or "it has no
 * back", for a passport); one image per side. */
static GtkWidget *
finish_identity_row (KioskDocumentsPage      *self,
                     const KioskDocumentSpec *spec,
                     GtkWidget               *row,
                     GtkWidget               *text)
{
  KioskDocument *front = kiosk_dossier_get_document (self->dossier, spec->varname);
  g_autofree char *back_varname = kiosk_document_back_varname (spec->varname);
  KioskDocument *back = kiosk_dossier_get_document (self->dossier, back_varname);
  gboolean pending = kiosk_dossier_back_is_pending (self->dossier, spec);
  g_autofree char *scan_name = g_strdup_printf ("scan-%s", spec->varname);
  g_autofree char *back_name = g_strdup_printf ("scan-back-%s", spec->varname);
  g_autofree char *no_back_name = g_strdup_printf ("no-back-%s", spec->varname);
  g_autofree char *usb_name = g_strdup_printf ("usb-%s", spec->varname);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *status;
  GtkWidget *button;
  const char *status_text;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* Two thumbnails and three buttons do not fit across at 200 % text: one under the other then
   * (as the window does for every row marked so). */
  gtk_widget_add_css_class (row, "kiosk-reflow");
  if (root != NULL && gtk_widget_has_css_class (GTK_WIDGET (root), "large-text"))
    gtk_orientable_set_orientation (GTK_ORIENTABLE (row), GTK_ORIENTATION_VERTICAL);
  if (front == NULL)
    status_text = spec->required ? _("To scan: the front, then the back") : _("Optional");
  else if (pending)
    status_text = _("Front scanned ✓");
  else if (back != NULL)
    status_text = _("Front and back scanned ✓");
  else
    status_text = _("Scanned ✓");
  status = gtk_label_new (status_text);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "kiosk-step");
  gtk_box_append (GTK_BOX (text), status);
  if (pending)
    {
      GtkWidget *guide = gtk_label_new (_("Now turn the card over on the glass, then scan the back."));

      gtk_widget_set_name (guide, "turn-over-hint");
      gtk_label_set_xalign (GTK_LABEL (guide), 0);
      gtk_label_set_wrap (GTK_LABEL (guide), TRUE);
      gtk_widget_add_css_class (guide, "kiosk-field-label");
      gtk_box_append (GTK_BOX (text), guide);
    }
  gtk_widget_set_hexpand (text, TRUE);

  if (front != NULL && kiosk_document_get_preview (front) != NULL)
    {
      g_autofree char *name = g_strdup_printf ("preview-%s", spec->varname);
      /* TRANSLATORS: accessible description of the thumbnail of a card's front; %s is the document */
      g_autofree char *alt = g_strdup_printf (_("Front of %s"), spec->label);

      gtk_box_append (GTK_BOX (row), new_preview (kiosk_document_get_preview (front), name, alt));
    }
  if (back != NULL && kiosk_document_get_preview (back) != NULL)
    {
      g_autofree char *name = g_strdup_printf ("preview-back-%s", spec->varname);
      /* TRANSLATORS: accessible description of the thumbnail of a card's back; %s is the document */
      g_autofree char *alt = g_strdup_printf (_("Back of %s"), spec->label);

      gtk_box_append (GTK_BOX (row), new_preview (kiosk_document_get_preview (back), name, alt));
    }
  gtk_box_append (GTK_BOX (row), text);

  if (pending)
    {
      button = new_row_button (self, back_name, "scanner-symbolic", _("Scan the back"), spec->varname,
                               TRUE, "documents.scan-back");
      gtk_box_append (GTK_BOX (buttons), button);
      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, no_back_name, "object-select-symbolic",
                                      _("It has no back (passport)"), spec->varname, FALSE,
                                      "documents.no-back"));
    }
  gtk_box_append (GTK_BOX (buttons),
                  new_row_button (self, scan_name, front ? "view-refresh-symbolic" : "scanner-symbolic",
                                  front ? _("Scan the front again") : _("Scan the front"), spec->varname,
                                  front == NULL, "documents.scan"));
  if (front != NULL && !pending)
    {
      button = new_row_button (self, back_name, back ? "view-refresh-symbolic" : "scanner-symbolic",
                               back ? _("Scan the back again") : _("Scan the back"), spec->varname,
                               FALSE, "documents.scan-back");
      gtk_box_append (GTK_BOX (buttons), button);
    }
  if (kiosk_camera_is_available ())
    {
      g_autofree char *name = g_strdup_printf ("camera-%s", spec->varname);

      /* The side the page asks for now: the back once the front is in. */
      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, name, "camera-photo-symbolic",
                                      pending ? _("The back with the camera") : _("With the camera"),
                                      pending ? back_varname : spec->varname, FALSE, "documents.camera"));
    }
  if (can_edit (front))
    {
      g_autofree char *name = g_strdup_printf ("edit-%s", spec->varname);

      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, name, "edit-cut-symbolic", _("Turn or crop the front"), spec->varname,
                                      FALSE, "documents.edit"));
    }
  if (can_edit (back))
    {
      g_autofree char *name = g_strdup_printf ("edit-back-%s", spec->varname);

      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, name, "edit-cut-symbolic", _("Turn or crop the back"), back_varname,
                                      FALSE, "documents.edit"));
    }
  gtk_box_append (GTK_BOX (buttons),
                  new_row_button (self, usb_name, "drive-removable-media-symbolic", _("From a USB stick"),
                                  spec->varname, FALSE, "documents.usb"));
  gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row), buttons);
  return row;
}

static GtkWidget *
build_row (KioskDocumentsPage      *self,
           const KioskDocumentSpec *spec)
{
  KioskDocument *document = kiosk_dossier_get_document (self->dossier, spec->varname);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (spec->label);
  GtkWidget *status;
  g_autofree char *button_name = g_strdup_printf ("scan-%s", spec->varname);
  g_autofree char *preview_name = g_strdup_printf ("preview-%s", spec->varname);

  gtk_widget_add_css_class (row, "kiosk-card");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "kiosk-field-label");
  gtk_box_append (GTK_BOX (text), title);
  if (spec->description != NULL)
    {
      GtkWidget *description = gtk_label_new (spec->description);

      gtk_label_set_xalign (GTK_LABEL (description), 0);
      gtk_label_set_wrap (GTK_LABEL (description), TRUE);
      gtk_widget_add_css_class (description, "kiosk-hint");
      gtk_box_append (GTK_BOX (text), description);
    }
  if (kiosk_document_spec_has_back (spec))
    return finish_identity_row (self, spec, row, text);
  status = gtk_label_new (document != NULL ? _("Scanned ✓")
                          : spec->required ? _("To scan") : _("Optional"));
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "kiosk-step");
  gtk_box_append (GTK_BOX (text), status);
  gtk_widget_set_hexpand (text, TRUE);

  if (document != NULL && kiosk_document_get_preview (document) != NULL)
    {
      /* TRANSLATORS: accessible description of a scan's thumbnail; %s is the document */
      g_autofree char *alt = g_strdup_printf (_("Preview of %s"), spec->label);

      gtk_box_append (GTK_BOX (row), new_preview (kiosk_document_get_preview (document), preview_name, alt));
    }
  gtk_box_append (GTK_BOX (row), text);

  {
    gboolean paper = spec->kind == KIOSK_DOCUMENT_PAPER;
    GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
    g_autofree char *usb_name = g_strdup_printf ("usb-%s", spec->varname);
    GtkWidget *button;

    gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (buttons),
                    new_row_button (self, button_name, document ? "view-refresh-symbolic" : "scanner-symbolic",
                                    document ? _("Scan again") : _("Scan"), spec->varname, document == NULL,
                                    "documents.scan"));
    if (paper)
      {
        g_autofree char *name = g_strdup_printf ("feeder-%s", spec->varname);

        button = new_row_button (self, name, "document-send-symbolic", _("Several sheets: feeder"),
                                 spec->varname, FALSE, "documents.feeder");
        gtk_widget_set_tooltip_text (button, _("Put all the sheets in the feeder, face up: they are scanned one after the other"));
        gtk_box_append (GTK_BOX (buttons), button);
      }
    if (paper && self->duplex)
      {
        g_autofree char *name = g_strdup_printf ("feeder-duplex-%s", spec->varname);

        button = new_row_button (self, name, "document-send-symbolic", _("Printed on both sides: feeder"),
                                 spec->varname, FALSE, "documents.feeder-duplex");
        gtk_widget_set_tooltip_text (button, _("Put all the sheets in the feeder: both sides of each are scanned, empty backs left out"));
        gtk_box_append (GTK_BOX (buttons), button);
      }
    if (kiosk_camera_is_available ())
      {
        g_autofree char *name = g_strdup_printf ("camera-%s", spec->varname);

        button = new_row_button (self, name, "camera-photo-symbolic",
                                 paper && document ? _("A page with the camera") : _("With the camera"),
                                 spec->varname, FALSE, "documents.camera");
        gtk_box_append (GTK_BOX (buttons), button);
      }
    if (!paper && can_edit (document))
      {
        g_autofree char *name = g_strdup_printf ("edit-%s", spec->varname);

        gtk_box_append (GTK_BOX (buttons),
                        new_row_button (self, name, "edit-cut-symbolic", _("Turn or crop"), spec->varname, FALSE,
                                        "documents.edit"));
      }
    gtk_box_append (GTK_BOX (buttons),
                    new_row_button (self, usb_name, "drive-removable-media-symbolic", _("From a USB stick"),
                                    spec->varname, FALSE, "documents.usb"));
    gtk_box_append (GTK_BOX (row), buttons);
  }
  return row;
}

/* Fills @slot with what @spec's document shows now: the camera or the frame in place of its row,
 * or its row, its pages and the USB stick's documents. */
static void
fill_slot (KioskDocumentsPage      *self,
           const KioskDocumentSpec *spec,
           GtkWidget               *slot)
{
  KioskDocument *document = kiosk_dossier_get_document (self->dossier, spec->varname);

  if (self->camera_view != NULL && gtk_widget_is_ancestor (self->camera_view, slot))
    self->camera_view = NULL;
  if (self->crop_view != NULL && gtk_widget_is_ancestor (self->crop_view, slot))
    self->crop_view = NULL;
  kiosk_widget_remove_all (slot);
  if (self->camera_varname != NULL && find_spec (self, self->camera_varname) == spec)
    {
      gtk_box_append (GTK_BOX (slot), build_camera_view (self, spec));
      return;
    }
  if (self->editing != NULL && find_spec (self, self->editing) == spec
      && kiosk_dossier_get_document (self->dossier, self->editing) != NULL)
    {
      gtk_box_append (GTK_BOX (slot),
                      build_edit_view (self, spec, kiosk_dossier_get_document (self->dossier, self->editing)));
      return;
    }
  gtk_box_append (GTK_BOX (slot), build_row (self, spec));
  if (document != NULL && kiosk_document_get_pages (document) != NULL)
    gtk_box_append (GTK_BOX (slot), build_pages (self, spec, document));
  if (self->usb_files != NULL && g_strcmp0 (self->usb_varname, spec->varname) == 0)
    gtk_box_append (GTK_BOX (slot), build_usb_list (self));
}

/* "Next": the dossier's rule (every required document, a card with its back or "it has none",
 * none over the portal's limit), and no camera or frame open, no job running. */
static void
update_next (KioskDocumentsPage *self)
{
  gboolean complete = self->dossier != NULL && self->camera_view == NULL && self->crop_view == NULL
                      && kiosk_dossier_documents_are_complete (self->dossier);

  gtk_widget_set_sensitive (self->next_button, complete && self->scanning == NULL);
}

/* The row of @varname's document (a front or a back) made again, and "Next". */
static void
update_row (KioskDocumentsPage *self,
            const char         *varname)
{
  const KioskDocumentSpec *spec;
  GtkWidget *slot;

  if (self->dossier == NULL || self->slots == NULL)
    return;
  spec = varname ? find_spec (self, varname) : NULL;
  slot = spec ? g_hash_table_lookup (self->slots, spec->varname) : NULL;
  if (slot != NULL)
    fill_slot (self, spec, slot);
  update_next (self);
}

/* Every row made again: a new dossier, or the scanner's feeder found to scan both sides. */
static void
rebuild_rows (KioskDocumentsPage *self)
{
  KioskProcedure *procedure;

  if (self->slots == NULL)
    return;   /* disposed */
  kiosk_widget_remove_all (GTK_WIDGET (self->rows_box));
  g_hash_table_remove_all (self->slots);
  self->crop_view = NULL;
  self->camera_view = NULL;
  if (self->dossier == NULL)
    return;
  procedure = kiosk_dossier_get_procedure (self->dossier);
  for (guint i = 0; i < kiosk_procedure_get_n_documents (procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, i);
      GtkWidget *slot;

      /* Documents asked only for some answers ("a payslip if you work") appear when needed. */
      if (!kiosk_dossier_document_is_needed (self->dossier, spec))
        continue;
      slot = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      gtk_box_append (self->rows_box, slot);
      g_hash_table_insert (self->slots, g_strdup (spec->varname), slot);
      fill_slot (self, spec, slot);
    }
  update_next (self);
}

static void
dossier_changed_cb (KioskDossier       *dossier,
                    const char         *varname,
                    KioskDocumentsPage *self)
{
  /* Only the row of the document that changed (a front or a back): the others stay as they are. */
  if (find_spec (self, varname) != NULL)
    update_row (self, varname);
}

/* @dossier: (nullable): the dossier whose documents to show, %NULL to forget it */
static void
kiosk_documents_page_set_dossier (KioskPage    *page,
                                  KioskDossier *dossier)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (page);
  KioskProcedure *procedure;
  g_autofree char *step_text = NULL;

  if (self->dossier != dossier)
    {
      if (self->dossier != NULL)
        g_signal_handlers_disconnect_by_func (self->dossier, dossier_changed_cb, self);
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
      g_set_object (&self->dossier, dossier);
      stop_editing (self);
      close_camera (self);
      if (dossier != NULL)
        ask_sources (self);
      if (dossier != NULL)
        g_signal_connect (dossier, "changed", G_CALLBACK (dossier_changed_cb), self);
      show_error (self, NULL);
    }
  if (dossier != NULL)
    {
      guint step = 1, n_steps;

      procedure = kiosk_dossier_get_procedure (dossier);
      n_steps = kiosk_dossier_count_steps (dossier, kiosk_procedure_get_n_pages (procedure), &step);
      step_text = g_strdup_printf (_("Step %u of %u"), step, n_steps);
      gtk_label_set_label (self->step_label, step_text);
    }
  if (dossier == NULL && self->scanning != NULL)
    set_busy (self, NULL);
  rebuild_rows (self);
}

gboolean
kiosk_documents_page_get_busy (KioskDocumentsPage *self)
{
  return self->scanning != NULL;
}

static void
devices_found_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = kiosk_scanner_list_devices_finish (KIOSK_SCANNER (object), result, &error);

  gtk_widget_set_sensitive (self->search_button, TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || kiosk_page_get_context (KIOSK_PAGE (self)) == NULL)
    return;
  if (devices == NULL || devices->len == 0)
    {
      show_error (self, _("No scanner found. Check that it is switched on and connected, then search again."));
      return;
    }
  /* The first scanner found is used from now on, and remembered. */
  kiosk_context_set_scanner_device (kiosk_page_get_context (KIOSK_PAGE (self)), ((KioskScannerDevice *) g_ptr_array_index (devices, 0))->name);
  self->sources_asked = FALSE;
  ask_sources (self);
  show_error (self, NULL);
  gtk_widget_set_visible (self->search_button, FALSE);
}

static void
search_scanner_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  gtk_widget_set_sensitive (self->search_button, FALSE);
  show_error (self, _("Searching for the scanner…"));
  kiosk_scanner_list_devices_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))),
                                    kiosk_context_get_session_cancellable (kiosk_page_get_context (KIOSK_PAGE (self))),
                                    devices_found_cb, g_object_ref (self));
}

/* "Stop the scan": the scan or the feeder batch in progress stops at once; nothing of it is kept
 * (the pages a batch finished before stay). */
static void
stop_scan_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  if (self->scanning != NULL && self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
documents_back_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  if (self->dossier == NULL)
    return;
  gtk_widget_activate_action (widget, "win.edit-step", "u",
                              kiosk_dossier_previous_page (self->dossier,
                                                           kiosk_procedure_get_n_pages (kiosk_dossier_get_procedure (self->dossier))));
}

static void
kiosk_documents_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->scanning != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_documents_page_dispose (GObject *object)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  /* The camera's pipeline runs on threads of its own: stopped with the page (no row made again). */
  g_clear_pointer (&self->slots, g_hash_table_unref);
  close_camera (self);
  if (self->dossier != NULL)
    g_signal_handlers_disconnect_by_func (self->dossier, dossier_changed_cb, self);
  g_clear_object (&self->dossier);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_DOCUMENTS_PAGE);
  g_clear_pointer (&self->scanning, g_free);
  g_clear_pointer (&self->batch_pages, g_ptr_array_unref);
  g_clear_pointer (&self->batch_before, g_ptr_array_unref);
  g_clear_error (&self->batch_error);
  g_clear_pointer (&self->usb_varname, g_free);
  g_clear_pointer (&self->usb_root, g_free);
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
  g_clear_pointer (&self->editing, g_free);

  G_OBJECT_CLASS (kiosk_documents_page_parent_class)->dispose (object);
}

static void
kiosk_documents_page_class_init (KioskDocumentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->set_dossier = kiosk_documents_page_set_dossier;
  object_class->get_property = kiosk_documents_page_get_property;
  object_class->dispose = kiosk_documents_page_dispose;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-documents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, step_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, search_button);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, scan_preview);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, stop_button);
  gtk_widget_class_install_action (widget_class, "documents.stop", NULL, stop_scan_cb);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, rows_box);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, next_button);
  gtk_widget_class_install_action (widget_class, "documents.back", NULL, documents_back_cb);
  gtk_widget_class_install_action (widget_class, "documents.search-scanner", NULL, search_scanner_cb);
  gtk_widget_class_install_action (widget_class, "documents.scan", "s", scan_cb);
  gtk_widget_class_install_action (widget_class, "documents.scan-back", "s", scan_cb);
  gtk_widget_class_install_action (widget_class, "documents.add-page", "s", scan_cb);
  gtk_widget_class_install_action (widget_class, "documents.no-back", "s", no_back_cb);
  gtk_widget_class_install_action (widget_class, "documents.feeder", "s", feeder_cb);
  gtk_widget_class_install_action (widget_class, "documents.feeder-duplex", "s", feeder_cb);
  gtk_widget_class_install_action (widget_class, "documents.camera", "s", camera_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit", "s", edit_cb);
  gtk_widget_class_install_action (widget_class, "documents.usb", "s", usb_cb);
  for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
    gtk_widget_class_install_action (widget_class, page_actions[i], "(su)", page_edit_cb);
  gtk_widget_class_install_action (widget_class, "documents.usb-file", "u", usb_file_cb);
  gtk_widget_class_install_action (widget_class, "documents.usb-cancel", NULL, usb_cancel_cb);
  gtk_widget_class_install_action (widget_class, "documents.camera-take", NULL, camera_take_cb);
  gtk_widget_class_install_action (widget_class, "documents.camera-cancel", NULL, camera_cancel_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-turn", NULL, edit_turn_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-reset", NULL, edit_reset_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-cancel", NULL, edit_cancel_cb);
  gtk_widget_class_install_action (widget_class, "documents.edit-apply", NULL, edit_apply_cb);
}

static void
kiosk_documents_page_init (KioskDocumentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->edit_page = -1;
}

