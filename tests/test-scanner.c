/* test-scanner.c (suite scanner): the quality gate and the capture of an identity card, on the
 * committed fixture images (tests/scanner/fixtures/, drawn by make-fixtures.c) through the same
 * core code as a scan; a real page from libsane's test backend is neither flagged nor cropped;
 * untrusted JPEG files are refused without a crash. */
#include "kiosk-document.h"
#include "kiosk-image.h"
#include "kiosk-import.h"
#include "kiosk-scanner.h"
#include "kiosk-errors.h"

#include <cairo.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <unistd.h>
#include <string.h>

#define MM(x, dpi) ((guint) ((x) * (dpi) / 25.4 + 0.5))

static KioskImage *
load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "scanner", "fixtures", name, NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  KioskImage *image;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  image = kiosk_image_decode_jpeg (bytes, 50 * 1000 * 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->dpi, ==, 150);
  return image;
}

static void
test_quality_fixtures (void)
{
  g_autoptr(KioskImage) ok = load_fixture ("page-ok.jpg");
  g_autoptr(KioskImage) cut = load_fixture ("page-cut-off.jpg");
  g_autoptr(KioskImage) light = load_fixture ("page-too-light.jpg");
  g_autoptr(KioskImage) card_edge = load_fixture ("id-card-at-edge.jpg");

  g_assert_cmpint (kiosk_image_check_quality (ok), ==, KIOSK_IMAGE_OK);
  g_assert_cmpint (kiosk_image_cut_off_sides (ok), ==, KIOSK_SIDE_NONE);
  /* (Paper is never cropped: a white sheet's margins cannot be told from a white lid.) */

  g_assert_cmpint (kiosk_image_check_quality (cut), ==, KIOSK_IMAGE_CUT_OFF);
  g_assert_cmpint (kiosk_image_cut_off_sides (cut), ==, KIOSK_SIDE_RIGHT | KIOSK_SIDE_BOTTOM);

  g_assert_cmpint (kiosk_image_check_quality (light), ==, KIOSK_IMAGE_TOO_LIGHT);

  g_assert_cmpint (kiosk_image_check_quality (card_edge), ==, KIOSK_IMAGE_CUT_OFF);
  g_assert_cmpint (kiosk_image_cut_off_sides (card_edge), ==, KIOSK_SIDE_LEFT);
}

/* An ID card anywhere on the glass comes out as the card alone: 85.6 × 54 mm, within 2 mm. */
static void
test_identity_auto_crop (void)
{
  g_autoptr(KioskImage) glass = load_fixture ("id-card-on-glass.jpg");
  g_autoptr(KioskImage) card = NULL;
  KioskRect rect;
  guint tolerance = MM (2, 150);

  g_assert_cmpint (kiosk_image_check_quality (glass), ==, KIOSK_IMAGE_OK);
  g_assert_true (kiosk_image_find_document (glass, &rect));
  g_assert_cmpuint (ABS ((int) rect.x - (int) MM (30, 150)), <=, tolerance);
  g_assert_cmpuint (ABS ((int) rect.y - (int) MM (40, 150)), <=, tolerance);
  g_assert_cmpuint (ABS ((int) rect.width - (int) MM (85.6, 150)), <=, tolerance);
  g_assert_cmpuint (ABS ((int) rect.height - (int) MM (54, 150)), <=, tolerance);
  card = kiosk_image_crop (glass, &rect);
  g_assert_cmpuint (card->width, ==, rect.width);
  g_assert_cmpuint (card->height, ==, rect.height);
  g_assert_cmpuint (card->dpi, ==, 150);
  /* The cropped card still passes the gate, and encodes. */
  g_assert_cmpint (kiosk_image_check_quality (card), ==, KIOSK_IMAGE_OK);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (card, 85, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (jpeg), <, 200 * 1000);
  }
}

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gpointer *out = user_data;

  out[0] = kiosk_scanner_scan_finish (KIOSK_SCANNER (object), result, (GError **) &out[1]);
  out[2] = GINT_TO_POINTER (TRUE);
}

/* A real page through libsane's test backend (full-bleed colour pattern): not blank, not cut
 * off, nothing to crop — the checks do not fire on what they cannot reason about. */
static KioskImage *scan_with (const char * const *options, guint dpi, GError **error);

static void
test_real_scan_not_flagged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskImage) image = scan_with (NULL, 150, &error);
  KioskRect rect;

  g_assert_no_error (error);
  g_assert_cmpuint (image->width, >, 1000);
  g_assert_cmpint (kiosk_image_check_quality (image), ==, KIOSK_IMAGE_OK);
  g_assert_cmpint (kiosk_image_cut_off_sides (image), ==, KIOSK_SIDE_NONE);
  g_assert_false (kiosk_image_find_document (image, &rect));
}

static KioskImage *
scan_with (const char * const *options,
           guint               dpi,
           GError            **error)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:0");
  KioskScanOptions scan = { dpi, TRUE };
  gpointer out[3] = { NULL, NULL, NULL };

  kiosk_scanner_set_extra_options (scanner, options);
  kiosk_scanner_scan_async (scanner, &scan, NULL, NULL, NULL, scan_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (out[1] != NULL)
    g_propagate_error (error, out[1]);
  return out[0];
}

typedef struct
{
  GPtrArray *partials;   /* of KioskImage, copies of what the progress callback saw */
  GArray    *fractions;
} Progress;

static void
record_progress_cb (double            fraction,
                    const KioskImage *partial,
                    gpointer          user_data)
{
  Progress *progress = user_data;

  g_array_append_val (progress->fractions, fraction);
  /* A copy: the scanner wipes its own once the call returns. */
  if (partial != NULL)
    {
      g_autoptr(GBytes) pixels = g_bytes_new (g_bytes_get_data (partial->pixels, NULL),
                                              g_bytes_get_size (partial->pixels));

      g_ptr_array_add (progress->partials, kiosk_image_new (partial->width, partial->height, partial->dpi, pixels));
    }
}

/* How many rows of @image, from the top, are not plain white (paper not reached yet). */
static guint
rows_drawn (const KioskImage *image)
{
  const guint8 *rgb = g_bytes_get_data (image->pixels, NULL);
  guint y = image->height;

  while (y > 0)
    {
      const guint8 *row = rgb + (gsize) (y - 1) * image->width * 3;
      gboolean white = TRUE;

      for (guint i = 0; i < image->width * 3 && white; i++)
        white = row[i] == 0xff;
      if (!white)
        break;
      y--;
    }
  return y;
}

/* The page shows as it is scanned: the progress callback gets the page so far, at most 360 pixels
 * a side, drawn further down each time, and at the end the whole page. */
static void
test_progressive_preview (void)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:0");
  const char *slow[] = { "read-limit=yes", "read-limit-size=16384", "read-delay=yes",
                         "read-delay-duration=20000", NULL };
  KioskScanOptions scan = { 100, TRUE };
  gpointer out[3] = { NULL, NULL, NULL };
  Progress progress = { g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_image_free),
                        g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autoptr(KioskImage) page = NULL;
  KioskImage *last;
  guint previous = 0;

  kiosk_scanner_set_extra_options (scanner, slow);
  kiosk_scanner_scan_async (scanner, &scan, record_progress_cb, &progress, NULL, scan_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (out[1]);
  page = out[0];
  /* Progress callbacks queued before the result may still be pending. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_test_message ("%u progress reports, %u with the page so far", progress.fractions->len, progress.partials->len);
  g_assert_cmpuint (progress.partials->len, >=, 3);
  for (guint i = 0; i < progress.partials->len; i++)
    {
      KioskImage *partial = g_ptr_array_index (progress.partials, i);
      guint drawn = rows_drawn (partial);

      g_assert_cmpuint (MAX (partial->width, partial->height), <=, 360);
      g_assert_cmpuint (drawn, >=, previous);
      previous = drawn;
    }
  /* Some report came while the page was half-way: drawn at the top, white below. */
  g_assert_cmpuint (rows_drawn (g_ptr_array_index (progress.partials, 0)), <,
                    ((KioskImage *) g_ptr_array_index (progress.partials, 0))->height);
  last = g_ptr_array_index (progress.partials, progress.partials->len - 1);
  g_assert_cmpuint (last->width, ==, page->width / ((MAX (page->width, page->height) + 359) / 360));
  /* The last one is the whole page, shrunk: one pixel in the middle of each square of it. */
  g_assert_cmpuint (rows_drawn (last), ==, last->height);
  {
    guint f = (MAX (page->width, page->height) + 359) / 360;
    const guint8 *shown = g_bytes_get_data (last->pixels, NULL);
    const guint8 *scanned = g_bytes_get_data (page->pixels, NULL);

    for (guint y = 0; y < last->height; y++)
      for (guint x = 0; x < last->width; x++)
        g_assert_cmpmem (shown + ((gsize) y * last->width + x) * 3, 3,
                         scanned + ((gsize) (y * f + f / 2) * page->width + x * f + f / 2) * 3, 3);
  }
  g_assert_cmpfloat (g_array_index (progress.fractions, double, progress.fractions->len - 1), ==, 1.0);
  g_ptr_array_unref (progress.partials);
  g_array_unref (progress.fractions);
}

static void
scan_jpeg_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gpointer *out = user_data;
  GError *error = NULL;

  out[0] = kiosk_scanner_scan_jpeg_finish (KIOSK_SCANNER (object), result, &error);
  out[1] = error;
  out[2] = GINT_TO_POINTER (TRUE);
}

/* A page encoded as it is read (what the documents page asks for): never held whole, its JPEG is
 * the very one the whole raw page gives, with a reduced copy a third of its size
 * that the quality gate judges as it judges the page, and the last live preview as thumbnail. */
static void
test_streamed_jpeg (void)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:0");
  KioskScanOptions scan = { 150, TRUE, FALSE, 85 };
  gpointer out[3] = { NULL, NULL, NULL };
  g_autoptr(KioskScan) streamed = NULL;
  g_autoptr(KioskImage) raw = NULL;
  g_autoptr(KioskImage) decoded = NULL;
  g_autoptr(GError) error = NULL;
  Progress progress = { g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_image_free),
                        g_array_new (FALSE, FALSE, sizeof (double)) };
  kiosk_scanner_scan_async (scanner, &scan, record_progress_cb, &progress, NULL, scan_jpeg_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (out[1]);
  streamed = out[0];
  raw = scan_with (NULL, 150, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (streamed->width, ==, raw->width);
  g_assert_cmpuint (streamed->height, ==, raw->height);
  g_assert_cmpuint (streamed->dpi, ==, 150);
  /* The same JPEG as the whole page encoded at once. */
  {
    g_autoptr(GBytes) whole = kiosk_encode_jpeg (raw, 85, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (streamed->jpeg, whole));
  }
  decoded = kiosk_image_decode_jpeg (streamed->jpeg, 100000000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decoded->width, ==, raw->width);
  g_assert_cmpuint (decoded->height, ==, raw->height);
  g_assert_cmpuint (streamed->reduced->width, ==, raw->width / 3);
  g_assert_cmpuint (streamed->reduced->height, ==, raw->height / 3);
  g_assert_cmpuint (streamed->reduced->dpi, ==, 50);
  g_assert_cmpint (kiosk_image_check_quality (streamed->reduced), ==, kiosk_image_check_quality (raw));
  g_assert_nonnull (streamed->thumbnail);
  g_assert_cmpuint (MAX (streamed->thumbnail->width, streamed->thumbnail->height), <=, 360);
  g_ptr_array_unref (progress.partials);
  g_array_unref (progress.fractions);
}

/* A hand-scanner does not know the page's height before its end (the test backend's
 * hand-scanner option: lines = -1); the page arrives whole, rows until the end. Fuzzy
 * parameters before sane_start() do not matter: they are read after it. */
static void
test_hand_scanner_and_fuzzy (void)
{
  const char *hand[] = { "hand-scanner=yes", NULL };
  const char *fuzzy[] = { "fuzzy-parameters=yes", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskImage) flatbed = scan_with (NULL, 100, &error);
  g_autoptr(KioskImage) handheld = NULL;
  g_autoptr(KioskImage) fuzzed = NULL;

  g_assert_no_error (error);
  handheld = scan_with (hand, 100, &error);
  g_assert_no_error (error);
  /* (The test backend's hand-scanner is narrower: 110 mm, 433 pixels at 100 dpi.) */
  g_assert_cmpuint (handheld->width, >, 400);
  g_assert_cmpuint (handheld->height, >, 400);
  g_assert_cmpuint (g_bytes_get_size (handheld->pixels), >=, (gsize) handheld->width * handheld->height * 3);
  fuzzed = scan_with (fuzzy, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fuzzed->width, ==, flatbed->width);
  g_assert_cmpuint (fuzzed->height, ==, flatbed->height);
}

static void
collect_page_cb (KioskImage *image,
                 gpointer    user_data)
{
  g_ptr_array_add (user_data, image);
}

static void
batch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  gpointer *out = user_data;
  GError *error = NULL;

  out[0] = GSIZE_TO_POINTER (kiosk_scanner_scan_batch_finish (KIOSK_SCANNER (object), result, &error) + 1);
  out[1] = error;
  out[2] = GINT_TO_POINTER (TRUE);
}

/* The test backend's feeder holds 10 pages: a batch brings them all, in order, then stops; a jam
 * ends the batch with its own error and no half page. */
static void
test_feeder_batch (void)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:0");
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_image_free);
  KioskScanOptions options = { 50, TRUE };
  gpointer out[3] = { NULL, NULL, NULL };
  const char *jam[] = { "read-return-value=SANE_STATUS_JAMMED", NULL };

  kiosk_scanner_scan_batch_async (scanner, &options, collect_page_cb, pages, NULL, batch_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error ((GError *) out[1]);
  g_assert_cmpint (GPOINTER_TO_SIZE (out[0]) - 1, ==, 10);
  g_assert_cmpuint (pages->len, ==, 10);
  for (guint i = 1; i < pages->len; i++)
    {
      KioskImage *first = pages->pdata[0], *page = pages->pdata[i];

      g_assert_cmpuint (page->width, ==, first->width);
      g_assert_cmpuint (page->height, ==, first->height);
    }

  g_ptr_array_set_size (pages, 0);
  memset (out, 0, sizeof out);
  kiosk_scanner_set_extra_options (scanner, jam);
  kiosk_scanner_scan_batch_async (scanner, &options, collect_page_cb, pages, NULL, batch_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error ((GError *) out[1], KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_JAMMED);
  g_clear_error ((GError **) &out[1]);
  g_assert_cmpuint (pages->len, ==, 0);
}

/* Files from outside (a USB stick) are untrusted: garbage, a truncated file and an oversized one
 * are refused with an error, never a crash or an exit. */
static void
test_untrusted_jpeg (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "scanner", "fixtures", "id-card-on-glass.jpg", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  {
    g_autoptr(GBytes) garbage = g_bytes_new_static ("not a jpeg at all", 17);

    g_assert_null (kiosk_image_decode_jpeg (garbage, 1 << 26, &error));
    g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
  {
    g_autoptr(GBytes) header_only = g_bytes_new (contents, 600);
    g_autoptr(KioskImage) image = kiosk_image_decode_jpeg (header_only, 1 << 26, &error);

    /* libjpeg fills a truncated file with grey and warns: either an image or an error, no crash. */
    g_assert_true ((image != NULL) != (error != NULL));
    g_clear_error (&error);
  }
  {
    g_autoptr(GBytes) whole = g_bytes_new (contents, length);

    g_assert_null (kiosk_image_decode_jpeg (whole, 1000 * 1000, &error));
    g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "too large"));
  }
}


static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gpointer *out = user_data;

  out[0] = kiosk_import_file_finish (result, (GError **) &out[1]);
  out[2] = GINT_TO_POINTER (TRUE);
}

static KioskImported *
import (const char  *root,
        const char  *name,
        GError     **error)
{
  gpointer out[3] = { NULL, NULL, NULL };

  kiosk_import_file_async (root, name, NULL, import_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (out[1] != NULL)
    g_propagate_error (error, out[1]);
  return out[0];
}

static void
write_file (const char *root,
            const char *name,
            const void *data,
            gssize      length)
{
  g_autofree char *path = g_build_filename (root, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, data, length, NULL));
}

/* A USB stick: only its documents are listed (no link followed, nothing hidden, nothing beyond
 * it); each file is checked in the import helper: images decoded and encoded again, a PDF drawn
 * again from its pixels; a broken PDF that runs code, a damaged file, a file too large and a
 * path leaving the stick refused. */
static void
test_usb_import (void)
{
  g_autofree char *root = g_dir_make_tmp ("kiosk-stick-XXXXXX", NULL);
  g_autofree char *jpeg_path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "scanner", "fixtures", "id-card-on-glass.jpg", NULL);
  g_autofree char *jpeg = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  gsize jpeg_length;

  g_assert_true (g_file_get_contents (jpeg_path, &jpeg, &jpeg_length, NULL));
  write_file (root, "carte.JPG", jpeg, jpeg_length);
  write_file (root, "Documents/2026/fiche de paie.jpeg", jpeg, jpeg_length);
  write_file (root, ".Trash-1000/old.jpg", jpeg, jpeg_length);
  write_file (root, "notes.txt", "hello", 5);
  write_file (root, "faux.pdf", "this is not a pdf", -1);
  write_file (root, "script.pdf", "%PDF-1.4\n1 0 obj << /Type /Page /AA << /O << /S /JavaScript /JS (app.alert(1)) >> >> >> endobj\n"
                                   "trailer << >>\n%%EOF\n", -1);
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static (jpeg, jpeg_length);
    g_autoptr(KioskImage) image = kiosk_image_decode_jpeg (bytes, 1 << 26, NULL);
    g_autoptr(GPtrArray) pages = g_ptr_array_new ();
    g_autoptr(GPtrArray) jpegs = g_ptr_array_new ();
    g_autofree char *png = g_build_filename (root, "photo.png", NULL);
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 120, 80);
    cairo_t *cr = cairo_create (surface);

    g_ptr_array_add (pages, image);
    g_ptr_array_add (jpegs, bytes);
    pdf = kiosk_encode_pdf (pages, jpegs, NULL);
    write_file (root, "avis.pdf", g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
    cairo_set_source_rgba (cr, 0.2, 0.4, 0.8, 0.5);
    cairo_paint (cr);
    cairo_destroy (cr);
    g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy (surface);
  }
  {
    g_autofree char *big = g_build_filename (root, "gros.pdf", NULL);
    int fd = g_open (big, O_WRONLY | O_CREAT, 0600);

    g_assert_cmpint (ftruncate (fd, KIOSK_IMPORT_MAX_SIZE + 1), ==, 0);
    close (fd);
  }
  {
    g_autofree char *link = g_build_filename (root, "passwd.pdf", NULL);
    g_autofree char *link_dir = g_build_filename (root, "etc.jpg", NULL);

    g_assert_cmpint (symlink ("/etc/passwd", link), ==, 0);
    g_assert_cmpint (symlink ("/etc", link_dir), ==, 0);
  }

  files = kiosk_usb_list_files (root, &error);
  g_assert_no_error (error);
  {
    const char *expected[] = { "avis.pdf", "carte.JPG", "Documents/2026/fiche de paie.jpeg", "faux.pdf",
                               "gros.pdf", "photo.png", "script.pdf" };
    g_autoptr(GPtrArray) names = g_ptr_array_new ();

    for (guint i = 0; i < files->len; i++)
      g_ptr_array_add (names, ((KioskUsbFile *) files->pdata[i])->name);
    g_assert_cmpuint (files->len, ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      if (!g_ptr_array_find_with_equal_func (names, expected[i], g_str_equal, NULL))
        g_error ("%s not listed", expected[i]);
  }

  {
    g_autoptr(KioskImported) card = import (root, "carte.JPG", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (card->content_type, ==, "image/jpeg");
    g_assert_nonnull (card->preview);
    g_assert_cmpuint (card->width, ==, 1240);
    /* Encoded again: not the bytes from the stick. */
    g_assert_false (g_bytes_get_size (card->content) == jpeg_length
                    && memcmp (g_bytes_get_data (card->content, NULL), jpeg, jpeg_length) == 0);
  }
  {
    g_autoptr(KioskImported) photo = import (root, "photo.png", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (photo->content_type, ==, "image/jpeg");
    g_assert_cmpuint (photo->width, ==, 120);
  }
  {
    g_autoptr(KioskImported) notice = import (root, "avis.pdf", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (notice->content_type, ==, "application/pdf");
    /* Rebuilt from its page's pixels (test-sandbox.c checks what that removes). */
    g_assert_false (g_bytes_equal (notice->content, pdf));
    g_assert_true (g_str_has_prefix (g_bytes_get_data (notice->content, NULL), "%PDF-"));
  }
  g_assert_null (import (root, "faux.pdf", &error));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_null (import (root, "script.pdf", &error));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNREADABLE);
  g_clear_error (&error);
  g_assert_null (import (root, "gros.pdf", &error));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_null (import (root, "passwd.pdf", &error));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (import (root, "../../etc/passwd", &error));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (import (root, "etc.jpg/passwd", &error));
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scanner/quality-fixtures", test_quality_fixtures);
  g_test_add_func ("/scanner/identity-auto-crop", test_identity_auto_crop);
  g_test_add_func ("/scanner/real-scan-not-flagged", test_real_scan_not_flagged);
  g_test_add_func ("/scanner/untrusted-jpeg", test_untrusted_jpeg);
  g_test_add_func ("/scanner/hand-scanner-and-fuzzy", test_hand_scanner_and_fuzzy);
  g_test_add_func ("/scanner/progressive-preview", test_progressive_preview);
  g_test_add_func ("/scanner/streamed-jpeg", test_streamed_jpeg);
  g_test_add_func ("/scanner/feeder-batch", test_feeder_batch);
  g_test_add_func ("/scanner/usb-import", test_usb_import);
  return g_test_run ();
}
