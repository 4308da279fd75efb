/* kiosk-portal.c: libcurl requests in worker threads, bounded and validated responses.
 *
 * Policy: plain http only to loopback; https always verifies the peer. A response body is capped
 * (a hostile or broken portal cannot exhaust memory) and parsed with kiosk_json_parse(). */
#include "kiosk-portal.h"
#include "kiosk-dispatch.h"

#include "kiosk-catalogue.h"
#include "kiosk-credentials.h"
#include "kiosk-signature.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"
#include "kiosk-task.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <string.h>

#define MAX_RESPONSE_SIZE (4 * 1024 * 1024)

struct _KioskPortal
{
  GObject  parent_instance;

  char    *base_url;   /* always ends with '/' */
  char    *kiosk_id;
  guint    connect_ms;
  guint    total_ms;
  guint    low_speed_bytes;
  guint    low_speed_seconds;
  char    *ca_file;      /* nullable: the system's CAs */
  char    *pinned_key;   /* nullable: "sha256//<base64>" of the portal's public key */
  char    *proxy;        /* nullable: none; never taken from the environment */
  GBytes  *signing_key;  /* nullable: the kiosk's HMAC key; requests are signed when set */
  GError  *signing_error; /* nullable: why the configured key could not be loaded */
  KioskJournal *journal; /* nullable: its head goes with every submission */
  char    *account_issuer;    /* nullable: the citizens' OpenID provider; the portal when NULL */
  char    *account_client_id; /* this kiosk's client id at that provider */
  GMutex   agent_lock;
  char    *agent_token;  /* nullable: the unlocked agent's session (X-Kiosk-Agent-Token) */
};

G_DEFINE_FINAL_TYPE (KioskPortal, kiosk_portal, G_TYPE_OBJECT)

void
kiosk_receipt_free (KioskReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->number);
  g_free (receipt->url);
  g_free (receipt->tracking_code);
  g_free (receipt);
}

static void
kiosk_portal_finalize (GObject *object)
{
  KioskPortal *self = KIOSK_PORTAL (object);

  g_free (self->base_url);
  g_free (self->kiosk_id);
  g_free (self->ca_file);
  g_free (self->pinned_key);
  g_free (self->proxy);
  g_clear_pointer (&self->signing_key, g_bytes_unref);
  g_clear_pointer (&self->agent_token, g_free);
  g_mutex_clear (&self->agent_lock);
  g_clear_error (&self->signing_error);
  g_clear_object (&self->journal);
  g_free (self->account_issuer);
  g_free (self->account_client_id);

  G_OBJECT_CLASS (kiosk_portal_parent_class)->finalize (object);
}

static void
kiosk_portal_class_init (KioskPortalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_portal_finalize;
}

static void
kiosk_portal_init (KioskPortal *self)
{
  self->connect_ms = 10000;
  self->total_ms = 120000;
  self->low_speed_bytes = 100;
  self->low_speed_seconds = 30;
  g_mutex_init (&self->agent_lock);
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  if (host[0] == '[')
    {
      g_autofree char *inner = g_strndup (host + 1, strlen (host) - 2);

      address = g_inet_address_new_from_string (inner);
    }
  else
    address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * kiosk_portal_check_url:
 *
 * Returns: %TRUE when @url may be used: https, or http to a loopback address
 */
gboolean
kiosk_portal_check_url (const char  *url,
                        GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url ? url : "", G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL,
                   "Not a portal URL: %s", url ? url : "(none)");
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback_host (g_uri_get_host (uri)))
    return TRUE;
  g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL,
               "Refusing %s: plain http is allowed only to a loopback address", url);
  return FALSE;
}

/**
 * kiosk_portal_new:
 * @base_url: the portal's root, e.g. https://portal.example.nc/
 * @kiosk_id: this terminal's identifier, sent with every submission
 *
 * Returns: (transfer full): a client, or %NULL with %KIOSK_PORTAL_ERROR_INSECURE_URL
 */
KioskPortal *
kiosk_portal_new (const char  *base_url,
                  const char  *kiosk_id,
                  GError     **error)
{
  KioskPortal *self;

  if (!kiosk_portal_check_url (base_url, error))
    return NULL;
  self = g_object_new (KIOSK_TYPE_PORTAL, NULL);
  self->base_url = g_str_has_suffix (base_url, "/") ? g_strdup (base_url)
                                                    : g_strconcat (base_url, "/", NULL);
  self->kiosk_id = g_strdup (kiosk_id);
  return self;
}

const char *
kiosk_portal_get_base_url (KioskPortal *self)
{
  return self->base_url;
}

/**
 * kiosk_portal_set_account_issuer:
 * @issuer: (nullable): the OpenID Connect issuer of the citizens' accounts (GSettings
 *   `account-issuer`); %NULL or "" for the portal's own device flow
 * @client_id: (nullable): this kiosk's client id at that provider; "kiosk" when %NULL or ""
 *
 * Where KioskSignIn finds the account provider (kiosk-account.h).
 */
void
kiosk_portal_set_account_issuer (KioskPortal *self,
                                 const char  *issuer,
                                 const char  *client_id)
{
  g_free (self->account_issuer);
  g_free (self->account_client_id);
  self->account_issuer = issuer != NULL && *issuer != '\0' ? g_strdup (issuer) : NULL;
  self->account_client_id = g_strdup (client_id != NULL && *client_id != '\0' ? client_id : "kiosk");
}

/* Returns: (nullable): the issuer set by kiosk_portal_set_account_issuer() */
const char *
kiosk_portal_get_account_issuer (KioskPortal *self)
{
  return self->account_issuer;
}

const char *
kiosk_portal_get_account_client_id (KioskPortal *self)
{
  return self->account_client_id != NULL ? self->account_client_id : "kiosk";
}

/**
 * kiosk_portal_set_timeouts:
 * @connect_ms: how long to wait for a connection
 * @total_ms: how long a whole request may take
 *
 * Tests shorten these so that a silent portal fails in seconds.
 */
void
kiosk_portal_set_timeouts (KioskPortal *self,
                           guint        connect_ms,
                           guint        total_ms)
{
  self->connect_ms = connect_ms;
  self->total_ms = total_ms;
}

/**
 * kiosk_portal_set_tls:
 * @ca_file: (nullable): a PEM file of the CAs to trust for the portal, %NULL for the system's
 * @pinned_key: (nullable): "sha256//<base64>" pins of the portal's public key (";"-separated)
 *
 * Verification stays on whatever is set here; these only narrow what is trusted. Set before the
 * first request.
 */
void
kiosk_portal_set_tls (KioskPortal *self,
                      const char  *ca_file,
                      const char  *pinned_key)
{
  g_free (self->ca_file);
  self->ca_file = (ca_file && *ca_file) ? g_strdup (ca_file) : NULL;
  g_free (self->pinned_key);
  self->pinned_key = (pinned_key && *pinned_key) ? g_strdup (pinned_key) : NULL;
}

/**
 * kiosk_portal_set_proxy:
 * @proxy: (nullable): a proxy URL ("http://proxy.example:3128"), or %NULL or "" for none
 *
 * The only proxy the client uses: proxy environment variables are ignored.
 */
void
kiosk_portal_set_proxy (KioskPortal *self,
                        const char  *proxy)
{
  g_free (self->proxy);
  self->proxy = (proxy && *proxy) ? g_strdup (proxy) : NULL;
}

/**
 * kiosk_portal_set_signing_key:
 * @key: (nullable): the kiosk's secret, shared with the portal
 *
 * Every request to the portal then carries Content-Digest (RFC 9530) and an HTTP Message
 * Signature (RFC 9421, hmac-sha256 with this key) over its method, URI, digest, kiosk id and
 * the other fields docs/portal-api.md lists, with a fresh nonce.
 */
void
kiosk_portal_set_signing_key (KioskPortal *self,
                              GBytes      *key)
{
  g_clear_pointer (&self->signing_key, g_bytes_unref);
  self->signing_key = key ? g_bytes_ref (key) : NULL;
}

/**
 * kiosk_portal_load_signing_key:
 * @path: a file readable by its owner only (0600)
 *
 * Returns: (transfer full): the key, or %NULL with @error set (also when others may read it)
 */
GBytes *
kiosk_portal_load_signing_key (const char  *path,
                               GError     **error)
{
  GStatBuf st;
  char *contents = NULL;
  gsize length = 0;

  if (g_stat (path, &st) != 0 || (st.st_mode & 0077) != 0)
    {
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED,
                   "Refusing the kiosk key %s: missing, or readable by others than its owner", path);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length < 16)
    {
      g_free (contents);
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED, "The kiosk key %s is too short", path);
      return NULL;
    }
  return g_bytes_new_take (contents, length);
}

/**
 * kiosk_portal_configure_signing:
 * @path: (nullable): the key file the settings name; %NULL or "" when none is set up. The
 *   "signing-key" systemd credential, when the unit passes one, is used instead.
 *
 * Loads the signing key and signs every request with it. A key that is set up but cannot be
 * loaded does not quietly turn signing off: the portal keeps the error for the agents' dashboard
 * (kiosk_portal_get_signing_error()) until a key loads.
 *
 * Returns: %FALSE with @error set when a key is set up and cannot be loaded
 */
gboolean
kiosk_portal_configure_signing (KioskPortal  *self,
                                const char   *path,
                                GError      **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *credential = kiosk_credential_path (KIOSK_CREDENTIAL_SIGNING_KEY);

  /* systemd's credential, when the unit passes one, comes before any file. */
  if (credential != NULL)
    path = credential;
  g_clear_error (&self->signing_error);
  if (path == NULL || *path == '\0')
    {
      kiosk_portal_set_signing_key (self, NULL);
      return TRUE;
    }
  key = kiosk_portal_load_signing_key (path, &local_error);
  kiosk_portal_set_signing_key (self, key);
  if (key == NULL)
    {
      self->signing_error = g_error_copy (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * kiosk_portal_get_signing_error:
 *
 * Returns: (nullable): why the signing key set up for this kiosk could not be loaded (requests
 *   then go unsigned), or %NULL
 */
const GError *
kiosk_portal_get_signing_error (KioskPortal *self)
{
  return self->signing_error;
}

/**
 * kiosk_portal_is_signing:
 *
 * Returns: whether requests are signed
 */
gboolean
kiosk_portal_is_signing (KioskPortal *self)
{
  return self->signing_key != NULL;
}

static gboolean
is_portal_url (KioskPortal *self,
               const char  *url)
{
  return g_str_has_prefix (url, self->base_url);
}

/* Adds X-Kiosk-Id and, when the kiosk has a key, Content-Digest (@content_digest, RFC 9530)
 * and the HTTP Message Signature (RFC 9421) over @headers as they stand: call it once every
 * other header is in the list. */
static struct curl_slist *
append_signature (KioskPortal       *self,
                  struct curl_slist *headers,
                  const char        *method,
                  const char        *url,
                  const char        *content_digest)
{
  g_autofree char *id_header = g_strdup_printf ("X-Kiosk-Id: %s", self->kiosk_id);
  g_autofree char *digest_header = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_auto(GStrv) signature = NULL;

  /* An OpenID provider's endpoint is no business of the portal's: neither the kiosk's id nor its
   * signature go there. */
  if (!is_portal_url (self, url))
    return headers;
  headers = curl_slist_append (headers, id_header);
  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->agent_lock);

    if (self->agent_token != NULL)
      {
        g_autofree char *header = g_strdup_printf ("X-Kiosk-Agent-Token: %s", self->agent_token);

        headers = curl_slist_append (headers, header);
      }
  }
  if (self->signing_key == NULL)
    return headers;
  digest_header = g_strdup_printf ("Content-Digest: %s", content_digest);
  headers = curl_slist_append (headers, digest_header);
  for (struct curl_slist *line = headers; line != NULL; line = line->next)
    g_ptr_array_add (lines, line->data);
  g_ptr_array_add (lines, NULL);
  signature = kiosk_signature_sign (self->signing_key, self->kiosk_id, method, url,
                                    (const char * const *) lines->pdata,
                                    g_get_real_time () / G_USEC_PER_SEC, NULL);
  for (guint i = 0; signature != NULL && signature[i] != NULL; i++)
    headers = curl_slist_append (headers, signature[i]);
  return headers;
}

/**
 * kiosk_portal_set_agent_token:
 * @token: (nullable): the session an agent opened on this terminal (POST /api/agents/session),
 *   or %NULL when agent mode locks
 *
 * While set, every request to the portal carries it as X-Kiosk-Agent-Token: the agent-only
 * endpoints refuse the terminal's signature alone. Callable from any thread.
 */
void
kiosk_portal_set_agent_token (KioskPortal *self,
                              const char  *token)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->agent_lock);

  g_free (self->agent_token);
  self->agent_token = g_strdup (token);
}

/**
 * kiosk_portal_get_kiosk_id:
 */
const char *
kiosk_portal_get_kiosk_id (KioskPortal *self)
{
  return self->kiosk_id;
}

/**
 * kiosk_portal_set_low_speed:
 * @bytes_per_second: below this speed…
 * @seconds: …for this long, a transfer is abandoned (a trickling portal or a dying link)
 */
void
kiosk_portal_set_low_speed (KioskPortal *self,
                            guint        bytes_per_second,
                            guint        seconds)
{
  self->low_speed_bytes = bytes_per_second;
  self->low_speed_seconds = MAX (seconds, 1);
}

typedef struct
{
  KioskPortal         *portal;          /* owned */
  char                *url;
  char                *etag;            /* in: If-None-Match; out: ETag */
  GByteArray          *body;
  gsize                max_body;
  gboolean             too_large;
  long                 status;
  char                *retry_after;

  /* Submission only. */
  KioskDossier        *dossier;         /* owned; read on the worker only through immutable data */
  char                *dossier_json;
  GPtrArray           *parts;           /* of KioskUploadPart */
  char                *idempotency_key;
  gboolean             replayed;

  /* JSON calls only. */
  char                *method;
  char                *json_body;       /* nullable */
  char                *err_code;        /* out: the portal's err_code of a 4xx answer */
  GHashTable          *field_errors;    /* out: varname → message of a 422 invalid-fields */
  char                *content_type;    /* nullable: JSON */
  char                *bearer;          /* nullable: a citizen's access token, never logged */
  char               **extra_headers;   /* nullable: more "Name: value" lines (a tracking code) */
  const char          *json_part;       /* the multipart's JSON part: "dossier" unless set */

  GCancellable        *cancellable;     /* borrowed from the task */
  GMainContext        *context;
  KioskPortalProgress  progress;
  gpointer             progress_data;
  gint64               last_progress;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->portal);
  g_free (request->url);
  g_free (request->etag);
  g_clear_pointer (&request->body, g_byte_array_unref);
  g_free (request->retry_after);
  g_clear_object (&request->dossier);
  if (request->dossier_json != NULL)
    explicit_bzero (request->dossier_json, strlen (request->dossier_json));
  g_free (request->dossier_json);
  g_clear_pointer (&request->parts, g_ptr_array_unref);
  g_free (request->idempotency_key);
  g_free (request->method);
  if (request->json_body != NULL)
    explicit_bzero (request->json_body, strlen (request->json_body));
  g_free (request->json_body);
  g_free (request->err_code);
  g_clear_pointer (&request->field_errors, g_hash_table_unref);
  g_free (request->content_type);
  if (request->bearer != NULL)
    explicit_bzero (request->bearer, strlen (request->bearer));
  g_free (request->bearer);
  for (guint i = 0; request->extra_headers != NULL && request->extra_headers[i] != NULL; i++)
    explicit_bzero (request->extra_headers[i], strlen (request->extra_headers[i]));
  g_strfreev (request->extra_headers);
  g_clear_pointer (&request->context, g_main_context_unref);
  g_free (request);
}

static Request *
request_new (KioskPortal *self,
             const char  *path,
             gsize        max_body)
{
  Request *request = g_new0 (Request, 1);

  request->portal = g_object_ref (self);
  /* An absolute URL is an OpenID provider's endpoint, from its discovery document. */
  if (g_str_has_prefix (path, "https://") || g_str_has_prefix (path, "http://"))
    request->url = g_strdup (path);
  else
    request->url = g_strconcat (self->base_url, path, NULL);
  request->body = g_byte_array_new ();
  request->max_body = max_body;
  request->context = g_main_context_ref_thread_default ();
  return request;
}

static size_t
write_body_cb (char   *data,
               size_t  size,
               size_t  nmemb,
               void   *user_data)
{
  Request *request = user_data;
  gsize length = size * nmemb;

  if (request->body->len + length > request->max_body)
    {
      request->too_large = TRUE;
      return 0;   /* makes curl abort with CURLE_WRITE_ERROR */
    }
  g_byte_array_append (request->body, (const guint8 *) data, length);
  return length;
}

static char *
dup_header_value (const char *line,
                  size_t      length,
                  const char *name)
{
  gsize name_length = strlen (name);

  if (length <= name_length || g_ascii_strncasecmp (line, name, name_length) != 0)
    return NULL;
  return g_strstrip (g_strndup (line + name_length, length - name_length));
}

static size_t
header_cb (char   *line,
           size_t  size,
           size_t  nmemb,
           void   *user_data)
{
  Request *request = user_data;
  size_t length = size * nmemb;
  char *value;

  if ((value = dup_header_value (line, length, "ETag:")) != NULL)
    {
      g_free (request->etag);
      request->etag = value;
    }
  else if ((value = dup_header_value (line, length, "Retry-After:")) != NULL)
    {
      g_free (request->retry_after);
      request->retry_after = value;
    }
  else if ((value = dup_header_value (line, length, "Idempotency-Replayed:")) != NULL)
    {
      request->replayed = g_ascii_strcasecmp (value, "true") == 0;
      g_free (value);
    }
  return length;
}

typedef struct
{
  KioskPortalProgress  progress;
  gpointer             data;
  guint64              sent;
  guint64              total;
} ProgressIdle;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressIdle *idle = user_data;

  idle->progress (idle->sent, idle->total, idle->data);
  return G_SOURCE_REMOVE;
}

static int
transfer_info_cb (void       *user_data,
                  curl_off_t  dltotal,
                  curl_off_t  dlnow,
                  curl_off_t  ultotal,
                  curl_off_t  ulnow)
{
  Request *request = user_data;
  gint64 now;

  if (g_cancellable_is_cancelled (request->cancellable))
    return 1;   /* aborts the transfer with CURLE_ABORTED_BY_CALLBACK */

  now = g_get_monotonic_time ();
  if (request->progress != NULL && ultotal > 0
      && (now - request->last_progress > 50000 || ulnow == ultotal))
    {
      ProgressIdle *idle = g_new0 (ProgressIdle, 1);

      request->last_progress = now;
      idle->progress = request->progress;
      idle->data = request->progress_data;
      idle->sent = ulnow;
      idle->total = ultotal;
      kiosk_dispatch (request->context, report_progress_cb, idle, g_free);
    }
  return 0;
}

/**
 * kiosk_portal_error_for_curl:
 * @curl_code: a CURLcode other than CURLE_OK
 *
 * How a transfer that got no HTTP answer is classified: a time-out (including the low-speed
 * abort) is %KIOSK_PORTAL_ERROR_TIMEOUT, a certificate or TLS handshake failure
 * %KIOSK_PORTAL_ERROR_TLS, anything else (refused, reset, DNS) %KIOSK_PORTAL_ERROR_UNREACHABLE.
 *
 * Returns: the code of the error the client reports
 */
KioskPortalError
kiosk_portal_error_for_curl (int curl_code)
{
  switch ((CURLcode) curl_code)
    {
    case CURLE_OPERATION_TIMEDOUT:
      return KIOSK_PORTAL_ERROR_TIMEOUT;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return KIOSK_PORTAL_ERROR_TLS;
    default:
      return KIOSK_PORTAL_ERROR_UNREACHABLE;
    }
}

/**
 * kiosk_portal_error_for_status:
 * @status: an HTTP status of 400 or more
 * @err_code: (nullable): the answer's `err_code`
 *
 * How an error answer is classified: 5xx, 408, 409 (the same key still being processed) and
 * 429 are %KIOSK_PORTAL_ERROR_SERVER; 422 `invalid-fields` is
 * %KIOSK_PORTAL_ERROR_INVALID_FIELDS; any other 4xx is %KIOSK_PORTAL_ERROR_REFUSED.
 *
 * Returns: the code of the error the client reports
 */
KioskPortalError
kiosk_portal_error_for_status (long        status,
                               const char *err_code)
{
  if (status >= 500 || status == 408 || status == 409 || status == 429)
    return KIOSK_PORTAL_ERROR_SERVER;
  if (status == 422 && g_strcmp0 (err_code, "invalid-fields") == 0)
    return KIOSK_PORTAL_ERROR_INVALID_FIELDS;
  return KIOSK_PORTAL_ERROR_REFUSED;
}

/**
 * kiosk_portal_error_is_transient:
 * @error: (nullable): an error of any domain
 *
 * The one rule of the kiosk for "is this error worth a retry", used by the submission, the
 * outbox's sender and the client's own short retries: the same request, sent again later with
 * the same Idempotency-Key, may succeed. That is %KIOSK_PORTAL_ERROR_UNREACHABLE,
 * %KIOSK_PORTAL_ERROR_TIMEOUT, %KIOSK_PORTAL_ERROR_SERVER (5xx, 408, 409, 429) and
 * %KIOSK_PORTAL_ERROR_MALFORMED (a garbled or oversized answer: the portal may have stored the
 * dossier, and the key makes it answer a repeat with what it stored). A refusal
 * (%KIOSK_PORTAL_ERROR_INVALID_FIELDS, %KIOSK_PORTAL_ERROR_REFUSED), an unsafe connection
 * (%KIOSK_PORTAL_ERROR_TLS, %KIOSK_PORTAL_ERROR_INSECURE_URL), a cancellation and any error of
 * another domain are not: they wait for the citizen or an agent.
 *
 * Returns: %TRUE when retrying may succeed
 */
gboolean
kiosk_portal_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != KIOSK_PORTAL_ERROR)
    return FALSE;
  switch ((KioskPortalError) error->code)
    {
    case KIOSK_PORTAL_ERROR_UNREACHABLE:
    case KIOSK_PORTAL_ERROR_TIMEOUT:
    case KIOSK_PORTAL_ERROR_SERVER:
    case KIOSK_PORTAL_ERROR_MALFORMED:
      return TRUE;
    case KIOSK_PORTAL_ERROR_INSECURE_URL:
    case KIOSK_PORTAL_ERROR_INVALID_FIELDS:
    case KIOSK_PORTAL_ERROR_REFUSED:
    case KIOSK_PORTAL_ERROR_TLS:
    default:
      return FALSE;
    }
}

static gboolean
set_curl_error (CURLcode      code,
                Request      *request,
                GError      **error)
{
  if (code == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (request->cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return FALSE;
    }
  if (request->too_large)
    {
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                   "The portal's answer exceeds %" G_GSIZE_FORMAT " bytes", request->max_body);
      return FALSE;
    }
  switch (kiosk_portal_error_for_curl (code))
    {
    case KIOSK_PORTAL_ERROR_TIMEOUT:
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TIMEOUT,
                   "The portal did not answer in time: %s", curl_easy_strerror (code));
      break;
    case KIOSK_PORTAL_ERROR_TLS:
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_TLS,
                   "TLS failure: %s", curl_easy_strerror (code));
      break;
    default:
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_UNREACHABLE,
                   "The portal is unreachable: %s", curl_easy_strerror (code));
      break;
    }
  return FALSE;
}

/* libcurl's global set-up (TLS libraries) waits for the first request, off the UI thread. */
static gpointer
init_curl_once (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

static CURL *
create_handle (Request *request)
{
  static GOnce once = G_ONCE_INIT;
  KioskPortal *self = request->portal;
  CURL *curl;

  g_once (&once, init_curl_once, NULL);
  curl = curl_easy_init ();

  curl_easy_setopt (curl, CURLOPT_URL, request->url);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (self->ca_file != NULL)
    {
      /* The file replaces the trust store: without this, libcurl's built-in CA directory
       * (/etc/ssl/certs) would still vouch for any system CA's certificate. */
      curl_easy_setopt (curl, CURLOPT_CAINFO, self->ca_file);
      curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
    }
  /* Only the proxy the settings name: libcurl would otherwise obey http_proxy and its kind from
   * whatever environment the kiosk was started in, and send the citizen's dossier there. */
  curl_easy_setopt (curl, CURLOPT_PROXY, self->proxy != NULL ? self->proxy : "");
  if (self->pinned_key != NULL && is_portal_url (self, request->url))
    curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, self->pinned_key);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long) self->connect_ms);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) self->total_ms);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, (long) self->low_speed_bytes);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long) self->low_speed_seconds);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "Kiosk/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, write_body_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, request);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, request);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, transfer_info_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, request);
  return curl;
}

/* Turns an error answer into a GError, keeping the portal's err_code for agents. */
static void
set_http_error (Request     *request,
                GHashTable **field_errors,
                GError     **error)
{
  g_autoptr(JsonObject) root = kiosk_json_parse_object ((const char *) request->body->data,
                                                        request->body->len, NULL);
  const char *code = kiosk_json_get_string (root, "err_code");
  const char *desc = kiosk_json_get_string (root, "err_desc");
  JsonObject *fields = kiosk_json_get_object (root, "fields");
  KioskPortalError kind = kiosk_portal_error_for_status (request->status, code);

  if (kind == KIOSK_PORTAL_ERROR_SERVER)
    {
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_SERVER,
                   "The portal answered %ld (%s)%s%s", request->status, code ? code : "no code",
                   request->retry_after ? ", retry after " : "",
                   request->retry_after ? request->retry_after : "");
      return;
    }
  if (kind == KIOSK_PORTAL_ERROR_INVALID_FIELDS)
    {
      if (field_errors != NULL && fields != NULL)
        *field_errors = kiosk_json_dup_string_members (fields);
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INVALID_FIELDS,
                   "The portal refused some answers: %s", desc ? desc : "");
      return;
    }
  g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_REFUSED,
               "The portal refused the request: %ld %s: %s", request->status,
               code ? code : "no code", desc ? desc : "");
}

/* A signed GET (with If-None-Match when the request has an ETag); blocking, for workers.
 * Returns: %FALSE with @error set when no HTTP answer came */
static gboolean
perform_get (Request       *request,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *empty = kiosk_content_digest_for_data ("", 0);
  struct curl_slist *headers = curl_slist_append (NULL, "Accept: application/json");
  CURL *curl = create_handle (request);
  CURLcode code;

  request->cancellable = cancellable;
  if (request->etag != NULL)
    {
      g_autofree char *header = g_strdup_printf ("If-None-Match: %s", request->etag);

      headers = curl_slist_append (headers, header);
    }
  headers = append_signature (request->portal, headers, "GET", request->url, empty);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &request->status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  if (code != CURLE_OK)
    return set_curl_error (code, request, error);
  return TRUE;
}

static void
fetch_catalogue_in_thread (GTask        *task,
                           gpointer      source,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GError) error = NULL;

  if (!perform_get (request, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (request->status == 304)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if (request->status != 200)
    {
      set_http_error (request, NULL, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&request->body)),
                         (GDestroyNotify) g_bytes_unref);
}

void
kiosk_dossier_status_free (KioskDossierStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->number);
  g_free (status->status_id);
  g_free (status->status_name);
  g_free (status->receipt_time);
  g_free (status);
}

static void
fetch_status_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = NULL;
  JsonObject *data, *status;
  KioskDossierStatus *result;

  if (!perform_get (request, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (request->status != 200)
    {
      set_http_error (request, NULL, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  root = kiosk_json_parse_object ((const char *) request->body->data, request->body->len, NULL);
  data = kiosk_json_get_object (root, "data");
  status = kiosk_json_get_object (data, "status");
  if (kiosk_json_get_string (data, "number") == NULL || kiosk_json_get_string (status, "id") == NULL)
    {
      g_task_return_new_error (task, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                               "The portal's dossier status is malformed");
      return;
    }
  result = g_new0 (KioskDossierStatus, 1);
  result->number = g_strdup (kiosk_json_get_string (data, "number"));
  result->status_id = g_strdup (kiosk_json_get_string (status, "id"));
  result->status_name = g_strdup (kiosk_json_get_string (status, "name"));
  result->receipt_time = g_strdup (kiosk_json_get_string (data, "receipt_time"));
  g_task_return_pointer (task, result, (GDestroyNotify) kiosk_dossier_status_free);
}

/**
 * kiosk_portal_fetch_status_async:
 * @number: a dossier number, e.g. DS-2026-000042
 *
 * Asks the portal where a dossier stands (for the receipt's follow-up and for agents).
 */
void
kiosk_portal_fetch_status_async (KioskPortal         *self,
                                 const char          *number,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (number, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("api/dossiers/%s", escaped);

  kiosk_task_run_in_thread (self, cancellable, callback, user_data, kiosk_portal_fetch_status_async,
                            request_new (self, path, MAX_RESPONSE_SIZE),
                            (GDestroyNotify) request_free, fetch_status_in_thread);
}

/**
 * kiosk_portal_fetch_status_finish:
 *
 * Returns: (transfer full): the dossier's status, or %NULL with @error set (REFUSED with
 *   "not-found" for an unknown number)
 */
KioskDossierStatus *
kiosk_portal_fetch_status_finish (KioskPortal   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return kiosk_task_propagate_pointer (result, self, error);
}

/**
 * kiosk_portal_fetch_catalogue_async:
 * @etag: (nullable): the ETag of the catalogue the kiosk has, for If-None-Match
 */
void
kiosk_portal_fetch_catalogue_async (KioskPortal         *self,
                                    const char          *etag,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Request *request = request_new (self, "api/catalogue", KIOSK_CATALOGUE_MAX_SIZE);

  request->etag = g_strdup (etag);
  kiosk_task_run_in_thread (self, cancellable, callback, user_data,
                            kiosk_portal_fetch_catalogue_async, request,
                            (GDestroyNotify) request_free, fetch_catalogue_in_thread);
}

/**
 * kiosk_portal_fetch_catalogue_finish:
 * @etag: (out) (transfer full) (optional): the new ETag
 *
 * Returns: (transfer full) (nullable): the catalogue document (not yet parsed), or %NULL with
 *   no error when the kiosk's copy is current (304)
 */
GBytes *
kiosk_portal_fetch_catalogue_finish (KioskPortal   *self,
                                     GAsyncResult  *result,
                                     char         **etag,
                                     GError       **error)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_portal_fetch_catalogue_async, NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (etag != NULL)
    *etag = g_strdup (request->etag);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kiosk_upload_part_free (KioskUploadPart *part)
{
  if (part == NULL)
    return;
  g_free (part->varname);
  g_free (part->filename);
  g_free (part->content_type);
  if (part->data_free != NULL)
    part->data_free (part->data);
  g_free (part);
}

static gpointer
open_bytes_reader (gpointer   data,
                   GError   **error)
{
  GBytes **reader = g_new0 (GBytes *, 2);

  reader[0] = g_bytes_ref (data);
  reader[1] = GSIZE_TO_POINTER (0);   /* offset */
  return reader;
}

static gssize
read_bytes_reader (gpointer  reader,
                   guint8   *buffer,
                   gsize     size)
{
  GBytes **state = reader;
  gsize length;
  const guint8 *data = g_bytes_get_data (state[0], &length);
  gsize offset = GPOINTER_TO_SIZE (state[1]);
  gsize take = MIN (size, length - offset);

  memcpy (buffer, data + offset, take);
  state[1] = GSIZE_TO_POINTER (offset + take);
  return take;
}

static void
close_bytes_reader (gpointer reader)
{
  GBytes **state = reader;

  g_bytes_unref (state[0]);
  g_free (state);
}

/**
 * kiosk_upload_part_new_for_document:
 *
 * Returns: (transfer full): a part that sends the document's bytes from memory
 */
KioskUploadPart *
kiosk_upload_part_new_for_document (KioskDocument *document)
{
  KioskUploadPart *part = g_new0 (KioskUploadPart, 1);
  GBytes *content = kiosk_document_get_content (document);

  part->varname = g_strdup (kiosk_document_get_varname (document));
  part->filename = g_strdup (kiosk_document_get_filename (document));
  part->content_type = g_strdup (kiosk_document_get_content_type (document));
  part->size = g_bytes_get_size (content);
  part->open = open_bytes_reader;
  part->read = read_bytes_reader;
  part->close = close_bytes_reader;
  part->data = g_bytes_ref (content);
  part->data_free = (GDestroyNotify) g_bytes_unref;
  return part;
}

/* The multipart body, built by the kiosk (not by curl) so that it can be hashed for the
 * signature and then sent from the same segments. File parts are read as they are sent (from
 * memory, or decrypted from the outbox on disk), so memory does not grow with their size. */
typedef struct
{
  GBytes          *bytes;   /* a piece of text, or NULL for a part */
  KioskUploadPart *part;    /* borrowed */
} Segment;

typedef struct
{
  char      *boundary;
  GArray    *segments;   /* of Segment */
  guint      index;      /* reading position */
  gsize      offset;
  gpointer   reader;     /* of the part being read */
  guint64    part_read;
  goffset    length;
  gboolean   failed;
} Multipart;

static void
multipart_close_reader (Multipart *body)
{
  if (body->reader != NULL)
    {
      g_array_index (body->segments, Segment, body->index).part->close (body->reader);
      body->reader = NULL;
    }
}

static void
multipart_free (Multipart *body)
{
  multipart_close_reader (body);
  for (guint i = 0; i < body->segments->len; i++)
    g_clear_pointer (&g_array_index (body->segments, Segment, i).bytes, g_bytes_unref);
  g_array_unref (body->segments);
  g_free (body->boundary);
  g_free (body);
}

static void
multipart_add_text (Multipart  *body,
                    const char *text)
{
  Segment segment = { g_bytes_new (text, strlen (text)), NULL };

  body->length += g_bytes_get_size (segment.bytes);
  g_array_append_val (body->segments, segment);
}

static void
multipart_add_part (Multipart       *body,
                    const char      *name,
                    const char      *filename,
                    const char      *content_type,
                    GBytes          *content,
                    KioskUploadPart *part)
{
  g_autofree char *head = filename
    ? g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                       "Content-Type: %s\r\n\r\n", body->boundary, name, filename, content_type)
    : g_strdup_printf ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n"
                       "Content-Type: %s\r\n\r\n", body->boundary, name, content_type);
  Segment segment = { content ? g_bytes_ref (content) : NULL, part };

  multipart_add_text (body, head);
  body->length += content ? g_bytes_get_size (content) : part->size;
  g_array_append_val (body->segments, segment);
  multipart_add_text (body, "\r\n");
}

static Multipart *
build_multipart (const char *json_part,
                 const char *dossier_json,
                 GPtrArray  *parts)
{
  Multipart *body = g_new0 (Multipart, 1);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(GBytes) json = g_bytes_new (dossier_json, strlen (dossier_json));
  g_autofree char *tail = NULL;

  body->boundary = g_strdup_printf ("kiosk-%s", uuid);
  body->segments = g_array_new (FALSE, TRUE, sizeof (Segment));
  multipart_add_part (body, json_part, NULL, "application/json", json, NULL);
  for (guint i = 0; i < parts->len; i++)
    {
      KioskUploadPart *part = g_ptr_array_index (parts, i);

      multipart_add_part (body, part->varname, part->filename, part->content_type, NULL, part);
    }
  tail = g_strdup_printf ("--%s--\r\n", body->boundary);
  multipart_add_text (body, tail);
  return body;
}

static void
multipart_rewind (Multipart *body)
{
  multipart_close_reader (body);
  body->index = 0;
  body->offset = 0;
  body->part_read = 0;
}

/* Reads the next bytes of the body; 0 at the end, -1 when a part cannot be read or does not
 * have the size it announced. */
static gssize
multipart_read (Multipart *body,
                guint8    *buffer,
                gsize      wanted)
{
  gsize copied = 0;

  while (copied < wanted && body->index < body->segments->len)
    {
      Segment *segment = &g_array_index (body->segments, Segment, body->index);
      gboolean done = FALSE;

      if (segment->bytes != NULL)
        {
          gsize length;
          const guint8 *data = g_bytes_get_data (segment->bytes, &length);
          gsize take = MIN (wanted - copied, length - body->offset);

          memcpy (buffer + copied, data + body->offset, take);
          copied += take;
          body->offset += take;
          done = body->offset == length;
        }
      else
        {
          gssize n;

          if (body->reader == NULL)
            {
              body->reader = segment->part->open (segment->part->data, NULL);
              body->part_read = 0;
              if (body->reader == NULL)
                return -1;
            }
          n = segment->part->read (body->reader, buffer + copied, wanted - copied);
          if (n < 0 || body->part_read + n > segment->part->size)
            return -1;
          copied += n;
          body->part_read += n;
          if (n == 0)
            {
              if (body->part_read != segment->part->size)
                return -1;
              multipart_close_reader (body);
              done = TRUE;
            }
        }
      if (done)
        {
          body->index++;
          body->offset = 0;
        }
    }
  return copied;
}

/* The body's Content-Digest, read (and decrypted) 64 KiB at a time as it will be sent: memory
 * does not grow with the documents' size. %NULL when a part cannot be read. */
static char *
digest_multipart (Multipart *body)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (65536);
  guint8 digest[32];
  gsize length = sizeof digest;
  gssize n;

  multipart_rewind (body);
  while ((n = multipart_read (body, buffer, 65536)) > 0)
    g_checksum_update (checksum, buffer, n);
  multipart_rewind (body);
  if (n < 0)
    return NULL;
  g_checksum_get_digest (checksum, digest, &length);
  return kiosk_content_digest_format (digest);
}

static size_t
read_multipart_cb (char   *buffer,
                   size_t  size,
                   size_t  nitems,
                   void   *user_data)
{
  Multipart *body = user_data;
  gssize n = multipart_read (body, (guint8 *) buffer, size * nitems);

  if (n < 0)
    {
      body->failed = TRUE;
      return CURL_READFUNC_ABORT;
    }
  return n;
}

/* curl rewinds the body when it must send it again (a reused connection that closed). */
static int
seek_multipart_cb (void       *user_data,
                   curl_off_t  offset,
                   int         origin)
{
  Multipart *body = user_data;

  if (origin != SEEK_SET || offset != 0)
    return CURL_SEEKFUNC_CANTSEEK;
  multipart_rewind (body);
  return CURL_SEEKFUNC_OK;
}

static KioskReceipt *
parse_receipt (Request  *request,
               GError  **error)
{
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *data;
  KioskReceipt *receipt;

  root = kiosk_json_parse_object ((const char *) request->body->data, request->body->len, &local_error);
  data = kiosk_json_get_object (root, "data");
  if (root == NULL || kiosk_json_get_int (root, "err", 1) != 0 || data == NULL
      || kiosk_json_get_string (data, "number") == NULL)
    {
      g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                   "The portal's receipt is malformed: %s",
                   local_error ? local_error->message : "missing err, data or number");
      return NULL;
    }
  receipt = g_new0 (KioskReceipt, 1);
  receipt->number = g_strdup (kiosk_json_get_string (data, "number"));
  receipt->url = g_strdup (kiosk_json_get_string (data, "url"));
  receipt->tracking_code = g_strdup (kiosk_json_get_string (data, "tracking_code"));
  receipt->replayed = request->replayed;
  return receipt;
}


/* Sends one dossier; blocking: runs on a worker thread. */
static KioskReceipt *
perform_submit (Request       *request,
                GCancellable  *cancellable,
                GHashTable   **field_errors,
                GError       **error)
{
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", request->idempotency_key);
  Multipart *body = build_multipart (request->json_part ? request->json_part : "dossier",
                                     request->dossier_json, request->parts);
  g_autofree char *type_header = g_strdup_printf ("Content-Type: multipart/form-data; boundary=%s",
                                                  body->boundary);
  /* Hashing reads (and decrypts) every document once more: only when the request is signed. */
  g_autofree char *content_digest = request->portal->signing_key ? digest_multipart (body) : g_strdup ("");
  struct curl_slist *headers = NULL;
  CURL *curl = create_handle (request);
  CURLcode code;

  request->cancellable = cancellable;
  if (content_digest == NULL)
    {
      multipart_free (body);
      curl_easy_cleanup (curl);
      g_set_error_literal (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED,
                           "A document of the dossier cannot be read");
      return NULL;
    }
  headers = curl_slist_append (headers, "Accept: application/json");
  headers = curl_slist_append (headers, "Expect:");
  headers = curl_slist_append (headers, key_header);
  headers = curl_slist_append (headers, type_header);
  for (guint i = 0; request->extra_headers != NULL && request->extra_headers[i] != NULL; i++)
    headers = curl_slist_append (headers, request->extra_headers[i]);
  if (request->portal->journal != NULL)
    {
      g_autofree char *mac = NULL;
      gint64 seq = kiosk_journal_get_head (request->portal->journal, &mac);
      g_autofree char *head = g_strdup_printf ("X-Kiosk-Journal-Head: %" G_GINT64_FORMAT " %s", seq, mac);

      if (seq > 0)
        headers = curl_slist_append (headers, head);
    }
  headers = append_signature (request->portal, headers, "POST", request->url, content_digest);

  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POST, 1L);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body->length);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, read_multipart_cb);
  curl_easy_setopt (curl, CURLOPT_UPLOAD_BUFFERSIZE, 1024L * 1024);
  curl_easy_setopt (curl, CURLOPT_READDATA, body);
  curl_easy_setopt (curl, CURLOPT_SEEKFUNCTION, seek_multipart_cb);
  curl_easy_setopt (curl, CURLOPT_SEEKDATA, body);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &request->status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  if (body->failed)
    {
      multipart_free (body);
      g_set_error_literal (error, KIOSK_STORAGE_ERROR, KIOSK_STORAGE_ERROR_FAILED,
                           "A document of the dossier could not be read while sending");
      return NULL;
    }
  multipart_free (body);

  if (code != CURLE_OK)
    return set_curl_error (code, request, error), NULL;
  if (request->status != 200 && request->status != 201)
    {
      set_http_error (request, field_errors, error);
      return NULL;
    }
  return parse_receipt (request, error);
}

static void
submit_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Request *request = task_data;
  GHashTable *field_errors = NULL;
  GError *error = NULL;
  KioskReceipt *receipt = perform_submit (request, cancellable, &field_errors, &error);

  if (field_errors != NULL)
    g_object_set_data_full (G_OBJECT (task), "field-errors", field_errors,
                            (GDestroyNotify) g_hash_table_unref);
  if (receipt == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, receipt, (GDestroyNotify) kiosk_receipt_free);
}

/**
 * kiosk_portal_submit_payload:
 * @slug: the procedure
 * @idempotency_key: the dossier's key for life
 * @dossier_json: the `dossier` part
 * @parts: (element-type KioskUploadPart): the files, read as they are sent
 * @retry_after: (out) (optional): seconds the portal asked to wait (Retry-After), or 0
 *
 * Blocking: for worker threads (the outbox's sender).
 *
 * Returns: (transfer full): the receipt, or %NULL with @error set
 */
KioskReceipt *
kiosk_portal_submit_payload (KioskPortal   *self,
                             const char    *slug,
                             const char    *idempotency_key,
                             const char    *dossier_json,
                             GPtrArray     *parts,
                             GCancellable  *cancellable,
                             guint         *retry_after,
                             GError       **error)
{
  g_autofree char *path = g_strdup_printf ("api/formdefs/%s/submit", slug);
  Request *request = request_new (self, path, MAX_RESPONSE_SIZE);
  KioskReceipt *receipt;

  request->dossier_json = g_strdup (dossier_json);
  request->parts = g_ptr_array_ref (parts);
  request->idempotency_key = g_strdup (idempotency_key);
  receipt = perform_submit (request, cancellable, NULL, error);
  if (retry_after != NULL)
    *retry_after = request->retry_after ? (guint) g_ascii_strtoull (request->retry_after, NULL, 10) : 0;
  request_free (request);
  return receipt;
}

/**
 * kiosk_portal_submit_async:
 * @dossier: a complete dossier
 * @progress: (nullable): called with bytes sent / total on the caller's main context
 *
 * Sends the dossier and its documents as multipart/form-data with the dossier's
 * Idempotency-Key, so that a retry can never create a second dossier.
 */
void
kiosk_portal_submit_async (KioskPortal         *self,
                           KioskDossier        *dossier,
                           KioskPortalProgress  progress,
                           gpointer             progress_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf ("api/formdefs/%s/submit",
                                           kiosk_procedure_get_slug (kiosk_dossier_get_procedure (dossier)));
  g_autoptr(GError) error = NULL;
  Request *request;

  g_task_set_source_tag (task, kiosk_portal_submit_async);
  request = request_new (self, path, MAX_RESPONSE_SIZE);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  /* Everything the worker needs is copied or immutable, so the UI may go on with the dossier. */
  request->dossier = g_object_ref (dossier);
  request->dossier_json = kiosk_dossier_build_json (dossier, self->kiosk_id, &error);
  {
    g_autoptr(GPtrArray) documents = kiosk_dossier_get_documents (dossier);

    request->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);
    for (guint i = 0; i < documents->len; i++)
      g_ptr_array_add (request->parts, kiosk_upload_part_new_for_document (g_ptr_array_index (documents, i)));
  }
  request->idempotency_key = g_strdup (kiosk_dossier_get_idempotency_key (dossier));
  request->progress = progress;
  request->progress_data = progress_data;
  if (request->dossier_json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_run_in_thread (task, submit_in_thread);
}

/**
 * kiosk_portal_submit_finish:
 * @field_errors: (out) (transfer full) (optional) (nullable): varname → the portal's message,
 *   set with %KIOSK_PORTAL_ERROR_INVALID_FIELDS
 *
 * Returns: (transfer full): the receipt, or %NULL with @error set
 */
KioskReceipt *
kiosk_portal_submit_finish (KioskPortal   *self,
                            GAsyncResult  *result,
                            GHashTable   **field_errors,
                            GError       **error)
{
  GHashTable *errors;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_portal_submit_async, NULL);

  errors = g_object_get_data (G_OBJECT (result), "field-errors");
  if (field_errors != NULL)
    *field_errors = errors ? g_hash_table_ref (errors) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* JSON calls (appointments, …) */

/* One signed request with an optional JSON body; blocking, for workers.
 * Returns: %FALSE with @error set when no HTTP answer came */
static gboolean
perform_json (Request       *request,
              GCancellable  *cancellable,
              GError       **error)
{
  const char *body = request->json_body ? request->json_body : "";
  g_autofree char *content_digest = kiosk_content_digest_for_data (body, strlen (body));
  struct curl_slist *headers = curl_slist_append (NULL, "Accept: application/json");
  CURL *curl = create_handle (request);
  CURLcode code;

  request->cancellable = cancellable;
  g_byte_array_set_size (request->body, 0);
  request->too_large = FALSE;
  request->replayed = FALSE;
  g_clear_pointer (&request->retry_after, g_free);
  if (request->idempotency_key != NULL)
    {
      g_autofree char *header = g_strdup_printf ("Idempotency-Key: %s", request->idempotency_key);

      headers = curl_slist_append (headers, header);
    }
  if (request->bearer != NULL)
    {
      g_autofree char *header = g_strdup_printf ("Authorization: Bearer %s", request->bearer);

      headers = curl_slist_append (headers, header);
      explicit_bzero (header, strlen (header));
    }
  for (guint i = 0; request->extra_headers != NULL && request->extra_headers[i] != NULL; i++)
    headers = curl_slist_append (headers, request->extra_headers[i]);
  if (strcmp (request->method, "GET") != 0)
    {
      g_autofree char *type = g_strdup_printf ("Content-Type: %s", request->content_type
                                               ? request->content_type
                                               : "application/json; charset=utf-8");

      headers = curl_slist_append (headers, type);
      curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, request->method);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) strlen (body));
    }
  headers = append_signature (request->portal, headers, request->method, request->url, content_digest);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &request->status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  if (code != CURLE_OK)
    return set_curl_error (code, request, error);
  return TRUE;
}

static void
call_json_in_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  Request *request = task_data;
  /* Only a request carrying an Idempotency-Key may be sent again: the portal then answers a
   * repeat with the stored answer instead of acting twice (e.g. booking two slots). */
  guint attempts = request->idempotency_key != NULL || strcmp (request->method, "GET") == 0 ? 3 : 1;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = NULL;
  JsonObject *data;

  for (guint attempt = 1; attempt <= attempts; attempt++)
    {
      g_clear_error (&error);
      g_clear_pointer (&request->field_errors, g_hash_table_unref);
      if (perform_json (request, cancellable, &error) && request->status >= 400)
        set_http_error (request, &request->field_errors, &error);
      if (error == NULL || !kiosk_portal_error_is_transient (error) || attempt == attempts)
        break;
      /* Short pauses: a citizen is waiting in front of the screen. */
      if (g_cancellable_is_cancelled (cancellable))
        break;
      g_usleep (attempt * 300 * 1000);
    }
  if (error != NULL)
    {
      if (request->status >= 400 && request->status < 500)
        {
          g_autoptr(JsonObject) answer = kiosk_json_parse_object ((const char *) request->body->data,
                                                                  request->body->len, NULL);

          request->err_code = g_strdup (kiosk_json_get_string (answer, "err_code"));
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  root = kiosk_json_parse_object ((const char *) request->body->data, request->body->len, &error);
  data = kiosk_json_get_object (root, "data");
  if (data == NULL)
    {
      g_task_return_new_error (task, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                               "The portal's answer is malformed: %s",
                               error ? error->message : "no data object");
      return;
    }
  g_task_return_pointer (task, json_object_ref (data), (GDestroyNotify) json_object_unref);
}

/* One request of any kind, run by @worker; @source_tag says which _finish() reads it. */
static void
start_request (KioskPortal         *self,
               gpointer             source_tag,
               GTaskThreadFunc      worker,
               const char          *method,
               const char          *path,
               const char          *content_type,
               const char          *body,
               const char          *idempotency_key,
               const char          *bearer,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  Request *request = request_new (self, path, MAX_RESPONSE_SIZE);

  request->method = g_strdup (method);
  request->content_type = g_strdup (content_type);
  request->json_body = g_strdup (body);
  request->idempotency_key = g_strdup (idempotency_key);
  request->bearer = g_strdup (bearer);
  kiosk_task_run_in_thread (self, cancellable, callback, user_data, source_tag, request,
                            (GDestroyNotify) request_free, worker);
}

/**
 * kiosk_portal_call_json_async:
 * @method: GET, POST, PUT or DELETE
 * @path: the path below the base URL, already escaped, e.g. "api/appointments/slots?motif=x"
 * @body: (nullable): a JSON document sent as the body
 * @idempotency_key: (nullable): sent as Idempotency-Key; with one, a request that got no answer
 *   (network error, 5xx, 409 while the first is still being processed) is sent again, twice at most
 *
 * A call of the portal API whose answer is `{"err": 0, "data": {…}}`. The answer is parsed with
 * the guarded parser in the worker.
 */
void
kiosk_portal_call_json_async (KioskPortal         *self,
                              const char          *method,
                              const char          *path,
                              const char          *body,
                              const char          *idempotency_key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  start_request (self, kiosk_portal_call_json_async, call_json_in_thread, method, path, NULL, body,
                 idempotency_key, NULL, cancellable, callback, user_data);
}

/**
 * kiosk_portal_request_help_async:
 *
 * Tells the portal that a citizen at this terminal asks for an agent
 * (`POST api/kiosks/<kiosk id>/help-requests`), so that agents elsewhere in the centre see it.
 */
void
kiosk_portal_request_help_async (KioskPortal         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (self->kiosk_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("api/kiosks/%s/help-requests", escaped);

  start_request (self, kiosk_portal_request_help_async, call_json_in_thread, "POST", path, NULL,
                 "{}", NULL, NULL, cancellable, callback, user_data);
}

/**
 * kiosk_portal_request_help_finish:
 *
 * Returns: %TRUE when the portal recorded the call
 */
gboolean
kiosk_portal_request_help_finish (KioskPortal   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr(JsonObject) data = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  data = g_task_propagate_pointer (G_TASK (result), error);
  return data != NULL;
}

/**
 * kiosk_portal_call_json_finish:
 * @err_code: (out) (optional) (transfer full): for a 4xx answer, the portal's err_code
 *   (e.g. "slot-taken"), else %NULL
 * @field_errors: (out) (optional) (transfer full): for a 422 `invalid-fields`, varname → French
 *   message, else %NULL
 *
 * Returns: (transfer full): the answer's `data` object, or %NULL with @error set
 */
JsonObject *
kiosk_portal_call_json_finish (KioskPortal   *self,
                               GAsyncResult  *result,
                               char         **err_code,
                               GHashTable   **field_errors,
                               GError       **error)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  request = g_task_get_task_data (G_TASK (result));
  if (err_code != NULL)
    *err_code = g_strdup (request->err_code);
  if (field_errors != NULL)
    *field_errors = request->field_errors ? g_hash_table_ref (request->field_errors) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kiosk_portal_answer_free (KioskPortalAnswer *answer)
{
  if (answer == NULL)
    return;
  g_clear_pointer (&answer->root, json_object_unref);
  g_free (answer);
}

static void
request_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  KioskPortalAnswer *answer;

  if (!perform_json (request, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  answer = g_new0 (KioskPortalAnswer, 1);
  answer->status = request->status;
  answer->root = kiosk_json_parse_object ((const char *) request->body->data, request->body->len, NULL);
  /* The answer may hold a token: wipe the raw bytes (an empty body has no buffer at all). */
  if (request->body->len > 0)
    explicit_bzero (request->body->data, request->body->len);
  g_task_return_pointer (task, answer, (GDestroyNotify) kiosk_portal_answer_free);
}

/**
 * kiosk_portal_request_async:
 * @content_type: (nullable): of @body; JSON when %NULL
 * @body: (nullable): the request body (e.g. a form for OAuth endpoints)
 * @bearer: (nullable): an access token sent as `Authorization: Bearer`
 *
 * One request whatever its answer's status: the caller reads the status and the JSON object
 * (parsed in the worker with the guarded parser). Used for the OAuth endpoints, whose errors
 * are not the API's `{"err": 1}` form. Sent once; never retried.
 */
void
kiosk_portal_request_async (KioskPortal         *self,
                            const char          *method,
                            const char          *path,
                            const char          *content_type,
                            const char          *body,
                            const char          *bearer,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  start_request (self, kiosk_portal_request_async, request_in_thread, method, path, content_type, body,
                 NULL, bearer, cancellable, callback, user_data);
}

/* Returns: (transfer full): the answer, or %NULL with @error set when none came */
KioskPortalAnswer *
kiosk_portal_request_finish (KioskPortal   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return kiosk_task_propagate_pointer (result, self, error);
}

/**
 * kiosk_portal_call_json_with_token_async:
 *
 * kiosk_portal_call_json_async() for the citizen's account endpoints, with a bearer token.
 */
void
kiosk_portal_call_json_with_token_async (KioskPortal         *self,
                                         const char          *method,
                                         const char          *path,
                                         const char          *body,
                                         const char          *bearer,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  start_request (self, kiosk_portal_call_json_async, call_json_in_thread, method, path, NULL, body,
                 NULL, bearer, cancellable, callback, user_data);
}

/**
 * kiosk_portal_set_journal:
 * @journal: (nullable): the terminal's journal; its latest head (seq and mac) is sent with every
 *   submission in `X-Kiosk-Journal-Head`, so the portal can later tell a truncated or rewritten
 *   journal
 */
void
kiosk_portal_set_journal (KioskPortal  *self,
                          KioskJournal *journal)
{
  g_set_object (&self->journal, journal);
}

/* Copies what a caller of the blocking calls below reads from a finished request. */
static KioskPortalAnswer *
build_answer (Request *request)
{
  KioskPortalAnswer *answer = g_new0 (KioskPortalAnswer, 1);

  answer->status = request->status;
  answer->root = kiosk_json_parse_object ((const char *) request->body->data, request->body->len, NULL);
  answer->replayed = request->replayed;
  answer->retry_after = request->retry_after ? (guint) g_ascii_strtoull (request->retry_after, NULL, 10) : 0;
  if (request->body->len > 0)
    explicit_bzero (request->body->data, request->body->len);
  return answer;
}

/**
 * kiosk_portal_get_answer:
 * @path: below the base URL, already escaped
 * @extra_headers: (nullable) (array zero-terminated=1): more `Name: value` lines, e.g. a
 *   tracking code or `Authorization: Bearer …`
 *
 * One signed GET whatever its answer's status, for workers (kiosk-followup.c): blocking, sent
 * once.
 *
 * Returns: (transfer full): the answer, or %NULL with @error set when none came
 */
KioskPortalAnswer *
kiosk_portal_get_answer (KioskPortal         *self,
                         const char          *path,
                         const char * const  *extra_headers,
                         GCancellable        *cancellable,
                         GError             **error)
{
  Request *request = request_new (self, path, MAX_RESPONSE_SIZE);
  KioskPortalAnswer *answer = NULL;

  request->method = g_strdup ("GET");
  request->extra_headers = g_strdupv ((char **) extra_headers);
  if (perform_json (request, cancellable, error))
    answer = build_answer (request);
  request_free (request);
  return answer;
}

/**
 * kiosk_portal_post_multipart:
 * @path: below the base URL, already escaped
 * @idempotency_key: sent as `Idempotency-Key`
 * @extra_headers: (nullable) (array zero-terminated=1): more `Name: value` lines
 * @json_part: the name of the JSON part (`complement`)
 * @json: its content
 * @parts: (element-type KioskUploadPart): the files, read as they are sent
 *
 * A multipart POST made, streamed and signed exactly as a submission, whatever its answer's
 * status; for workers (kiosk-followup.c): blocking, sent once.
 *
 * Returns: (transfer full): the answer, or %NULL with @error set when none came (or a document
 *   could not be read)
 */
KioskPortalAnswer *
kiosk_portal_post_multipart (KioskPortal         *self,
                             const char          *path,
                             const char          *idempotency_key,
                             const char * const  *extra_headers,
                             const char          *json_part,
                             const char          *json,
                             GPtrArray           *parts,
                             GCancellable        *cancellable,
                             GError             **error)
{
  Request *request = request_new (self, path, MAX_RESPONSE_SIZE);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KioskReceipt) receipt = NULL;
  KioskPortalAnswer *answer = NULL;

  request->json_part = json_part;
  request->dossier_json = g_strdup (json);
  request->parts = g_ptr_array_ref (parts);
  request->idempotency_key = g_strdup (idempotency_key);
  request->extra_headers = g_strdupv ((char **) extra_headers);
  receipt = perform_submit (request, cancellable, NULL, &local_error);
  /* Any HTTP answer goes back to the caller, who reads it; only the lack of one is an error. */
  if (receipt != NULL || (request->status >= 200 && local_error != NULL && local_error->domain == KIOSK_PORTAL_ERROR
                          && local_error->code != KIOSK_PORTAL_ERROR_TIMEOUT
                          && local_error->code != KIOSK_PORTAL_ERROR_UNREACHABLE))
    answer = build_answer (request);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  request_free (request);
  return answer;
}
