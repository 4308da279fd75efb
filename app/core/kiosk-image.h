/* kiosk-image.h: what the quality gate and the capture profiles need beyond encoding: reading a
 * JPEG back (fixtures, imported files), finding a document on the glass, cropping, and telling a
 * page that runs off the scanned area. */
#pragma once

#include "kiosk-document.h"

G_BEGIN_DECLS

typedef struct
{
  guint x;
  guint y;
  guint width;
  guint height;
} KioskRect;

typedef enum
{
  KIOSK_SIDE_NONE = 0,
  KIOSK_SIDE_TOP = 1 << 0,
  KIOSK_SIDE_BOTTOM = 1 << 1,
  KIOSK_SIDE_LEFT = 1 << 2,
  KIOSK_SIDE_RIGHT = 1 << 3,
} KioskSide;

KioskImage *kiosk_image_decode_jpeg   (GBytes            *jpeg,
                                       gsize              max_pixels,
                                       GError           **error);
gboolean    kiosk_image_find_document (const KioskImage  *image,
                                       KioskRect         *rect);
KioskImage *kiosk_image_crop          (const KioskImage  *image,
                                       const KioskRect   *rect);
KioskSide   kiosk_image_cut_off_sides (const KioskImage  *image);
GBytes     *kiosk_jpeg_edit           (GBytes            *jpeg,
                                       guint              quarter_turns,
                                       double             x,
                                       double             y,
                                       double             width,
                                       double             height,
                                       int                quality,
                                       KioskImage       **preview,
                                       KioskImage        *size,
                                       GError           **error);

G_END_DECLS
