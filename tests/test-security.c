/* test-security.c: attacks from the security review, each run against the real code: hostile
 * JSON that once walked past the nesting guard (the kiosk's parser, and the reference portal
 * over loopback). */
#include "kiosk-catalogue.h"
#include "kiosk-json.h"
#include "kiosk-test-util.h"

#include <string.h>

#define HOSTILE_LEVELS 150000

/* prefix, then HOSTILE_LEVELS arrays opened and closed, then "}". */
static char *
nest_after (const char *prefix)
{
  GString *text = g_string_new (prefix);

  for (guint i = 0; i < HOSTILE_LEVELS; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < HOSTILE_LEVELS; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

/* What json-glib reads beyond JSON (a '…' string, comments) once hid the brackets after it from
 * the guard; each is now refused before the parser sees it. */
static void
test_hidden_nesting (void)
{
  const char *prefixes[] = {
    "{\"x\":'\"', \"y\":",
    "{\"x\":1 /* \" */, \"y\":",
    "{\"x\":1, // \"\n \"y\":",
    "{\"x\":\"\x01\", \"y\":",
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *text = nest_after (prefixes[i]);
      g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
      g_autoptr(GError) error = NULL;
      g_autoptr(KioskCatalogue) catalogue = NULL;

      g_assert_null (kiosk_json_parse (text, -1, 0, &error));
      g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX);
      g_clear_error (&error);
      /* The catalogue the kiosk fetches at every start goes through the same guard. */
      catalogue = kiosk_catalogue_new_from_bytes (bytes, &error);
      g_assert_null (catalogue);
      g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX);
    }
}

static void
test_plain_nesting (void)
{
  g_autofree char *text = nest_after ("{\"y\":");
  g_autoptr(GError) error = NULL;
  GString *limit = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;

  g_assert_null (kiosk_json_parse (text, -1, 0, &error));
  g_assert_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* Exactly the limit still parses. */
  for (guint i = 0; i < KIOSK_JSON_MAX_DEPTH; i++)
    g_string_append_c (limit, '[');
  for (guint i = 0; i < KIOSK_JSON_MAX_DEPTH; i++)
    g_string_append_c (limit, ']');
  node = kiosk_json_parse (limit->str, limit->len, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_string_free (limit, TRUE);
}

/* Strict JSON with everything a string may hold still parses, the same as before. */
static void
test_strict_json_parses (void)
{
  const char *text = "{ \"a\" : \"it's \\\"quoted\\\" \\\\ /* not a comment */ [ { 'x'\","
                     "\r\n\t\"b\": [1, -2.5e3, 0.5E+2, true, false, null, {}, []],"
                     " \"c\": \"\\u00e9t\\u00e9 \xc3\xa9\" }";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = kiosk_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_json_get_string (object, "a"), ==, "it's \"quoted\" \\ /* not a comment */ [ { 'x'");
  g_assert_cmpuint (json_array_get_length (kiosk_json_get_array (object, "b")), ==, 8);
  g_assert_cmpstr (kiosk_json_get_string (object, "c"), ==, "\xc3\xa9t\xc3\xa9 \xc3\xa9");
}

/* The reference portal reads JSON with the same parser: a hostile body is refused and the portal
 * keeps answering (it used to die with SIGSEGV). */
static void
test_portal_survives (void)
{
  KioskTestPortal *portal = kiosk_test_portal_start ();
  g_autofree char *url = g_strconcat (portal->url, "_control/clock", NULL);
  g_autofree char *text = nest_after ("{\"now\":'\"', \"y\":");
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) alive = NULL;
  long status = 0;

  answer = kiosk_test_http ("POST", url, text, &status);
  g_assert_cmpint (status, ==, 400);
  alive = kiosk_test_portal_get (portal, "api/catalogue");
  g_assert_nonnull (alive);
  kiosk_test_portal_stop (portal);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/security/json-hidden-nesting", test_hidden_nesting);
  g_test_add_func ("/security/json-plain-nesting", test_plain_nesting);
  g_test_add_func ("/security/json-strict-parses", test_strict_json_parses);
  g_test_add_func ("/security/json-portal-survives", test_portal_survives);
  return g_test_run ();
}
