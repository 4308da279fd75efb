/* kiosk-image.h: KioskImage, raw RGB pixels, and everything done to them: encoding (libjpeg, also
 * row by row), reading a JPEG back, the quality gate, finding a document on the glass, cropping,
 * turning, and telling a page that runs off the scanned area. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Raw 8-bit RGB pixels as read from the scanner; rows are width * 3 bytes. */
typedef struct
{
  guint   width;
  guint   height;
  guint   dpi;
  GBytes *pixels;
} KioskImage;

KioskImage *kiosk_image_new          (guint        width,
                                      guint        height,
                                      guint        dpi,
                                      GBytes      *pixels);
void        kiosk_image_free         (KioskImage  *image);
KioskImage *kiosk_image_downscale    (const KioskImage *image,
                                      guint        max_side);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskImage, kiosk_image_free)

/**
 * KioskImageQuality:
 * @KIOSK_IMAGE_OK: worth sending
 * @KIOSK_IMAGE_BLANK: almost nothing printed on it (an empty glass, a page face up)
 * @KIOSK_IMAGE_TOO_DARK: almost everything dark (cover open in daylight, a wrong setting)
 * @KIOSK_IMAGE_TOO_LIGHT: something is printed, but too faint to read
 * @KIOSK_IMAGE_CUT_OFF: the page runs off the scanned area (kiosk_image_cut_off_sides())
 */
typedef enum
{
  KIOSK_IMAGE_OK,
  KIOSK_IMAGE_BLANK,
  KIOSK_IMAGE_TOO_DARK,
  KIOSK_IMAGE_TOO_LIGHT,
  KIOSK_IMAGE_CUT_OFF,
} KioskImageQuality;

KioskImageQuality kiosk_image_check_quality (const KioskImage *image);

GBytes     *kiosk_encode_jpeg        (const KioskImage *image,
                                      int          quality,
                                      GError     **error);
KioskImage *kiosk_image_rotate       (const KioskImage *image,
                                      guint        quarter_turns);

void             kiosk_memory_init           (void);

typedef struct _KioskJpegWriter KioskJpegWriter;

KioskJpegWriter *kiosk_jpeg_writer_new       (guint            width,
                                              guint            height,
                                              guint            dpi,
                                              int              quality);
void             kiosk_jpeg_writer_write_row (KioskJpegWriter *self,
                                              const guint8    *row);
GBytes          *kiosk_jpeg_writer_finish    (KioskJpegWriter *self);
void             kiosk_jpeg_writer_free      (KioskJpegWriter *self);

void        kiosk_wipe_bytes          (GBytes            *bytes);


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
