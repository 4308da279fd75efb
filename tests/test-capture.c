/* test-capture.c: the capture rules of the core, without a display — what a document accepts,
 * finding a document by name, both sides of an identity card, and KioskCapture's _async calls
 * on real JPEGs in a main loop. */
#include "kiosk-capture.h"
#include "kiosk-dossier.h"
#include "kiosk-errors.h"
#include "kiosk-json.h"

#include <locale.h>

static const char *schema =
  "{\"slug\":\"t\",\"title\":\"T\",\"pages\":[{\"title\":\"P\",\"fields\":["
  "{\"varname\":\"note\",\"label\":\"Note\",\"type\":\"text\",\"required\":false}]}],\"documents\":["
  "{\"varname\":\"id\",\"label\":\"Carte\",\"kind\":\"identity\",\"formats\":[\"image/jpeg\"],"
  "\"max_size\":1000,\"required\":true},"
  "{\"varname\":\"pay\",\"label\":\"Bulletin\",\"kind\":\"paper\",\"formats\":[\"application/pdf\"],"
  "\"max_size\":5000000,\"required\":false}]}";

static KioskProcedure *
make_procedure (void)
{
  g_autoptr(JsonObject) object = kiosk_json_parse_object (schema, -1, NULL);
  g_autoptr(GError) error = NULL;
  KioskProcedure *procedure;

  g_assert_nonnull (object);
  procedure = kiosk_procedure_new_from_json (object, &error);
  g_assert_no_error (error);
  return procedure;
}

/* A page with something printed on it: a dark frame on white, its pixels varied. */
static KioskImage *
make_image (guint width,
            guint height,
            gboolean blank)
{
  guint8 *rgb = g_malloc ((gsize) width * height * 3);
  g_autoptr(GBytes) bytes = NULL;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = rgb + ((gsize) y * width + x) * 3;
        gboolean ink = !blank && ((x / 4 + y / 4) % 3 == 0);

        p[0] = p[1] = p[2] = ink ? 20 : 250;
      }
  bytes = g_bytes_new_take (rgb, (gsize) width * height * 3);
  return kiosk_image_new (width, height, 150, bytes);
}

static void
test_spec_accepts (void)
{
  g_autoptr(KioskProcedure) procedure = make_procedure ();
  const KioskDocumentSpec *id = kiosk_procedure_find_document (procedure, "id");
  const KioskDocumentSpec *pay = kiosk_procedure_find_document (procedure, "pay");
  KioskDocumentSpec any = { .formats = NULL, .max_size = 0 };

  g_assert_true (kiosk_document_spec_accepts (id, "image/jpeg", 1000));
  g_assert_false (kiosk_document_spec_accepts (id, "image/jpeg", 1001));
  g_assert_false (kiosk_document_spec_accepts (id, "application/pdf", 10));
  g_assert_true (kiosk_document_spec_accepts (id, "image/jpeg", -1));
  g_assert_false (kiosk_document_spec_accepts (id, NULL, 5000));
  g_assert_true (kiosk_document_spec_accepts (id, NULL, -1));
  g_assert_true (kiosk_document_spec_accepts (pay, "application/pdf", 4000000));
  g_assert_false (kiosk_document_spec_accepts (pay, "image/jpeg", 10));
  /* No formats named, no limit: anything. */
  g_assert_true (kiosk_document_spec_accepts (&any, "image/jpeg", G_MAXINT64));
  g_assert_true (kiosk_document_spec_accepts (&any, "application/pdf", 1));
}

static void
test_find_document (void)
{
  g_autoptr(KioskProcedure) procedure = make_procedure ();
  const KioskDocumentSpec *id = kiosk_procedure_find_document (procedure, "id");

  g_assert_nonnull (id);
  g_assert_cmpstr (id->varname, ==, "id");
  g_assert_true (kiosk_procedure_find_document (procedure, "id" KIOSK_BACK_SUFFIX) == id);
  g_assert_cmpstr (kiosk_procedure_find_document (procedure, "pay")->varname, ==, "pay");
  g_assert_null (kiosk_procedure_find_document (procedure, "nothing"));
  g_assert_null (kiosk_procedure_find_document (procedure, NULL));
}

static void
test_card_sides (void)
{
  g_autoptr(KioskProcedure) procedure = make_procedure ();
  const KioskDocumentSpec *id = kiosk_procedure_find_document (procedure, "id");
  g_autoptr(KioskDossier) dossier = kiosk_dossier_new (procedure);
  g_autoptr(GBytes) small = g_bytes_new_static ("\xff\xd8\xff\xe0 side", 9);
  g_autoptr(KioskDocument) front = kiosk_document_new ("id", "image/jpeg", small, NULL);
  g_autoptr(KioskDocument) back = kiosk_document_new ("id" KIOSK_BACK_SUFFIX, "image/jpeg", small, NULL);
  g_autoptr(KioskDocument) pdf = kiosk_document_new ("id", "application/pdf", small, NULL);

  g_assert_false (kiosk_dossier_is_complete (dossier));
  g_assert_false (kiosk_dossier_back_is_pending (dossier, id));

  /* Front only: incomplete, the back is awaited. */
  kiosk_dossier_set_document (dossier, "id", front);
  g_assert_true (kiosk_dossier_back_is_pending (dossier, id));
  g_assert_false (kiosk_dossier_documents_are_complete (dossier));
  g_assert_false (kiosk_dossier_is_complete (dossier));

  /* Front and back: complete. */
  kiosk_dossier_set_document (dossier, "id" KIOSK_BACK_SUFFIX, back);
  g_assert_false (kiosk_dossier_back_is_pending (dossier, id));
  g_assert_true (kiosk_dossier_is_complete (dossier));

  /* Front and "it has no back" (a passport): complete; it stays said for a front scanned again. */
  kiosk_dossier_set_document (dossier, "id" KIOSK_BACK_SUFFIX, NULL);
  g_assert_false (kiosk_dossier_is_complete (dossier));
  kiosk_dossier_set_no_back (dossier, "id", TRUE);
  g_assert_true (kiosk_dossier_get_no_back (dossier, "id"));
  g_assert_true (kiosk_dossier_is_complete (dossier));
  kiosk_dossier_set_document (dossier, "id", front);
  g_assert_true (kiosk_dossier_is_complete (dossier));
  kiosk_dossier_set_no_back (dossier, "id", FALSE);
  g_assert_false (kiosk_dossier_is_complete (dossier));

  /* A PDF holds both sides. */
  kiosk_dossier_set_document (dossier, "id", pdf);
  g_assert_false (kiosk_dossier_back_is_pending (dossier, id));
  g_assert_true (kiosk_dossier_is_complete (dossier));
}

static GMainLoop *loop;

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_loop_quit (loop);
}

/* Runs the main loop until the worker's result is back on it. */
static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  if (*result == NULL)
    g_main_loop_run (loop);
  g_assert_nonnull (*result);
  return *result;
}

/* The quality gate refuses a blank page with its code; a page with print becomes a JPEG. */
static void
test_encode_gate (void)
{
  g_autoptr(KioskProcedure) procedure = make_procedure ();
  const KioskDocumentSpec *id = kiosk_procedure_find_document (procedure, "id");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = NULL;

  kiosk_capture_encode_async (id, "id", make_image (300, 200, TRUE), NULL, NULL, NULL, result_cb, &result);
  document = kiosk_capture_encode_finish (wait_for_result (&result), &error);
  g_assert_null (document);
  g_assert_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_BLANK);
}

/* A real JPEG turned a quarter and cropped to its left half, in a worker, in a main loop. */
static void
test_edit (void)
{
  g_autoptr(KioskImage) image = make_image (300, 200, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (image, 85, &error);
  g_autoptr(KioskDocument) document = NULL;
  g_autoptr(KioskDocument) edited = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KioskImage) decoded = NULL;

  g_assert_no_error (error);
  document = kiosk_document_new ("id", "image/jpeg", jpeg, NULL);
  kiosk_capture_edit_async (document, -1, 1, 0.0, 0.0, 0.5, 1.0, NULL, result_cb, &result);
  edited = kiosk_capture_edit_finish (wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_document_get_content_type (edited), ==, "image/jpeg");
  g_assert_cmpstr (kiosk_document_get_varname (edited), ==, "id");
  g_assert_nonnull (kiosk_document_get_preview (edited));
  decoded = kiosk_image_decode_jpeg (kiosk_document_get_content (edited), 1 << 24, &error);
  g_assert_no_error (error);
  /* Turned: 200 wide, 300 high; half of it kept. */
  g_assert_cmpuint (decoded->width, ==, 100);
  g_assert_cmpuint (decoded->height, ==, 300);
}

/* A paper document's pages changed and its PDF assembled again. */
static void
test_sheets (void)
{
  g_autoptr(KioskImage) image = make_image (120, 160, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (image, 78, &error);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  g_autoptr(KioskDocument) document = NULL;
  g_autoptr(KioskDocument) assembled = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_ptr_array_add (pages, kiosk_sheet_new (image, jpeg, NULL));
  g_ptr_array_add (pages, kiosk_sheet_new (image, jpeg, kiosk_image_downscale (image, 40)));
  document = kiosk_document_new_from_pages ("pay", pages, &error);
  g_assert_no_error (error);

  g_assert_null (kiosk_capture_change_sheets (document, KIOSK_SHEET_EARLIER, 0));
  g_assert_null (kiosk_capture_change_sheets (document, KIOSK_SHEET_TURN, 2));
  changed = kiosk_capture_change_sheets (document, KIOSK_SHEET_EARLIER, 1);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_nonnull (((KioskSheet *) changed->pdata[0])->preview);
  g_assert_null (((KioskSheet *) changed->pdata[1])->preview);
  g_clear_pointer (&changed, g_ptr_array_unref);
  changed = kiosk_capture_change_sheets (document, KIOSK_SHEET_TURN, 1);
  g_assert_cmpuint (((KioskSheet *) changed->pdata[1])->quarter_turns, ==, 1);
  /* The document itself is untouched. */
  g_assert_cmpuint (((KioskSheet *) kiosk_document_get_pages (document)->pdata[1])->quarter_turns, ==, 0);

  kiosk_capture_assemble_async ("pay", g_steal_pointer (&changed), NULL, result_cb, &result);
  assembled = kiosk_capture_assemble_finish (wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_document_get_content_type (assembled), ==, "application/pdf");
  g_assert_cmpuint (kiosk_document_get_pages (assembled)->len, ==, 2);

  changed = kiosk_capture_change_sheets (assembled, KIOSK_SHEET_REMOVE, 0);
  g_assert_cmpuint (changed->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  loop = g_main_loop_new (NULL, FALSE);
  g_test_add_func ("/capture/spec-accepts", test_spec_accepts);
  g_test_add_func ("/capture/find-document", test_find_document);
  g_test_add_func ("/capture/card-sides", test_card_sides);
  g_test_add_func ("/capture/encode-gate", test_encode_gate);
  g_test_add_func ("/capture/edit", test_edit);
  g_test_add_func ("/capture/sheets", test_sheets);
  return g_test_run ();
}
