/* kiosk-account.c: signing a citizen in with their phone (see kiosk-account.h). */
#include "kiosk-account.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"
#include "kiosk-oidc.h"

#include <string.h>
#include <stdio.h>

#define CLIENT_ID "kiosk"
#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"
#define MAX_NETWORK_FAILURES 3
#define OIDC_SCOPE "openid profile email phone address"

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
kiosk_account_free (KioskAccount *account)
{
  if (account == NULL)
    return;
  wipe_free (account->token);
  g_free (account->id);
  g_free (account->first_name);
  g_free (account->last_name);
  g_free (account->birth_date);
  g_free (account->email);
  g_free (account->phone);
  g_free (account->address);
  g_free (account->revocation_endpoint);
  g_free (account->client_id);
  g_free (account);
}

/**
 * kiosk_account_format_short_name:
 *
 * How the kiosk shows who is signed in, where others may see the screen: the first name and
 * the initial of the last name ("Marie W.").
 *
 * Returns: (transfer full): the short name; "" when the account has no name
 */
char *
kiosk_account_format_short_name (const KioskAccount *account)
{
  const char *first = account->first_name ? account->first_name : "";
  const char *last = account->last_name ? account->last_name : "";
  char initial[7] = { 0 };

  while (g_unichar_isspace (g_utf8_get_char (last)))
    last = g_utf8_next_char (last);
  if (*last == '\0')
    return g_strdup (first);
  g_unichar_to_utf8 (g_unichar_toupper (g_utf8_get_char (last)), initial);
  return *first != '\0' ? g_strdup_printf ("%s %s.", first, initial) : g_strdup_printf ("%s.", initial);
}

void
kiosk_account_dossier_free (KioskAccountDossier *dossier)
{
  if (dossier == NULL)
    return;
  g_free (dossier->number);
  g_free (dossier->slug);
  g_free (dossier->title);
  g_free (dossier->status_id);
  g_free (dossier->status_name);
  g_free (dossier->receipt_time);
  g_free (dossier);
}

struct _KioskSignIn
{
  GObject           parent_instance;

  KioskPortal      *portal;
  GCancellable     *cancellable;
  KioskSignInState  state;
  char             *device_code;     /* secret: wiped */
  char             *user_code;
  char             *verification_uri;
  char             *verification_uri_complete;
  guint             interval;        /* seconds */
  gint64            deadline;        /* monotonic µs */
  guint             poll_source;
  guint             failures;
  KioskAccount     *account;         /* once approved */
  KioskOidcProvider *provider;       /* nullable: the portal's own accounts when NULL */
};

G_DEFINE_FINAL_TYPE (KioskSignIn, kiosk_sign_in, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_state (KioskSignIn      *self,
           KioskSignInState  state)
{
  self->state = state;
  if (state != KIOSK_SIGN_IN_WAITING && state != KIOSK_SIGN_IN_STARTING)
    {
      g_clear_handle_id (&self->poll_source, g_source_remove);
      g_clear_pointer (&self->device_code, wipe_free);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Sends an OAuth request, once (never retried): @first and what follows are name, value pairs
 * ending with %NULL, sent as a form. A form may hold a token or a device code: it is wiped once
 * handed over. */
static void
post_form (KioskPortal         *portal,
           const char          *endpoint,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data,
           const char          *first,
           ...) G_GNUC_NULL_TERMINATED;

static void
post_form (KioskPortal         *portal,
           const char          *endpoint,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data,
           const char          *first,
           ...)
{
  g_autoptr(GString) form = g_string_new (NULL);
  const char *name = first;
  va_list args;

  va_start (args, first);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = g_uri_escape_string (value ? value : "", NULL, FALSE);

      if (form->len > 0)
        g_string_append_c (form, '&');
      g_string_append_printf (form, "%s=%s", name, escaped);
      explicit_bzero (escaped, strlen (escaped));
      name = va_arg (args, const char *);
    }
  va_end (args);
  kiosk_portal_request_async (portal, "POST", endpoint, "application/x-www-form-urlencoded", form->str,
                              NULL, cancellable, callback, user_data);
  explicit_bzero (form->str, form->len);
}

static void schedule_poll (KioskSignIn *self);

static KioskAccount *
account_from_profile (JsonObject *me,
                      char       *token)
{
  KioskAccount *account = g_new0 (KioskAccount, 1);

  account->token = token;
  account->id = g_strdup (kiosk_json_get_string (me, "id"));
  account->first_name = g_strdup (kiosk_json_get_string (me, "first_name"));
  account->last_name = g_strdup (kiosk_json_get_string (me, "last_name"));
  account->birth_date = g_strdup (kiosk_json_get_string (me, "birth_date"));
  account->email = g_strdup (kiosk_json_get_string (me, "email"));
  account->phone = g_strdup (kiosk_json_get_string (me, "phone"));
  account->address = g_strdup (kiosk_json_get_string (me, "address"));
  return account;
}

/* The standard claims (OpenID Connect Core §5.1), as the portal's profile words them. */
static KioskAccount *
account_from_claims (KioskSignIn *self,
                     JsonObject  *claims,
                     char        *token)
{
  KioskAccount *account = g_new0 (KioskAccount, 1);
  JsonObject *address = kiosk_json_get_object (claims, "address");

  account->token = token;
  account->id = g_strdup (kiosk_json_get_string (claims, "sub"));
  account->first_name = g_strdup (kiosk_json_get_string (claims, "given_name"));
  account->last_name = g_strdup (kiosk_json_get_string (claims, "family_name"));
  account->birth_date = g_strdup (kiosk_json_get_string (claims, "birthdate"));
  account->email = g_strdup (kiosk_json_get_string (claims, "email"));
  account->phone = g_strdup (kiosk_json_get_string (claims, "phone_number"));
  if (kiosk_json_get_string (address, "street_address") != NULL)
    account->address = g_strdup_printf ("%s, %s %s", kiosk_json_get_string (address, "street_address"),
                                        kiosk_json_get_string (address, "postal_code") ?: "",
                                        kiosk_json_get_string (address, "locality") ?: "");
  else
    account->address = g_strdup (kiosk_json_get_string (address, "formatted"));
  if (account->address != NULL)
    g_strstrip (account->address);
  account->revocation_endpoint = g_strdup (self->provider->revocation_endpoint);
  account->client_id = g_strdup (kiosk_portal_get_account_client_id (self->portal));
  return account;
}

static const char *
get_client_id (KioskSignIn *self)
{
  return self->provider != NULL ? kiosk_portal_get_account_client_id (self->portal) : CLIENT_ID;
}

typedef struct
{
  KioskSignIn *self;
  char        *token;
  gint64       expires_at;
  char        *subject;     /* the ID token's, when an OpenID provider signed the citizen in */
  char        *revocation_endpoint;   /* the provider's, nullable */
  char        *client_id;             /* the provider's client id; NULL for the portal */
} ProfileCall;

/* A token nobody will use: tell whoever issued it (the provider known when it was issued, even
 * if the sign-in was cancelled since). */
static void
revoke_unused (ProfileCall *call)
{
  KioskAccount unused = { .token = call->token, .revocation_endpoint = call->revocation_endpoint,
                          .client_id = call->client_id };

  kiosk_account_revoke (call->self->portal, &unused);
}

static void
profile_call_free (ProfileCall *call)
{
  wipe_free (call->token);
  g_free (call->subject);
  g_free (call->revocation_endpoint);
  g_free (call->client_id);
  g_object_unref (call->self);
  g_free (call);
}

static void
userinfo_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ProfileCall *call = user_data;
  KioskSignIn *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    revoke_unused (call);
  else if (answer == NULL || answer->status != 200
           || g_strcmp0 (kiosk_json_get_string (answer->root, "sub"), call->subject) != 0)
    {
      /* OpenID Connect Core §5.3.2: a profile of someone else is not this sign-in's. */
      g_message ("Sign-in: the provider's profile could not be read (%ld)", answer ? answer->status : 0);
      revoke_unused (call);
      set_state (self, KIOSK_SIGN_IN_FAILED);
    }
  else
    {
      g_clear_pointer (&self->account, kiosk_account_free);
      self->account = account_from_claims (self, answer->root, g_steal_pointer (&call->token));
      self->account->expires_at = call->expires_at;
      set_state (self, KIOSK_SIGN_IN_APPROVED);
    }
  profile_call_free (call);
}

static void
id_token_checked_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ProfileCall *call = user_data;
  KioskSignIn *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) claims = kiosk_oidc_check_id_token_finish (result, &error);

  if (claims == NULL)
    {
      revoke_unused (call);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("Sign-in: the ID token was refused: %s", error->message);
          set_state (self, KIOSK_SIGN_IN_FAILED);
        }
      profile_call_free (call);
      return;
    }
  call->subject = g_strdup (kiosk_json_get_string (claims, "sub"));
  kiosk_portal_request_async (self->portal, "GET", self->provider->userinfo_endpoint, NULL, NULL,
                              call->token, self->cancellable, userinfo_done_cb, call);
}

static void
profile_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ProfileCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) me = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result, NULL, NULL, &error);
  KioskSignIn *self = call->self;

  if (me == NULL || kiosk_json_get_string (me, "id") == NULL)
    {
      revoke_unused (call);
      wipe_free (call->token);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("Sign-in: the account's profile could not be read: %s",
                     error ? error->message : "no id");
          set_state (self, KIOSK_SIGN_IN_FAILED);
        }
    }
  else
    {
      g_clear_pointer (&self->account, kiosk_account_free);
      self->account = account_from_profile (me, g_steal_pointer (&call->token));
      self->account->expires_at = call->expires_at;
      set_state (self, KIOSK_SIGN_IN_APPROVED);
    }
  g_object_unref (self);
  g_free (call);
}

static void
token_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  KioskSignIn *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);
  const char *code;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->state != KIOSK_SIGN_IN_WAITING)
    {
      g_object_unref (self);
      return;
    }
  if (answer == NULL)
    {
      /* The network may come back before the code expires. */
      g_message ("Sign-in: polling failed: %s", error->message);
      if (++self->failures >= MAX_NETWORK_FAILURES)
        set_state (self, KIOSK_SIGN_IN_FAILED);
      else
        schedule_poll (self);
      g_object_unref (self);
      return;
    }
  self->failures = 0;
  code = kiosk_json_get_string (answer->root, "error");
  if (answer->status == 200 && kiosk_json_get_string (answer->root, "access_token") != NULL)
    {
      ProfileCall *call = g_new0 (ProfileCall, 1);
      gint64 lifetime = kiosk_json_get_int (answer->root, "expires_in", 1800);

      call->self = g_object_ref (self);
      call->token = g_strdup (kiosk_json_get_string (answer->root, "access_token"));
      call->expires_at = g_get_monotonic_time () + CLAMP (lifetime, 60, 24 * 3600) * G_USEC_PER_SEC;
      if (self->provider != NULL)
        {
          call->revocation_endpoint = g_strdup (self->provider->revocation_endpoint);
          call->client_id = g_strdup (get_client_id (self));
        }
      if (self->provider != NULL)
        kiosk_oidc_check_id_token_async (self->portal, self->provider, get_client_id (self),
                                         kiosk_json_get_string (answer->root, "id_token"),
                                         self->cancellable, id_token_checked_cb, call);
      else
        kiosk_portal_call_json_with_token_async (self->portal, "GET", "api/account/me", NULL, call->token,
                                                 self->cancellable, profile_done_cb, call);
      /* The raw answer held the token too. */
      json_object_remove_member (answer->root, "access_token");
    }
  else if (g_strcmp0 (code, "authorization_pending") == 0)
    schedule_poll (self);
  else if (g_strcmp0 (code, "slow_down") == 0)
    {
      self->interval += 5;   /* RFC 8628 §3.5 */
      g_signal_emit (self, signals[CHANGED], 0);
      schedule_poll (self);
    }
  else if (g_strcmp0 (code, "expired_token") == 0)
    set_state (self, KIOSK_SIGN_IN_EXPIRED);
  else if (g_strcmp0 (code, "access_denied") == 0)
    set_state (self, KIOSK_SIGN_IN_DENIED);
  else
    {
      g_message ("Sign-in: the portal answered %ld %s", answer->status, code ? code : "(no error code)");
      set_state (self, KIOSK_SIGN_IN_FAILED);
    }
  g_object_unref (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  KioskSignIn *self = user_data;

  self->poll_source = 0;
  if (g_get_monotonic_time () >= self->deadline)
    {
      set_state (self, KIOSK_SIGN_IN_EXPIRED);
      return G_SOURCE_REMOVE;
    }
  post_form (self->portal, self->provider ? self->provider->token_endpoint : "oauth/token",
             self->cancellable, token_done_cb, g_object_ref (self),
             "grant_type", DEVICE_GRANT, "device_code", self->device_code,
             "client_id", get_client_id (self), NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (KioskSignIn *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  self->poll_source = g_timeout_add (self->interval * 1000, poll_cb, self);
}

static void
authorization_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  KioskSignIn *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);
  JsonObject *root = answer ? answer->root : NULL;
  gint64 expires_in = kiosk_json_get_int (root, "expires_in", 0);
  gint64 interval = kiosk_json_get_int (root, "interval", 5);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->state != KIOSK_SIGN_IN_STARTING)
    {
      g_object_unref (self);
      return;
    }
  if (answer == NULL || answer->status != 200 || kiosk_json_get_string (root, "device_code") == NULL
      || kiosk_json_get_string (root, "user_code") == NULL
      || kiosk_json_get_string (root, "verification_uri") == NULL || expires_in <= 0)
    {
      g_message ("Sign-in: no device code: %s", error ? error->message : "malformed answer");
      set_state (self, KIOSK_SIGN_IN_FAILED);
      g_object_unref (self);
      return;
    }
  self->device_code = g_strdup (kiosk_json_get_string (root, "device_code"));
  self->user_code = g_strdup (kiosk_json_get_string (root, "user_code"));
  self->verification_uri = g_strdup (kiosk_json_get_string (root, "verification_uri"));
  self->verification_uri_complete = g_strdup (kiosk_json_get_string (root, "verification_uri_complete"));
  if (self->verification_uri_complete == NULL)
    self->verification_uri_complete = g_strdup (self->verification_uri);
  self->interval = (guint) CLAMP (interval, 1, 60);
  self->deadline = g_get_monotonic_time () + MIN (expires_in, 3600) * G_USEC_PER_SEC;
  json_object_remove_member (root, "device_code");
  set_state (self, KIOSK_SIGN_IN_WAITING);
  schedule_poll (self);
  g_object_unref (self);
}

static void
clear (KioskSignIn *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_pointer (&self->device_code, wipe_free);
  g_clear_pointer (&self->user_code, g_free);
  g_clear_pointer (&self->verification_uri, g_free);
  g_clear_pointer (&self->verification_uri_complete, g_free);
  g_clear_pointer (&self->account, kiosk_account_free);
  /* Discovered again at each sign-in: the issuer's endpoints may move. */
  g_clear_pointer (&self->provider, kiosk_oidc_provider_free);
  self->failures = 0;
}

static void
request_code (KioskSignIn *self)
{
  post_form (self->portal,
             self->provider ? self->provider->device_authorization_endpoint : "oauth/device_authorization",
             self->cancellable, authorization_done_cb, g_object_ref (self),
             "client_id", get_client_id (self),
             "scope", self->provider ? OIDC_SCOPE : "profile dossiers", NULL);
}

static void
discovery_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KioskSignIn) self = user_data;
  g_autoptr(GError) error = NULL;
  KioskOidcProvider *provider = kiosk_oidc_discover_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->state != KIOSK_SIGN_IN_STARTING)
    {
      kiosk_oidc_provider_free (provider);
      return;
    }
  if (provider == NULL)
    {
      g_message ("Sign-in: the account provider could not be discovered: %s", error->message);
      set_state (self, KIOSK_SIGN_IN_FAILED);
      return;
    }
  self->provider = provider;
  request_code (self);
}

/**
 * kiosk_sign_in_start:
 *
 * Asks the portal (or the OpenID provider, found first by discovery) for a new code,
 * forgetting any earlier one, then polls at the interval it gives until the citizen approves
 * or refuses on their phone, or the code expires.
 */
void
kiosk_sign_in_start (KioskSignIn *self)
{
  const char *issuer = kiosk_portal_get_account_issuer (self->portal);

  clear (self);
  self->cancellable = g_cancellable_new ();
  set_state (self, KIOSK_SIGN_IN_STARTING);
  if (issuer != NULL)
    kiosk_oidc_discover_async (self->portal, issuer, self->cancellable, discovery_done_cb,
                               g_object_ref (self));
  else
    request_code (self);
}

/* Stops asking and forgets the code; a token not yet taken (the citizen said "this is not me",
 * or left before saying) is revoked on the portal. */
void
kiosk_sign_in_cancel (KioskSignIn *self)
{
  if (self->account != NULL && self->portal != NULL)
    kiosk_account_revoke (self->portal, self->account);
  clear (self);
  if (self->state != KIOSK_SIGN_IN_IDLE)
    set_state (self, KIOSK_SIGN_IN_IDLE);
}

KioskSignInState
kiosk_sign_in_get_state (KioskSignIn *self)
{
  return self->state;
}

const char *
kiosk_sign_in_get_user_code (KioskSignIn *self)
{
  return self->user_code;
}

const char *
kiosk_sign_in_get_verification_uri (KioskSignIn *self)
{
  return self->verification_uri;
}

const char *
kiosk_sign_in_get_verification_uri_complete (KioskSignIn *self)
{
  return self->verification_uri_complete;
}

guint
kiosk_sign_in_get_interval (KioskSignIn *self)
{
  return self->interval;
}

/**
 * kiosk_sign_in_peek_account:
 *
 * The account the phone approved, before it is taken: whoever scans the code first wins
 * (RFC 8628 §5.4), so the terminal shows the name the portal gives and asks "is this you?"
 * before anything of that account goes to the session.
 *
 * Returns: (transfer none) (nullable): the approved account, not yet taken
 */
const KioskAccount *
kiosk_sign_in_peek_account (KioskSignIn *self)
{
  return self->account;
}

/* Returns: (transfer full) (nullable): the signed-in account, once approved */
KioskAccount *
kiosk_sign_in_steal_account (KioskSignIn *self)
{
  return g_steal_pointer (&self->account);
}

static void
kiosk_sign_in_dispose (GObject *object)
{
  KioskSignIn *self = KIOSK_SIGN_IN (object);

  clear (self);
  g_clear_object (&self->portal);
  G_OBJECT_CLASS (kiosk_sign_in_parent_class)->dispose (object);
}

static void
kiosk_sign_in_class_init (KioskSignInClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kiosk_sign_in_dispose;

  /**
   * KioskSignIn::changed:
   *
   * The state or the polling interval changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kiosk_sign_in_init (KioskSignIn *self)
{
}

KioskSignIn *
kiosk_sign_in_new (KioskPortal *portal)
{
  KioskSignIn *self = g_object_new (KIOSK_TYPE_SIGN_IN, NULL);

  self->portal = g_object_ref (portal);
  return self;
}

/* The account's requests */

static void
dossiers_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result, NULL, NULL, &error);
  JsonArray *list = kiosk_json_get_array (data, "dossiers");
  GPtrArray *dossiers;

  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (list == NULL)
    {
      g_task_return_new_error (task, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                               "The account's list of requests is malformed");
      return;
    }
  dossiers = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_account_dossier_free);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *status = kiosk_json_get_object (item, "status");
      KioskAccountDossier *dossier;

      if (kiosk_json_get_string (item, "number") == NULL)
        continue;
      dossier = g_new0 (KioskAccountDossier, 1);
      dossier->number = g_strdup (kiosk_json_get_string (item, "number"));
      dossier->slug = g_strdup (kiosk_json_get_string (item, "slug"));
      dossier->title = g_strdup (kiosk_json_get_string (item, "title"));
      dossier->status_id = g_strdup (kiosk_json_get_string (status, "id"));
      dossier->status_name = g_strdup (kiosk_json_get_string (status, "name"));
      dossier->receipt_time = g_strdup (kiosk_json_get_string (item, "receipt_time"));
      g_ptr_array_add (dossiers, dossier);
    }
  g_task_return_pointer (task, dossiers, (GDestroyNotify) g_ptr_array_unref);
}

/* "Mes demandes": the requests of the account, newest first. */
void
kiosk_account_fetch_dossiers_async (KioskPortal         *portal,
                                    const KioskAccount  *account,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_account_fetch_dossiers_async);
  kiosk_portal_call_json_with_token_async (portal, "GET", "api/account/dossiers", NULL, account->token,
                                           cancellable, dossiers_done_cb, task);
}

/* Returns: (transfer full): KioskAccountDossier array, or %NULL with @error set */
GPtrArray *
kiosk_account_fetch_dossiers_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
grant_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result, NULL, NULL, &error);
  const char *grant = kiosk_json_get_string (data, "grant");

  if (data == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (grant == NULL)
    g_task_return_new_error (task, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                             "The portal's grant is malformed");
  else
    g_task_return_pointer (task, g_strdup (grant), g_free);
}

/**
 * kiosk_account_request_grant_async:
 * @idempotency_key: the dossier's
 *
 * Asks the portal for a grant that attaches this one dossier to the account when it arrives,
 * whenever that is: the outbox carries the grant, never the token.
 */
void
kiosk_account_request_grant_async (KioskPortal         *portal,
                                   const KioskAccount  *account,
                                   const char          *idempotency_key,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "idempotency_key");
  json_builder_add_string_value (builder, idempotency_key);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = kiosk_json_to_string (root);
  g_task_set_source_tag (task, kiosk_account_request_grant_async);
  kiosk_portal_call_json_with_token_async (portal, "POST", "api/account/grants", body, account->token,
                                           cancellable, grant_done_cb, task);
}

char *
kiosk_account_request_grant_finish (GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
revoke_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);

  if (answer == NULL)
    g_message ("Sign-out: the token could not be revoked (it expires by itself): %s", error->message);
}

/**
 * kiosk_account_revoke:
 *
 * Tells the portal the token is no longer needed (RFC 7009), without waiting: the session ends
 * at once, and a token the portal did not hear about still expires by itself.
 */
void
kiosk_account_revoke (KioskPortal        *portal,
                      const KioskAccount *account)
{
  if (account->client_id != NULL && account->revocation_endpoint == NULL)
    return;   /* a provider that does not revoke: its token expires by itself */
  post_form (portal, account->revocation_endpoint ? account->revocation_endpoint : "oauth/revoke",
             NULL, revoke_done_cb, NULL,
             "token", account->token, "token_type_hint", "access_token",
             "client_id", account->client_id ? account->client_id : CLIENT_ID, NULL);
}

/* What an account knows, by the varname a form gives the question. This table is the one place
 * that ties the portal's profile to the catalogue's field names. */
static const struct
{
  const char *varname;
  gsize       offset;   /* of the KioskAccount member holding the answer */
} prefill_fields[] = {
  { "last_name", G_STRUCT_OFFSET (KioskAccount, last_name) },
  { "first_name", G_STRUCT_OFFSET (KioskAccount, first_name) },
  { "parent_last_name", G_STRUCT_OFFSET (KioskAccount, last_name) },
  { "parent_first_name", G_STRUCT_OFFSET (KioskAccount, first_name) },
  { "birth_date", G_STRUCT_OFFSET (KioskAccount, birth_date) },
  { "email", G_STRUCT_OFFSET (KioskAccount, email) },
  { "phone", G_STRUCT_OFFSET (KioskAccount, phone) },
  { "address", G_STRUCT_OFFSET (KioskAccount, address) },
};

/**
 * kiosk_account_prefill_dossier:
 * @account: the signed-in citizen's account
 * @dossier: a dossier just started
 *
 * Answers the questions of @dossier that the account knows (the citizen can still change them
 * on the form): the fields named in the table above, when the procedure asks them. Dates are
 * written as forms take them in New Caledonia, DD/MM/YYYY.
 */
void
kiosk_account_prefill_dossier (const KioskAccount *account,
                               KioskDossier       *dossier)
{
  KioskProcedure *procedure = kiosk_dossier_get_procedure (dossier);
  g_autofree char *birth_date = NULL;
  int year, month, day;

  if (account->birth_date != NULL && sscanf (account->birth_date, "%4d-%2d-%2d", &year, &month, &day) == 3)
    birth_date = g_strdup_printf ("%02d/%02d/%04d", day, month, year);
  for (guint i = 0; i < G_N_ELEMENTS (prefill_fields); i++)
    {
      const char *value = G_STRUCT_MEMBER (const char *, account, prefill_fields[i].offset);

      if (g_str_equal (prefill_fields[i].varname, "birth_date"))
        value = birth_date;
      if (value != NULL && kiosk_procedure_find_field (procedure, prefill_fields[i].varname) != NULL)
        kiosk_dossier_set_answer (dossier, prefill_fields[i].varname, value);
    }
}
