/* kiosk-capture-usb.c: a document from a USB stick — the stick listed, then a file checked by the
 * import helper and made into the document as the procedure wants it (a JPEG, or a page of a
 * PDF) — as _async calls whose file work runs in GTask workers. */
#include "kiosk-capture.h"

#include "kiosk-errors.h"

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

/**
 * kiosk_capture_list_usb_async:
 * @root: the stick's root (kiosk_usb_find_root())
 *
 * The stick's documents, listed in a worker (a stick can be slow).
 */
void
kiosk_capture_list_usb_async (const char          *root,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_capture_list_usb_async);
  g_task_set_task_data (task, g_strdup (root), g_free);
  g_task_run_in_thread (task, list_usb_in_thread);
}

/**
 * kiosk_capture_list_usb_finish:
 *
 * Returns: (transfer full) (element-type KioskUsbFile) (nullable): the files, or %NULL with @error
 */
GPtrArray *
kiosk_capture_list_usb_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_capture_list_usb_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  KioskImported     *imported;
  char              *varname;
  KioskDocumentKind  kind;
  gboolean           pdf_accepted;
  gboolean           jpeg_accepted;
} ImportData;

static void
free_import_data (ImportData *data)
{
  g_clear_pointer (&data->imported, kiosk_imported_free);
  g_free (data->varname);
  g_free (data);
}

/* In a worker: the checked file becomes the document, as the procedure wants it. */
static void
make_document_in_thread (GTask        *task,
                         gpointer      source,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  ImportData *data = task_data;
  KioskImported *imported = data->imported;
  g_autoptr(GPtrArray) pages = NULL;
  KioskSheet *page;
  GError *error = NULL;
  KioskDocument *document;

  if (g_str_equal (imported->content_type, "application/pdf"))
    {
      if (!data->pdf_accepted)
        {
          g_task_return_new_error (task, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NOT_ACCEPTED,
                                   "PDF not accepted here");
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
  if (!data->pdf_accepted)
    {
      g_task_return_pointer (task, kiosk_document_new (data->varname, "image/jpeg", imported->content, NULL),
                             g_object_unref);
      return;
    }
  pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  page = g_new0 (KioskSheet, 1);
  page->width = imported->width;
  page->height = imported->height;
  page->dpi = 150;
  page->jpeg = g_bytes_ref (imported->content);
  page->preview = g_steal_pointer (&imported->preview);
  g_ptr_array_add (pages, page);
  document = kiosk_document_new_from_pages (data->varname, pages, &error);
  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->imported = kiosk_import_file_finish (result, &error);
  if (data->imported == NULL)
    {
      /* The helper refused the file's type: a kind of file the document does not take. */
      if (g_error_matches (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED))
        error->code = KIOSK_SCANNER_ERROR_NOT_ACCEPTED;
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_run_in_thread (task, make_document_in_thread);
}

/**
 * kiosk_capture_import_async:
 * @spec: the document the file is for (its kind and formats are read now)
 * @root: the stick's root
 * @name: the file, relative to @root
 *
 * The file checked by the import helper (kiosk_import_file_async()), then made into the
 * document as @spec wants it. Errors are #KIOSK_SCANNER_ERROR codes: TOO_LARGE, UNREADABLE,
 * NOT_ACCEPTED (a kind of file the document does not take).
 */
void
kiosk_capture_import_async (const KioskDocumentSpec *spec,
                            const char              *root,
                            const char              *name,
                            GCancellable            *cancellable,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  ImportData *data = g_new0 (ImportData, 1);

  g_task_set_source_tag (task, kiosk_capture_import_async);
  data->varname = g_strdup (spec->varname);
  data->kind = spec->kind;
  data->pdf_accepted = kiosk_document_spec_accepts (spec, "application/pdf", -1);
  data->jpeg_accepted = kiosk_document_spec_accepts (spec, "image/jpeg", -1);
  g_task_set_task_data (task, data, (GDestroyNotify) free_import_data);
  kiosk_import_file_async (root, name, cancellable, imported_cb, task);
}

/**
 * kiosk_capture_import_finish:
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with @error set
 */
KioskDocument *
kiosk_capture_import_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_capture_import_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
