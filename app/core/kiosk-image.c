/* kiosk-image.c: raw pixels (KioskImage): encoding, reading JPEG back, the quality gate, finding a
 * document on the glass, cropping, turning, cut-off pages. Thread-safe, meant for GTask workers.
 *
 * The glass seen by a flatbed is the lid's colour (light, even) around whatever lies on it. Both
 * checks below start by measuring that colour on the image's outer band: if the band is not
 * even (a full-bleed picture, a dark lid, the SANE test pattern), there is no "glass" to reason
 * about and nothing is cropped or flagged. Every check looks at a grid of pixels (every 2nd row
 * and column), enough at 150–300 dpi and fast. */
#include "kiosk-image.h"

#include "kiosk-errors.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <malloc.h>

/* How far from the lid's luma a pixel belongs to what lies on the glass. */
#define DOCUMENT_CONTRAST 14

typedef struct
{
  struct jpeg_error_mgr parent;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
} ErrorManager;

/* libjpeg's default calls exit(): a damaged file must only fail the decoding. */
static void
error_exit_cb (j_common_ptr cinfo)
{
  ErrorManager *manager = (ErrorManager *) cinfo->err;

  manager->parent.format_message (cinfo, manager->message);
  longjmp (manager->jump, 1);
}

static void
output_message_cb (j_common_ptr cinfo)
{
}

/**
 * kiosk_image_decode_jpeg:
 * @jpeg: JFIF bytes, untrusted
 * @max_pixels: larger images are refused before any pixel is decoded
 *
 * Returns: (transfer full) (nullable): RGB pixels with the file's resolution (150 dpi when it
 *   says none), or %NULL with a #KIOSK_SCANNER_ERROR_UNSUPPORTED
 */
KioskImage *
kiosk_image_decode_jpeg (GBytes  *jpeg,
                         gsize    max_pixels,
                         GError **error)
{
  struct jpeg_decompress_struct cinfo;
  ErrorManager manager;
  guint8 *volatile pixels = NULL;
  guint dpi;
  gsize stride;

  memset (&manager, 0, sizeof manager);
  cinfo.err = jpeg_std_error (&manager.parent);
  manager.parent.error_exit = error_exit_cb;
  manager.parent.output_message = output_message_cb;
  if (setjmp (manager.jump) != 0)
    {
      jpeg_destroy_decompress (&cinfo);
      g_free (pixels);
      g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED,
                   "Not a readable JPEG: %s", manager.message);
      return NULL;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  jpeg_read_header (&cinfo, TRUE);
  if ((gsize) cinfo.image_width * cinfo.image_height > max_pixels || cinfo.image_width == 0)
    {
      jpeg_destroy_decompress (&cinfo);
      g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED,
                   "A %ux%u image is too large", cinfo.image_width, cinfo.image_height);
      return NULL;
    }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress (&cinfo);
  stride = (gsize) cinfo.output_width * 3;
  pixels = g_malloc (stride * cinfo.output_height);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = pixels + stride * cinfo.output_scanline;

      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  dpi = cinfo.density_unit == 1 && cinfo.X_density > 0 ? cinfo.X_density
        : cinfo.density_unit == 2 && cinfo.X_density > 0 ? (guint) (cinfo.X_density * 2.54 + 0.5)
        : 150;
  jpeg_finish_decompress (&cinfo);
  {
    /* kiosk_image_new() takes its own reference. */
    g_autoptr(GBytes) bytes = g_bytes_new_take (pixels, stride * cinfo.output_height);
    KioskImage *image = kiosk_image_new (cinfo.output_width, cinfo.output_height, dpi, bytes);

    jpeg_destroy_decompress (&cinfo);
    return image;
  }
}

static inline guint
luma_at (const KioskImage *image,
         const guint8     *pixels,
         guint             x,
         guint             y)
{
  const guint8 *p = pixels + ((gsize) y * image->width + x) * 3;

  return (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000;
}

/* The lid's (or the paper's) luma, from the outer band (2 % of each side), when that band is
 * even: 60 % of its pixels within 24 of the median (ink running off a side may cover the rest),
 * and light (≥ 170). Returns -1 otherwise. */
static int
background_luma (const KioskImage *image)
{
  const guint8 *pixels = g_bytes_get_data (image->pixels, NULL);
  guint band_x = MAX (image->width / 50, 2), band_y = MAX (image->height / 50, 2);
  guint histogram[256] = { 0 };
  guint64 total = 0, near = 0, seen = 0;
  int median = 0;

  for (guint y = 0; y < image->height; y += 2)
    for (guint x = 0; x < image->width; x += 2)
      {
        if (y >= band_y && y < image->height - band_y && x >= band_x && x < image->width - band_x)
          x = image->width - band_x;   /* jump over the inside of the band */
        if (x >= image->width)
          break;
        histogram[luma_at (image, pixels, x, y)]++;
        total++;
      }
  if (total == 0)
    return -1;
  for (median = 0; median < 256; median++)
    {
      seen += histogram[median];
      if (seen * 2 >= total)
        break;
    }
  for (int v = MAX (median - 24, 0); v <= MIN (median + 24, 255); v++)
    near += histogram[v];
  if (median < 170 || near * 10 < total * 6)
    return -1;
  return median;
}

/**
 * kiosk_image_find_document:
 * @rect: (out): the document's box on the glass
 *
 * Finds what lies on the glass: the rows and columns where enough pixels differ from the lid by
 * more than DOCUMENT_CONTRAST (a pale card on a white lid differs by 20 or so), dust ignored (a row or column counts when 1 % of it does, and the box is the
 * longest run of such rows and of such columns).
 *
 * Returns: %TRUE when a document smaller than the glass was found (crop to @rect); %FALSE when
 *   the glass has no even background, nothing is on it, or the document fills it
 */
gboolean
kiosk_image_find_document (const KioskImage *image,
                           KioskRect        *rect)
{
  const guint8 *pixels = g_bytes_get_data (image->pixels, NULL);
  int background = background_luma (image);
  g_autofree guint *rows = NULL;
  g_autofree guint *columns = NULL;
  guint row_min, column_min;
  guint best_start[2] = { 0, 0 }, best_length[2] = { 0, 0 };

  if (background < 0)
    return FALSE;
  rows = g_new0 (guint, image->height);
  columns = g_new0 (guint, image->width);
  for (guint y = 0; y < image->height; y += 2)
    for (guint x = 0; x < image->width; x += 2)
      if (ABS ((int) luma_at (image, pixels, x, y) - background) > DOCUMENT_CONTRAST)
        {
          rows[y]++;
          columns[x]++;
        }
  row_min = MAX (image->width / 200, 1);       /* 1 % of the sampled row */
  column_min = MAX (image->height / 200, 1);

  /* The longest run of marked rows (then columns), sampled lines only; gaps of up to 2 mm are
   * bridged (a white stripe across an ID card must not cut it in two). */
  for (guint axis = 0; axis < 2; axis++)
    {
      guint *counts = axis == 0 ? rows : columns;
      guint n = axis == 0 ? image->height : image->width;
      guint threshold = axis == 0 ? row_min : column_min;
      guint gap_max = MAX (image->dpi * 2 / 25, 4);
      guint start = 0, last = 0;
      gboolean in_run = FALSE;

      for (guint i = 0; i < n; i += 2)
        {
          if (counts[i] >= threshold)
            {
              if (!in_run || i - last > gap_max)
                start = i;
              in_run = TRUE;
              last = i;
              if (last - start + 2 > best_length[axis])
                {
                  best_start[axis] = start;
                  best_length[axis] = last - start + 2;
                }
            }
        }
    }
  if (best_length[0] == 0 || best_length[1] == 0)
    return FALSE;
  rect->y = best_start[0];
  rect->height = MIN (best_length[0], image->height - rect->y);
  rect->x = best_start[1];
  rect->width = MIN (best_length[1], image->width - rect->x);
  /* Worth cropping only when the document leaves a good part of the glass empty. */
  return (guint64) rect->width * rect->height * 10 < (guint64) image->width * image->height * 8;
}

/**
 * kiosk_image_crop:
 *
 * Returns: (transfer full): the pixels of @rect (clamped to the image)
 */
KioskImage *
kiosk_image_crop (const KioskImage *image,
                  const KioskRect  *rect)
{
  const guint8 *pixels = g_bytes_get_data (image->pixels, NULL);
  guint x = MIN (rect->x, image->width - 1), y = MIN (rect->y, image->height - 1);
  guint width = MIN (rect->width, image->width - x), height = MIN (rect->height, image->height - y);
  guint8 *out = g_malloc ((gsize) width * height * 3);

  g_autoptr(GBytes) bytes = NULL;

  for (guint row = 0; row < height; row++)
    memcpy (out + (gsize) row * width * 3, pixels + (((gsize) (y + row) * image->width) + x) * 3,
            (gsize) width * 3);
  bytes = g_bytes_new_take (out, (gsize) width * height * 3);
  return kiosk_image_new (width, height, image->dpi, bytes);
}

/**
 * kiosk_jpeg_edit:
 * @jpeg: a scan, as JPEG
 * @quarter_turns: clockwise quarter turns, applied first
 * @x, @y, @width, @height: what to keep of the turned image, in fractions of its size
 * @quality: the JPEG quality of the result
 * @preview: (out) (optional) (transfer full): the result shrunk to 360 pixels a side
 * @size: (out) (optional): the result's width, height and resolution (its pixels left %NULL)
 *
 * The citizen's own turn and crop of a scan, applied to the full image in a worker.
 *
 * Returns: (transfer full): the new JPEG, or %NULL with @error set
 */
GBytes *
kiosk_jpeg_edit (GBytes      *jpeg,
                 guint        quarter_turns,
                 double       x,
                 double       y,
                 double       width,
                 double       height,
                 int          quality,
                 KioskImage **preview,
                 KioskImage  *size,
                 GError     **error)
{
  g_autoptr(KioskImage) image = kiosk_image_decode_jpeg (jpeg, 100000000, error);   /* A4 at 600 dpi: 35 M */
  g_autoptr(KioskImage) turned = NULL;
  g_autoptr(KioskImage) kept = NULL;
  KioskRect rect;
  GBytes *result;

  if (image == NULL)
    return NULL;
  turned = quarter_turns % 4 ? kiosk_image_rotate (image, quarter_turns % 4) : NULL;
  if (turned != NULL)
    {
      kiosk_image_free (g_steal_pointer (&image));
      image = g_steal_pointer (&turned);
    }
  x = CLAMP (x, 0, 1);
  y = CLAMP (y, 0, 1);
  width = CLAMP (width, 0, 1 - x);
  height = CLAMP (height, 0, 1 - y);
  rect.x = (guint) (x * image->width + 0.5);
  rect.y = (guint) (y * image->height + 0.5);
  rect.width = MAX (1, (guint) (width * image->width + 0.5));
  rect.height = MAX (1, (guint) (height * image->height + 0.5));
  kept = kiosk_image_crop (image, &rect);
  result = kiosk_encode_jpeg (kept, quality, error);
  if (result != NULL && preview != NULL)
    *preview = kiosk_image_downscale (kept, 360);
  if (result != NULL && size != NULL)
    {
      size->width = kept->width;
      size->height = kept->height;
      size->dpi = kept->dpi;
      size->pixels = NULL;
    }
  return result;
}

/**
 * kiosk_image_cut_off_sides:
 *
 * A page that runs off the scanned area: on a light, even background (the paper), ink — pixels
 * darker than 110 — reaches the outermost 1 mm of a side, along more than 2 % of it (a lone mark
 * or the shadow of the edge does not count); or a document smaller than the glass
 * (kiosk_image_find_document()) touches a side.
 *
 * Returns: the sides where the page is cut off, or %KIOSK_SIDE_NONE
 */
KioskSide
kiosk_image_cut_off_sides (const KioskImage *image)
{
  const guint8 *pixels = g_bytes_get_data (image->pixels, NULL);
  guint band = MAX (image->dpi / 25, 2);   /* 1 mm */
  KioskSide sides = KIOSK_SIDE_NONE;

  if (background_luma (image) < 0 || image->width <= 2 * band || image->height <= 2 * band)
    return KIOSK_SIDE_NONE;
  for (guint side = 0; side < 4; side++)
    {
      gboolean horizontal = side < 2;
      guint length = horizontal ? image->width : image->height;
      guint inked = 0, sampled = 0;

      for (guint i = 0; i < length; i += 2)
        {
          gboolean ink = FALSE;

          for (guint d = 0; d < band && !ink; d++)
            {
              guint x = horizontal ? i : (side == 2 ? d : image->width - 1 - d);
              guint y = horizontal ? (side == 0 ? d : image->height - 1 - d) : i;

              ink = luma_at (image, pixels, x, y) < 110;
            }
          inked += ink;
          sampled++;
        }
      if (inked * 50 > sampled)
        sides |= 1 << side;
    }

  /* A card or a photo pushed against a side of the glass: the object found touches it. */
  {
    KioskRect rect;

    if (kiosk_image_find_document (image, &rect))
      {
        if (rect.x <= band)
          sides |= KIOSK_SIDE_LEFT;
        if (rect.y <= band)
          sides |= KIOSK_SIDE_TOP;
        if (rect.x + rect.width + band >= image->width)
          sides |= KIOSK_SIDE_RIGHT;
        if (rect.y + rect.height + band >= image->height)
          sides |= KIOSK_SIDE_BOTTOM;
      }
  }
  return sides;
}

KioskImage *
kiosk_image_new (guint   width,
                 guint   height,
                 guint   dpi,
                 GBytes *pixels)
{
  KioskImage *image = g_new0 (KioskImage, 1);

  g_return_val_if_fail (g_bytes_get_size (pixels) >= (gsize) width * height * 3, NULL);
  image->width = width;
  image->height = height;
  image->dpi = dpi;
  image->pixels = g_bytes_ref (pixels);
  return image;
}

/**
 * kiosk_wipe_bytes:
 *
 * Zeroes the memory of @bytes in place (it must be the last user) so that no citizen's scan
 * lingers in freed memory.
 */
void
kiosk_wipe_bytes (GBytes *bytes)
{
  gsize size;
  gpointer data;

  if (bytes == NULL)
    return;
  data = (gpointer) g_bytes_get_data (bytes, &size);
  if (data != NULL && size > 0)
    explicit_bzero (data, size);
}

void
kiosk_image_free (KioskImage *image)
{
  if (image == NULL)
    return;
  kiosk_wipe_bytes (image->pixels);
  g_bytes_unref (image->pixels);
  g_free (image);
}

/**
 * kiosk_image_downscale:
 * @max_side: the largest side of the result, in pixels
 *
 * Box-filters the image down for an on-screen preview.
 *
 * Returns: (transfer full): a new, smaller image
 */
KioskImage *
kiosk_image_downscale (const KioskImage *image,
                       guint             max_side)
{
  guint factor = MAX (1, (MAX (image->width, image->height) + max_side - 1) / max_side);
  guint width = MAX (1, image->width / factor);
  guint height = MAX (1, image->height / factor);
  const guint8 *src = g_bytes_get_data (image->pixels, NULL);
  guint8 *dst = g_malloc ((gsize) width * height * 3);
  gsize src_stride = (gsize) image->width * 3;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < 3; c++)
        {
          guint sum = 0;

          for (guint dy = 0; dy < factor; dy++)
            for (guint dx = 0; dx < factor; dx++)
              sum += src[(y * factor + dy) * src_stride + (x * factor + dx) * 3 + c];
          dst[((gsize) y * width + x) * 3 + c] = sum / (factor * factor);
        }

  {
    g_autoptr(GBytes) pixels = g_bytes_new_take (dst, (gsize) width * height * 3);

    return kiosk_image_new (width, height, image->dpi / factor, pixels);
  }
}

/**
 * kiosk_image_check_quality:
 *
 * The quality gate before a scan is accepted. Blank as NAPS2 decides it, with the faint kept
 * apart: nothing darker than 225 on 0.15 % of the pixels is blank; something there but nothing
 * darker than 179 on 0.15 % is too light (a faded or over-exposed page); fewer than 2 % of the
 * pixels lighter than 60 is too dark; then a page running off the scanned area is cut off
 * (kiosk_image_cut_off_sides()). 1 % margins ignored for the first three; every 4th pixel of
 * every 3rd row: enough, and fast on a 300 dpi page.
 */
KioskImageQuality
kiosk_image_check_quality (const KioskImage *image)
{
  const guint8 *pixels = g_bytes_get_data (image->pixels, NULL);
  guint margin_x = image->width / 100;
  guint margin_y = image->height / 100;
  guint64 total = 0, dark = 0, faint = 0, light = 0;

  /* Every 3rd row: a text stroke 3 pixels high (10-point type at 150 dpi) is always seen. */
  for (guint y = margin_y; y < image->height - margin_y; y += 3)
    for (guint x = margin_x; x < image->width - margin_x; x += 4)
      {
        const guint8 *p = pixels + ((gsize) y * image->width + x) * 3;
        guint luma = (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000;

        total++;
        dark += luma < 179;
        faint += luma < 225;
        light += luma > 60;
      }
  if (total == 0)
    return KIOSK_IMAGE_BLANK;
  if (faint * 10000 < total * 15)
    return KIOSK_IMAGE_BLANK;
  if (dark * 10000 < total * 15)
    return KIOSK_IMAGE_TOO_LIGHT;
  if (light * 100 < total * 2)
    return KIOSK_IMAGE_TOO_DARK;
  if (kiosk_image_cut_off_sides (image) != KIOSK_SIDE_NONE)
    return KIOSK_IMAGE_CUT_OFF;
  return KIOSK_IMAGE_OK;
}

/**
 * kiosk_encode_jpeg:
 * @quality: 1–100
 *
 * Returns: (transfer full): JFIF bytes carrying the image's resolution, or %NULL
 */
GBytes *
kiosk_encode_jpeg (const KioskImage  *image,
                   int                quality,
                   GError           **error)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  const guint8 *pixels = g_bytes_get_data (image->pixels, NULL);

  if (image->width == 0 || image->height == 0 || image->width > 65500 || image->height > 65500)
    {
      g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_ENCODE,
                   "Cannot encode a %ux%u image", image->width, image->height);
      return NULL;
    }

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &size);
  cinfo.image_width = image->width;
  cinfo.image_height = image->height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, CLAMP (quality, 1, 100), TRUE);
  cinfo.density_unit = 1;
  cinfo.X_density = cinfo.Y_density = MIN (image->dpi, 65535);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = (JSAMPROW) (pixels + (gsize) cinfo.next_scanline * image->width * 3);

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);

  {
    GBytes *bytes = g_bytes_new (buffer, size);

    free (buffer);
    return bytes;
  }
}

/**
 * kiosk_memory_init:
 *
 * Called once at start: every block of 1 MiB or more (a page's JPEG, a PDF, a reduced copy) gets
 * pages of its own from the system and gives them back when freed. glibc would otherwise raise
 * that threshold after the first such block is freed, and later pages would stay in the heap
 * once freed: the kiosk's memory would grow with each scan, and a scan's bytes linger there.
 */
void
kiosk_memory_init (void)
{
  mallopt (M_MMAP_THRESHOLD, 1024 * 1024);
}

/* A JPEG written row by row as a page arrives: the page itself is never held whole. */
struct _KioskJpegWriter
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr       jerr;
  unsigned char              *buffer;
  unsigned long               size;
};

/**
 * kiosk_jpeg_writer_new:
 *
 * Returns: (transfer full) (nullable): a writer for a @width × @height RGB image, or %NULL for a
 *   size JPEG cannot hold
 */
KioskJpegWriter *
kiosk_jpeg_writer_new (guint width,
                       guint height,
                       guint dpi,
                       int   quality)
{
  KioskJpegWriter *self;

  if (width == 0 || height == 0 || width > 65500 || height > 65500)
    return NULL;
  self = g_new0 (KioskJpegWriter, 1);
  self->cinfo.err = jpeg_std_error (&self->jerr);
  jpeg_create_compress (&self->cinfo);
  jpeg_mem_dest (&self->cinfo, &self->buffer, &self->size);
  self->cinfo.image_width = width;
  self->cinfo.image_height = height;
  self->cinfo.input_components = 3;
  self->cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&self->cinfo);
  jpeg_set_quality (&self->cinfo, CLAMP (quality, 1, 100), TRUE);
  self->cinfo.density_unit = 1;
  self->cinfo.X_density = self->cinfo.Y_density = MIN (dpi, 65535);
  jpeg_start_compress (&self->cinfo, TRUE);
  return self;
}

/* One more row, width × 3 bytes; rows past the height are ignored. */
void
kiosk_jpeg_writer_write_row (KioskJpegWriter *self,
                             const guint8    *row)
{
  JSAMPROW rows[1] = { (JSAMPROW) row };

  if (self->cinfo.next_scanline < self->cinfo.image_height)
    jpeg_write_scanlines (&self->cinfo, rows, 1);
}

/**
 * kiosk_jpeg_writer_finish:
 *
 * Returns: (transfer full): the JPEG, once every row was written; the writer is freed
 */
GBytes *
kiosk_jpeg_writer_finish (KioskJpegWriter *self)
{
  GBytes *bytes;

  g_return_val_if_fail (self->cinfo.next_scanline == self->cinfo.image_height, NULL);
  jpeg_finish_compress (&self->cinfo);
  jpeg_destroy_compress (&self->cinfo);
  /* libjpeg's own buffer, not a copy of it: a page's JPEG is megabytes. */
  bytes = g_bytes_new_with_free_func (self->buffer, self->size, free, self->buffer);
  g_free (self);
  return bytes;
}

/* Drops a JPEG not finished (the scan stopped); what it held is wiped. libjpeg says where its
 * buffer is only once the image is finished: the rows left are written blank first. */
void
kiosk_jpeg_writer_free (KioskJpegWriter *self)
{
  if (self == NULL)
    return;
  if (self->cinfo.next_scanline < self->cinfo.image_height)
    {
      g_autofree guint8 *blank = g_malloc0 ((gsize) self->cinfo.image_width * 3);

      while (self->cinfo.next_scanline < self->cinfo.image_height)
        kiosk_jpeg_writer_write_row (self, blank);
    }
  {
    g_autoptr(GBytes) partial = kiosk_jpeg_writer_finish (self);
    gsize size;
    gpointer data = (gpointer) g_bytes_get_data (partial, &size);

    /* A part of a citizen's document: wiped before it is freed. */
    if (data != NULL)
      explicit_bzero (data, size);
  }
}

/**
 * kiosk_image_rotate:
 * @quarter_turns: clockwise
 *
 * Returns: (transfer full): the image turned (for thumbnails: it copies every pixel)
 */
KioskImage *
kiosk_image_rotate (const KioskImage *image,
                    guint             quarter_turns)
{
  const guint8 *in = g_bytes_get_data (image->pixels, NULL);
  guint turns = quarter_turns % 4;
  guint width = turns % 2 ? image->height : image->width;
  guint height = turns % 2 ? image->width : image->height;
  guint8 *out = g_malloc ((gsize) width * height * 3);
  g_autoptr(GBytes) bytes = NULL;

  for (guint y = 0; y < image->height; y++)
    for (guint x = 0; x < image->width; x++)
      {
        guint nx = x, ny = y;

        if (turns == 1)
          nx = image->height - 1 - y, ny = x;
        else if (turns == 2)
          nx = image->width - 1 - x, ny = image->height - 1 - y;
        else if (turns == 3)
          nx = y, ny = image->width - 1 - x;
        memcpy (out + ((gsize) ny * width + nx) * 3, in + ((gsize) y * image->width + x) * 3, 3);
      }
  bytes = g_bytes_new_take (out, (gsize) width * height * 3);
  return kiosk_image_new (width, height, image->dpi, bytes);
}
