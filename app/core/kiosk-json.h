/* kiosk-json.h: bounded, validated JSON parsing shared by the kiosk and the reference portal.
 *
 * Debian 12's json-glib 1.6.6 recurses without limit and crashes on deeply nested input, so every
 * document from outside goes through kiosk_json_parse(), which checks size and nesting depth
 * before json-glib sees a byte.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KIOSK_JSON_ERROR (kiosk_json_error_quark ())

/**
 * KioskJsonError:
 * @KIOSK_JSON_ERROR_TOO_LARGE: the document is larger than allowed
 * @KIOSK_JSON_ERROR_TOO_DEEP: arrays/objects nest deeper than allowed
 * @KIOSK_JSON_ERROR_SYNTAX: not JSON
 * @KIOSK_JSON_ERROR_SHAPE: valid JSON but not the expected type or a required key is missing
 */
typedef enum
{
  KIOSK_JSON_ERROR_TOO_LARGE,
  KIOSK_JSON_ERROR_TOO_DEEP,
  KIOSK_JSON_ERROR_SYNTAX,
  KIOSK_JSON_ERROR_SHAPE,
} KioskJsonError;

#define KIOSK_JSON_MAX_DEPTH 32
#define KIOSK_JSON_MAX_SIZE (8 * 1024 * 1024)

GQuark      kiosk_json_error_quark      (void);

JsonNode   *kiosk_json_parse            (const char  *data,
                                         gssize       length,
                                         gsize        max_size,
                                         GError     **error);
JsonObject *kiosk_json_parse_object     (const char  *data,
                                         gssize       length,
                                         GError     **error);

const char *kiosk_json_get_string       (JsonObject  *object,
                                         const char  *member);
gint64      kiosk_json_get_int          (JsonObject  *object,
                                         const char  *member,
                                         gint64       fallback);
gboolean    kiosk_json_get_bool         (JsonObject  *object,
                                         const char  *member,
                                         gboolean     fallback);
JsonArray  *kiosk_json_get_array        (JsonObject  *object,
                                         const char  *member);
JsonObject *kiosk_json_get_object       (JsonObject  *object,
                                         const char  *member);
char       *kiosk_json_to_string        (JsonNode    *node);
GStrv       kiosk_json_dup_strings      (JsonArray   *array);
GHashTable *kiosk_json_dup_string_members (JsonObject *object);

G_END_DECLS
