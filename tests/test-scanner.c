/* test-scanner.c (suite scanner): the quality gate and the capture of an identity card, on the
 * committed fixture images (tests/scanner/fixtures/, drawn by make-fixtures.c) through the same
 * core code as a scan; a real page from libsane's test backend is neither flagged nor cropped;
 * untrusted JPEG files are refused without a crash. */
#include "kiosk-document.h"
#include "kiosk-image.h"
#include "kiosk-scanner.h"
#include "kiosk-errors.h"

#include <locale.h>
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
static void
test_real_scan_not_flagged (void)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:0");
  KioskScanOptions options = { 150, TRUE };
  gpointer out[3] = { NULL, NULL, NULL };
  g_autoptr(KioskImage) image = NULL;
  KioskRect rect;

  kiosk_scanner_scan_async (scanner, &options, NULL, NULL, NULL, scan_done_cb, out);
  while (out[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error ((GError *) out[1]);
  image = out[0];
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
  g_test_add_func ("/scanner/feeder-batch", test_feeder_batch);
  return g_test_run ();
}
