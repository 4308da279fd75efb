/* kiosk-qr.c: renders a QR code with a 4-module quiet zone, black on white. */
#include "kiosk-qr.h"

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
