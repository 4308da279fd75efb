/* kiosk-import-helper.c: checks a file a citizen brings on a USB stick, in a process of its own
 * with tight limits (memory, CPU time, no new files), under bubblewrap and its own seccomp filter
 * (kiosk-sandbox.c, kiosk-helper-confine.c), because the file is untrusted: a crafted JPEG, PNG
 * or PDF may aim at a decoder's bug, and here such a bug costs this process only.
 *
 * Input: the file's bytes on stdin (the kiosk caps their size first).
 * Output on stdout:
 *   JPEG <n>\n<n bytes>     an image, decoded then encoded again (nothing of the original kept)
 *   PDF <n>\n<n bytes>      a PDF rebuilt from its pages' pixels (nothing of the original kept)
 *   PREVIEW <w> <h>\n<w*h*3 bytes of RGB>   (images only)
 *   END\n
 * or ERROR <code> <message>\n with code 1 unreadable, 2 too large, 3 not a JPEG, PNG or PDF. */
#include "kiosk-document.h"
#include "kiosk-helper-confine.h"
#include "kiosk-image.h"

#include <cairo.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define IMPORT_MAX_INPUT (30 * 1024 * 1024)
#define MAX_PIXELS (60 * 1000 * 1000)
/* A PDF's pages: drawn at the resolution of a scan, encoded like one. */
#define PDF_DPI 300
#define PDF_JPEG_QUALITY 85
#define MAX_PDF_PAGES 50

/* poppler-glib 22.12 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

static int
fail (int         code,
      const char *message)
{
  g_autofree char *line = g_strdup_printf ("ERROR %d %s\n", code, message);

  kiosk_helper_write_all (line, strlen (line));
  return 1;
}

static void
limit (int      resource,
       rlim_t   value)
{
  struct rlimit r = { value, value };

  setrlimit (resource, &r);
}

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         offset;
} PngReader;

static cairo_status_t
read_png_cb (void          *closure,
             unsigned char *out,
             unsigned int   length)
{
  PngReader *reader = closure;

  if (reader->offset + length > reader->size)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (out, reader->data + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

/* PNG through cairo's decoder, flattened on white, as RGB. */
static KioskImage *
decode_png (const guint8 *data,
            gsize         size)
{
  PngReader reader = { data, size, 0 };
  cairo_surface_t *surface = cairo_image_surface_create_from_png_stream (read_png_cb, &reader);
  KioskImage *image = NULL;

  if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
    {
      int width = cairo_image_surface_get_width (surface);
      int height = cairo_image_surface_get_height (surface);
      int stride = cairo_image_surface_get_stride (surface);
      cairo_format_t format = cairo_image_surface_get_format (surface);
      const guint8 *pixels;
      guint8 *rgb;

      if (width <= 0 || height <= 0 || (gsize) width * height > MAX_PIXELS
          || (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24))
        {
          cairo_surface_destroy (surface);
          return NULL;
        }
      cairo_surface_flush (surface);
      pixels = cairo_image_surface_get_data (surface);
      rgb = g_malloc ((gsize) width * height * 3);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            guint32 v = *(const guint32 *) (pixels + (gsize) y * stride + x * 4);
            guint a = format == CAIRO_FORMAT_ARGB32 ? v >> 24 : 255;
            guint8 *p = rgb + ((gsize) y * width + x) * 3;

            /* Premultiplied: on white, each channel is c + (255 - a). */
            p[0] = MIN (((v >> 16) & 0xff) + 255 - a, 255);
            p[1] = MIN (((v >> 8) & 0xff) + 255 - a, 255);
            p[2] = MIN ((v & 0xff) + 255 - a, 255);
          }
      {
        g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, (gsize) width * height * 3);

        image = kiosk_image_new (width, height, 150, bytes);
      }
    }
  cairo_surface_destroy (surface);
  return image;
}

/* Dangerzone's way: nothing of the PDF is kept but how its pages look. Each page is drawn by
 * poppler at 300 dpi (less for a page so large that it would pass MAX_PIXELS), on white, encoded
 * as JPEG like a scanned page, and a new PDF is built from these JPEGs (kiosk_encode_pdf_pages,
 * the scans' own path). JavaScript, actions, links, forms, attachments, fonts and whatever a
 * filter would have to recognise, hex-escaped or compressed, are simply not carried over. */
static GBytes *
rebuild_pdf (const guint8 *data,
             gsize         size,
             int          *code)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(PopplerDocument) document = poppler_document_new_from_bytes (bytes, NULL, NULL);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  GBytes *pdf;
  int n_pages;

  *code = 1;
  if (document == NULL)
    return NULL;
  n_pages = poppler_document_get_n_pages (document);
  if (n_pages <= 0)
    return NULL;
  if (n_pages > MAX_PDF_PAGES)
    {
      *code = 2;
      return NULL;
    }
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (document, i);
      double width_pt = 0, height_pt = 0, dpi = PDF_DPI;
      cairo_surface_t *surface;
      cairo_t *cr;
      g_autoptr(KioskImage) image = NULL;
      KioskSheet *sheet;
      int width, height, stride;
      const guint8 *pixels;
      guint8 *rgb;

      if (page == NULL)
        return NULL;
      poppler_page_get_size (page, &width_pt, &height_pt);
      if (!(width_pt >= 1 && height_pt >= 1 && width_pt <= 14400 && height_pt <= 14400))
        return NULL;
      while ((width_pt * dpi / 72) * (height_pt * dpi / 72) > MAX_PIXELS)
        dpi /= 2;
      width = MAX (1, (int) (width_pt * dpi / 72 + 0.5));
      height = MAX (1, (int) (height_pt * dpi / 72 + 0.5));
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
      if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
        {
          cairo_surface_destroy (surface);
          return NULL;
        }
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, dpi / 72, dpi / 72);
      /* As printed: what a form field or an annotation shows on paper, not its behaviour. */
      poppler_page_render_for_printing (page, cr);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      stride = cairo_image_surface_get_stride (surface);
      pixels = cairo_image_surface_get_data (surface);
      rgb = g_malloc ((gsize) width * height * 3);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            guint32 v = *(const guint32 *) (pixels + (gsize) y * stride + x * 4);
            guint8 *p = rgb + ((gsize) y * width + x) * 3;

            p[0] = (v >> 16) & 0xff;
            p[1] = (v >> 8) & 0xff;
            p[2] = v & 0xff;
          }
      cairo_surface_destroy (surface);
      {
        g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, (gsize) width * height * 3);

        image = kiosk_image_new (width, height, (guint) dpi, bytes);
      }
      sheet = g_new0 (KioskSheet, 1);
      sheet->width = width;
      sheet->height = height;
      sheet->dpi = (guint) dpi;
      sheet->jpeg = kiosk_encode_jpeg (image, PDF_JPEG_QUALITY, NULL);
      g_ptr_array_add (pages, sheet);
      if (sheet->jpeg == NULL)
        return NULL;
    }
  pdf = kiosk_encode_pdf_pages (pages, NULL);
  /* The size rule holds for what is sent, too. */
  if (pdf != NULL && g_bytes_get_size (pdf) > IMPORT_MAX_INPUT)
    {
      *code = 2;
      g_clear_pointer (&pdf, g_bytes_unref);
    }
  return pdf;
}

int
main (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  guint8 buffer[65536];
  ssize_t n;

  /* 512 MB of address space, 40 s of CPU (a PDF of many pages, each drawn at 300 dpi), no core
   * file. AddressSanitizer reserves terabytes of address space for its shadow memory: a sanitizer
   * build keeps the other limits only. */
#ifndef __SANITIZE_ADDRESS__
  limit (RLIMIT_AS, (rlim_t) 512 * 1024 * 1024);
#endif
  limit (RLIMIT_CPU, 40);
  limit (RLIMIT_CORE, 0);
  /* No file written anywhere (stdout is a pipe), and few open at once. */
  limit (RLIMIT_FSIZE, 0);
  limit (RLIMIT_NOFILE, 64);
  {
    g_autoptr(GError) error = NULL;

    if (!kiosk_helper_confine (KIOSK_CONFINE_IMPORT, &error))
      return fail (1, error->message);
  }

  while ((n = read (STDIN_FILENO, buffer, sizeof buffer)) > 0)
    {
      if (input->len + n > IMPORT_MAX_INPUT)
        return fail (2, "The file is too large");
      g_byte_array_append (input, buffer, n);
    }
  if (n < 0 || input->len == 0)
    return fail (1, "Nothing to read");

  if (input->len > 5 && memcmp (input->data, "%PDF-", 5) == 0)
    {
      g_autofree char *header = NULL;
      g_autoptr(GBytes) pdf = NULL;
      int code;

      pdf = rebuild_pdf (input->data, input->len, &code);
      if (pdf == NULL)
        return fail (code, code == 2 ? "The PDF is too large" : "Not a readable PDF");
      header = g_strdup_printf ("PDF %zu\n", g_bytes_get_size (pdf));
      kiosk_helper_write_all (header, strlen (header));
      kiosk_helper_write_all (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
      kiosk_helper_write_all ("END\n", 4);
      return 0;
    }
  {
    g_autoptr(KioskImage) image = NULL;
    g_autoptr(KioskImage) preview = NULL;
    g_autoptr(GBytes) jpeg = NULL;
    g_autofree char *header = NULL;

    if (input->len > 3 && input->data[0] == 0xff && input->data[1] == 0xd8)
      {
        g_autoptr(GBytes) bytes = g_bytes_new (input->data, input->len);

        image = kiosk_image_decode_jpeg (bytes, MAX_PIXELS, NULL);
      }
    else if (input->len > 8 && memcmp (input->data, "\x89PNG\r\n\x1a\n", 8) == 0)
      image = decode_png (input->data, input->len);
    else
      return fail (3, "Not a JPEG, PNG or PDF file");
    if (image == NULL)
      return fail (1, "The image cannot be read");
    jpeg = kiosk_encode_jpeg (image, 85, NULL);
    if (jpeg == NULL)
      return fail (1, "The image cannot be encoded");
    preview = kiosk_image_downscale (image, 360);
    header = g_strdup_printf ("JPEG %zu\n", g_bytes_get_size (jpeg));
    kiosk_helper_write_all (header, strlen (header));
    kiosk_helper_write_all (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
    g_free (header);
    header = g_strdup_printf ("PREVIEW %u %u %u %u\n", preview->width, preview->height, image->width, image->height);
    kiosk_helper_write_all (header, strlen (header));
    kiosk_helper_write_all (g_bytes_get_data (preview->pixels, NULL), (gsize) preview->width * preview->height * 3);
    kiosk_helper_write_all ("END\n", 4);
  }
  return 0;
}
