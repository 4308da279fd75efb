/* kiosk-portal-signature.c: the reference portal's side of "Signed requests"
 * (docs/portal-api.md): the body's SHA-256 taken as it arrives, the Content-Digest (RFC 9530)
 * checked against it, the HTTP Message Signature (RFC 9421) checked in constant time, `created`
 * within the window, and each nonce kept for the window so that a replay is refused. Also keeps
 * the last requests received, for tests that replay them (GET /_control/requests). */
#include "kiosk-portal-private.h"

#include "kiosk-signature.h"

#include <string.h>

#define RECORDED_REQUESTS 32
#define RECORDED_BODY_MAX (1024 * 1024)
#define MAX_NONCE_LENGTH 128

struct _KioskPortalVerifier
{
  GBytes     *key;      /* nullable: then nothing is checked */
  GHashTable *nonces;   /* "keyid\nnonce" → expiry (Unix seconds, boxed gint64) */
  GQueue      recorded; /* of JsonObject, newest last */
};

/* The fields that, when a request carries them, its signature must cover. */
static const char *const required_if_present[] = {
  "idempotency-key", "authorization", "x-kiosk-journal-head", "x-tracking-code",
  "x-kiosk-agent-token",
};

KioskPortalVerifier *
kiosk_portal_verifier_new (GBytes *key)
{
  KioskPortalVerifier *self = g_new0 (KioskPortalVerifier, 1);

  self->key = key ? g_bytes_ref (key) : NULL;
  self->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->recorded);
  return self;
}

void
kiosk_portal_verifier_free (KioskPortalVerifier *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->key, g_bytes_unref);
  g_hash_table_unref (self->nonces);
  g_queue_clear_full (&self->recorded, (GDestroyNotify) json_object_unref);
  g_free (self);
}

static void
message_got_chunk_cb (SoupServerMessage *msg,
                      GBytes            *chunk,
                      gpointer           user_data)
{
  g_checksum_update (user_data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
}

/**
 * kiosk_portal_verifier_watch:
 *
 * Called once the request's headers are read: the body is hashed chunk by chunk as it arrives.
 */
void
kiosk_portal_verifier_watch (KioskPortalVerifier *self,
                             SoupServerMessage   *msg)
{
  GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_object_set_data_full (G_OBJECT (msg), "kiosk-body-sha256", checksum, (GDestroyNotify) g_checksum_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (message_got_chunk_cb), checksum);
}

/* The SHA-256 of the body as received. */
static void
get_body_digest (SoupServerMessage *msg,
                 guint8             digest[32])
{
  GChecksum *checksum = g_object_get_data (G_OBJECT (msg), "kiosk-body-sha256");
  g_autoptr(GChecksum) fallback = NULL;
  gsize length = 32;

  if (checksum == NULL)
    {
      g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

      fallback = g_checksum_new (G_CHECKSUM_SHA256);
      g_checksum_update (fallback, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      checksum = fallback;
    }
  g_checksum_get_digest (checksum, digest, &length);
}

static gboolean
nonce_expired_cb (gpointer key,
                  gpointer value,
                  gpointer user_data)
{
  return *(gint64 *) value < *(gint64 *) user_data;
}

static gboolean
refuse (const char **reason,
        const char  *why)
{
  *reason = why;
  return FALSE;
}

/* The value of a covered component, or %NULL when the request has none. */
static char *
component_value (SoupServerMessage *msg,
                 const char        *name)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value;

  if (strcmp (name, "@method") == 0)
    return g_strdup (soup_server_message_get_method (msg));
  if (strcmp (name, "@target-uri") == 0)
    {
      g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (msg));

      return kiosk_signature_target_uri (uri);
    }
  /* Derived components other than these, and field names in capitals, are not used. */
  if (*name == '@')
    return NULL;
  for (const char *p = name; *p != '\0'; p++)
    if (g_ascii_isupper (*p))
      return NULL;
  value = soup_message_headers_get_list (headers, name);
  return value ? g_strstrip (g_strdup (value)) : NULL;
}

/**
 * kiosk_portal_verifier_check:
 * @reason: (out): why the request is refused
 *
 * Returns: whether the request is signed by the kiosk's key as docs/portal-api.md says (always
 *   %TRUE when the portal has no kiosk key)
 */
gboolean
kiosk_portal_verifier_check (KioskPortalVerifier  *self,
                             SoupServerMessage    *msg,
                             const char          **reason)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(KioskSignatureInput) input = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autoptr(GBytes) sent_digest = NULL;
  g_autoptr(GBytes) body_digest = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = NULL;
  g_autofree char *nonce_key = NULL;
  const char *kiosk_id = soup_message_headers_get_one (headers, "X-Kiosk-Id");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint8 digest[32];
  guint8 received[32];

  if (self->key == NULL)
    return TRUE;
  input = kiosk_signature_input_parse (soup_message_headers_get_one (headers, "Signature-Input"));
  if (input == NULL)
    return refuse (reason, "missing or malformed Signature-Input");
  signature = kiosk_signature_parse (soup_message_headers_get_one (headers, "Signature"), input->label);
  if (signature == NULL)
    return refuse (reason, "missing or malformed Signature");
  if (input->alg == NULL || strcmp (input->alg, KIOSK_SIGNATURE_ALG) != 0)
    return refuse (reason, "alg must be hmac-sha256");
  if (input->keyid == NULL || kiosk_id == NULL || strcmp (input->keyid, kiosk_id) != 0)
    return refuse (reason, "keyid must be the X-Kiosk-Id");
  if (input->nonce == NULL || *input->nonce == '\0' || strlen (input->nonce) > MAX_NONCE_LENGTH)
    return refuse (reason, "nonce missing");
  if (input->created == 0 || ABS (now - input->created) > KIOSK_SIGNATURE_WINDOW)
    return refuse (reason, "created is missing or more than 300 s from the portal's clock");

  /* What must be covered. */
  {
    const char *always[] = { "@method", "@target-uri", "content-digest", "x-kiosk-id" };
    g_autoptr(GHashTable) covered = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < input->components->len; i++)
      if (!g_hash_table_add (covered, g_ptr_array_index (input->components, i)))
        return refuse (reason, "a component is covered twice");
    for (guint i = 0; i < G_N_ELEMENTS (always); i++)
      if (!g_hash_table_contains (covered, always[i]))
        return refuse (reason, "the signature must cover @method, @target-uri, content-digest and x-kiosk-id");
    for (guint i = 0; i < G_N_ELEMENTS (required_if_present); i++)
      if (soup_message_headers_get_one (headers, required_if_present[i]) != NULL
          && !g_hash_table_contains (covered, required_if_present[i]))
        return refuse (reason, "the signature must cover idempotency-key, authorization, "
                               "x-kiosk-journal-head, x-tracking-code and x-kiosk-agent-token "
                               "when they are sent");
  }

  /* The body as received against the digest the kiosk signed. */
  if (!kiosk_content_digest_parse (soup_message_headers_get_one (headers, "Content-Digest"), received))
    return refuse (reason, "missing or malformed Content-Digest (sha-256)");
  get_body_digest (msg, digest);
  sent_digest = g_bytes_new (received, 32);
  body_digest = g_bytes_new (digest, 32);
  if (!kiosk_signature_equal (sent_digest, body_digest))
    return refuse (reason, "the body does not match its Content-Digest");

  for (guint i = 0; i < input->components->len; i++)
    {
      char *value = component_value (msg, g_ptr_array_index (input->components, i));

      if (value == NULL)
        return refuse (reason, "a covered component is missing from the request");
      g_ptr_array_add (values, value);
    }
  g_ptr_array_add (values, NULL);
  g_ptr_array_add (input->components, NULL);
  base = kiosk_signature_base ((const char * const *) input->components->pdata,
                               (const char * const *) values->pdata, input->params);
  expected = kiosk_signature_compute (self->key, base);
  if (!kiosk_signature_equal (expected, signature))
    return refuse (reason, "the signature does not verify");

  /* Only a verified nonce is remembered: unsigned requests cannot fill the cache. */
  g_hash_table_foreach_remove (self->nonces, nonce_expired_cb, &now);
  nonce_key = g_strdup_printf ("%s\n%s", input->keyid, input->nonce);
  if (g_hash_table_contains (self->nonces, nonce_key))
    return refuse (reason, "replayed: this nonce was already used");
  {
    gint64 *expiry = g_new (gint64, 1);

    *expiry = MAX (input->created, now) + KIOSK_SIGNATURE_WINDOW;
    g_hash_table_insert (self->nonces, g_steal_pointer (&nonce_key), expiry);
  }
  return TRUE;
}

static void
add_header_cb (const char *name,
               const char *value,
               gpointer    user_data)
{
  JsonArray *pair = json_array_new ();

  json_array_add_string_element (pair, name);
  json_array_add_string_element (pair, value);
  json_array_add_array_element (user_data, pair);
}

/**
 * kiosk_portal_verifier_record:
 *
 * Keeps @msg's method, URI, headers and body (when under 1 MiB) among the last requests.
 */
void
kiosk_portal_verifier_record (KioskPortalVerifier *self,
                              SoupServerMessage   *msg)
{
  JsonObject *request = json_object_new ();
  JsonArray *headers = json_array_new ();
  g_autofree char *uri = g_uri_to_string (soup_server_message_get_uri (msg));
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  json_object_set_string_member (request, "method", soup_server_message_get_method (msg));
  json_object_set_string_member (request, "uri", uri);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg), add_header_cb, headers);
  json_object_set_array_member (request, "headers", headers);
  if (body->length <= RECORDED_BODY_MAX)
    {
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      json_object_set_string_member (request, "body", encoded);
    }
  g_queue_push_tail (&self->recorded, request);
  while (self->recorded.length > RECORDED_REQUESTS)
    json_object_unref (g_queue_pop_head (&self->recorded));
}

/**
 * kiosk_portal_verifier_list:
 *
 * Returns: (transfer full): the last requests, oldest first:
 *   [{"method", "uri", "headers": [[name, value]…], "body": base64}]
 */
JsonArray *
kiosk_portal_verifier_list (KioskPortalVerifier *self)
{
  JsonArray *list = json_array_new ();

  for (GList *l = self->recorded.head; l != NULL; l = l->next)
    json_array_add_object_element (list, json_object_ref (l->data));
  return list;
}

/**
 * kiosk_portal_verifier_reset:
 *
 * Forgets the recorded requests (nonces stay: a reset must not reopen replays).
 */
void
kiosk_portal_verifier_reset (KioskPortalVerifier *self)
{
  g_queue_clear_full (&self->recorded, (GDestroyNotify) json_object_unref);
  g_queue_init (&self->recorded);
}
