#define _GNU_SOURCE
/* test-core.c (suite unit): the core library without a display: guarded JSON, catalogue and
 * search, validation, URL policy, dossier JSON, SQLite cache, JPEG/PDF/QR encoding, how a
 * reference is read aloud. */
#include "kiosk-catalogue.h"
#include "kiosk-context.h"
#include "kiosk-dossier.h"
#include "kiosk-errors.h"
#include "kiosk-json.h"
#include "kiosk-portal.h"
#include "kiosk-qr.h"
#include "kiosk-speech.h"
#include "kiosk-storage.h"
#include "kiosk-validate.h"

#include <locale.h>
#include <string.h>

static GBytes *
load_bundled (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "resources", "catalogue.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_mapped_file_get_bytes (file);
}

static KioskCatalogue *
load_catalogue (void)
{
  g_autoptr(GBytes) bytes = load_bundled ();
  g_autoptr(GError) error = NULL;
  KioskCatalogue *catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  return catalogue;
}

static void
test_json_guard (void)
{
  g_autoptr(GError) error = NULL;
  GString *deep = g_string_new (NULL);
  g_autoptr(JsonObject) ok = NULL;

  /* 100,000 nested arrays crash json-glib 1.6.6; the guard refuses them first. */
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  g_assert_null (kiosk_json_parse (deep->str, deep->len, 0, &error));
  g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);
  g_string_free (deep, TRUE);

  /* Brackets inside strings do not count. */
  ok = kiosk_json_parse_object ("{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_json_get_string (ok, "a"), ==, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
  /* Wrong types give the fallback, no critical. */
  g_assert_null (kiosk_json_get_array (ok, "a"));
  g_assert_cmpint (kiosk_json_get_int (ok, "a", 7), ==, 7);

  g_assert_null (kiosk_json_parse ("{\"err\":0,\"data\":[", -1, 0, &error));
  g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_null (kiosk_json_parse ("{}", -1, 1, &error));
  g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_null (kiosk_json_parse_object ("[1]", -1, &error));
  g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SHAPE);
}

/* JSONTestSuite-style cases: what must parse, what must be refused, none may crash. */
static void
test_json_cases (void)
{
  static const char *valid[] = {
    "{}", "[]", "{\"a\":[1,2,{\"b\":null}]}", "\"\\u00e9\"", "[1e10, -0.5, 0]", "[\"\\ud83d\\ude00\"]",
    "  {\"k\" : true }  ", "[\"]\"]", "{\"\\\"\":\"\\\\\"}", "[[[[[[[[[[1]]]]]]]]]]",
  };
  static const char *invalid[] = {
    "", " ", "{", "}", "[", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[1 2]",
    "{\"a\":1,}", "[NaN]", "[Infinity]", "[\"a\" \"b\"]",
    "\xff", "[\"\xc3\x28\"]", "{\"a\":1}}", "[1]]", "nul", "tru", "[-]", "{\"a\":1 \"b\":2}",
    "[\"unterminated]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = kiosk_json_parse (valid[i], -1, 0, &error);

      if (node == NULL)
        g_error ("refused valid JSON %s: %s", valid[i], error->message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = kiosk_json_parse (invalid[i], -1, 0, &error);

      if (node != NULL)
        g_error ("accepted invalid JSON %s", invalid[i]);
      g_assert_nonnull (error);
    }
}

/* The portal's arrays of strings and its invalid-fields map: other members are left out. */
static void
test_json_strings (void)
{
  g_autoptr(JsonObject) root = kiosk_json_parse_object ("{\"list\": [\"a\", 1, null, \"b\", {}],"
                                                        " \"fields\": {\"name\": \"Requis\", \"n\": 2}}",
                                                        -1, NULL);
  g_auto(GStrv) strings = kiosk_json_dup_strings (kiosk_json_get_array (root, "list"));
  g_auto(GStrv) none = kiosk_json_dup_strings (NULL);
  g_autoptr(GHashTable) members = NULL;

  g_assert_nonnull (root);
  members = kiosk_json_dup_string_members (kiosk_json_get_object (root, "fields"));
  g_assert_cmpuint (g_strv_length (strings), ==, 2);
  g_assert_cmpstr (strings[0], ==, "a");
  g_assert_cmpstr (strings[1], ==, "b");
  g_assert_nonnull (none);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_hash_table_size (members), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (members, "name"), ==, "Requis");
}

static void
test_catalogue_bundled (void)
{
  g_autoptr(KioskCatalogue) catalogue = load_catalogue ();
  KioskProcedure *aide = kiosk_catalogue_lookup (catalogue, "aide-medicale");

  g_assert_cmpuint (kiosk_catalogue_get_n_procedures (catalogue), >=, 10);
  g_assert_cmpuint (kiosk_catalogue_get_themes (catalogue)->len, >=, 5);
  g_assert_nonnull (aide);
  g_assert_cmpuint (kiosk_procedure_get_n_pages (aide), ==, 3);
  g_assert_cmpuint (kiosk_procedure_get_n_documents (aide), ==, 1);
  g_assert_cmpstr (kiosk_procedure_get_document (aide, 0)->varname, ==, "id_card");
  g_assert_cmpint (kiosk_procedure_get_document (aide, 0)->kind, ==, KIOSK_DOCUMENT_IDENTITY);
  g_assert_true (kiosk_procedure_find_field (aide, "birth_date")->required);
  g_assert_cmpint (kiosk_procedure_find_field (aide, "cover")->type, ==, KIOSK_FIELD_ITEM);
  g_assert_nonnull (kiosk_procedure_get_eligibility (aide));
}

static void
test_catalogue_search (void)
{
  g_autoptr(KioskCatalogue) catalogue = load_catalogue ();
  const char *queries[] = { "aide medicale", "AIDE MÉDICALE", "Aide Médicale", "aide méd", "medic" };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GListStore) found = kiosk_catalogue_search (catalogue, queries[i], NULL, NULL);
      g_autoptr(KioskProcedure) first = g_list_model_get_item (G_LIST_MODEL (found), 0);

      g_assert_nonnull (first);
      g_assert_cmpstr (kiosk_procedure_get_slug (first), ==, "aide-medicale");
    }

  {
    g_autoptr(GListStore) none = kiosk_catalogue_search (catalogue, "xyzzy", NULL, NULL);
    g_autoptr(GListStore) all = kiosk_catalogue_search (catalogue, "", NULL, NULL);
    g_autoptr(GListStore) education = kiosk_catalogue_search (catalogue, NULL, "education", NULL);
    g_autoptr(GListStore) companies = kiosk_catalogue_search (catalogue, NULL, NULL, "entreprises");

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (none)), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (all)), ==, kiosk_catalogue_get_n_procedures (catalogue));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (education)), >, 0);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (education)); i++)
      {
        g_autoptr(KioskProcedure) p = g_list_model_get_item (G_LIST_MODEL (education), i);

        g_assert_cmpstr (kiosk_procedure_get_category_slug (p), ==, "education");
      }
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (companies)), >, 0);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (companies)); i++)
      {
        g_autoptr(KioskProcedure) p = g_list_model_get_item (G_LIST_MODEL (companies), i);

        g_assert_true (kiosk_procedure_has_profile (p, "entreprises"));
      }
  }

  {
    g_autofree char *folded = kiosk_fold_text ("Œuvre ÉCOLE à Païta");

    g_assert_cmpstr (folded, ==, "oeuvre ecole a paita");
  }
}

static void
test_catalogue_garbage (void)
{
  const char *inputs[] = { "", "null", "[]", "{\"procedures\": 3}", "{\"procedures\": []}",
                           "{\"procedures\": [{\"slug\": 1}]}", "\xff\xfe" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (inputs[i], strlen (inputs[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(KioskCatalogue) catalogue = NULL;

      /* A broken procedure is left out with its reason logged, the others stay usable. */
      if (strstr (inputs[i], "slug") != NULL)
        g_test_expect_message ("Kiosk", G_LOG_LEVEL_MESSAGE, "Procedure left out of the catalogue*");
      catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
      g_test_assert_expected_messages ();

      g_assert_null (catalogue);
      g_assert_nonnull (error);
    }
}

static void
check_valid (const KioskField *field,
             const char       *text,
             const char       *expected_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kiosk_field_validate (field, text, &error);
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  json = kiosk_json_to_string (node);
  g_assert_cmpstr (json, ==, expected_json);
}

static void
check_invalid (const KioskField *field,
               const char       *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kiosk_field_validate (field, text, &error);

  g_assert_null (node);
  g_assert_error (error, KIOSK_FIELD_ERROR, KIOSK_FIELD_ERROR_INVALID);
  /* The message names the field. */
  g_assert_nonnull (strstr (error->message, field->label));
}

static void
test_validation (void)
{
  g_autoptr(KioskCatalogue) catalogue = load_catalogue ();
  KioskProcedure *aide = kiosk_catalogue_lookup (catalogue, "aide-medicale");
  const KioskField *date = kiosk_procedure_find_field (aide, "birth_date");
  const KioskField *size = kiosk_procedure_find_field (aide, "household_size");
  const KioskField *income = kiosk_procedure_find_field (aide, "monthly_income");
  const KioskField *cover = kiosk_procedure_find_field (aide, "cover");
  const KioskField *phone = kiosk_procedure_find_field (aide, "phone");
  const KioskField *email = kiosk_procedure_find_field (aide, "email");

  check_valid (date, "12/04/1961", "\"1961-04-12\"");
  check_valid (date, " 1961-04-12 ", "\"1961-04-12\"");
  check_invalid (date, "31/02/1961");
  check_invalid (date, "hier");
  check_invalid (date, "");
  check_valid (size, "2", "2");
  check_invalid (size, "0");
  check_invalid (size, "40");
  check_invalid (size, "deux");
  check_valid (income, "137 280", "137280");
  check_invalid (income, "137280,50");
  check_invalid (income, "-5");
  check_valid (cover, "cafat", "\"cafat\"");
  check_invalid (cover, "other");
  check_valid (phone, "27 12 34", "\"271234\"");
  check_valid (phone, "+687 27.12.34", "\"+687271234\"");
  check_invalid (phone, "12 34");
  check_valid (email, "", "null");
  check_valid (email, "lea@example.nc", "\"lea@example.nc\"");
  check_invalid (email, "lea@");
  check_invalid (email, "lea example.nc");
}

static void
test_portal_url_policy (void)
{
  const char *allowed[] = { "https://portail.province-sud.nc/", "http://127.0.0.1:8080/",
                            "http://localhost:1234", "http://[::1]:80/" };
  const char *refused[] = { "http://portail.province-sud.nc/", "http://10.0.0.1/", "ftp://127.0.0.1/",
                            "", "not a url", "file:///etc/passwd" };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    g_assert_true (kiosk_portal_check_url (allowed[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (kiosk_portal_check_url (refused[i], &error));
      g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL);
    }
}

static KioskImage *
make_image (guint width,
            guint height)
{
  guint8 *rgb = g_malloc ((gsize) width * height * 3);
  g_autoptr(GBytes) bytes = NULL;

  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    rgb[i] = (i * 7) % 251;
  bytes = g_bytes_new_take (rgb, (gsize) width * height * 3);
  return kiosk_image_new (width, height, 200, bytes);
}

static void
test_dossier_json (void)
{
  g_autoptr(KioskCatalogue) catalogue = load_catalogue ();
  KioskProcedure *aide = kiosk_catalogue_lookup (catalogue, "aide-medicale");
  g_autoptr(KioskDossier) dossier = kiosk_dossier_new (aide);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskImage) image = make_image (40, 30);
  g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (image, 85, &error);
  g_autoptr(KioskDocument) document = kiosk_document_new ("id_card", "image/jpeg", jpeg, NULL);
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GHashTable) errors = NULL;
  JsonObject *data, *files;

  g_assert_cmpuint (strlen (kiosk_dossier_get_idempotency_key (dossier)), ==, 36);
  errors = kiosk_dossier_validate_page (dossier, 0);
  g_assert_cmpuint (g_hash_table_size (errors), ==, 3);
  g_assert_false (kiosk_dossier_is_complete (dossier));

  kiosk_dossier_set_answer (dossier, "last_name", "Wamytan");
  kiosk_dossier_set_answer (dossier, "first_name", "Léa");
  kiosk_dossier_set_answer (dossier, "birth_date", "12/04/1961");
  kiosk_dossier_set_answer (dossier, "household_size", "2");
  kiosk_dossier_set_answer (dossier, "monthly_income", "137 280");
  kiosk_dossier_set_answer (dossier, "cover", "cafat");
  kiosk_dossier_set_answer (dossier, "phone", "27 12 34");
  g_assert_false (kiosk_dossier_is_complete (dossier));
  /* A card with no back (the completeness of both sides is tested in test_card_sides). */
  kiosk_dossier_set_no_back (dossier, "id_card", TRUE);
  kiosk_dossier_set_document (dossier, "id_card", document);
  g_assert_true (kiosk_dossier_is_complete (dossier));

  json = kiosk_dossier_build_json (dossier, "epn-test", &error);
  g_assert_no_error (error);
  root = kiosk_json_parse_object (json, -1, &error);
  g_assert_no_error (error);
  data = kiosk_json_get_object (root, "data");
  files = kiosk_json_get_object (root, "files");
  g_assert_cmpstr (kiosk_json_get_string (data, "birth_date"), ==, "1961-04-12");
  g_assert_cmpint (kiosk_json_get_int (data, "monthly_income", 0), ==, 137280);
  g_assert_cmpint (kiosk_json_get_int (data, "household_size", 0), ==, 2);
  g_assert_false (json_object_has_member (data, "email"));
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (files, "id_card"), "sha256"), ==,
                   kiosk_document_get_sha256 (document));
  g_assert_cmpstr (kiosk_json_get_string (kiosk_json_get_object (root, "meta"), "kiosk_id"), ==, "epn-test");

  kiosk_dossier_wipe (dossier);
  g_assert_null (kiosk_dossier_get_answer (dossier, "last_name"));
  g_assert_null (kiosk_dossier_get_document (dossier, "id_card"));
}

static void
test_storage_cache (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kiosk-storage-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "kiosk.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskStorage) storage = kiosk_storage_open (path, &error);
  g_autoptr(GBytes) bundled = load_bundled ();
  g_autoptr(GBytes) loaded = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(GPtrArray) procedures = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KioskCatalogue) catalogue = load_catalogue ();

  g_assert_no_error (error);
  g_assert_true (kiosk_storage_load_catalogue (storage, &loaded, &etag, &error));
  g_assert_null (loaded);
  for (guint i = 0; i < kiosk_catalogue_get_n_procedures (catalogue); i++)
    g_ptr_array_add (procedures, g_list_model_get_item (kiosk_catalogue_get_procedures (catalogue), i));
  g_assert_true (kiosk_storage_save_catalogue (storage, bundled, "\"abc\"", procedures, &error));
  g_assert_no_error (error);
  g_assert_true (kiosk_storage_load_catalogue (storage, &loaded, &etag, &error));
  g_assert_true (g_bytes_equal (loaded, bundled));
  g_assert_cmpstr (etag, ==, "\"abc\"");
  g_assert_cmpint (kiosk_storage_get_catalogue_time (storage), >, 0);
}

static void
test_encoders (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskImage) image = make_image (210, 297);
  g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (image, 80, &error);
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();
  g_autoptr(GPtrArray) jpegs = g_ptr_array_new ();
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(KioskImage) qr = kiosk_qr_render ("http://127.0.0.1:1/suivi/DS-2026-000001", 4, &error);
  g_autoptr(KioskImage) small = kiosk_image_downscale (image, 50);
  const guint8 *data;
  gsize size;

  g_assert_no_error (error);
  data = g_bytes_get_data (jpeg, &size);
  g_assert_cmpuint (size, >, 100);
  g_assert_cmpint (data[0], ==, 0xff);
  g_assert_cmpint (data[1], ==, 0xd8);

  /* The PDF carries the JPEG bytes unchanged (passthrough, no re-compression). */
  g_ptr_array_add (pages, image);
  g_ptr_array_add (jpegs, jpeg);
  pdf = kiosk_encode_pdf (pages, jpegs, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (g_bytes_get_data (pdf, NULL), "%PDF-", 5) == 0);
  g_assert_nonnull (memmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), "/DCTDecode", 10));
  g_assert_nonnull (memmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), data, size));

  g_assert_nonnull (qr);
  g_assert_cmpuint (qr->width, ==, qr->height);
  g_assert_cmpuint (qr->width % 4, ==, 0);
  g_assert_cmpuint (small->width, <=, 50);
  g_assert_cmpuint (small->height, <=, 50);
}

/* Dossier and appointment numbers are read two digits at a time, letters one by one. */
static void
test_speech_reference_groups (void)
{
  static const struct { const char *reference; const char *spoken; } cases[] = {
    { "2026-004217", "20, 26, 00, 42, 17" },
    { "12345", "12, 34, 5" },
    { "RDV-7K3Q", "R, D, V, 7, K, 3, Q" },
    { "NC 0042 / 17", "N, C, 00, 42, 17" },
    { "", "" },
    { "--", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *spoken = kiosk_speech_group_digits (cases[i].reference);

      g_assert_cmpstr (spoken, ==, cases[i].spoken);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/guard", test_json_guard);
  g_test_add_func ("/json/cases", test_json_cases);
  g_test_add_func ("/json/strings", test_json_strings);
  g_test_add_func ("/catalogue/bundled", test_catalogue_bundled);
  g_test_add_func ("/catalogue/search", test_catalogue_search);
  g_test_add_func ("/catalogue/garbage", test_catalogue_garbage);
  g_test_add_func ("/validation/fields", test_validation);
  g_test_add_func ("/portal/url-policy", test_portal_url_policy);
  g_test_add_func ("/dossier/json", test_dossier_json);
  g_test_add_func ("/storage/catalogue-cache", test_storage_cache);
  g_test_add_func ("/documents/encoders", test_encoders);
  g_test_add_func ("/speech/reference-groups", test_speech_reference_groups);
  return g_test_run ();
}
