/* kiosk-signature.c: the request signature of docs/portal-api.md, one implementation for the
 * kiosk (to sign) and the reference portal (to check). */
#include "kiosk-signature.h"

/**
 * kiosk_sign_request:
 * @key: the kiosk's secret
 * @method: "GET", "POST"…
 * @uri: the request's URI (only its path and query count)
 * @timestamp: Unix seconds, as sent in X-Kiosk-Timestamp
 * @body_sha256: hex sha256 of the body
 *
 * The signature of docs/portal-api.md, shared by the kiosk (to sign) and the reference portal
 * (to check).
 *
 * Returns: (transfer full): base64 (HMAC-SHA256 (key, "METHOD\nPATH?QUERY\nTIMESTAMP\nSHA256"))
 */
char *
kiosk_sign_request (GBytes     *key,
                                const char *method,
                                GUri       *uri,
                                const char *timestamp,
                                const char *body_sha256)
{
  g_autofree char *target = g_uri_get_query (uri)
    ? g_strdup_printf ("%s?%s", g_uri_get_path (uri), g_uri_get_query (uri))
    : g_strdup (g_uri_get_path (uri));
  g_autofree char *text = g_strdup_printf ("%s\n%s\n%s\n%s", method, target, timestamp, body_sha256);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) text, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);
  return g_base64_encode (digest, digest_length);
}

