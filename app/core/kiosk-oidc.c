/* kiosk-oidc.c: OpenID Connect discovery and ID token checks (see kiosk-oidc.h). */
#include "kiosk-oidc.h"

#include "kiosk-json.h"
#include "kiosk-task.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <string.h>

/* Clocks of a terminal and of a provider differ a little. */
#define CLOCK_SKEW_S 120

G_DEFINE_QUARK (kiosk-oidc-error-quark, kiosk_oidc_error)

void
kiosk_oidc_provider_free (KioskOidcProvider *provider)
{
  if (provider == NULL)
    return;
  g_free (provider->issuer);
  g_free (provider->device_authorization_endpoint);
  g_free (provider->token_endpoint);
  g_free (provider->revocation_endpoint);
  g_free (provider->userinfo_endpoint);
  g_free (provider->jwks_uri);
  g_free (provider);
}

static char *
dup_endpoint (JsonObject  *document,
              const char  *name,
              gboolean     required,
              GError     **error)
{
  const char *url = kiosk_json_get_string (document, name);
  g_autoptr(GError) local_error = NULL;

  if (url == NULL && !required)
    return NULL;
  if (url == NULL || !kiosk_portal_check_url (url, &local_error))
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_DISCOVERY,
                   "The provider's %s is missing or insecure", name);
      return NULL;
    }
  return g_strdup (url);
}

/**
 * kiosk_oidc_provider_new_from_json:
 * @issuer: the issuer the kiosk is set up with
 * @document: the provider's `/.well-known/openid-configuration`
 *
 * Takes the endpoints the kiosk uses from a discovery document. Its `issuer` must be exactly
 * @issuer (OpenID Connect Discovery §4.3), and every endpoint https (or http on loopback).
 *
 * Returns: (transfer full): the provider, or %NULL with @error set
 */
KioskOidcProvider *
kiosk_oidc_provider_new_from_json (const char  *issuer,
                                   JsonObject  *document,
                                   GError     **error)
{
  g_autoptr(KioskOidcProvider) provider = g_new0 (KioskOidcProvider, 1);

  if (g_strcmp0 (kiosk_json_get_string (document, "issuer"), issuer) != 0)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_DISCOVERY,
                   "The discovery document is for another issuer");
      return NULL;
    }
  provider->issuer = g_strdup (issuer);
  if ((provider->device_authorization_endpoint = dup_endpoint (document, "device_authorization_endpoint", TRUE, error)) == NULL
      || (provider->token_endpoint = dup_endpoint (document, "token_endpoint", TRUE, error)) == NULL
      || (provider->userinfo_endpoint = dup_endpoint (document, "userinfo_endpoint", TRUE, error)) == NULL
      || (provider->jwks_uri = dup_endpoint (document, "jwks_uri", TRUE, error)) == NULL)
    return NULL;
  provider->revocation_endpoint = dup_endpoint (document, "revocation_endpoint", FALSE, NULL);
  return g_steal_pointer (&provider);
}

static void
discovery_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);
  KioskOidcProvider *provider;

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (answer->status != 200 || answer->root == NULL)
    {
      g_task_return_new_error (task, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_DISCOVERY,
                               "The provider answered %ld to discovery", answer->status);
      return;
    }
  provider = kiosk_oidc_provider_new_from_json (g_task_get_task_data (task), answer->root, &error);
  if (provider == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, provider, (GDestroyNotify) kiosk_oidc_provider_free);
}

/**
 * kiosk_oidc_discover_async:
 * @portal: the HTTP client (requests to another host than the portal's go unsigned)
 * @issuer: the issuer URL, without `/.well-known/…`
 *
 * Reads the provider's discovery document.
 */
void
kiosk_oidc_discover_async (KioskPortal         *portal,
                           const char          *issuer,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, kiosk_oidc_discover_async);
  g_task_set_task_data (task, g_strdup (issuer), g_free);
  if (!kiosk_portal_check_url (issuer, &error))
    {
      g_task_return_new_error (task, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_DISCOVERY,
                               "The account issuer is not a secure URL");
      g_object_unref (task);
      return;
    }
  url = g_strconcat (issuer, g_str_has_suffix (issuer, "/") ? "" : "/",
                     ".well-known/openid-configuration", NULL);
  kiosk_portal_request_async (portal, "GET", url, NULL, NULL, NULL, cancellable, discovery_done_cb, task);
}

/* Returns: (transfer full): the provider, or %NULL with @error set */
KioskOidcProvider *
kiosk_oidc_discover_finish (GAsyncResult  *result,
                            GError       **error)
{
  return kiosk_task_propagate_pointer (result, NULL, error);
}

/* JWS and JWK (RFC 7515, 7517, 7518) */

static GBytes *
decode_base64url (const char *text,
                  gssize      length)
{
  g_autoptr(GString) standard = NULL;
  gsize size = 0;
  guchar *data;

  if (length < 0)
    length = strlen (text);
  standard = g_string_sized_new (length + 3);
  for (gssize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;   /* no padding, no whitespace in a compact JWS */
      g_string_append_c (standard, c);
    }
  if (standard->len % 4 == 1)
    return NULL;
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');
  data = g_base64_decode (standard->str, &size);
  return g_bytes_new_take (data, size);
}

static BIGNUM *
jwk_bignum (JsonObject *jwk,
            const char *member)
{
  const char *text = kiosk_json_get_string (jwk, member);
  g_autoptr(GBytes) bytes = text ? decode_base64url (text, -1) : NULL;
  gsize size;
  const guchar *data;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return BN_bin2bn (data, (int) size, NULL);
}

/* An OpenSSL public key from a JWK: RSA (n, e) or EC P-256 (x, y). */
static EVP_PKEY *
key_from_jwk (JsonObject *jwk)
{
  const char *kty = kiosk_json_get_string (jwk, "kty");
  OSSL_PARAM_BLD *build = OSSL_PARAM_BLD_new ();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *key = NULL;
  BIGNUM *n = NULL, *e = NULL;
  guint8 point[65];

  if (g_strcmp0 (kty, "RSA") == 0)
    {
      n = jwk_bignum (jwk, "n");
      e = jwk_bignum (jwk, "e");
      if (n == NULL || e == NULL || BN_num_bits (n) < 2048)
        goto out;
      OSSL_PARAM_BLD_push_BN (build, OSSL_PKEY_PARAM_RSA_N, n);
      OSSL_PARAM_BLD_push_BN (build, OSSL_PKEY_PARAM_RSA_E, e);
      ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
    }
  else if (g_strcmp0 (kty, "EC") == 0 && g_strcmp0 (kiosk_json_get_string (jwk, "crv"), "P-256") == 0)
    {
      const char *xs = kiosk_json_get_string (jwk, "x");
      const char *ys = kiosk_json_get_string (jwk, "y");
      g_autoptr(GBytes) x = xs ? decode_base64url (xs, -1) : NULL;
      g_autoptr(GBytes) y = ys ? decode_base64url (ys, -1) : NULL;

      if (x == NULL || y == NULL || g_bytes_get_size (x) != 32 || g_bytes_get_size (y) != 32)
        goto out;
      point[0] = 0x04;   /* uncompressed */
      memcpy (point + 1, g_bytes_get_data (x, NULL), 32);
      memcpy (point + 33, g_bytes_get_data (y, NULL), 32);
      OSSL_PARAM_BLD_push_utf8_string (build, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
      OSSL_PARAM_BLD_push_octet_string (build, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point);
      ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
    }
  if (ctx == NULL || (params = OSSL_PARAM_BLD_to_param (build)) == NULL
      || EVP_PKEY_fromdata_init (ctx) <= 0
      || EVP_PKEY_fromdata (ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    key = NULL;
out:
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (build);
  EVP_PKEY_CTX_free (ctx);
  BN_free (n);
  BN_free (e);
  return key;
}

/* The key of @jwks that may have signed with @alg and @kid (any fitting key when no kid). */
static JsonObject *
find_jwk (JsonObject *jwks,
          const char *alg,
          const char *kid)
{
  JsonArray *keys = kiosk_json_get_array (jwks, "keys");
  const char *kty = g_str_equal (alg, "RS256") ? "RSA" : "EC";

  for (guint i = 0; keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      JsonObject *jwk = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *use = kiosk_json_get_string (jwk, "use");
      const char *key_alg = kiosk_json_get_string (jwk, "alg");

      if (jwk == NULL || g_strcmp0 (kiosk_json_get_string (jwk, "kty"), kty) != 0
          || (use != NULL && !g_str_equal (use, "sig"))
          || (key_alg != NULL && !g_str_equal (key_alg, alg))
          || (kid != NULL && g_strcmp0 (kiosk_json_get_string (jwk, "kid"), kid) != 0))
        continue;
      return jwk;
    }
  return NULL;
}

static gboolean
verify_signature (EVP_PKEY     *key,
                  const char   *alg,
                  const guint8 *input,
                  gsize         input_size,
                  GBytes       *signature)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  gsize size;
  const guint8 *raw = g_bytes_get_data (signature, &size);
  guint8 *der = NULL;
  int der_size = 0;
  gboolean ok = FALSE;

  if (g_str_equal (alg, "ES256"))
    {
      /* JWS carries r ‖ s (RFC 7518 §3.4); OpenSSL verifies DER. */
      ECDSA_SIG *sig;

      if (size != 64)
        goto out;
      sig = ECDSA_SIG_new ();
      ECDSA_SIG_set0 (sig, BN_bin2bn (raw, 32, NULL), BN_bin2bn (raw + 32, 32, NULL));
      der_size = i2d_ECDSA_SIG (sig, &der);
      ECDSA_SIG_free (sig);
      if (der_size <= 0)
        goto out;
      raw = der;
      size = der_size;
    }
  ok = EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, key) == 1
       && EVP_DigestVerify (ctx, raw, size, input, input_size) == 1;
out:
  OPENSSL_free (der);
  EVP_MD_CTX_free (ctx);
  return ok;
}

static gboolean
audience_names (JsonObject *claims,
                const char *client_id)
{
  JsonNode *aud = json_object_get_member (claims, "aud");
  const char *azp = kiosk_json_get_string (claims, "azp");

  if (aud != NULL && JSON_NODE_HOLDS_VALUE (aud) && json_node_get_value_type (aud) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (aud), client_id) == 0;
  if (aud != NULL && JSON_NODE_HOLDS_ARRAY (aud))
    {
      JsonArray *list = json_node_get_array (aud);
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (list); i++)
        found |= g_strcmp0 (json_array_get_string_element (list, i), client_id) == 0;
      /* Several audiences: the token must have been issued to this kiosk (OIDC Core §3.1.3.7). */
      return found && (json_array_get_length (list) == 1 || g_strcmp0 (azp, client_id) == 0);
    }
  return FALSE;
}

/**
 * kiosk_oidc_verify_id_token:
 * @jwks: the provider's key set
 * @id_token: the compact JWS the token endpoint gave
 * @issuer: the provider's issuer
 * @client_id: this kiosk's client id
 * @now: the time, in seconds since the epoch
 *
 * Checks an ID token (OpenID Connect Core §3.1.3.7): RS256 or ES256 only, signed by a key of
 * @jwks, `iss` is @issuer, `aud` names @client_id, `exp` not passed, `iat` not in the future.
 * Blocking (public-key crypto): for a worker thread.
 *
 * Returns: (transfer full): the token's claims, or %NULL with a KIOSK_OIDC_ERROR
 */
JsonObject *
kiosk_oidc_verify_id_token (JsonObject  *jwks,
                            const char  *id_token,
                            const char  *issuer,
                            const char  *client_id,
                            gint64       now,
                            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (id_token ? id_token : "", ".", 4);
  g_autoptr(GBytes) header_bytes = NULL;
  g_autoptr(GBytes) claims_bytes = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) claims = NULL;
  JsonObject *jwk;
  EVP_PKEY *key;
  const char *alg;
  gboolean verified;
  gint64 exp, iat;

  if (g_strv_length (parts) != 3
      || (header_bytes = decode_base64url (parts[0], -1)) == NULL
      || (claims_bytes = decode_base64url (parts[1], -1)) == NULL
      || (signature = decode_base64url (parts[2], -1)) == NULL
      || (header = kiosk_json_parse_object (g_bytes_get_data (header_bytes, NULL),
                                            g_bytes_get_size (header_bytes), NULL)) == NULL
      || (claims = kiosk_json_parse_object (g_bytes_get_data (claims_bytes, NULL),
                                            g_bytes_get_size (claims_bytes), NULL)) == NULL)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_MALFORMED, "The ID token is malformed");
      return NULL;
    }
  alg = kiosk_json_get_string (header, "alg");
  if (g_strcmp0 (alg, "RS256") != 0 && g_strcmp0 (alg, "ES256") != 0)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_ALGORITHM,
                   "The ID token's algorithm is not accepted");
      return NULL;
    }
  jwk = find_jwk (jwks, alg, kiosk_json_get_string (header, "kid"));
  if (jwk == NULL || (key = key_from_jwk (jwk)) == NULL)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_KEYS,
                   "The provider has no usable key for the ID token");
      return NULL;
    }
  {
    /* The signing input is the first two parts as they were sent. */
    gsize input_size = strlen (parts[0]) + 1 + strlen (parts[1]);
    g_autofree char *input = g_strconcat (parts[0], ".", parts[1], NULL);

    verified = verify_signature (key, alg, (const guint8 *) input, input_size, signature);
  }
  EVP_PKEY_free (key);
  if (!verified)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_SIGNATURE,
                   "The ID token's signature does not verify");
      return NULL;
    }
  if (g_strcmp0 (kiosk_json_get_string (claims, "iss"), issuer) != 0)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_ISSUER, "The ID token is from another issuer");
      return NULL;
    }
  if (!audience_names (claims, client_id))
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_AUDIENCE, "The ID token is for another client");
      return NULL;
    }
  exp = kiosk_json_get_int (claims, "exp", 0);
  iat = kiosk_json_get_int (claims, "iat", G_MAXINT64);
  if (exp + CLOCK_SKEW_S <= now || iat > now + CLOCK_SKEW_S)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_EXPIRED, "The ID token has expired");
      return NULL;
    }
  if (kiosk_json_get_string (claims, "sub") == NULL)
    {
      g_set_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_MALFORMED, "The ID token has no subject");
      return NULL;
    }
  return g_steal_pointer (&claims);
}

typedef struct
{
  char       *issuer;
  char       *client_id;
  char       *id_token;
  JsonObject *jwks;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->issuer);
  g_free (data->client_id);
  g_free (data->id_token);
  g_clear_pointer (&data->jwks, json_object_unref);
  g_free (data);
}

/* Runs in a worker thread: reads task_data only. */
static void
check_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CheckData *data = task_data;
  GError *error = NULL;
  JsonObject *claims = kiosk_oidc_verify_id_token (data->jwks, data->id_token, data->issuer,
                                                   data->client_id, g_get_real_time () / G_USEC_PER_SEC,
                                                   &error);

  if (claims == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, claims, (GDestroyNotify) json_object_unref);
}

static void
jwks_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);
  CheckData *data = g_task_get_task_data (task);

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (answer->status != 200 || kiosk_json_get_array (answer->root, "keys") == NULL)
    {
      g_task_return_new_error (task, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_KEYS,
                               "The provider's key set could not be read (%ld)", answer->status);
      return;
    }
  data->jwks = json_object_ref (answer->root);
  g_task_run_in_thread (task, check_in_thread);
}

/**
 * kiosk_oidc_check_id_token_async:
 *
 * Reads the provider's key set (`jwks_uri`, at each sign-in: keys rotate) and checks @id_token
 * with kiosk_oidc_verify_id_token() in a worker thread.
 */
void
kiosk_oidc_check_id_token_async (KioskPortal             *portal,
                                 const KioskOidcProvider *provider,
                                 const char              *client_id,
                                 const char              *id_token,
                                 GCancellable            *cancellable,
                                 GAsyncReadyCallback      callback,
                                 gpointer                 user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  data->issuer = g_strdup (provider->issuer);
  data->client_id = g_strdup (client_id);
  data->id_token = g_strdup (id_token);
  g_task_set_source_tag (task, kiosk_oidc_check_id_token_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  kiosk_portal_request_async (portal, "GET", provider->jwks_uri, NULL, NULL, NULL, cancellable,
                              jwks_done_cb, task);
}

/* Returns: (transfer full): the ID token's claims, or %NULL with @error set */
JsonObject *
kiosk_oidc_check_id_token_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return kiosk_task_propagate_pointer (result, NULL, error);
}
