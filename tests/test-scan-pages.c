/* test-scan-pages.c (suite scanner): a paper document of several pages, scanned through libsane's
 * test backend in the real window: add pages, turn one, move one, remove one; the PDF the portal
 * would receive has those pages, in that order, at their physical size (checked with pdfinfo). */
#include "kiosk-test-util.h"

#include "kiosk-documents-page.h"
#include "kiosk-crop-area.h"
#include "kiosk-image.h"
#include "kiosk-json.h"

#include <glib/gstdio.h>
#include <string.h>

static KioskTestPortal *portal;

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static void
click_and_wait (KioskWindow *window,
                const char  *name)
{
  kiosk_test_click (window, name);
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 30000));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
}

static char *
pdfinfo (GBytes *pdf)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-pdf-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "document.pdf", NULL);
  const char *argv[] = { "pdfinfo", "-f", "1", "-l", "20", path, NULL };
  char *out = NULL;
  int status = 0;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
  g_rmdir (dir);
  return out;
}

/* "Page    2 size: 842.04 x 595.44 pts (A4)" → width and height in points. */
static void
page_size (const char *info,
           guint       page,
           double     *width,
           double     *height)
{
  g_autofree char *key = g_strdup_printf ("Page %4u size:", page);
  const char *line = strstr (info, key);

  g_assert_nonnull (line);
  line += strlen (key);
  *width = g_ascii_strtod (line, (char **) &line);
  line = strstr (line, "x");
  *height = g_ascii_strtod (line + 1, NULL);
}

/* Opens, in @window, a procedure asking for a paper document in PDF (not only for some answers),
 * answers its questions and shows the documents page. Returns that document. */
static const KioskDocumentSpec *
open_paper_document (KioskWindow     *window,
                     KioskContext    *context,
                     KioskProcedure **procedure)
{
  GListModel *procedures = kiosk_catalogue_get_procedures (kiosk_context_get_catalogue (context));
  const KioskDocumentSpec *spec = NULL;

  for (guint p = 0; p < g_list_model_get_n_items (procedures) && spec == NULL; p++)
    {
      g_autoptr(KioskProcedure) candidate = g_list_model_get_item (procedures, p);

      for (guint d = 0; d < kiosk_procedure_get_n_documents (candidate) && spec == NULL; d++)
        {
          const KioskDocumentSpec *s = kiosk_procedure_get_document (candidate, d);

          if (s->kind == KIOSK_DOCUMENT_PAPER && s->field == NULL && s->visible_if == NULL
              && g_strv_contains ((const char * const *) s->formats, "application/pdf"))
            {
              spec = s;
              *procedure = candidate;
            }
        }
    }
  g_assert_nonnull (spec);

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", kiosk_procedure_get_slug (*procedure));
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_fill_dossier (kiosk_session_get_dossier (kiosk_context_get_session (context)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents");
  kiosk_test_wait_for_page (window, "documents");
  return spec;
}

typedef struct
{
  KioskWindow *window;
  guint        seen;      /* times the preview was seen during the scan */
  guint        partial;   /* of those, times it was shown before the page had all arrived */
} Watch;

static gboolean
preview_seen_cb (gpointer data)
{
  Watch *watch = data;
  GtkWidget *preview = kiosk_test_find (watch->window, "scan-preview");
  GtkProgressBar *bar = GTK_PROGRESS_BAR (kiosk_test_find (watch->window, "scan-progress"));

  if (gtk_widget_get_visible (preview) && gtk_picture_get_paintable (GTK_PICTURE (preview)) != NULL)
    {
      watch->seen++;
      if (gtk_progress_bar_get_fraction (bar) < 1.0)
        watch->partial++;
    }
  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_get_page (watch->window, "documents")));
}

static gboolean
preview_shown_cb (gpointer data)
{
  GtkWidget *preview = kiosk_test_find (data, "scan-preview");

  return gtk_widget_get_visible (preview) && gtk_picture_get_paintable (GTK_PICTURE (preview)) != NULL;
}

/* The page appears as it is scanned (a slowed-down test backend): the scan preview shows, with
 * the page so far, while the progress bar is still under way; it goes once the scan is done. */
static void
test_progressive_preview (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-preview-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  const char *slow[] = { "read-delay=yes", "read-delay-duration=40000", NULL };
  KioskProcedure *procedure = NULL;
  const KioskDocumentSpec *spec = open_paper_document (window, context, &procedure);
  g_autofree char *scan = g_strdup_printf ("scan-%s", spec->varname);
  Watch watch = { window, 0, 0 };

  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-preview")));
  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), slow);
  kiosk_test_click (window, scan);
  g_assert_true (kiosk_test_wait (preview_seen_cb, &watch, 60000));
  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), NULL);
  g_test_message ("preview seen %u times, %u before the end", watch.seen, watch.partial);
  g_assert_cmpuint (watch.partial, >, 0);
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-preview")));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
  g_assert_nonnull (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), spec->varname));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-stop")));

  /* "Stop the scan" while the page comes: it stops at once, and the document stays as it was. */
  {
    g_autofree char *before = g_strdup (kiosk_document_get_sha256 (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), spec->varname)));
    gint64 start;

    kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), slow);
    kiosk_test_click (window, scan);
    g_assert_true (kiosk_test_wait (preview_shown_cb, window, 30000));
    g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "scan-stop")));
    start = g_get_monotonic_time ();
    kiosk_test_click (window, "scan-stop");
    g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 10000));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
    kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), NULL);
    g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
    g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-stop")));
    g_assert_cmpstr (before, ==, kiosk_document_get_sha256 (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), spec->varname)));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Opens the aide médicale in @window, answers its questions and shows its documents page (an
 * identity card to scan). Returns the dossier. */
static KioskDossier *
open_aide_medicale_documents (KioskWindow  *window,
                              KioskContext *context)
{
  KioskDossier *dossier;

  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  kiosk_test_fill_dossier (dossier);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents");
  kiosk_test_wait_for_page (window, "documents");
  return dossier;
}

static void
jpeg_size (KioskDocument *document,
           guint         *width,
           guint         *height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskImage) image = kiosk_image_decode_jpeg (kiosk_document_get_content (document), 100000000, &error);

  g_assert_no_error (error);
  *width = image->width;
  *height = image->height;
}

/* Turning and cropping a scan by hand, with real pointer drags: the frame's corner dragged to the
 * middle keeps the top-left quarter of the card; "Turn" then "Apply" turns it; "Cancel" leaves it
 * as it was; what is kept is what the portal receives. */
static void
test_crop_by_hand (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-crop-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  KioskDossier *dossier;
  GtkWidget *area;
  graphene_rect_t bounds;
  guint width, height, cropped_width, cropped_height;
  g_autofree char *before = NULL;

  dossier = open_aide_medicale_documents (window, context);
  click_and_wait (window, "scan-id_card");
  jpeg_size (kiosk_dossier_get_document (dossier, "id_card"), &width, &height);

  /* The bottom-right corner of the frame, dragged to the middle of the scan. */
  kiosk_test_click (window, "edit-id_card");
  area = kiosk_test_wait_drawn (window, "crop-area");
  g_assert_true (gtk_widget_get_mapped (area));
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  kiosk_crop_area_get_image_bounds (KIOSK_CROP_AREA (area), &bounds);
  g_assert_cmpfloat (bounds.size.width, >, 100);
  kiosk_test_drag (window, area, bounds.origin.x + bounds.size.width - 2, bounds.origin.y + bounds.size.height - 2,
                   bounds.origin.x + bounds.size.width / 2, bounds.origin.y + bounds.size.height / 2);
  click_and_wait (window, "edit-apply");
  g_assert_null (kiosk_window_find_widget (window, "crop-area"));
  jpeg_size (kiosk_dossier_get_document (dossier, "id_card"), &cropped_width, &cropped_height);
  g_test_message ("%u×%u cropped to %u×%u", width, height, cropped_width, cropped_height);
  g_assert_cmpfloat (ABS ((double) cropped_width / width - 0.5), <, 0.03);
  g_assert_cmpfloat (ABS ((double) cropped_height / height - 0.5), <, 0.03);

  /* Turned a quarter: width and height swap. */
  kiosk_test_click (window, "edit-id_card");
  kiosk_test_click (window, "edit-turn");
  click_and_wait (window, "edit-apply");
  jpeg_size (kiosk_dossier_get_document (dossier, "id_card"), &width, &height);
  g_assert_cmpuint (width, ==, cropped_height);
  g_assert_cmpuint (height, ==, cropped_width);

  /* Cancel: nothing changes. */
  before = g_strdup (kiosk_document_get_sha256 (kiosk_dossier_get_document (dossier, "id_card")));
  kiosk_test_click (window, "edit-id_card");
  area = kiosk_test_wait_drawn (window, "crop-area");
  kiosk_crop_area_get_image_bounds (KIOSK_CROP_AREA (area), &bounds);
  kiosk_test_drag (window, area, bounds.origin.x + 2, bounds.origin.y + 2,
                   bounds.origin.x + bounds.size.width / 2, bounds.origin.y + bounds.size.height / 2);
  kiosk_test_click (window, "edit-cancel");
  g_assert_cmpstr (before, ==, kiosk_document_get_sha256 (kiosk_dossier_get_document (dossier, "id_card")));

  /* The card's back, and the citizen goes on: the portal gets the cropped, turned front. */
  kiosk_test_click (window, "no-back-id_card");
  g_assert_true (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  kiosk_test_click (window, "documents-next");
  kiosk_test_wait_for_page (window, "review");
  kiosk_test_portal_post (portal, "_control/reset", "{}");
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  {
    g_autoptr(JsonObject) root = kiosk_test_portal_get (portal, "_control/submissions");
    JsonObject *submission = json_array_get_object_element (kiosk_json_get_array (root, "data"), 0);
    JsonObject *file = json_array_get_object_element (kiosk_json_get_array (submission, "files"), 0);

    g_assert_cmpstr (kiosk_json_get_string (file, "varname"), ==, "id_card");
    g_assert_cmpstr (kiosk_json_get_string (file, "sha256"), ==, before);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
camera_shows_cb (gpointer data)
{
  GtkWidget *picture = kiosk_window_find_widget (data, "camera-picture");

  return picture != NULL && gtk_picture_get_paintable (GTK_PICTURE (picture)) != NULL;
}

/* The camera, where the terminal has one (here GStreamer's test source through the same
 * pipeline): what it sees shows live, "Take the photo" makes the card's front go through the same
 * checks as a scan, then the back; cancel closes it. */
static void
test_camera (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-camera-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  KioskWindow *window;
  KioskDossier *dossier;
  guint width, height;

  g_setenv ("KIOSK_CAMERA_PIPELINE", "videotestsrc is-live=true pattern=smpte ! video/x-raw,width=800,height=600,framerate=15/1", TRUE);
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  dossier = open_aide_medicale_documents (window, context);

  /* Opened, then cancelled: nothing taken. */
  kiosk_test_click (window, "camera-id_card");
  g_assert_true (kiosk_test_wait (camera_shows_cb, window, 15000));
  g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  kiosk_test_click (window, "camera-cancel");
  g_assert_null (kiosk_window_find_widget (window, "camera-picture"));
  g_assert_null (kiosk_dossier_get_document (dossier, "id_card"));

  /* The front, then the back: a photo each, the camera's whole frame. */
  kiosk_test_click (window, "camera-id_card");
  g_assert_true (kiosk_test_wait (camera_shows_cb, window, 15000));
  click_and_wait (window, "camera-take");
  g_assert_nonnull (kiosk_dossier_get_document (dossier, "id_card"));
  jpeg_size (kiosk_dossier_get_document (dossier, "id_card"), &width, &height);
  g_assert_cmpuint (width, ==, 800);
  g_assert_cmpuint (height, ==, 600);
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "turn-over-hint")));
  kiosk_test_click (window, "camera-id_card");
  g_assert_true (kiosk_test_wait (camera_shows_cb, window, 15000));
  click_and_wait (window, "camera-take");
  g_assert_nonnull (kiosk_dossier_get_document (dossier, "id_card.verso"));
  g_assert_true (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unsetenv ("KIOSK_CAMERA_PIPELINE");
}

static gboolean
found_cb (gpointer data)
{
  gpointer *args = data;

  return kiosk_window_find_widget (args[0], args[1]) != NULL;
}

/* A feeder that scans both sides of each sheet (a helper that says so, then scans through the
 * real one and the test backend): the page asks the scanner's sources, offers "Printed on both
 * sides: feeder", and the batch asks the helper for both sides. */
static void
test_duplex_feeder (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-duplex-XXXXXX", NULL);
  g_autofree char *script = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "duplex-scan-helper.sh", NULL);
  g_autofree char *log = g_build_filename (data_dir, "helper.log", NULL);
  g_autofree char *real = g_strdup (g_getenv ("KIOSK_SCAN_HELPER"));
  g_autoptr(KioskContext) context = NULL;
  KioskWindow *window;
  KioskProcedure *procedure = NULL;
  const char *varname;
  g_autofree char *button = NULL;
  g_autofree char *calls = NULL;

  g_setenv ("KIOSK_SCAN_HELPER_REAL", real, TRUE);
  g_setenv ("KIOSK_SCAN_HELPER", script, TRUE);
  g_setenv ("KIOSK_TEST_HELPER_LOG", log, TRUE);
  /* The script needs its environment and writes its log: outside the helpers' sandbox (the
   * development override, kiosk-sandbox.c); test-sandbox.c covers the sandbox. */
  g_setenv ("KIOSK_SANDBOX", "none", TRUE);
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  varname = open_paper_document (window, context, &procedure)->varname;
  button = g_strdup_printf ("feeder-duplex-%s", varname);
  g_assert_true (kiosk_test_wait (found_cb, (gpointer[]) { window, button }, 15000));
  kiosk_test_click (window, button);
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 60000));
  g_assert_cmpuint (kiosk_document_get_pages (kiosk_dossier_get_document (kiosk_session_get_dossier (kiosk_context_get_session (context)), varname))->len,
                    ==, 10);
  g_assert_true (g_file_get_contents (log, &calls, NULL, NULL));
  g_test_message ("helper called with: %s", calls);
  g_assert_nonnull (strstr (calls, "--sources"));
  g_assert_nonnull (strstr (calls, "--batch --duplex"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_setenv ("KIOSK_SCAN_HELPER", real, TRUE);
  g_unsetenv ("KIOSK_SANDBOX");
}

static void
test_multi_page_document (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-pages-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  const KioskDocumentSpec *spec;
  KioskProcedure *procedure = NULL;
  KioskDossier *dossier;
  KioskDocument *document;
  GPtrArray *pages;
  g_autofree char *scan = NULL, *add = NULL, *turn = NULL, *earlier = NULL, *remove = NULL;
  g_autofree char *info = NULL;
  double width, height;

  spec = open_paper_document (window, context, &procedure);
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));

  scan = g_strdup_printf ("scan-%s", spec->varname);
  add = g_strdup_printf ("add-page-%s", spec->varname);
  click_and_wait (window, scan);
  click_and_wait (window, add);
  click_and_wait (window, add);
  document = kiosk_dossier_get_document (dossier, spec->varname);
  pages = kiosk_document_get_pages (document);
  g_assert_cmpuint (pages->len, ==, 3);
  {
    g_autofree char *third = g_strdup_printf ("page-%s-2", spec->varname);

    g_assert_nonnull (kiosk_test_find (window, third));
  }

  /* Turn the second page, move the third before it, remove the first. */
  turn = g_strdup_printf ("turn-%s-1", spec->varname);
  earlier = g_strdup_printf ("earlier-%s-2", spec->varname);
  remove = g_strdup_printf ("remove-%s-0", spec->varname);
  click_and_wait (window, turn);
  click_and_wait (window, earlier);
  click_and_wait (window, remove);
  document = kiosk_dossier_get_document (dossier, spec->varname);
  pages = kiosk_document_get_pages (document);
  g_assert_cmpuint (pages->len, ==, 2);
  g_assert_cmpuint (((KioskSheet *) pages->pdata[0])->quarter_turns, ==, 0);
  g_assert_cmpuint (((KioskSheet *) pages->pdata[1])->quarter_turns, ==, 1);
  g_assert_cmpuint (((KioskSheet *) pages->pdata[0])->dpi, ==, 200);   /* the paper profile */

  /* The PDF: two pages, A4 (210 × 297 mm = 595 × 842 pt), the second one turned. */
  g_assert_cmpstr (kiosk_document_get_content_type (document), ==, "application/pdf");
  info = pdfinfo (kiosk_document_get_content (document));
  g_assert_nonnull (strstr (info, "Pages:           2"));
  page_size (info, 1, &width, &height);
  g_assert_cmpfloat (ABS (width - 595.3), <, 3);
  g_assert_cmpfloat (ABS (height - 841.9), <, 3);
  page_size (info, 2, &width, &height);
  g_assert_cmpfloat (ABS (width - 841.9), <, 3);
  g_assert_cmpfloat (ABS (height - 595.3), <, 3);
  g_assert_cmpuint (g_bytes_get_size (kiosk_document_get_content (document)), <=, spec->max_size);

  /* The turned page cropped by hand (a real drag): it keeps its turn, half as wide and high. */
  {
    g_autofree char *crop = g_strdup_printf ("crop-%s-1", spec->varname);
    GtkWidget *area;
    graphene_rect_t bounds;
    const KioskImage *preview;
    const guint8 *pixels;
    gsize n, lit = 0;

    kiosk_test_click (window, crop);
    area = kiosk_test_wait_drawn (window, "crop-area");
    kiosk_crop_area_get_image_bounds (KIOSK_CROP_AREA (area), &bounds);
    g_assert_cmpfloat (bounds.size.width, >, bounds.size.height);   /* shown as turned */
    kiosk_test_drag (window, area, bounds.origin.x + bounds.size.width - 2, bounds.origin.y + bounds.size.height - 2,
                     bounds.origin.x + bounds.size.width / 2, bounds.origin.y + bounds.size.height / 2);
    click_and_wait (window, "edit-apply");
    document = kiosk_dossier_get_document (dossier, spec->varname);
    g_clear_pointer (&info, g_free);
    info = pdfinfo (kiosk_document_get_content (document));
    g_assert_nonnull (strstr (info, "Pages:           2"));
    page_size (info, 2, &width, &height);
    g_test_message ("cropped page: %.1f × %.1f pt", width, height);
    g_assert_cmpfloat (ABS (width - 841.9 / 2), <, 12);
    g_assert_cmpfloat (ABS (height - 595.3 / 2), <, 12);
    page_size (info, 1, &width, &height);
    g_assert_cmpfloat (ABS (width - 595.3), <, 3);
    /* The other page's thumbnail is still there (copies of pages have pixels of their own). */
    preview = ((KioskSheet *) g_ptr_array_index (kiosk_document_get_pages (document), 0))->preview;
    pixels = g_bytes_get_data (preview->pixels, &n);
    for (gsize i = 0; i < n; i++)
      lit += pixels[i] != 0;
    g_assert_cmpuint (lit, >, n / 2);
  }

  /* "Scan again" starts the document over with one page. */
  click_and_wait (window, scan);
  g_assert_cmpuint (kiosk_document_get_pages (kiosk_dossier_get_document (dossier, spec->varname))->len, ==, 1);

  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* "Several sheets: feeder" on the test backend's feeder (10 sheets): one PDF of 10 pages, over
 * the portal's size limit, said and cured by removing pages; then a jammed feeder says so and
 * keeps the pages there were. */
static void
test_feeder (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-pages-XXXXXX", NULL);
  g_autoptr(KioskContext) context = kiosk_test_context_new (portal->url, data_dir);
  KioskWindow *window = kiosk_window_new (NULL, context);
  const char *jam[] = { "read-return-value=SANE_STATUS_JAMMED", NULL };
  g_autofree char *feeder = g_strdup ("feeder-id_card");
  g_autofree char *info = NULL;
  KioskDossier *dossier;
  const char *varname;
  KioskProcedure *procedure = NULL;
  guint n_kept;

  varname = open_paper_document (window, context, &procedure)->varname;
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  g_free (feeder);
  feeder = g_strdup_printf ("feeder-%s", varname);

  kiosk_test_click (window, feeder);
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 60000));
  g_assert_cmpuint (kiosk_document_get_pages (kiosk_dossier_get_document (dossier, varname))->len, ==, 10);
  info = pdfinfo (kiosk_document_get_content (kiosk_dossier_get_document (dossier, varname)));
  g_assert_nonnull (strstr (info, "Pages:           10"));
  /* The test backend's feeder has one side: nothing offers both. */
  {
    g_autofree char *duplex = g_strdup_printf ("feeder-duplex-%s", varname);

    g_assert_null (kiosk_window_find_widget (window, duplex));
  }

  /* The test pattern weighs 1.6 MB a page at 200 dpi: ten pages are over the portal's limit.
   * The citizen is told, "Next" waits, and removing pages brings the document under it. */
  {
    const KioskDocumentSpec *spec = NULL;

    for (guint d = 0; d < kiosk_procedure_get_n_documents (procedure); d++)
      if (g_str_equal (kiosk_procedure_get_document (procedure, d)->varname, varname))
        spec = kiosk_procedure_get_document (procedure, d);
    g_assert_cmpint ((gint64) g_bytes_get_size (kiosk_document_get_content (kiosk_dossier_get_document (dossier, varname))), >, spec->max_size);
    g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
    g_assert_true (g_str_has_prefix (kiosk_test_label (window, "scan-error"), "This document is too large for the online service: "));
    g_assert_false (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
    g_assert_false (kiosk_dossier_is_complete (dossier));
    while ((gint64) g_bytes_get_size (kiosk_document_get_content (kiosk_dossier_get_document (dossier, varname))) > spec->max_size)
      {
        g_autofree char *remove = g_strdup_printf ("remove-%s-0", varname);

        kiosk_test_click (window, remove);
        g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 30000));
      }
    g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
    /* With the other documents there, "Next" is offered again. */
    for (guint d = 0; d < kiosk_procedure_get_n_documents (procedure); d++)
      {
        const KioskDocumentSpec *other = kiosk_procedure_get_document (procedure, d);
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(KioskDocument) document = NULL;
        const char *type;

        if (other == spec || kiosk_dossier_get_document (dossier, other->varname) != NULL)
          continue;
        type = g_strv_contains ((const char * const *) other->formats, "image/jpeg") ? "image/jpeg" : "application/pdf";
        bytes = g_bytes_new_static ("\xff\xd8\xff\xe0 test", 9);
        document = kiosk_document_new (other->varname, type, bytes, NULL);
        kiosk_dossier_set_document (dossier, other->varname, document);
        if (kiosk_document_spec_has_back (other))
          {
            g_autofree char *back = kiosk_document_back_varname (other->varname);

            kiosk_dossier_set_document (dossier, back, document);
          }
      }
    g_assert_true (gtk_widget_get_sensitive (kiosk_test_find (window, "documents-next")));
  }
  n_kept = kiosk_document_get_pages (kiosk_dossier_get_document (dossier, varname))->len;
  g_assert_cmpuint (n_kept, >, 0);
  g_assert_cmpuint (n_kept, <, 10);

  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), jam);
  kiosk_test_click (window, feeder);
  g_assert_true (kiosk_test_wait (documents_idle_cb, kiosk_window_get_page (window, "documents"), 30000));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "scan-error")));
  g_assert_cmpstr (kiosk_test_label (window, "scan-error"), ==,
                   "The paper is jammed. Open the scanner, gently remove the sheet, then try again.");
  g_assert_cmpuint (kiosk_document_get_pages (kiosk_dossier_get_document (dossier, varname))->len, ==, n_kept);
  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), NULL);

  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
}


/* "From a USB stick": the stick's documents listed under the row, one chosen, checked in the
 * import helper and taken as the document; the receipt then reminds of the stick. */
static void
test_usb_stick (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-pages-XXXXXX", NULL);
  g_autofree char *stick = g_dir_make_tmp ("kiosk-stick-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  KioskWindow *window;
  KioskProcedure *procedure = NULL;
  const KioskDocumentSpec *spec;
  KioskDossier *dossier;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *usb = NULL;

  /* A small PDF, and a picture, on the stick. */
  {
    guint8 *rgb = g_malloc (200 * 280 * 3);
    g_autoptr(KioskImage) image = NULL;
    g_autoptr(GBytes) jpeg = NULL;
    g_autoptr(GPtrArray) pages = g_ptr_array_new ();
    g_autoptr(GPtrArray) jpegs = g_ptr_array_new ();
    g_autofree char *pdf_path = g_build_filename (stick, "avis.pdf", NULL);
    g_autofree char *jpg_path = g_build_filename (stick, "carte.jpg", NULL);
    g_autoptr(GBytes) pixels = NULL;

    for (guint i = 0; i < 200 * 280 * 3; i++)
      rgb[i] = 255 - (i % 97);
    pixels = g_bytes_new_take (rgb, 200 * 280 * 3);
    image = kiosk_image_new (200, 280, 50, pixels);
    jpeg = kiosk_encode_jpeg (image, 80, NULL);
    g_ptr_array_add (pages, image);
    g_ptr_array_add (jpegs, jpeg);
    pdf = kiosk_encode_pdf (pages, jpegs, NULL);
    g_assert_true (g_file_set_contents (pdf_path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), NULL));
    g_assert_true (g_file_set_contents (jpg_path, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), NULL));
  }
  g_setenv ("KIOSK_USB_ROOT", stick, TRUE);
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  spec = open_paper_document (window, context, &procedure);
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));

  usb = g_strdup_printf ("usb-%s", spec->varname);
  click_and_wait (window, usb);
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "usb-list")));
  g_assert_true (g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (kiosk_test_find (window, "usb-file-0"))), "avis.pdf"));
  g_assert_true (g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (kiosk_test_find (window, "usb-file-1"))), "carte.jpg"));
  click_and_wait (window, "usb-file-0");
  g_assert_null (kiosk_window_find_widget (window, "usb-list"));
  g_assert_cmpstr (kiosk_document_get_content_type (kiosk_dossier_get_document (dossier, spec->varname)), ==, "application/pdf");
  /* Drawn again from its pixels in the import helper: a PDF, not the stick's bytes. */
  g_assert_false (g_bytes_equal (kiosk_document_get_content (kiosk_dossier_get_document (dossier, spec->varname)), pdf));
  g_assert_true (g_str_has_prefix (g_bytes_get_data (kiosk_document_get_content (kiosk_dossier_get_document (dossier, spec->varname)), NULL),
                                   "%PDF-"));

  /* Sent, the receipt names the stick too. */
  kiosk_test_complete_dossier (dossier);
  kiosk_dossier_set_document (dossier, spec->varname, NULL);
  click_and_wait (window, usb);
  click_and_wait (window, "usb-file-0");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "review");
  kiosk_test_wait_for_page (window, "review");
  kiosk_test_click (window, "submit-button");
  kiosk_test_wait_for_page (window, "receipt");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "receipt-originals")));
  g_assert_nonnull (strstr (kiosk_test_label (window, "receipt-originals"), "USB stick"));

  kiosk_test_finish_session (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unsetenv ("KIOSK_USB_ROOT");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  portal = kiosk_test_portal_start ();
  g_test_add_func ("/scanner/multi-page-document", test_multi_page_document);
  g_test_add_func ("/scanner/feeder", test_feeder);
  g_test_add_func ("/scanner/usb-stick", test_usb_stick);
  g_test_add_func ("/scanner/progressive-preview-window", test_progressive_preview);
  g_test_add_func ("/scanner/crop-by-hand", test_crop_by_hand);
  g_test_add_func ("/scanner/camera", test_camera);
  g_test_add_func ("/scanner/duplex-feeder", test_duplex_feeder);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
