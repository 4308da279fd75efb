/* kiosk-qr.c: renders a QR code with a 4-module quiet zone, black on white. */
#include "kiosk-qr.h"

#include <gio/gio.h>
#include <string.h>
#include <zbar.h>

#include "kiosk-errors.h"

#include <qrencode.h>
#include <string.h>

/**
 * kiosk_qr_render:
 * @text: what the code holds (a URL)
 * @module_px: pixels per module
 *
 * Returns: (transfer full): an RGB image of the code, or %NULL
 */
KioskImage *
kiosk_qr_render (const char  *text,
                 guint        module_px,
                 GError     **error)
{
  QRcode *code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  guint quiet = 4;
  guint side;
  guint8 *rgb;

  if (code == NULL)
    {
      g_set_error (error, KIOSK_CATALOGUE_ERROR, KIOSK_CATALOGUE_ERROR_INVALID,
                   "Cannot encode a QR code of %zu bytes", strlen (text));
      return NULL;
    }

  module_px = MAX (1, module_px);
  side = (code->width + 2 * quiet) * module_px;
  rgb = g_malloc ((gsize) side * side * 3);
  memset (rgb, 0xff, (gsize) side * side * 3);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if (!(code->data[y * code->width + x] & 1))
          continue;
        for (guint dy = 0; dy < module_px; dy++)
          memset (rgb + (((gsize) (y + quiet) * module_px + dy) * side + (x + quiet) * module_px) * 3,
                  0, module_px * 3);
      }
  QRcode_free (code);

  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, (gsize) side * side * 3);

    return kiosk_image_new (side, side, 72, bytes);
  }
}

/* Runs in a worker: the frame in grey, the first QR code zbar finds in it. */
static void
decode_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  KioskImage *image = task_data;
  gsize n = (gsize) image->width * image->height;
  const guint8 *rgb = g_bytes_get_data (image->pixels, NULL);
  guint8 *grey;
  zbar_image_scanner_t *scanner;
  zbar_image_t *frame;
  char *text = NULL;

  if (g_bytes_get_size (image->pixels) < n * 3)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Short frame");
      return;
    }
  grey = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    grey[i] = (guint8) ((rgb[i * 3] * 77 + rgb[i * 3 + 1] * 150 + rgb[i * 3 + 2] * 29) >> 8);
  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  frame = zbar_image_create ();
  zbar_image_set_format (frame, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (frame, image->width, image->height);
  zbar_image_set_data (frame, grey, n, zbar_image_free_data);
  if (zbar_scan_image (scanner, frame) > 0)
    for (const zbar_symbol_t *symbol = zbar_image_first_symbol (frame); symbol != NULL && text == NULL;
         symbol = zbar_symbol_next (symbol))
      if (zbar_symbol_get_type (symbol) == ZBAR_QRCODE)
        text = g_strndup (zbar_symbol_get_data (symbol), zbar_symbol_get_data_length (symbol));
  zbar_image_destroy (frame);   /* frees grey */
  zbar_image_scanner_destroy (scanner);
  if (text == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No QR code in the frame");
  else
    g_task_return_pointer (task, text, g_free);
}

/**
 * kiosk_qr_decode_async:
 * @image: (transfer full): a frame, 8-bit RGB
 *
 * Looks for a QR code in @image, in a worker (zbar).
 */
void
kiosk_qr_decode_async (KioskImage          *image,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_qr_decode_async);
  g_task_set_task_data (task, image, (GDestroyNotify) kiosk_image_free);
  g_task_run_in_thread (task, decode_in_thread);
}

/**
 * kiosk_qr_decode_finish:
 *
 * Returns: (transfer full): what the QR code holds, or %NULL (%G_IO_ERROR_NOT_FOUND: none seen)
 */
char *
kiosk_qr_decode_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
