/* kiosk-documents-page.c: scans each supporting document through the scanner service, encodes
 * it in a worker (JPEG for identity documents, PDF for papers) and shows a preview.
 *
 * A scan belongs to the session: it is cancelled when the session ends, and its pixels are
 * wiped when dropped (KioskImage, KioskDocument). */
#include "kiosk-documents-page.h"

#include "kiosk-camera.h"
#include "kiosk-crop-area.h"

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
  GtkWidget      *crop_area;

  /* Whether the scanner's feeder scans both sides, once asked (per scanner). */
  gboolean        sources_asked;
  gboolean        duplex;

  /* The camera, while it is open for a document (a front, a back, a page). */
  KioskCamera    *camera;
  char           *camera_varname;
  GtkWidget      *camera_picture;

  /* Identity documents the citizen said have no back (a passport), by varname. */
  GHashTable     *no_back;

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
  GtkWidget      *next_button;
};

G_DEFINE_FINAL_TYPE (KioskDocumentsPage, kiosk_documents_page, KIOSK_TYPE_PAGE)

static void kiosk_documents_page_set_dossier (KioskPage *page, KioskDossier *dossier);

enum { PROP_0, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void rebuild_rows (KioskDocumentsPage *self);

/**
 * kiosk_scanner_error_to_text:
 *
 * Returns: (transfer full): what to tell the citizen, in their language, and what to do
 */
char *
kiosk_scanner_error_to_text (const GError *error)
{
  if (error->domain != KIOSK_SCANNER_ERROR)
    return g_strdup (_("The scan did not work. Please try again, or call an agent."));

  switch ((KioskScannerError) error->code)
    {
    case KIOSK_SCANNER_ERROR_NO_DEVICE:
      return g_strdup (_("No scanner is connected. Please call an agent."));
    case KIOSK_SCANNER_ERROR_JAMMED:
      return g_strdup (_("The paper is jammed. Open the scanner, gently remove the sheet, then try again."));
    case KIOSK_SCANNER_ERROR_COVER_OPEN:
      return g_strdup (_("The scanner cover is open. Close it, then try again."));
    case KIOSK_SCANNER_ERROR_NO_DOCS:
      return g_strdup (_("There is no paper in the feeder. Put your document in, then try again."));
    case KIOSK_SCANNER_ERROR_BUSY:
      return g_strdup (_("The scanner is busy. Wait a moment, then try again."));
    case KIOSK_SCANNER_ERROR_BLANK:
      return g_strdup (_("The page looks blank. Put the document face down on the glass, then scan again."));
    case KIOSK_SCANNER_ERROR_TOO_DARK:
      return g_strdup (_("The page is too dark to read. Close the scanner cover, then scan again."));
    case KIOSK_SCANNER_ERROR_TOO_LIGHT:
      return g_strdup (_("The print is too faint to read. If the document is pale, ask an agent; otherwise put it flat on the glass and scan again."));
    case KIOSK_SCANNER_ERROR_CUT_OFF:
      return g_strdup (_("Part of the document is missing. Put it whole on the glass, a little away from the edges, then scan again."));
    case KIOSK_SCANNER_ERROR_TOO_LARGE:
      return g_strdup (_("This file is too large to be sent. Choose a lighter one, or scan the document instead."));
    case KIOSK_SCANNER_ERROR_UNREADABLE:
      return g_strdup (_("This file cannot be read: it may be damaged, or hold more than a document. Choose another one, or scan the document instead."));
    case KIOSK_SCANNER_ERROR_NO_FEEDER:
      return g_strdup (_("This scanner has no document feeder. Scan the sheets one by one on the glass, with “Add a page”."));
    case KIOSK_SCANNER_ERROR_UNSUPPORTED:
      if (strstr (error->message, "refused") != NULL || strstr (error->message, "not accepted") != NULL)
        return g_strdup (_("This kind of file cannot be used for this document. Choose a PDF, JPEG or PNG file, or scan the document instead."));
      G_GNUC_FALLTHROUGH;
    case KIOSK_SCANNER_ERROR_ENCODE:
    case KIOSK_SCANNER_ERROR_IO:
    default:
      return g_strdup (_("The scanner is not responding. Try again; if it happens again, call an agent."));
    }
}

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
  if (was_busy != (varname != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  rebuild_rows (self);
}

static void
show_error (KioskDocumentsPage *self,
            const char         *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

typedef struct
{
  KioskImage        *image;     /* nullable: only rearranging @pages, or a scan encoded already */
  KioskScan         *scan;      /* nullable: a page encoded as it was scanned */
  KioskDocumentKind  kind;
  char              *varname;
  GPtrArray         *pages;     /* nullable: the document's pages so far (copies), for paper */
  gboolean           want_pdf;  /* an image the portal accepts only as PDF */
  gboolean           checked;   /* the quality gate was passed already */
  gint64             max_size;  /* the portal's limit for this document */
} EncodeData;

static void
free_encode_data (EncodeData *data)
{
  g_clear_pointer (&data->image, kiosk_image_free);
  g_clear_pointer (&data->scan, kiosk_scan_free);
  g_clear_pointer (&data->pages, g_ptr_array_unref);
  g_free (data->varname);
  g_free (data);
}

/* The quality gate's verdict as the error the citizen is told, or %NULL when the page is fine. */
static GError *
gate_error (KioskImageQuality quality)
{
  switch (quality)
    {
    case KIOSK_IMAGE_BLANK:
      return g_error_new_literal (KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_BLANK, "The page looks blank");
    case KIOSK_IMAGE_TOO_DARK:
      return g_error_new_literal (KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_TOO_DARK, "The page is too dark");
    case KIOSK_IMAGE_TOO_LIGHT:
      return g_error_new_literal (KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_TOO_LIGHT, "The print is too faint");
    case KIOSK_IMAGE_CUT_OFF:
      return g_error_new_literal (KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_CUT_OFF, "The page is cut off");
    case KIOSK_IMAGE_OK:
    default:
      return NULL;
    }
}

/* Runs in a worker thread: reads task_data only, never touches widgets. */
static void
encode_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  EncodeData *data = task_data;
  g_autoptr(GError) error = NULL;
  int quality = data->kind == KIOSK_DOCUMENT_PAPER ? 78 : 85;
  g_autoptr(GBytes) jpeg = NULL;
  KioskImage *preview;

  /* A page encoded as it was scanned: checked on its reduced copy; it is used as it is, unless a
   * card must be cropped out of it or it is over the portal's limit (then decoded, below). */
  if (data->scan != NULL)
    {
      KioskScan *scan = data->scan;
      KioskRect rect;
      gboolean crop = data->kind != KIOSK_DOCUMENT_PAPER && kiosk_image_find_document (scan->reduced, &rect);
      gboolean too_large = data->kind != KIOSK_DOCUMENT_PAPER && data->max_size > 0
                           && (gint64) g_bytes_get_size (scan->jpeg) > data->max_size;
      GError *refused = gate_error (kiosk_image_check_quality (scan->reduced));

      if (refused != NULL)
        {
          g_task_return_error (task, refused);
          return;
        }
      if (crop || too_large)
        {
          data->image = kiosk_image_decode_jpeg (scan->jpeg, 100000000, &error);
          g_clear_pointer (&data->scan, kiosk_scan_free);
          if (data->image == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          data->checked = TRUE;
        }
      else
        {
          KioskImage *thumbnail = g_steal_pointer (&scan->thumbnail);
          KioskDocument *document;

          if (thumbnail == NULL)
            thumbnail = kiosk_image_downscale (scan->reduced, 360);
          if (data->kind == KIOSK_DOCUMENT_PAPER || data->want_pdf)
            {
              g_autoptr(GPtrArray) pages = data->pages ? g_ptr_array_ref (data->pages)
                                                       : g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);

              g_ptr_array_add (pages, kiosk_sheet_new_from_scan (scan, thumbnail));
              document = kiosk_document_new_from_pages (data->varname, pages, &error);
            }
          else
            document = kiosk_document_new (data->varname, "image/jpeg", scan->jpeg, thumbnail);
          if (document == NULL)
            g_task_return_error (task, g_steal_pointer (&error));
          else
            g_task_return_pointer (task, document, g_object_unref);
          return;
        }
    }

  /* Pages turned, removed or moved: the PDF is assembled again, the JPEGs untouched. */
  if (data->image == NULL)
    {
      KioskDocument *document = kiosk_document_new_from_pages (data->varname, data->pages, &error);

      if (document == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, document, g_object_unref);
      return;
    }

  if (!data->checked)
    {
      GError *refused = gate_error (kiosk_image_check_quality (data->image));

      if (refused != NULL)
        {
          g_task_return_error (task, refused);
          return;
        }
    }
  /* An identity card (or a photo) lies on a glass made for A4: keep the card only. */
  if (data->kind != KIOSK_DOCUMENT_PAPER)
    {
      KioskRect rect;

      if (kiosk_image_find_document (data->image, &rect))
        {
          KioskImage *cropped = kiosk_image_crop (data->image, &rect);

          kiosk_image_free (data->image);
          data->image = cropped;
        }
    }
  jpeg = kiosk_encode_jpeg (data->image, quality, &error);

  if (jpeg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  preview = kiosk_image_downscale (data->image, 360);
  if (data->kind == KIOSK_DOCUMENT_PAPER)
    {
      /* A paper document is a PDF of its pages: this one is added after the others (or alone,
       * when the citizen scans it again from the start). */
      g_autoptr(GPtrArray) pages = data->pages ? g_ptr_array_ref (data->pages)
                                               : g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
      KioskDocument *document;

      g_ptr_array_add (pages, kiosk_sheet_new (data->image, jpeg, preview));
      document = kiosk_document_new_from_pages (data->varname, pages, &error);
      if (document == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_task_return_pointer (task, document, g_object_unref);
    }
  else
    {
      /* Over the portal's limit: a lighter JPEG rather than a refusal, down to quality 45. */
      for (int q = quality - 15; q >= 45 && data->max_size > 0
           && (gint64) g_bytes_get_size (jpeg) > data->max_size; q -= 15)
        {
          GBytes *lighter = kiosk_encode_jpeg (data->image, q, NULL);

          if (lighter == NULL)
            break;
          g_bytes_unref (jpeg);
          jpeg = lighter;
        }
      if (data->want_pdf)
        {
          g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
          KioskDocument *document;

          g_ptr_array_add (pages, kiosk_sheet_new (data->image, jpeg, preview));
          document = kiosk_document_new_from_pages (data->varname, pages, &error);
          if (document == NULL)
            g_task_return_error (task, g_steal_pointer (&error));
          else
            g_task_return_pointer (task, document, g_object_unref);
          return;
        }
      g_task_return_pointer (task, kiosk_document_new (data->varname, "image/jpeg", jpeg, preview),
                             g_object_unref);
    }
}

static const KioskDocumentSpec *find_spec (KioskDocumentsPage *self, const char *varname);

static void
encode_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = g_task_propagate_pointer (G_TASK (result), &error);

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
      if (spec != NULL && spec->formats[0] != NULL
          && !g_strv_contains ((const char * const *) spec->formats, kiosk_document_get_content_type (document)))
        show_error (self, _("The online service does not accept this kind of file for this document. Please ask an agent."));
      else if (spec != NULL && spec->max_size > 0 && (gint64) size > spec->max_size)
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
  KioskProcedure *procedure = kiosk_dossier_get_procedure (self->dossier);
  g_autofree char *front = kiosk_document_front_varname (varname);

  for (guint i = 0; i < kiosk_procedure_get_n_documents (procedure); i++)
    if (g_str_equal (kiosk_procedure_get_document (procedure, i)->varname, front))
      return kiosk_procedure_get_document (procedure, i);
  return NULL;
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
  g_signal_connect_object (kiosk_session_get_cancellable (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)))), "cancelled",
                           G_CALLBACK (g_cancellable_cancel), self->cancellable, G_CONNECT_SWAPPED);
  set_busy (self, varname);
  return self->cancellable;
}

/* Returns: (transfer full) (nullable): copies of the document's pages, to change them */
static GPtrArray *
copy_pages (KioskDocument *document)
{
  GPtrArray *pages = document ? kiosk_document_get_pages (document) : NULL;
  GPtrArray *copy;

  if (pages == NULL)
    return NULL;
  copy = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  for (guint i = 0; i < pages->len; i++)
    g_ptr_array_add (copy, kiosk_sheet_copy (g_ptr_array_index (pages, i)));
  return copy;
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
  EncodeData *data = g_new0 (EncodeData, 1);
  GTask *task;

  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  data->image = image;
  data->scan = scan;
  data->kind = spec->kind;
  data->varname = g_strdup (self->scanning);   /* the document, or its back */
  data->max_size = spec->max_size;
  data->want_pdf = spec->formats[0] != NULL
                   && !g_strv_contains ((const char * const *) spec->formats, "image/jpeg")
                   && g_strv_contains ((const char * const *) spec->formats, "application/pdf");
  if (self->adding_page)
    data->pages = copy_pages (kiosk_dossier_get_document (self->dossier, spec->varname));
  task = g_task_new (self, self->cancellable, encode_done_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) free_encode_data);
  g_task_run_in_thread (task, encode_in_thread);
  g_object_unref (task);
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

static void
scan_clicked_cb (GtkButton          *button,
                 KioskDocumentsPage *self)
{
  const char *varname = g_object_get_data (G_OBJECT (button), "varname");
  const KioskDocumentSpec *spec = find_spec (self, varname);
  /* Encoded as it is read: the page itself is never held whole. */
  KioskScanOptions options = { 300, TRUE, FALSE, 85 };

  if (spec == NULL || self->scanning != NULL)
    return;
  self->adding_page = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "add-page"));
  if (spec->kind == KIOSK_DOCUMENT_PAPER)
    {
      options.dpi = 200;
      options.jpeg_quality = 78;
    }

  if (g_object_get_data (G_OBJECT (button), "back") != NULL)
    {
      g_autofree char *back = kiosk_document_back_varname (spec->varname);

      start_job (self, back);
    }
  else
    start_job (self, varname);
  kiosk_scanner_scan_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))), &options,
                            scan_progress_cb, self, self->cancellable, scan_done_cb,
                            g_object_ref (self));
}


/* ---- Feeder batches ---- */

typedef struct
{
  KioskImage *image;
  guint       slot;
} BatchPageData;

static void
free_batch_page_data (BatchPageData *data)
{
  g_clear_pointer (&data->image, kiosk_image_free);
  g_free (data);
}

/* In a worker: the quality gate (a blank page — the empty back of a sheet — is skipped), then
 * the page's JPEG and thumbnail. */
static void
encode_batch_page_in_thread (GTask        *task,
                             gpointer      source,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  BatchPageData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = NULL;

  switch (kiosk_image_check_quality (data->image))
    {
    case KIOSK_IMAGE_BLANK:
      g_task_return_pointer (task, NULL, NULL);
      return;
    case KIOSK_IMAGE_TOO_DARK:
      g_task_return_new_error (task, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_TOO_DARK, "A page is too dark");
      return;
    case KIOSK_IMAGE_TOO_LIGHT:
      g_task_return_new_error (task, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_TOO_LIGHT, "A page is too faint");
      return;
    case KIOSK_IMAGE_CUT_OFF:
      g_task_return_new_error (task, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_CUT_OFF, "A page is cut off");
      return;
    default:
      break;
    }
  jpeg = kiosk_encode_jpeg (data->image, 78, &error);
  if (jpeg == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, kiosk_sheet_new (data->image, jpeg, kiosk_image_downscale (data->image, 360)),
                           (GDestroyNotify) kiosk_sheet_free);
}

static void
finish_batch_if_done (KioskDocumentsPage *self)
{
  g_autoptr(GPtrArray) pages = NULL;
  EncodeData *data;
  GTask *task;

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
  data = g_new0 (EncodeData, 1);
  data->kind = KIOSK_DOCUMENT_PAPER;
  data->varname = g_strdup (self->scanning);
  data->pages = g_steal_pointer (&pages);
  task = g_task_new (self, self->cancellable, encode_done_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) free_encode_data);
  g_task_run_in_thread (task, encode_in_thread);
  g_object_unref (task);
}

static void
batch_page_encoded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (object);
  BatchPageData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  KioskSheet *page = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->batch_pages == NULL)
    {
      g_clear_pointer (&page, kiosk_sheet_free);
      return;
    }
  self->batch_pending--;
  if (page != NULL)
    self->batch_pages->pdata[data->slot] = page;
  else if (error != NULL && self->batch_error == NULL)
    self->batch_error = g_steal_pointer (&error);
  finish_batch_if_done (self);
}

static void
batch_page_cb (KioskImage *image,
               gpointer    user_data)
{
  KioskDocumentsPage *self = user_data;
  BatchPageData *data;
  GTask *task;

  if (self->batch_pages == NULL)
    {
      kiosk_image_free (image);
      return;
    }
  data = g_new0 (BatchPageData, 1);
  data->image = image;
  data->slot = self->batch_pages->len;
  g_ptr_array_add (self->batch_pages, NULL);
  self->batch_pending++;
  gtk_progress_bar_pulse (self->progress_bar);
  {
    /* TRANSLATORS: while the feeder scans, e.g. "Page 3 scanned…" */
    g_autofree char *text = g_strdup_printf (_("Page %u scanned…"), self->batch_pages->len);

    gtk_progress_bar_set_text (self->progress_bar, text);
  }
  task = g_task_new (self, self->cancellable, batch_page_encoded_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) free_batch_page_data);
  g_task_run_in_thread (task, encode_batch_page_in_thread);
  g_object_unref (task);
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
feeder_clicked_cb (GtkButton          *button,
                   KioskDocumentsPage *self)
{
  const char *varname = g_object_get_data (G_OBJECT (button), "varname");
  const KioskDocumentSpec *spec = find_spec (self, varname);
  KioskScanOptions options = { 200, TRUE, FALSE };

  if (spec == NULL || self->scanning != NULL)
    return;
  options.duplex = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "duplex"));
  g_clear_pointer (&self->batch_pages, g_ptr_array_unref);
  g_clear_pointer (&self->batch_before, g_ptr_array_unref);
  g_clear_error (&self->batch_error);
  self->batch_pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  self->batch_before = copy_pages (kiosk_dossier_get_document (self->dossier, varname));
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
                                    kiosk_session_get_cancellable (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)))),
                                    sources_listed_cb, g_object_ref (self));
}

/* ---- USB sticks ---- */

static void rebuild_rows (KioskDocumentsPage *self);

static void
close_usb (KioskDocumentsPage *self)
{
  g_clear_pointer (&self->usb_varname, g_free);
  g_clear_pointer (&self->usb_root, g_free);
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
}

static void
list_usb_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *files = kiosk_usb_list_files (task_data, &error);

  if (files == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, files, (GDestroyNotify) g_ptr_array_unref);
}

static void
usb_listed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  GPtrArray *files = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, NULL);
  if (files == NULL)
    {
      close_usb (self);
      show_error (self, _("No USB stick was found. Plug it into the front of the terminal, wait a moment, then try again."));
      rebuild_rows (self);
      return;
    }
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
  self->usb_files = files;
  if (files->len == 0)
    show_error (self, _("There is no PDF, JPEG or PNG document on this USB stick."));
  rebuild_rows (self);
}

/* "From a USB stick": the stick's documents are listed under the row. */
static void
usb_clicked_cb (GtkButton          *button,
                KioskDocumentsPage *self)
{
  const char *varname = g_object_get_data (G_OBJECT (button), "varname");
  g_autofree char *root = NULL;
  GTask *task;

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
  task = g_task_new (self, self->cancellable, usb_listed_cb, NULL);
  g_task_set_task_data (task, g_steal_pointer (&root), g_free);
  g_task_run_in_thread (task, list_usb_in_thread);
  g_object_unref (task);
}

typedef struct
{
  KioskImported     *imported;
  char              *varname;
  KioskDocumentKind  kind;
  gboolean           pdf_accepted;
  gboolean           jpeg_accepted;
} UsbDocumentData;

static void
free_usb_document_data (UsbDocumentData *data)
{
  g_clear_pointer (&data->imported, kiosk_imported_free);
  g_free (data->varname);
  g_free (data);
}

/* In a worker: the checked file becomes the document, as the procedure wants it. */
static void
make_usb_document_in_thread (GTask        *task,
                             gpointer      source,
                             gpointer      task_data,
                             GCancellable *cancellable)
{
  UsbDocumentData *data = task_data;
  KioskImported *imported = data->imported;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (imported->content_type, "application/pdf"))
    {
      if (!data->pdf_accepted)
        {
          g_task_return_new_error (task, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED, "PDF not accepted here");
          return;
        }
      g_task_return_pointer (task, kiosk_document_new (data->varname, "application/pdf", imported->content, NULL),
                             g_object_unref);
      return;
    }
  if (data->jpeg_accepted && data->kind != KIOSK_DOCUMENT_PAPER)
    {
      g_task_return_pointer (task, kiosk_document_new (data->varname, "image/jpeg", imported->content,
                                                       g_steal_pointer (&imported->preview)),
                             g_object_unref);
      return;
    }
  /* An image for a paper document (or where only PDF is taken): a page of a PDF. */
  {
    g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
    KioskSheet *page = g_new0 (KioskSheet, 1);
    KioskDocument *document;

    page->width = imported->width;
    page->height = imported->height;
    page->dpi = 150;
    page->jpeg = g_bytes_ref (imported->content);
    page->preview = g_steal_pointer (&imported->preview);
    g_ptr_array_add (pages, page);
    if (!data->pdf_accepted)
      {
        g_task_return_pointer (task, kiosk_document_new (data->varname, "image/jpeg", imported->content, NULL),
                               g_object_unref);
        return;
      }
    document = kiosk_document_new_from_pages (data->varname, pages, &error);
    if (document == NULL)
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_task_return_pointer (task, document, g_object_unref);
  }
}

static void
usb_imported_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  KioskImported *imported = kiosk_import_file_finish (result, &error);
  const KioskDocumentSpec *spec;
  UsbDocumentData *data;
  GTask *task;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (imported == NULL || self->dossier == NULL || (spec = find_spec (self, self->scanning)) == NULL)
    {
      g_autofree char *text = error ? kiosk_scanner_error_to_text (error) : NULL;

      if (error != NULL)
        g_message ("USB file refused: %s", error->message);
      show_error (self, text);
      g_clear_pointer (&imported, kiosk_imported_free);
      set_busy (self, NULL);
      return;
    }
  kiosk_dossier_set_used_usb (self->dossier, TRUE);
  close_usb (self);
  data = g_new0 (UsbDocumentData, 1);
  data->imported = imported;
  data->varname = g_strdup (spec->varname);
  data->kind = spec->kind;
  data->pdf_accepted = spec->formats[0] == NULL || g_strv_contains ((const char * const *) spec->formats, "application/pdf");
  data->jpeg_accepted = spec->formats[0] == NULL || g_strv_contains ((const char * const *) spec->formats, "image/jpeg");
  task = g_task_new (self, self->cancellable, encode_done_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) free_usb_document_data);
  g_task_run_in_thread (task, make_usb_document_in_thread);
  g_object_unref (task);
}

static void
usb_file_clicked_cb (GtkButton          *button,
                     KioskDocumentsPage *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "file"));
  KioskUsbFile *file;

  if (self->usb_files == NULL || index >= self->usb_files->len || self->scanning != NULL)
    return;
  file = g_ptr_array_index (self->usb_files, index);
  start_job (self, self->usb_varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Checking the file…"));
  kiosk_import_file_async (self->usb_root, file->name, self->cancellable, usb_imported_cb, g_object_ref (self));
}

static void
usb_cancel_clicked_cb (GtkButton          *button,
                       KioskDocumentsPage *self)
{
  close_usb (self);
  rebuild_rows (self);
}

/* The stick's documents, each a button with its name and size. */
static GtkWidget *
build_usb_list (KioskDocumentsPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *title = gtk_label_new (_("Choose the document on your USB stick:"));
  GtkWidget *cancel;

  gtk_widget_set_name (box, "usb-list");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "kiosk-field-label");
  gtk_box_append (GTK_BOX (box), title);
  for (guint i = 0; i < self->usb_files->len && i < 50; i++)
    {
      KioskUsbFile *file = g_ptr_array_index (self->usb_files, i);
      g_autofree char *size = g_format_size (file->size);
      /* TRANSLATORS: a file on a USB stick and its size, e.g. "payslip.pdf — 1.2 MB" */
      g_autofree char *text = g_strdup_printf (_("%s — %s"), file->name, size);
      g_autofree char *name = g_strdup_printf ("usb-file-%u", i);
      GtkWidget *button = gtk_button_new_with_label (text);

      gtk_widget_set_name (button, name);
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_add_css_class (button, "kiosk-nav");
      gtk_widget_set_sensitive (button, self->scanning == NULL);
      g_object_set_data (G_OBJECT (button), "file", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (usb_file_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  cancel = gtk_button_new_with_label (_("Cancel"));
  gtk_widget_set_name (cancel, "usb-cancel");
  gtk_widget_set_halign (cancel, GTK_ALIGN_START);
  gtk_widget_add_css_class (cancel, "kiosk-nav");
  g_signal_connect (cancel, "clicked", G_CALLBACK (usb_cancel_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), cancel);
  return box;
}

typedef enum { PAGE_TURN, PAGE_REMOVE, PAGE_EARLIER, PAGE_CROP } PageEdit;

static void open_editor (KioskDocumentsPage *self, const char *varname, int page);

/* Turn, remove or move one page of a paper document: the PDF is assembled again in a worker. */
static void
page_edit_clicked_cb (GtkButton          *button,
                      KioskDocumentsPage *self)
{
  const char *varname = g_object_get_data (G_OBJECT (button), "varname");
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "page"));
  PageEdit edit = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "edit"));
  const KioskDocumentSpec *spec = find_spec (self, varname);
  g_autoptr(GPtrArray) pages = NULL;
  EncodeData *data;
  GTask *task;

  if (spec == NULL || self->scanning != NULL || self->dossier == NULL)
    return;
  if (edit == PAGE_CROP)
    {
      open_editor (self, varname, index);
      return;
    }
  pages = copy_pages (kiosk_dossier_get_document (self->dossier, varname));
  if (pages == NULL || index >= pages->len)
    return;
  switch (edit)
    {
    case PAGE_TURN:
      ((KioskSheet *) pages->pdata[index])->quarter_turns = (((KioskSheet *) pages->pdata[index])->quarter_turns + 1) % 4;
      break;
    case PAGE_REMOVE:
      g_ptr_array_remove_index (pages, index);
      if (pages->len == 0)
        {
          kiosk_dossier_set_document (self->dossier, varname, NULL);
          return;
        }
      break;
    case PAGE_EARLIER:
      if (index == 0)
        return;
      {
        gpointer moved = pages->pdata[index];

        pages->pdata[index] = pages->pdata[index - 1];
        pages->pdata[index - 1] = moved;
      }
      break;
    default:
      return;
    }
  start_job (self, varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  data = g_new0 (EncodeData, 1);
  data->kind = spec->kind;
  data->varname = g_strdup (varname);
  data->pages = g_steal_pointer (&pages);
  task = g_task_new (self, self->cancellable, encode_done_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) free_encode_data);
  g_task_run_in_thread (task, encode_in_thread);
  g_object_unref (task);
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
  gtk_widget_set_sensitive (button, self->scanning == NULL);
  g_object_set_data_full (G_OBJECT (button), "varname", g_strdup (varname), g_free);
  g_object_set_data (G_OBJECT (button), "page", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "edit", GUINT_TO_POINTER (edit));
  g_signal_connect (button, "clicked", G_CALLBACK (page_edit_clicked_cb), self);
  return button;
}

static void edit_clicked_cb (GtkButton *button, KioskDocumentsPage *self);

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
  gtk_widget_set_sensitive (add, self->scanning == NULL);
  g_object_set_data_full (G_OBJECT (add), "varname", g_strdup (spec->varname), g_free);
  g_object_set_data (G_OBJECT (add), "add-page", GINT_TO_POINTER (TRUE));
  g_signal_connect (add, "clicked", G_CALLBACK (scan_clicked_cb), self);
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
  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      kiosk_camera_stop (self->camera);
      g_clear_object (&self->camera);
    }
  g_clear_pointer (&self->camera_varname, g_free);
  self->camera_picture = NULL;
}

static void
camera_frame_cb (KioskCamera        *camera,
                 KioskDocumentsPage *self)
{
  g_autoptr(KioskImage) preview = kiosk_camera_dup_preview (camera);

  if (preview != NULL && self->camera_picture != NULL)
    {
      g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (preview);

      gtk_picture_set_paintable (GTK_PICTURE (self->camera_picture), GDK_PAINTABLE (texture));
    }
}

static void
camera_failed_cb (KioskCamera        *camera,
                  KioskDocumentsPage *self)
{
  close_camera (self);
  rebuild_rows (self);
  show_error (self, _("The camera does not answer. Scan the document instead, or call an agent."));
}

static void
camera_clicked_cb (GtkButton          *button,
                   KioskDocumentsPage *self)
{
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
  self->camera_varname = g_strdup (g_object_get_data (G_OBJECT (button), "varname"));
  self->adding_page = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "add-page"));
  rebuild_rows (self);
  if (self->camera_picture != NULL)
    scroll_into_view (gtk_widget_get_parent (self->camera_picture));
}

static void
camera_take_clicked_cb (GtkButton          *button,
                        KioskDocumentsPage *self)
{
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
camera_cancel_clicked_cb (GtkButton          *button,
                          KioskDocumentsPage *self)
{
  close_camera (self);
  rebuild_rows (self);
}

static GtkWidget *new_row_button (KioskDocumentsPage *self, const char *name, const char *icon_name,
                                  const char *label, const char *varname, gboolean suggested,
                                  GCallback clicked);

/* A view in place of a document's row (the camera, the frame to crop): its card, the document's
 * name, what to do. */
static GtkWidget *
new_view (const char *name,
          const char *label,
          const char *hint_text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *title = gtk_label_new (label);
  GtkWidget *hint = gtk_label_new (hint_text);

  gtk_widget_add_css_class (box, "kiosk-card");
  gtk_widget_set_name (box, name);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "kiosk-field-label");
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), hint);
  return box;
}

/* The view's row of buttons, @primary last and on the right; one under the other at 200 % text. */
static void
append_view_buttons (KioskDocumentsPage *self,
                     GtkWidget          *view,
                     GtkWidget          *buttons,
                     GtkWidget          *primary)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_widget_add_css_class (buttons, "kiosk-reflow");
  gtk_widget_add_css_class (primary, "suggested-action");
  gtk_widget_set_hexpand (primary, TRUE);
  gtk_widget_set_halign (primary, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), primary);
  if (root != NULL && gtk_widget_has_css_class (GTK_WIDGET (root), "large-text"))
    gtk_orientable_set_orientation (GTK_ORIENTABLE (buttons), GTK_ORIENTATION_VERTICAL);
  gtk_box_append (GTK_BOX (view), buttons);
}

/* In place of a document's row while the camera is open: what it sees, "Take the photo". */
static GtkWidget *
build_camera_view (KioskDocumentsPage      *self,
                   const KioskDocumentSpec *spec)
{
  GtkWidget *box = new_view ("camera-view", spec->label,
                             _("Hold the document flat under the camera, in good light, then press “Take the photo”."));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->camera_picture = gtk_picture_new ();
  gtk_widget_set_name (self->camera_picture, "camera-picture");
  gtk_widget_set_size_request (self->camera_picture, -1, 260);
  gtk_picture_set_can_shrink (GTK_PICTURE (self->camera_picture), TRUE);
  gtk_picture_set_alternative_text (GTK_PICTURE (self->camera_picture), _("What the camera sees"));
  gtk_box_append (GTK_BOX (box), self->camera_picture);
  camera_frame_cb (self->camera, self);
  gtk_box_append (GTK_BOX (buttons), new_row_button (self, "camera-cancel", "go-previous-symbolic", _("Cancel"), NULL, FALSE, G_CALLBACK (camera_cancel_clicked_cb)));
  append_view_buttons (self, box, buttons,
                       new_row_button (self, "camera-take", "camera-photo-symbolic", _("Take the photo"), NULL, FALSE, G_CALLBACK (camera_take_clicked_cb)));
  return box;
}

/* ---- Turning and cropping a scan by hand ---- */

typedef struct
{
  char      *varname;
  GBytes    *jpeg;
  guint      turns;
  double     x, y, width, height;
  GPtrArray *pages;   /* nullable: a page of a paper document is edited, the PDF made again */
  guint      page;
} EditData;

static void
free_edit_data (EditData *data)
{
  g_free (data->varname);
  g_bytes_unref (data->jpeg);
  g_clear_pointer (&data->pages, g_ptr_array_unref);
  g_free (data);
}

/* In a worker: the full image decoded, turned, cropped, encoded again. */
static void
edit_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  EditData *data = task_data;
  g_autoptr(GError) error = NULL;
  KioskImage *preview = NULL;
  KioskImage size = { 0 };
  g_autoptr(GBytes) jpeg = kiosk_jpeg_edit (data->jpeg, data->turns, data->x, data->y, data->width,
                                            data->height, data->pages ? 78 : 85, &preview, &size, &error);

  if (jpeg == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (data->pages != NULL)
    {
      /* The page takes the new JPEG, turned already; the PDF is assembled again. */
      KioskSheet *page = g_ptr_array_index (data->pages, data->page);
      KioskDocument *document;

      g_bytes_unref (page->jpeg);
      page->jpeg = g_bytes_ref (jpeg);
      page->width = size.width;
      page->height = size.height;
      page->quarter_turns = 0;
      g_clear_pointer (&page->preview, kiosk_image_free);
      page->preview = preview;
      document = kiosk_document_new_from_pages (data->varname, data->pages, &error);
      if (document == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, document, g_object_unref);
    }
  else   /* the document takes the preview */
    g_task_return_pointer (task, kiosk_document_new (data->varname, "image/jpeg", jpeg, preview), g_object_unref);
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
  self->edit_page = -1;
  g_clear_pointer (&self->editing, g_free);
  close_camera (self);
  self->crop_area = NULL;
  self->edit_turns = 0;
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

static void
edit_clicked_cb (GtkButton          *button,
                 KioskDocumentsPage *self)
{
  open_editor (self, g_object_get_data (G_OBJECT (button), "varname"), -1);
}

/* Opens the frame to turn and crop the scan @varname, or its page @page (-1: the whole image). */
static void
open_editor (KioskDocumentsPage *self,
             const char         *varname,
             int                 page)
{
  if (self->scanning != NULL)
    return;
  g_free (self->editing);
  self->editing = g_strdup (varname);
  self->edit_page = page;
  self->edit_turns = 0;
  show_error (self, NULL);
  rebuild_rows (self);
  if (self->crop_area != NULL)
    {
      gtk_widget_grab_focus (self->crop_area);
      scroll_into_view (gtk_widget_get_parent (self->crop_area));
    }
}

static void
edit_turn_clicked_cb (GtkButton          *button,
                      KioskDocumentsPage *self)
{
  g_autoptr(KioskImage) turned = NULL;

  if (self->crop_area == NULL)
    return;
  self->edit_turns = (self->edit_turns + 1) % 4;
  turned = edited_preview (self);
  if (turned != NULL)
    kiosk_crop_area_set_image (KIOSK_CROP_AREA (self->crop_area), turned);
}

static void
edit_reset_clicked_cb (GtkButton          *button,
                       KioskDocumentsPage *self)
{
  if (self->crop_area != NULL)
    kiosk_crop_area_reset (KIOSK_CROP_AREA (self->crop_area));
}

static void
edit_cancel_clicked_cb (GtkButton          *button,
                        KioskDocumentsPage *self)
{
  stop_editing (self);
  rebuild_rows (self);
}

static void
edit_apply_clicked_cb (GtkButton          *button,
                       KioskDocumentsPage *self)
{
  KioskDocument *document = self->editing ? kiosk_dossier_get_document (self->dossier, self->editing) : NULL;
  graphene_rect_t frame;
  EditData *data;
  GTask *task;

  if (document == NULL || self->crop_area == NULL || self->scanning != NULL)
    return;
  kiosk_crop_area_get_frame (KIOSK_CROP_AREA (self->crop_area), &frame);
  data = g_new0 (EditData, 1);
  data->varname = g_strdup (self->editing);
  if (edited_page (self) != NULL)
    {
      const KioskSheet *page = edited_page (self);

      data->jpeg = g_bytes_ref (page->jpeg);
      data->turns = (page->quarter_turns + self->edit_turns) % 4;
      data->pages = copy_pages (document);
      data->page = self->edit_page;
    }
  else
    {
      data->jpeg = g_bytes_ref (kiosk_document_get_content (document));
      data->turns = self->edit_turns;
    }
  data->x = frame.origin.x;
  data->y = frame.origin.y;
  data->width = frame.size.width;
  data->height = frame.size.height;
  stop_editing (self);
  start_job (self, data->varname);
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the document…"));
  task = g_task_new (self, self->cancellable, encode_done_cb, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) free_edit_data);
  g_task_run_in_thread (task, edit_in_thread);
  g_object_unref (task);
}

/* In place of a document's row: its scan large, the frame to drag, turn, keep all, cancel, apply. */
static GtkWidget *
build_edit_view (KioskDocumentsPage      *self,
                 const KioskDocumentSpec *spec,
                 KioskDocument           *document)
{
  GtkWidget *box = new_view ("edit-view", spec->label,
                             _("Keep only the document: drag the corners of the frame. Turn it if it is sideways."));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->crop_area = kiosk_crop_area_new ();
  gtk_widget_set_name (self->crop_area, "crop-area");
  gtk_widget_set_size_request (self->crop_area, -1, 260);
  {
    g_autoptr(KioskImage) turned = edited_preview (self);

    kiosk_crop_area_set_image (KIOSK_CROP_AREA (self->crop_area), turned);
  }
  gtk_box_append (GTK_BOX (box), self->crop_area);
  gtk_box_append (GTK_BOX (buttons), new_row_button (self, "edit-turn", "object-rotate-right-symbolic", _("Turn"), NULL, FALSE, G_CALLBACK (edit_turn_clicked_cb)));
  gtk_box_append (GTK_BOX (buttons), new_row_button (self, "edit-reset", "view-fullscreen-symbolic", _("Keep everything"), NULL, FALSE, G_CALLBACK (edit_reset_clicked_cb)));
  gtk_box_append (GTK_BOX (buttons), new_row_button (self, "edit-cancel", "go-previous-symbolic", _("Cancel"), NULL, FALSE, G_CALLBACK (edit_cancel_clicked_cb)));
  append_view_buttons (self, box, buttons,
                       new_row_button (self, "edit-apply", "object-select-symbolic", _("Apply"), NULL, FALSE, G_CALLBACK (edit_apply_clicked_cb)));
  return box;
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

/* A large button of a document's row, for the document @varname. */
static GtkWidget *
new_row_button (KioskDocumentsPage *self,
                const char         *name,
                const char         *icon_name,
                const char         *label,
                const char         *varname,
                gboolean            suggested,
                GCallback           clicked)
{
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_child (GTK_BUTTON (button), g_object_new (ADW_TYPE_BUTTON_CONTENT, "icon-name", icon_name,
                                                           "label", label, NULL));
  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "kiosk-nav");
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_sensitive (button, self->scanning == NULL);
  g_object_set_data_full (G_OBJECT (button), "varname", g_strdup (varname), g_free);
  g_signal_connect (button, "clicked", clicked, self);
  return button;
}

/* Whether the identity document @spec still waits for its back: its front is scanned, the back
 * is not, and the citizen has not said it has none. An imported PDF holds both sides already. */
static gboolean
back_is_pending (KioskDocumentsPage      *self,
                 const KioskDocumentSpec *spec)
{
  KioskDocument *front = kiosk_dossier_get_document (self->dossier, spec->varname);
  g_autofree char *back_varname = kiosk_document_back_varname (spec->varname);

  return kiosk_document_spec_has_back (spec) && front != NULL
         && g_strcmp0 (kiosk_document_get_content_type (front), "application/pdf") != 0
         && kiosk_dossier_get_document (self->dossier, back_varname) == NULL
         && !g_hash_table_contains (self->no_back, spec->varname);
}

static void
no_back_clicked_cb (GtkButton          *button,
                    KioskDocumentsPage *self)
{
  g_hash_table_add (self->no_back, g_strdup (g_object_get_data (G_OBJECT (button), "varname")));
  rebuild_rows (self);
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
  gboolean pending = back_is_pending (self, spec);
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
                               TRUE, G_CALLBACK (scan_clicked_cb));
      g_object_set_data (G_OBJECT (button), "back", GINT_TO_POINTER (TRUE));
      gtk_box_append (GTK_BOX (buttons), button);
      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, no_back_name, "object-select-symbolic",
                                      _("It has no back (passport)"), spec->varname, FALSE,
                                      G_CALLBACK (no_back_clicked_cb)));
    }
  gtk_box_append (GTK_BOX (buttons),
                  new_row_button (self, scan_name, front ? "view-refresh-symbolic" : "scanner-symbolic",
                                  front ? _("Scan the front again") : _("Scan the front"), spec->varname,
                                  front == NULL, G_CALLBACK (scan_clicked_cb)));
  if (front != NULL && !pending)
    {
      button = new_row_button (self, back_name, back ? "view-refresh-symbolic" : "scanner-symbolic",
                               back ? _("Scan the back again") : _("Scan the back"), spec->varname,
                               FALSE, G_CALLBACK (scan_clicked_cb));
      g_object_set_data (G_OBJECT (button), "back", GINT_TO_POINTER (TRUE));
      gtk_box_append (GTK_BOX (buttons), button);
    }
  if (kiosk_camera_is_available ())
    {
      g_autofree char *name = g_strdup_printf ("camera-%s", spec->varname);

      /* The side the page asks for now: the back once the front is in. */
      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, name, "camera-photo-symbolic",
                                      pending ? _("The back with the camera") : _("With the camera"),
                                      pending ? back_varname : spec->varname, FALSE, G_CALLBACK (camera_clicked_cb)));
    }
  if (can_edit (front))
    {
      g_autofree char *name = g_strdup_printf ("edit-%s", spec->varname);

      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, name, "edit-cut-symbolic", _("Turn or crop the front"), spec->varname,
                                      FALSE, G_CALLBACK (edit_clicked_cb)));
    }
  if (can_edit (back))
    {
      g_autofree char *name = g_strdup_printf ("edit-back-%s", spec->varname);

      gtk_box_append (GTK_BOX (buttons),
                      new_row_button (self, name, "edit-cut-symbolic", _("Turn or crop the back"), back_varname,
                                      FALSE, G_CALLBACK (edit_clicked_cb)));
    }
  gtk_box_append (GTK_BOX (buttons),
                  new_row_button (self, usb_name, "drive-removable-media-symbolic", _("From a USB stick"),
                                  spec->varname, FALSE, G_CALLBACK (usb_clicked_cb)));
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
                                    G_CALLBACK (scan_clicked_cb)));
    if (paper)
      {
        g_autofree char *name = g_strdup_printf ("feeder-%s", spec->varname);

        button = new_row_button (self, name, "document-send-symbolic", _("Several sheets: feeder"),
                                 spec->varname, FALSE, G_CALLBACK (feeder_clicked_cb));
        gtk_widget_set_tooltip_text (button, _("Put all the sheets in the feeder, face up: they are scanned one after the other"));
        gtk_box_append (GTK_BOX (buttons), button);
      }
    if (paper && self->duplex)
      {
        g_autofree char *name = g_strdup_printf ("feeder-duplex-%s", spec->varname);

        button = new_row_button (self, name, "document-send-symbolic", _("Printed on both sides: feeder"),
                                 spec->varname, FALSE, G_CALLBACK (feeder_clicked_cb));
        gtk_widget_set_tooltip_text (button, _("Put all the sheets in the feeder: both sides of each are scanned, empty backs left out"));
        g_object_set_data (G_OBJECT (button), "duplex", GINT_TO_POINTER (TRUE));
        gtk_box_append (GTK_BOX (buttons), button);
      }
    if (kiosk_camera_is_available ())
      {
        g_autofree char *name = g_strdup_printf ("camera-%s", spec->varname);

        button = new_row_button (self, name, "camera-photo-symbolic",
                                 paper && document ? _("A page with the camera") : _("With the camera"),
                                 spec->varname, FALSE, G_CALLBACK (camera_clicked_cb));
        /* On paper with pages already there, the photo is one more page. */
        g_object_set_data (G_OBJECT (button), "add-page", GINT_TO_POINTER (paper && document != NULL));
        gtk_box_append (GTK_BOX (buttons), button);
      }
    if (!paper && can_edit (document))
      {
        g_autofree char *name = g_strdup_printf ("edit-%s", spec->varname);

        gtk_box_append (GTK_BOX (buttons),
                        new_row_button (self, name, "edit-cut-symbolic", _("Turn or crop"), spec->varname, FALSE,
                                        G_CALLBACK (edit_clicked_cb)));
      }
    gtk_box_append (GTK_BOX (buttons),
                    new_row_button (self, usb_name, "drive-removable-media-symbolic", _("From a USB stick"),
                                    spec->varname, FALSE, G_CALLBACK (usb_clicked_cb)));
    gtk_box_append (GTK_BOX (row), buttons);
  }
  return row;
}

static void
rebuild_rows (KioskDocumentsPage *self)
{
  KioskProcedure *procedure;
  gboolean complete = TRUE;

  kiosk_widget_remove_all (GTK_WIDGET (self->rows_box));
  self->crop_area = NULL;
  self->camera_picture = NULL;
  if (self->dossier == NULL)
    return;
  procedure = kiosk_dossier_get_procedure (self->dossier);
  for (guint i = 0; i < kiosk_procedure_get_n_documents (procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, i);

      /* Documents asked only for some answers ("a payslip if you work") appear when needed. */
      if (!kiosk_dossier_document_is_needed (self->dossier, spec))
        continue;
      if (self->camera_varname != NULL && find_spec (self, self->camera_varname) == spec)
        {
          gtk_box_append (self->rows_box, build_camera_view (self, spec));
          complete = FALSE;
          continue;
        }
      if (self->editing != NULL && find_spec (self, self->editing) == spec
          && kiosk_dossier_get_document (self->dossier, self->editing) != NULL)
        {
          gtk_box_append (self->rows_box,
                          build_edit_view (self, spec, kiosk_dossier_get_document (self->dossier, self->editing)));
          complete = FALSE;   /* the citizen applies or cancels first */
          continue;
        }
      gtk_box_append (self->rows_box, build_row (self, spec));
      {
        KioskDocument *document = kiosk_dossier_get_document (self->dossier, spec->varname);

        if (document != NULL && kiosk_document_get_pages (document) != NULL)
          gtk_box_append (self->rows_box, build_pages (self, spec, document));
        if (self->usb_files != NULL && g_strcmp0 (self->usb_varname, spec->varname) == 0)
          gtk_box_append (self->rows_box, build_usb_list (self));
      }
      if (spec->required && kiosk_dossier_get_document (self->dossier, spec->varname) == NULL)
        complete = FALSE;
      /* Guided: once the front of a card is in, its back (or "it has none") before going on. */
      if (back_is_pending (self, spec))
        complete = FALSE;
      /* A document over the portal's limit must lose pages before going on. */
      {
        KioskDocument *document = kiosk_dossier_get_document (self->dossier, spec->varname);

        if (document != NULL && spec->max_size > 0
            && (gint64) g_bytes_get_size (kiosk_document_get_content (document)) > spec->max_size)
          complete = FALSE;
      }
    }
  gtk_widget_set_sensitive (self->next_button, complete && self->scanning == NULL);
}

static void
dossier_changed_cb (KioskDossier       *dossier,
                    const char         *varname,
                    KioskDocumentsPage *self)
{
  if (find_spec (self, varname) != NULL)
    rebuild_rows (self);
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
      g_hash_table_remove_all (self->no_back);
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
  else
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
                                    kiosk_session_get_cancellable (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)))),
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
  g_clear_pointer (&self->no_back, g_hash_table_unref);
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
}

static void
kiosk_documents_page_init (KioskDocumentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->no_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->edit_page = -1;
}

