/* kiosk-qr-helper.c: reads the QR codes in the camera's frames with zbar, in a process of its
 * own under bubblewrap and the import helper's seccomp filter (kiosk-sandbox.c,
 * kiosk-helper-confine.c). Anyone can show any code to the camera, and zbar's QR decoder has had
 * memory-safety bugs (CVE-2023-40889, CVE-2023-40890): here such a bug costs this process only,
 * which sees nothing of the kiosk and reaches no network.
 *
 * One helper serves a whole camera session (kiosk-qr.c starts it on the first frame and stops
 * it when the camera view closes).
 * Output on start, once confined:  READY\n
 * Input, per frame:   FRAME <width> <height>\n then width × height bytes of 8-bit grey
 *                     (1 ≤ width, height ≤ 4096)
 * Output, per frame:  QR <n>\n then the n bytes the first QR code holds, or NONE\n
 * A header that is not that, or a frame shorter than announced: ERROR <message>\n, and the
 * helper exits (status 2). End of input between frames: it exits (status 0). */
#include "kiosk-helper-confine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zbar.h>

#define QR_MAX_SIDE 4096
#define HEADER_MAX 64

static int
fail (const char *message)
{
  g_autofree char *line = g_strdup_printf ("ERROR %s\n", message);

  kiosk_helper_write_all (line, strlen (line));
  return 2;
}

static void
limit (int    resource,
       rlim_t value)
{
  struct rlimit r = { value, value };

  setrlimit (resource, &r);
}

/* Reads exactly @length bytes; FALSE at end of input or on an error. */
static gboolean
read_exactly (guint8 *into,
              gsize   length)
{
  while (length > 0)
    {
      ssize_t n = read (STDIN_FILENO, into, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      into += n;
      length -= n;
    }
  return TRUE;
}

/* The header line, without its newline; NULL at end of input before any byte (*@eof set), or
 * for a line longer than HEADER_MAX. */
static gboolean
read_header (char     *line,
             gboolean *eof)
{
  gsize n = 0;

  *eof = FALSE;
  while (n < HEADER_MAX)
    {
      ssize_t r = read (STDIN_FILENO, line + n, 1);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          *eof = n == 0;
          return FALSE;
        }
      if (line[n] == '\n')
        {
          line[n] = '\0';
          return TRUE;
        }
      n++;
    }
  return FALSE;
}

/* "FRAME <w> <h>", decimal, nothing else, within the caps. */
static gboolean
parse_header (const char *line,
              guint      *width,
              guint      *height)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", -1);
  guint64 w, h;

  if (g_strv_length (parts) != 3 || strcmp (parts[0], "FRAME") != 0
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, QR_MAX_SIDE, &w, NULL)
      || !g_ascii_string_to_unsigned (parts[2], 10, 1, QR_MAX_SIDE, &h, NULL))
    return FALSE;
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

static void
answer (zbar_image_scanner_t *scanner,
        guint8               *grey,
        guint                 width,
        guint                 height)
{
  zbar_image_t *frame = zbar_image_create ();
  const char *data = NULL;
  unsigned int length = 0;

  zbar_image_set_format (frame, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (frame, width, height);
  zbar_image_set_data (frame, grey, (unsigned long) width * height, NULL);
  if (zbar_scan_image (scanner, frame) > 0)
    for (const zbar_symbol_t *symbol = zbar_image_first_symbol (frame); symbol != NULL && data == NULL;
         symbol = zbar_symbol_next (symbol))
      if (zbar_symbol_get_type (symbol) == ZBAR_QRCODE)
        {
          data = zbar_symbol_get_data (symbol);
          length = zbar_symbol_get_data_length (symbol);
        }
  if (data != NULL)
    {
      g_autofree char *header = g_strdup_printf ("QR %u\n", length);

      kiosk_helper_write_all (header, strlen (header));
      kiosk_helper_write_all (data, length);
    }
  else
    kiosk_helper_write_all ("NONE\n", 5);
  zbar_image_destroy (frame);   /* the symbols with it; grey stays ours */
}

int
main (void)
{
  g_autofree guint8 *grey = NULL;
  zbar_image_scanner_t *scanner;
  char line[HEADER_MAX + 1];

  /* 256 MB of address space (a 4096 × 4096 frame is 16 MB), no core file, no file written,
   * few open at once. A sanitizer build keeps the other limits only (see the import helper). */
#ifndef __SANITIZE_ADDRESS__
  limit (RLIMIT_AS, (rlim_t) 256 * 1024 * 1024);
#endif
  limit (RLIMIT_CORE, 0);
  limit (RLIMIT_FSIZE, 0);
  limit (RLIMIT_NOFILE, 32);
  {
    g_autoptr(GError) error = NULL;

    if (!kiosk_helper_confine (KIOSK_CONFINE_IMPORT, &error))
      return fail (error->message);
  }
  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  grey = g_malloc ((gsize) QR_MAX_SIDE * QR_MAX_SIDE);
  kiosk_helper_write_all ("READY\n", 6);

  for (;;)
    {
      guint width, height;
      gboolean eof;

      if (!read_header (line, &eof))
        return eof ? 0 : fail ("The frame header is too long or cut");
      if (!parse_header (line, &width, &height))
        return fail ("The frame header is not FRAME <width> <height> within 4096 x 4096");
      if (!read_exactly (grey, (gsize) width * height))
        return fail ("The frame is shorter than its header says");
      answer (scanner, grey, width, height);
    }
}
