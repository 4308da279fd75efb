/* kiosk-capture.c: a page from the scanner, the camera or a feeder made into a document the
 * portal accepts (quality gate, card crop, lighter JPEG, PDF assembly), and a document's pages
 * edited (turned, removed, moved, cropped). Every _async runs its work in a GTask worker that
 * reads its task data only; results come back on the caller's main context. */
#include "kiosk-capture.h"

#include "kiosk-errors.h"

/* JPEG qualities: a card is read closely (85), a paper page is text (78). */
#define QUALITY_CARD  85
#define QUALITY_PAPER 78
/* The lightest JPEG tried for a card over the portal's limit. */
#define QUALITY_LIGHTEST 45
#define THUMBNAIL_SIDE 360

typedef struct
{
  KioskImage        *image;     /* nullable: only rearranging @pages, or a scan encoded already */
  KioskScan         *scan;      /* nullable: a page encoded as it was scanned */
  KioskDocumentKind  kind;
  char              *varname;
  GPtrArray         *pages;     /* nullable: the document's pages so far (copies), for paper */
  gboolean           want_pdf;  /* an image the portal accepts only as PDF */
  gboolean           checked;   /* the quality gate was passed already */
  KioskDocumentSpec  limit;     /* the portal's size limit for this document (max_size only) */
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

/* The quality gate's verdict as an error, or %NULL when the page is fine. */
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

static void
return_document (GTask         *task,
                 KioskDocument *document,
                 GError        *error)
{
  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

/* @pages with one more page: a new array when @pages is %NULL. */
static GPtrArray *
pages_plus (GPtrArray  *pages,
            KioskSheet *page)
{
  GPtrArray *all = pages ? g_ptr_array_ref (pages) : g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);

  g_ptr_array_add (all, page);
  return all;
}

/* A page encoded as it was scanned, used as it is. */
static void
encode_scan (GTask      *task,
             EncodeData *data)
{
  KioskScan *scan = data->scan;
  KioskImage *thumbnail = g_steal_pointer (&scan->thumbnail);
  GError *error = NULL;
  KioskDocument *document;

  if (thumbnail == NULL)
    thumbnail = kiosk_image_downscale (scan->reduced, THUMBNAIL_SIDE);
  if (data->kind == KIOSK_DOCUMENT_PAPER || data->want_pdf)
    {
      g_autoptr(GPtrArray) pages = pages_plus (data->pages, kiosk_sheet_new_from_scan (scan, thumbnail));

      document = kiosk_document_new_from_pages (data->varname, pages, &error);
    }
  else
    document = kiosk_document_new (data->varname, "image/jpeg", scan->jpeg, thumbnail);
  return_document (task, document, error);
}

/* Runs in a worker thread: reads task_data only. */
static void
encode_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  EncodeData *data = task_data;
  GError *error = NULL;
  int quality = data->kind == KIOSK_DOCUMENT_PAPER ? QUALITY_PAPER : QUALITY_CARD;
  g_autoptr(GBytes) jpeg = NULL;
  KioskImage *preview;

  /* A page encoded as it was scanned: checked on its reduced copy; it is used as it is, unless a
   * card must be cropped out of it or it is over the portal's limit (then decoded, below). */
  if (data->scan != NULL)
    {
      KioskScan *scan = data->scan;
      KioskRect rect;
      gboolean crop = data->kind != KIOSK_DOCUMENT_PAPER && kiosk_image_find_document (scan->reduced, &rect);
      gboolean too_large = data->kind != KIOSK_DOCUMENT_PAPER
                           && !kiosk_document_spec_accepts (&data->limit, NULL, g_bytes_get_size (scan->jpeg));
      GError *refused = gate_error (kiosk_image_check_quality (scan->reduced));

      if (refused != NULL)
        {
          g_task_return_error (task, refused);
          return;
        }
      if (!crop && !too_large)
        {
          encode_scan (task, data);
          return;
        }
      data->image = kiosk_image_decode_jpeg (scan->jpeg, 100000000, &error);
      g_clear_pointer (&data->scan, kiosk_scan_free);
      if (data->image == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      data->checked = TRUE;
    }

  /* Pages turned, removed or moved: the PDF is assembled again, the JPEGs untouched. */
  if (data->image == NULL)
    {
      KioskDocument *document = kiosk_document_new_from_pages (data->varname, data->pages, &error);

      return_document (task, document, error);
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
      g_task_return_error (task, error);
      return;
    }
  preview = kiosk_image_downscale (data->image, THUMBNAIL_SIDE);
  if (data->kind == KIOSK_DOCUMENT_PAPER)
    {
      /* A paper document is a PDF of its pages: this one is added after the others (or alone,
       * when the citizen scans it again from the start). */
      g_autoptr(GPtrArray) pages = pages_plus (data->pages, kiosk_sheet_new (data->image, jpeg, preview));

      return_document (task, kiosk_document_new_from_pages (data->varname, pages, &error), error);
      return;
    }
  /* Over the portal's limit: a lighter JPEG rather than a refusal, down to QUALITY_LIGHTEST. */
  for (int q = quality - 15; q >= QUALITY_LIGHTEST
       && !kiosk_document_spec_accepts (&data->limit, NULL, g_bytes_get_size (jpeg)); q -= 15)
    {
      GBytes *lighter = kiosk_encode_jpeg (data->image, q, NULL);

      if (lighter == NULL)
        break;
      g_bytes_unref (jpeg);
      jpeg = lighter;
    }
  if (data->want_pdf)
    {
      g_autoptr(GPtrArray) pages = pages_plus (NULL, kiosk_sheet_new (data->image, jpeg, preview));

      return_document (task, kiosk_document_new_from_pages (data->varname, pages, &error), error);
      return;
    }
  g_task_return_pointer (task, kiosk_document_new (data->varname, "image/jpeg", jpeg, preview), g_object_unref);
}

static void
run_encode (EncodeData          *data,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) free_encode_data);
  g_task_run_in_thread (task, encode_in_thread);
}

static KioskDocument *
finish_document (GAsyncResult  *result,
                 gpointer       source_tag,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_capture_encode_async:
 * @spec: the document (its kind, formats and limit are read now)
 * @varname: the document's name, or its back's
 * @image: (transfer full) (nullable): a photo, or a page read whole
 * @scan: (transfer full) (nullable): a page encoded as it was scanned (one of @image, @scan)
 * @pages: (transfer full) (nullable): for paper, the pages the new one comes after
 *
 * The quality gate, a card cropped out of the glass, the JPEG (lighter ones, for a card over the
 * portal's limit), and for paper (or where only PDF is taken) the PDF of the pages. Errors are
 * #KIOSK_SCANNER_ERROR codes (the gate's: BLANK, TOO_DARK, TOO_LIGHT, CUT_OFF).
 */
void
kiosk_capture_encode_async (const KioskDocumentSpec *spec,
                            const char              *varname,
                            KioskImage              *image,
                            KioskScan               *scan,
                            GPtrArray               *pages,
                            GCancellable            *cancellable,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  EncodeData *data = g_new0 (EncodeData, 1);

  data->image = image;
  data->scan = scan;
  data->pages = pages;
  data->kind = spec->kind;
  data->varname = g_strdup (varname);
  /* Only the limit is copied: the worker reads its task data alone. */
  data->limit.max_size = spec->max_size;
  data->want_pdf = !kiosk_document_spec_accepts (spec, "image/jpeg", -1)
                   && kiosk_document_spec_accepts (spec, "application/pdf", -1);
  run_encode (data, kiosk_capture_encode_async, cancellable, callback, user_data);
}

/**
 * kiosk_capture_encode_finish:
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
KioskDocument *
kiosk_capture_encode_finish (GAsyncResult  *result,
                             GError       **error)
{
  return finish_document (result, kiosk_capture_encode_async, error);
}

/**
 * kiosk_capture_assemble_async:
 * @varname: a paper document
 * @pages: (transfer full) (element-type KioskSheet): its pages, in order, at least one
 *
 * The PDF of @pages assembled again (pages turned, removed, moved, or a feeder batch added);
 * their JPEGs are embedded unchanged.
 */
void
kiosk_capture_assemble_async (const char          *varname,
                              GPtrArray           *pages,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  EncodeData *data = g_new0 (EncodeData, 1);

  data->kind = KIOSK_DOCUMENT_PAPER;
  data->varname = g_strdup (varname);
  data->pages = pages;
  run_encode (data, kiosk_capture_assemble_async, cancellable, callback, user_data);
}

/**
 * kiosk_capture_assemble_finish:
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
KioskDocument *
kiosk_capture_assemble_finish (GAsyncResult  *result,
                               GError       **error)
{
  return finish_document (result, kiosk_capture_assemble_async, error);
}

/**
 * kiosk_capture_change_sheets:
 * @document: a paper document
 * @index: the page to change
 *
 * Returns: (transfer full) (nullable): copies of the document's pages with the change made
 *   (empty when its last page is removed), for kiosk_capture_assemble_async(); %NULL when
 *   there is nothing to do (no such page, or the first page moved earlier)
 */
GPtrArray *
kiosk_capture_change_sheets (KioskDocument    *document,
                             KioskSheetChange  change,
                             guint             index)
{
  g_autoptr(GPtrArray) pages = document ? kiosk_document_dup_pages (document) : NULL;
  KioskSheet *page;

  if (pages == NULL || index >= pages->len)
    return NULL;
  page = g_ptr_array_index (pages, index);
  switch (change)
    {
    case KIOSK_SHEET_TURN:
      page->quarter_turns = (page->quarter_turns + 1) % 4;
      break;
    case KIOSK_SHEET_REMOVE:
      g_ptr_array_remove_index (pages, index);
      break;
    case KIOSK_SHEET_EARLIER:
      if (index == 0)
        return NULL;
      pages->pdata[index] = pages->pdata[index - 1];
      pages->pdata[index - 1] = page;
      break;
    default:
      return NULL;
    }
  return g_steal_pointer (&pages);
}

/* In a worker: reads task_data only. */
static void
encode_sheet_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  KioskImage *image = task_data;
  KioskImageQuality quality = kiosk_image_check_quality (image);
  GError *error = NULL;
  g_autoptr(GBytes) jpeg = NULL;

  if (quality == KIOSK_IMAGE_BLANK)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if ((error = gate_error (quality)) != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  jpeg = kiosk_encode_jpeg (image, QUALITY_PAPER, &error);
  if (jpeg == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, kiosk_sheet_new (image, jpeg, kiosk_image_downscale (image, THUMBNAIL_SIDE)),
                           (GDestroyNotify) kiosk_sheet_free);
}

/**
 * kiosk_capture_encode_sheet_async:
 * @image: (transfer full): a page from a feeder
 *
 * The quality gate, then the page's JPEG and thumbnail. A blank page (the empty back of a sheet)
 * is left out: kiosk_capture_encode_sheet_finish() gives %NULL without an error.
 */
void
kiosk_capture_encode_sheet_async (KioskImage          *image,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_capture_encode_sheet_async);
  g_task_set_task_data (task, image, (GDestroyNotify) kiosk_image_free);
  g_task_run_in_thread (task, encode_sheet_in_thread);
}

/**
 * kiosk_capture_encode_sheet_finish:
 *
 * Returns: (transfer full) (nullable): the page, or %NULL: left out (blank) when @error is not set
 */
KioskSheet *
kiosk_capture_encode_sheet_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_capture_encode_sheet_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Turning and cropping by hand ---- */

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
  GError *error = NULL;
  KioskImage *preview = NULL;
  KioskImage size = { 0 };
  g_autoptr(GBytes) jpeg = kiosk_jpeg_edit (data->jpeg, data->turns, data->x, data->y, data->width, data->height,
                                            data->pages ? QUALITY_PAPER : QUALITY_CARD, &preview, &size, &error);

  if (jpeg == NULL)
    g_task_return_error (task, error);
  else if (data->pages != NULL)
    {
      /* The page takes the new JPEG, turned already; the PDF is assembled again. */
      KioskSheet *page = g_ptr_array_index (data->pages, data->page);

      g_bytes_unref (page->jpeg);
      page->jpeg = g_bytes_ref (jpeg);
      page->width = size.width;
      page->height = size.height;
      page->quarter_turns = 0;
      g_clear_pointer (&page->preview, kiosk_image_free);
      page->preview = preview;
      return_document (task, kiosk_document_new_from_pages (data->varname, data->pages, &error), error);
    }
  else   /* the document takes the preview */
    g_task_return_pointer (task, kiosk_document_new (data->varname, "image/jpeg", jpeg, preview), g_object_unref);
}

/**
 * kiosk_capture_edit_async:
 * @document: a card's side or a photo (a JPEG), or a paper document
 * @page: the page of a paper document to edit, or -1 for the whole image
 * @quarter_turns: the turns asked now, clockwise (added to the page's own)
 * @x: the frame to keep, in 0–1 of the turned image
 *
 * The full image decoded, turned, cropped to the frame and encoded again; for a page, the PDF is
 * assembled again with it.
 */
void
kiosk_capture_edit_async (KioskDocument       *document,
                          int                  page,
                          guint                quarter_turns,
                          double               x,
                          double               y,
                          double               width,
                          double               height,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GPtrArray *pages = kiosk_document_get_pages (document);
  EditData *data = g_new0 (EditData, 1);

  g_task_set_source_tag (task, kiosk_capture_edit_async);
  data->varname = g_strdup (kiosk_document_get_varname (document));
  if (page >= 0 && pages != NULL && (guint) page < pages->len)
    {
      const KioskSheet *sheet = g_ptr_array_index (pages, page);

      data->jpeg = g_bytes_ref (sheet->jpeg);
      data->turns = (sheet->quarter_turns + quarter_turns) % 4;
      data->pages = kiosk_document_dup_pages (document);
      data->page = page;
    }
  else
    {
      data->jpeg = g_bytes_ref (kiosk_document_get_content (document));
      data->turns = quarter_turns % 4;
    }
  data->x = x;
  data->y = y;
  data->width = width;
  data->height = height;
  g_task_set_task_data (task, data, (GDestroyNotify) free_edit_data);
  g_task_run_in_thread (task, edit_in_thread);
}

/**
 * kiosk_capture_edit_finish:
 *
 * Returns: (transfer full) (nullable): the edited document, or %NULL with @error set
 */
KioskDocument *
kiosk_capture_edit_finish (GAsyncResult  *result,
                           GError       **error)
{
  return finish_document (result, kiosk_capture_edit_async, error);
}
