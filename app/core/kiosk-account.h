/* kiosk-account.h: a citizen's provincial account, linked to the kiosk session with their phone
 * (OAuth 2.0 Device Authorization Grant, RFC 8628) — never a password typed on the terminal.
 *
 * The access token lives in this process's memory only: it is not written to disk nor logged,
 * it is revoked on the portal and wiped when the session ends. A dossier that waits in the
 * outbox carries instead a grant the portal issued for that one dossier.
 *
 * The accounts are the portal's own (its `oauth/` paths), or, when the portal client has an
 * account issuer (kiosk_portal_set_account_issuer()), an OpenID Connect provider's, found by
 * discovery: its ID token is checked (kiosk-oidc.h), the profile read from its userinfo, and its
 * access token is the one the portal's account endpoints take. */
#pragma once

#include "kiosk-portal.h"

G_BEGIN_DECLS

typedef struct
{
  char *token;        /* the access token; wiped on free */
  gint64 expires_at;  /* monotonic µs */
  char *id;
  char *first_name;
  char *last_name;
  char *birth_date;   /* YYYY-MM-DD, nullable */
  char *email;        /* nullable */
  char *phone;        /* nullable */
  char *address;      /* nullable */
  char *revocation_endpoint; /* nullable: the OpenID provider's, when the account is there */
  char *client_id;           /* nullable: this kiosk's at that provider */
} KioskAccount;

void          kiosk_account_free (KioskAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskAccount, kiosk_account_free)
char         *kiosk_account_format_short_name (const KioskAccount *account);
void          kiosk_account_prefill_dossier (const KioskAccount *account,
                                             KioskDossier       *dossier);

typedef struct
{
  char *number;
  char *slug;
  char *title;
  char *status_id;
  char *status_name;
  char *receipt_time;   /* nullable */
} KioskAccountDossier;

void          kiosk_account_dossier_free (KioskAccountDossier *dossier);

typedef enum
{
  KIOSK_SIGN_IN_IDLE,
  KIOSK_SIGN_IN_STARTING,     /* asking the portal for a code */
  KIOSK_SIGN_IN_WAITING,      /* the code is shown; polling */
  KIOSK_SIGN_IN_APPROVED,     /* token received and profile read: the citizen confirms the name
                               * (kiosk_sign_in_peek_account()), then kiosk_sign_in_steal_account() */
  KIOSK_SIGN_IN_EXPIRED,      /* the code expired before approval */
  KIOSK_SIGN_IN_DENIED,       /* the citizen refused on their phone */
  KIOSK_SIGN_IN_FAILED,       /* the portal could not be reached, or answered nonsense */
} KioskSignInState;

#define KIOSK_TYPE_SIGN_IN (kiosk_sign_in_get_type ())
G_DECLARE_FINAL_TYPE (KioskSignIn, kiosk_sign_in, KIOSK, SIGN_IN, GObject)

KioskSignIn      *kiosk_sign_in_new                   (KioskPortal *portal);
void              kiosk_sign_in_start                 (KioskSignIn *self);
void              kiosk_sign_in_cancel                (KioskSignIn *self);
KioskSignInState  kiosk_sign_in_get_state             (KioskSignIn *self);
const char       *kiosk_sign_in_get_user_code         (KioskSignIn *self);
const char       *kiosk_sign_in_get_verification_uri  (KioskSignIn *self);
const char       *kiosk_sign_in_get_verification_uri_complete (KioskSignIn *self);
guint             kiosk_sign_in_get_interval          (KioskSignIn *self);
const KioskAccount *kiosk_sign_in_peek_account       (KioskSignIn *self);
KioskAccount     *kiosk_sign_in_steal_account         (KioskSignIn *self);

void              kiosk_account_fetch_dossiers_async  (KioskPortal          *portal,
                                                       const KioskAccount   *account,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray        *kiosk_account_fetch_dossiers_finish (GAsyncResult         *result,
                                                       GError              **error);
void              kiosk_account_request_grant_async   (KioskPortal          *portal,
                                                       const KioskAccount   *account,
                                                       const char           *idempotency_key,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
char             *kiosk_account_request_grant_finish  (GAsyncResult         *result,
                                                       GError              **error);
void              kiosk_account_revoke                (KioskPortal          *portal,
                                                       const KioskAccount   *account);

G_END_DECLS
