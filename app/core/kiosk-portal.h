/* kiosk-portal.h: the client of the provincial portal API (docs/portal-api.md), over libcurl.
 *
 * Every request runs in a GTask worker thread; callbacks come back on the thread-default main
 * context of the caller. */
#pragma once

#include "kiosk-dossier.h"
#include "kiosk-errors.h"
#include "kiosk-journal.h"

G_BEGIN_DECLS

typedef struct
{
  char *number;
  char *url;         /* nullable: unknown while the dossier waits in the outbox */
  gboolean replayed;
  gboolean queued;   /* saved on the terminal; the sender delivers it later */
  char *tracking_code; /* nullable: with the number, lets the citizen follow the dossier
                        * (printed `7K2M-9QXD-4F2A`); unknown while queued */
} KioskReceipt;

void kiosk_receipt_free (KioskReceipt *receipt);

typedef struct
{
  char *number;
  char *status_id;      /* received, in-progress, accepted, refused */
  char *status_name;    /* as the portal words it, in French */
  char *receipt_time;   /* ISO 8601, nullable */
} KioskDossierStatus;

void kiosk_dossier_status_free (KioskDossierStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskDossierStatus, kiosk_dossier_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskReceipt, kiosk_receipt_free)

/**
 * KioskUploadPart:
 * @open: returns a reader positioned at the start, or %NULL
 * @read: fills up to n bytes; 0 at the end, -1 on error
 *
 * A file part of a submission, read as it is sent.
 */
typedef struct
{
  char           *varname;
  char           *filename;
  char           *content_type;
  guint64         size;
  gpointer      (*open)  (gpointer data, GError **error);
  gssize        (*read)  (gpointer reader, guint8 *buffer, gsize size);
  void          (*close) (gpointer reader);
  gpointer        data;
  GDestroyNotify  data_free;
} KioskUploadPart;

void             kiosk_upload_part_free             (KioskUploadPart *part);
KioskUploadPart *kiosk_upload_part_new_for_document (KioskDocument   *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskUploadPart, kiosk_upload_part_free)

/* Called on the caller's main context, at most ~20 times a second. */
typedef void (*KioskPortalProgress) (guint64  sent,
                                     guint64  total,
                                     gpointer user_data);

gboolean         kiosk_portal_error_is_transient (const GError *error);
KioskPortalError kiosk_portal_error_for_status   (long          status,
                                                  const char   *err_code);
KioskPortalError kiosk_portal_error_for_curl     (int           curl_code);

#define KIOSK_TYPE_PORTAL (kiosk_portal_get_type ())
G_DECLARE_FINAL_TYPE (KioskPortal, kiosk_portal, KIOSK, PORTAL, GObject)

KioskPortal  *kiosk_portal_new                    (const char           *base_url,
                                                   const char           *kiosk_id,
                                                   GError              **error);
const char   *kiosk_portal_get_base_url           (KioskPortal          *self);
void          kiosk_portal_set_account_issuer     (KioskPortal          *self,
                                                   const char           *issuer,
                                                   const char           *client_id);
const char   *kiosk_portal_get_account_issuer     (KioskPortal          *self);
const char   *kiosk_portal_get_account_client_id  (KioskPortal          *self);
void          kiosk_portal_set_timeouts           (KioskPortal          *self,
                                                   guint                 connect_ms,
                                                   guint                 total_ms);
void          kiosk_portal_set_signing_key        (KioskPortal          *self,
                                                   GBytes               *key);
GBytes       *kiosk_portal_load_signing_key       (const char           *path,
                                                   GError              **error);
gboolean      kiosk_portal_configure_signing      (KioskPortal          *self,
                                                   const char           *path,
                                                   GError              **error);
const GError *kiosk_portal_get_signing_error      (KioskPortal          *self);
gboolean      kiosk_portal_is_signing             (KioskPortal          *self);
void          kiosk_portal_set_agent_token        (KioskPortal          *self,
                                                   const char           *token);
const char   *kiosk_portal_get_kiosk_id           (KioskPortal          *self);
void          kiosk_portal_set_low_speed          (KioskPortal          *self,
                                                   guint                 bytes_per_second,
                                                   guint                 seconds);
void          kiosk_portal_set_tls                (KioskPortal          *self,
                                                   const char           *ca_file,
                                                   const char           *pinned_key);
void          kiosk_portal_set_proxy              (KioskPortal          *self,
                                                   const char           *proxy);
gboolean      kiosk_portal_check_url              (const char           *url,
                                                   GError              **error);

void          kiosk_portal_fetch_catalogue_async  (KioskPortal          *self,
                                                   const char           *etag,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GBytes       *kiosk_portal_fetch_catalogue_finish (KioskPortal          *self,
                                                   GAsyncResult         *result,
                                                   char                **etag,
                                                   GError              **error);

void          kiosk_portal_fetch_status_async     (KioskPortal          *self,
                                                   const char           *number,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
KioskDossierStatus *kiosk_portal_fetch_status_finish (KioskPortal        *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

void          kiosk_portal_submit_async           (KioskPortal          *self,
                                                   KioskDossier         *dossier,
                                                   KioskPortalProgress   progress,
                                                   gpointer              progress_data,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
KioskReceipt *kiosk_portal_submit_finish          (KioskPortal          *self,
                                                   GAsyncResult         *result,
                                                   GHashTable          **field_errors,
                                                   GError              **error);

KioskReceipt *kiosk_portal_submit_payload        (KioskPortal          *self,
                                                   const char           *slug,
                                                   const char           *idempotency_key,
                                                   const char           *dossier_json,
                                                   GPtrArray            *parts,
                                                   GCancellable         *cancellable,
                                                   guint                *retry_after,
                                                   GError              **error);

void          kiosk_portal_call_json_async        (KioskPortal          *self,
                                                   const char           *method,
                                                   const char           *path,
                                                   const char           *body,
                                                   const char           *idempotency_key,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
void          kiosk_portal_request_help_async     (KioskPortal          *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean      kiosk_portal_request_help_finish    (KioskPortal          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
JsonObject   *kiosk_portal_call_json_finish       (KioskPortal          *self,
                                                   GAsyncResult         *result,
                                                   char                **err_code,
                                                   GHashTable          **field_errors,
                                                   GError              **error);

typedef struct
{
  long        status;
  JsonObject *root;     /* nullable: the answer was not a JSON object */
  gboolean    replayed;     /* Idempotency-Replayed: true */
  guint       retry_after;  /* Retry-After in seconds, 0 when absent */
} KioskPortalAnswer;

void                kiosk_portal_answer_free     (KioskPortalAnswer *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskPortalAnswer, kiosk_portal_answer_free)

void                kiosk_portal_request_async   (KioskPortal          *self,
                                                  const char           *method,
                                                  const char           *path,
                                                  const char           *content_type,
                                                  const char           *body,
                                                  const char           *bearer,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
KioskPortalAnswer  *kiosk_portal_request_finish  (KioskPortal          *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void                kiosk_portal_call_json_with_token_async (KioskPortal         *self,
                                                             const char          *method,
                                                             const char          *path,
                                                             const char          *body,
                                                             const char          *bearer,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);

void                kiosk_portal_set_journal     (KioskPortal          *self,
                                                  KioskJournal         *journal);

KioskPortalAnswer  *kiosk_portal_get_answer      (KioskPortal          *self,
                                                  const char           *path,
                                                  const char * const   *extra_headers,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
KioskPortalAnswer  *kiosk_portal_post_multipart  (KioskPortal          *self,
                                                  const char           *path,
                                                  const char           *idempotency_key,
                                                  const char * const   *extra_headers,
                                                  const char           *json_part,
                                                  const char           *json,
                                                  GPtrArray            *parts,
                                                  GCancellable         *cancellable,
                                                  GError              **error);

G_END_DECLS
