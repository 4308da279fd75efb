/* kiosk-oidc.h: an OpenID Connect provider of citizens' accounts, found by discovery from its
 * issuer URL, and the check of the ID tokens it signs (JWS RS256 / ES256 against its JWKS). */
#pragma once

#include "kiosk-portal.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KIOSK_OIDC_ERROR (kiosk_oidc_error_quark ())
GQuark kiosk_oidc_error_quark (void);

/**
 * KioskOidcError:
 * @KIOSK_OIDC_ERROR_DISCOVERY: no usable discovery document (unreachable, malformed, an insecure
 *   endpoint, or an `issuer` other than the one configured)
 * @KIOSK_OIDC_ERROR_KEYS: the provider's key set could not be read, or has no key for the token
 * @KIOSK_OIDC_ERROR_MALFORMED: the ID token is not a compact JWS with JSON header and claims
 * @KIOSK_OIDC_ERROR_ALGORITHM: an algorithm the kiosk does not accept (`none`, HMAC, …)
 * @KIOSK_OIDC_ERROR_SIGNATURE: the signature does not verify
 * @KIOSK_OIDC_ERROR_ISSUER: `iss` is not the provider's
 * @KIOSK_OIDC_ERROR_AUDIENCE: `aud` does not name this kiosk's client id
 * @KIOSK_OIDC_ERROR_EXPIRED: `exp` has passed, or `iat` is missing or in the future
 * @KIOSK_OIDC_ERROR_SUBJECT: the profile (userinfo) is not the ID token's subject
 */
typedef enum
{
  KIOSK_OIDC_ERROR_DISCOVERY,
  KIOSK_OIDC_ERROR_KEYS,
  KIOSK_OIDC_ERROR_MALFORMED,
  KIOSK_OIDC_ERROR_ALGORITHM,
  KIOSK_OIDC_ERROR_SIGNATURE,
  KIOSK_OIDC_ERROR_ISSUER,
  KIOSK_OIDC_ERROR_AUDIENCE,
  KIOSK_OIDC_ERROR_EXPIRED,
  KIOSK_OIDC_ERROR_SUBJECT,
} KioskOidcError;

typedef struct
{
  char *issuer;
  char *device_authorization_endpoint;
  char *token_endpoint;
  char *revocation_endpoint;   /* nullable: the provider does not revoke */
  char *userinfo_endpoint;
  char *jwks_uri;
} KioskOidcProvider;

void               kiosk_oidc_provider_free          (KioskOidcProvider   *provider);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskOidcProvider, kiosk_oidc_provider_free)
KioskOidcProvider *kiosk_oidc_provider_new_from_json (const char          *issuer,
                                                      JsonObject          *document,
                                                      GError             **error);

void               kiosk_oidc_discover_async         (KioskPortal         *portal,
                                                      const char          *issuer,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
KioskOidcProvider *kiosk_oidc_discover_finish        (GAsyncResult        *result,
                                                      GError             **error);

JsonObject        *kiosk_oidc_verify_id_token        (JsonObject          *jwks,
                                                      const char          *id_token,
                                                      const char          *issuer,
                                                      const char          *client_id,
                                                      gint64               now,
                                                      GError             **error);
void               kiosk_oidc_check_id_token_async   (KioskPortal         *portal,
                                                      const KioskOidcProvider *provider,
                                                      const char          *client_id,
                                                      const char          *id_token,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
JsonObject        *kiosk_oidc_check_id_token_finish  (GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
