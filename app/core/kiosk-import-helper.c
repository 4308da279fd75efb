/* kiosk-import-helper.c: checks a file a citizen brings on a USB stick, in a process of its own
 * with tight limits (memory, CPU time, no new files), because the file is untrusted: a crafted
 * JPEG or PNG may aim at a decoder's bug, and here such a bug costs this process only.
 *
 * Input: the file's bytes on stdin (the kiosk caps their size first).
 * Output on stdout:
 *   JPEG <n>\n<n bytes>     an image, decoded then encoded again (nothing of the original kept)
 *   PDF <n>\n<n bytes>      a PDF, as it came, once its structure looked sound
 *   PREVIEW <w> <h>\n<w*h*3 bytes of RGB>   (images only)
 *   END\n
 * or ERROR <code> <message>\n with code 1 unreadable, 2 too large, 3 not a JPEG, PNG or PDF. */
#include "kiosk-document.h"
#include "kiosk-helper-confine.h"
#include "kiosk-image.h"

#include <cairo.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define IMPORT_MAX_INPUT (30 * 1024 * 1024)
#define MAX_PIXELS (60 * 1000 * 1000)

static void
write_all (const void *data,
           gsize       length)
{
  const guint8 *p = data;

  while (length > 0)
    {
      ssize_t n = write (STDOUT_FILENO, p, length);

      if (n <= 0)
        _exit (3);
      p += n;
      length -= n;
    }
}

static int
fail (int         code,
      const char *message)
{
  g_autofree char *line = g_strdup_printf ("ERROR %d %s\n", code, message);

  write_all (line, strlen (line));
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
      image = kiosk_image_new (width, height, 150, g_bytes_new_take (rgb, (gsize) width * height * 3));
    }
  cairo_surface_destroy (surface);
  return image;
}

/* A PDF's structure, without rendering it: the header, an end-of-file marker near the end, at
 * least one page, and nothing that runs (JavaScript, launch actions, embedded files). */
static gboolean
check_pdf (const guint8 *data,
           gsize         size)
{
  static const char * const forbidden[] = { "/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/RichMedia" };
  gsize tail = MIN (size, 1024);

  if (size < 64 || memcmp (data, "%PDF-", 5) != 0)
    return FALSE;
  if (memmem (data + size - tail, tail, "%%EOF", 5) == NULL)
    return FALSE;
  if (memmem (data, size, "/Page", 5) == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (forbidden); i++)
    if (memmem (data, size, forbidden[i], strlen (forbidden[i])) != NULL)
      return FALSE;
  return TRUE;
}

int
main (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  guint8 buffer[65536];
  ssize_t n;

  /* 512 MB of address space, 20 s of CPU, no core file. */
  limit (RLIMIT_AS, (rlim_t) 512 * 1024 * 1024);
  limit (RLIMIT_CPU, 20);
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

      if (!check_pdf (input->data, input->len))
        return fail (1, "Not a sound PDF");
      header = g_strdup_printf ("PDF %u\n", input->len);
      write_all (header, strlen (header));
      write_all (input->data, input->len);
      write_all ("END\n", 4);
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
    write_all (header, strlen (header));
    write_all (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
    g_free (header);
    header = g_strdup_printf ("PREVIEW %u %u %u %u\n", preview->width, preview->height, image->width, image->height);
    write_all (header, strlen (header));
    write_all (g_bytes_get_data (preview->pixels, NULL), (gsize) preview->width * preview->height * 3);
    write_all ("END\n", 4);
  }
  return 0;
}
