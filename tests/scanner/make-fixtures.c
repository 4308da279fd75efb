/* make-fixtures.c: draws the images the quality gate is tested on, as a flatbed would give them
 * at 150 dpi, and writes them as JPEG (through the kiosk's own encoder) into
 * tests/scanner/fixtures/. Run once from the repository root; the outputs are committed:
 *   ninja -C build tests/scanner/make-fixtures && build/tests/scanner/make-fixtures
 *
 * page-ok            an A4 letter, text inside 20 mm margins
 * page-cut-off       the same letter shifted: lines run off the right and bottom edges
 * page-too-light     the letter printed very pale (grey 205)
 * id-card-on-glass   an 85.6 × 54 mm card on the lid's light grey, away from the edges
 * id-card-at-edge    the same card pushed against the left edge of the glass */
#include "kiosk-document.h"

#include <glib/gstdio.h>
#include <string.h>

#define DPI 150
#define MM(x) ((guint) ((x) * DPI / 25.4 + 0.5))

typedef struct
{
  guint   width;
  guint   height;
  guint8 *rgb;
  GRand  *rand;
} Canvas;

static void
fill (Canvas *c, guint x0, guint y0, guint w, guint h, guint8 r, guint8 g, guint8 b, int noise)
{
  for (guint y = y0; y < MIN (y0 + h, c->height); y++)
    for (guint x = x0; x < MIN (x0 + w, c->width); x++)
      {
        guint8 *p = c->rgb + ((gsize) y * c->width + x) * 3;
        int n = noise ? g_rand_int_range (c->rand, -noise, noise + 1) : 0;

        p[0] = CLAMP (r + n, 0, 255);
        p[1] = CLAMP (g + n, 0, 255);
        p[2] = CLAMP (b + n, 0, 255);
      }
}

/* Lines of "text": dark strokes of random lengths, 12 px apart. */
static void
text (Canvas *c, guint x0, guint y0, guint w, guint h, guint8 ink, gboolean full_lines)
{
  for (guint y = y0; y + 3 < y0 + h; y += 12)
    {
      guint length = full_lines ? w : (guint) g_rand_int_range (c->rand, w / 2, w + 1);

      for (guint x = x0; x < x0 + length; x += 9)
        fill (c, x, y, 7, 3, ink, ink, ink, 6);
    }
}

static void
save (Canvas *c, const char *name)
{
  g_autoptr(GBytes) pixels = g_bytes_new (c->rgb, (gsize) c->width * c->height * 3);
  g_autoptr(KioskImage) image = kiosk_image_new (c->width, c->height, DPI, pixels);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (image, 75, &error);
  g_autofree char *path = g_strdup_printf ("tests/scanner/fixtures/%s.jpg", name);

  if (jpeg == NULL || !g_file_set_contents (path, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), &error))
    g_error ("%s: %s", path, error->message);
  g_print ("%s: %ux%u, %zu bytes\n", path, c->width, c->height, g_bytes_get_size (jpeg));
}

static Canvas
new_canvas (guint8 luma, int noise)
{
  Canvas c = { MM (210), MM (297), NULL, g_rand_new_with_seed (2026) };

  c.rgb = g_malloc ((gsize) c.width * c.height * 3);
  fill (&c, 0, 0, c.width, c.height, luma, luma, luma, noise);
  return c;
}

static void
free_canvas (Canvas *c)
{
  g_free (c->rgb);
  g_rand_free (c->rand);
}

static void
card (Canvas *c, guint x, guint y)
{
  fill (c, x, y, MM (85.6), MM (54), 196, 218, 240, 3);            /* the card */
  fill (c, x + MM (4), y + MM (10), MM (24), MM (32), 90, 80, 70, 8);   /* the photo */
  text (c, x + MM (32), y + MM (12), MM (48), MM (30), 40, FALSE);
  fill (c, x + MM (4), y + MM (3), MM (60), MM (4), 30, 60, 140, 2);     /* the header band */
}

int
main (void)
{
  Canvas c;

  c = new_canvas (246, 1);
  text (&c, MM (20), MM (25), MM (170), MM (250), 35, FALSE);
  save (&c, "page-ok");
  free_canvas (&c);

  c = new_canvas (246, 1);
  text (&c, MM (40), MM (60), MM (170), MM (237), 35, TRUE);
  save (&c, "page-cut-off");
  free_canvas (&c);

  c = new_canvas (246, 1);
  text (&c, MM (20), MM (25), MM (170), MM (250), 205, FALSE);
  save (&c, "page-too-light");
  free_canvas (&c);

  c = new_canvas (238, 3);
  card (&c, MM (30), MM (40));
  save (&c, "id-card-on-glass");
  free_canvas (&c);

  c = new_canvas (238, 3);
  card (&c, 0, MM (40));
  save (&c, "id-card-at-edge");
  free_canvas (&c);
  return 0;
}
