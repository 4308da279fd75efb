/* kiosk-json.c: bounded JSON parsing and typed accessors that never abort on a wrong type. */
#include "kiosk-json.h"

#include <string.h>

G_DEFINE_QUARK (kiosk-json-error-quark, kiosk_json_error)

typedef enum
{
  SCAN_OK,
  SCAN_TOO_DEEP,
  SCAN_NOT_JSON,
} ScanResult;

/* json-glib 1.6 reads more than JSON: '…' strings and comments too, and its parser recurses once
 * per level, so a guard that misreads a token can be walked past ({"x":'"', …} hid the brackets
 * after it, and 150,000 levels then overflowed the stack). So the text is read here as RFC 8259
 * JSON and nothing else: outside strings, only white space, the six structural characters,
 * numbers and the three literals; inside "…", no raw control character. Anything else is refused
 * before json-glib sees it, and the depth measured is the depth json-glib will meet. */
static ScanResult
scan_json (const char *data,
           gsize       length,
           guint       max_depth)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) data[i];

      if (in_string)
        {
          if (c < 0x20)
            return SCAN_NOT_JSON;
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth)
            return SCAN_TOO_DEEP;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        case ' ': case '\t': case '\n': case '\r': case ':': case ',':
        case '-': case '+': case '.': case 'e': case 'E':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
        /* the letters of true, false and null */
        case 't': case 'r': case 'u': case 'f': case 'a': case 'l': case 's': case 'n':
          break;
        default:
          return SCAN_NOT_JSON;
        }
    }
  return SCAN_OK;
}

/**
 * kiosk_json_parse:
 * @data: the text, not necessarily nul-terminated
 * @length: its length, or -1 when nul-terminated
 * @max_size: the largest accepted size in bytes (0 for %KIOSK_JSON_MAX_SIZE)
 * @error: return location for a #KIOSK_JSON_ERROR
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
kiosk_json_parse (const char  *data,
                  gssize       length,
                  gsize        max_size,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL)
    data = "";
  if (length < 0)
    length = strlen (data);
  if (max_size == 0)
    max_size = KIOSK_JSON_MAX_SIZE;

  if ((gsize) length > max_size)
    {
      g_set_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_TOO_LARGE,
                   "JSON document of %" G_GSSIZE_FORMAT " bytes exceeds %" G_GSIZE_FORMAT,
                   length, max_size);
      return NULL;
    }
  switch (scan_json (data, length, KIOSK_JSON_MAX_DEPTH))
    {
    case SCAN_TOO_DEEP:
      g_set_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_TOO_DEEP,
                   "JSON document nests deeper than %d levels", KIOSK_JSON_MAX_DEPTH);
      return NULL;
    case SCAN_NOT_JSON:
      g_set_error_literal (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX,
                           "Not JSON: a character outside strict JSON (quote, comment, control character)");
      return NULL;
    case SCAN_OK:
      break;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX,
                   "Invalid JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SYNTAX, "Empty JSON document");
      return NULL;
    }
  return json_node_ref (root);
}

/**
 * kiosk_json_parse_object:
 *
 * Like kiosk_json_parse() with the default size cap, and requires an object at the root.
 *
 * Returns: (transfer full): the root object, or %NULL with @error set
 */
JsonObject *
kiosk_json_parse_object (const char  *data,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(JsonNode) root = kiosk_json_parse (data, length, 0, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, KIOSK_JSON_ERROR, KIOSK_JSON_ERROR_SHAPE,
                           "JSON document is not an object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* The accessors below return a fallback instead of aborting when the member is absent or of
 * another type, because json-glib's own getters emit criticals (fatal in tests) in that case. */

const char *
kiosk_json_get_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

gint64
kiosk_json_get_int (JsonObject *object,
                    const char *member,
                    gint64      fallback)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return fallback;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return fallback;
}

gboolean
kiosk_json_get_bool (JsonObject *object,
                     const char *member,
                     gboolean    fallback)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return fallback;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return fallback;
}

JsonArray *
kiosk_json_get_array (JsonObject *object,
                      const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
kiosk_json_get_object (JsonObject *object,
                       const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * kiosk_json_to_string:
 *
 * Returns: (transfer full): compact JSON text for @node
 */
char *
kiosk_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/**
 * kiosk_json_dup_strings:
 * @array: (nullable): an array from the portal
 *
 * Returns: (transfer full): the strings of @array, in order; its other elements are left out
 */
GStrv
kiosk_json_dup_strings (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

/**
 * kiosk_json_dup_string_members:
 * @object: an object from the portal, e.g. the `fields` of a 422 (varname → French message)
 *
 * Returns: (transfer full): the string members of @object, name → value; other members are left out
 */
GHashTable *
kiosk_json_dup_string_members (JsonObject *object)
{
  GHashTable *members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      g_hash_table_insert (members, g_strdup (name), g_strdup (json_node_get_string (node)));
  return members;
}
