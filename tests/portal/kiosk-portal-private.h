/* kiosk-portal-private.h: what the reference portal's files share — the submission validator
 * (kiosk-portal-validate.c) and the SQLite store (kiosk-portal-store.c) used by the HTTP front
 * (kiosk-portal.c).
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* One document part received with a submission. */
typedef struct
{
  char   *varname;
  char   *filename;      /* from Content-Disposition, else the declared one, else varname */
  char   *content_type;  /* the part's Content-Type without parameters, lower case */
  GBytes *bytes;
  char   *sha256;        /* lower-case hex */
} KioskPortalUpload;

void        kiosk_portal_upload_free              (KioskPortalUpload *upload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskPortalUpload, kiosk_portal_upload_free)

/* Validation. @errors maps varname → French message (both owned by the table). */
GHashTable *kiosk_portal_new_errors               (void);
void        kiosk_portal_validate_answers         (JsonObject        *procedure,
                                                   JsonObject        *data,
                                                   GHashTable        *errors);
gboolean    kiosk_portal_validate_documents       (JsonObject        *procedure,
                                                   JsonObject        *data,
                                                   JsonObject        *declared_files,
                                                   GHashTable        *uploads,
                                                   GHashTable        *errors);

JsonObject *kiosk_portal_find_document            (JsonObject        *procedure,
                                                   const char        *varname);
gboolean    kiosk_portal_validate_part            (JsonObject        *document,
                                                   const char        *part,
                                                   JsonObject        *declared_files,
                                                   GHashTable        *uploads,
                                                   GHashTable        *errors);

/* Reads a multipart/form-data body: the JSON part named @json_name into @json, the others into
 * @uploads (kiosk-portal.c); feeds @fingerprint with every part but not the boundary. */
gboolean    kiosk_portal_read_parts               (SoupMessageHeaders *headers,
                                                   GBytes            *body,
                                                   GChecksum         *fingerprint,
                                                   const char        *json_name,
                                                   GBytes           **json,
                                                   GHashTable        *uploads,
                                                   const char       **problem);

/* 256 random bits, URL-safe base64 (kiosk-portal-account.c). */
char       *kiosk_portal_random_secret            (void);

/* Pre-filled drafts handed over by a kiosk (kiosk-portal-prefill.c). */
JsonObject *kiosk_portal_prefill_create           (sqlite3           *db,
                                                   const char        *slug,
                                                   JsonObject        *procedure,
                                                   GBytes            *body,
                                                   const char        *base_url,
                                                   GHashTable        *errors);
JsonObject *kiosk_portal_prefill_find             (sqlite3           *db,
                                                   const char        *token,
                                                   char             **slug);
JsonArray  *kiosk_portal_prefill_list             (sqlite3           *db);

/* Storage: one SQLite file and a files/ directory inside the data directory. */
typedef struct _KioskPortalStore KioskPortalStore;

typedef struct
{
  gint64  id;
  char   *number;
  char   *slug;
  char   *receipt_time;
  char   *status;
} KioskPortalDossier;

void        kiosk_portal_dossier_free             (KioskPortalDossier *dossier);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskPortalDossier, kiosk_portal_dossier_free)

KioskPortalStore   *kiosk_portal_store_open       (const char        *data_dir,
                                                   GError           **error);
void                kiosk_portal_store_free       (KioskPortalStore  *store);
gboolean            kiosk_portal_store_lookup_key (KioskPortalStore  *store,
                                                   const char        *key,
                                                   char             **body_sha256,
                                                   guint             *status,
                                                   char             **response);
KioskPortalDossier *kiosk_portal_store_add        (KioskPortalStore  *store,
                                                   const char        *slug,
                                                   const char        *key,
                                                   const char        *body_sha256,
                                                   const char        *answers,
                                                   GPtrArray         *uploads,
                                                   const char        *base_url,
                                                   char             **response,
                                                   GError           **error);
KioskPortalDossier *kiosk_portal_store_find       (KioskPortalStore  *store,
                                                   const char        *number);
JsonNode           *kiosk_portal_store_list       (KioskPortalStore  *store);
gboolean            kiosk_portal_store_reset      (KioskPortalStore  *store,
                                                   GError           **error);

gboolean            kiosk_portal_store_remember_key (KioskPortalStore *store,
                                                     const char       *key,
                                                     const char       *body_sha256,
                                                     guint             status,
                                                     const char       *response);
sqlite3            *kiosk_portal_store_get_db     (KioskPortalStore  *store);
const char         *kiosk_portal_store_get_files_dir (KioskPortalStore *store);

const char         *kiosk_portal_get_status_name  (const char        *status);

/* Answers (kiosk-portal.c). */
void kiosk_portal_reply_error (SoupServerMessage *msg,
                               guint              status,
                               const char        *code,
                               const char        *description,
                               GHashTable        *fields);
/* Answers @status with `{"err": 0, "data": @data}`; takes @data. */
void kiosk_portal_reply_data  (SoupServerMessage *msg,
                               guint              status,
                               JsonObject        *data);

/* Appointments (kiosk-portal-appointments.c). */
typedef struct _KioskPortalAppointments KioskPortalAppointments;

KioskPortalAppointments *kiosk_portal_appointments_new    (sqlite3                  *db,
                                                           const char               *config_path,
                                                           GError                  **error);
void                     kiosk_portal_appointments_free   (KioskPortalAppointments  *self);
gboolean                 kiosk_portal_appointments_reset  (KioskPortalAppointments  *self);
void                     kiosk_portal_appointments_set_now (KioskPortalAppointments *self,
                                                            GDateTime               *now);
void                     kiosk_portal_appointments_handle (KioskPortalAppointments  *self,
                                                           KioskPortalStore         *store,
                                                           SoupServerMessage        *msg,
                                                           const char               *method,
                                                           char                    **segments,
                                                           GHashTable               *query);

/* Citizen accounts (kiosk-portal-account.c). */
typedef struct _KioskPortalAccounts KioskPortalAccounts;

KioskPortalAccounts *kiosk_portal_accounts_new            (sqlite3             *db,
                                                           const char          *accounts_path,
                                                           guint                interval,
                                                           GError             **error);
void                 kiosk_portal_accounts_free           (KioskPortalAccounts *self);
void                 kiosk_portal_accounts_set_issuer     (KioskPortalAccounts *self,
                                                           const char          *issuer);
gboolean             kiosk_portal_accounts_reset          (KioskPortalAccounts *self);
void                 kiosk_portal_accounts_handle_oauth   (KioskPortalAccounts *self,
                                                           SoupServerMessage   *msg,
                                                           const char          *first,
                                                           char               **segments,
                                                           GHashTable          *query,
                                                           const char          *base_url);
void                 kiosk_portal_accounts_handle_api     (KioskPortalAccounts *self,
                                                           KioskPortalStore    *store,
                                                           SoupServerMessage   *msg,
                                                           char               **segments,
                                                           const char        *(*title_of) (gpointer data,
                                                                                           const char *slug),
                                                           gpointer             data);
gboolean             kiosk_portal_accounts_attach         (KioskPortalAccounts *self,
                                                           const char          *idempotency_key,
                                                           const char          *grant);
void                 kiosk_portal_accounts_handle_control (KioskPortalAccounts *self,
                                                           SoupServerMessage   *msg);
char                *kiosk_portal_accounts_owner_of       (KioskPortalAccounts *self,
                                                           SoupServerMessage   *msg,
                                                           const char          *idempotency_key);

/* Following a dossier: tracking codes, thread, requests, complements, the instructor's side
 * (kiosk-portal-followup.c). */
typedef struct _KioskPortalFollowup KioskPortalFollowup;

char                *kiosk_portal_new_tracking_code       (void);
KioskPortalFollowup *kiosk_portal_followup_new            (KioskPortalStore    *store,
                                                           KioskPortalAccounts *accounts,
                                                           GHashTable          *procedures,
                                                           GHashTable          *in_flight);
void                 kiosk_portal_followup_free           (KioskPortalFollowup *self);
gboolean             kiosk_portal_followup_reset          (KioskPortalFollowup *self);
char                *kiosk_portal_followup_handle_api     (KioskPortalFollowup *self,
                                                           SoupServerMessage   *msg,
                                                           const char          *method,
                                                           char               **segments,
                                                           GHashTable          *query);
void                 kiosk_portal_followup_handle_page    (KioskPortalFollowup *self,
                                                           SoupServerMessage   *msg,
                                                           const char          *number,
                                                           GHashTable          *query);
void                 kiosk_portal_followup_handle_control (KioskPortalFollowup *self,
                                                           SoupServerMessage   *msg,
                                                           const char          *method,
                                                           char               **segments,
                                                           const char          *base_url);

/* Agents and terminals: sessions, verifiers, status reports, /parc (kiosk-portal-fleet.c). */
typedef struct _KioskPortalFleet KioskPortalFleet;

KioskPortalFleet *kiosk_portal_fleet_new            (const char          *agents_path,
                                                     GError             **error);
void              kiosk_portal_fleet_free           (KioskPortalFleet    *self);
gboolean          kiosk_portal_fleet_reset          (KioskPortalFleet    *self);
gboolean          kiosk_portal_fleet_handle_api     (KioskPortalFleet    *self,
                                                     SoupServerMessage   *msg,
                                                     const char          *method,
                                                     char               **segments,
                                                     const char          *catalogue_version);
gboolean          kiosk_portal_fleet_check_agent    (KioskPortalFleet    *self,
                                                     SoupServerMessage   *msg,
                                                     const char          *method,
                                                     char               **segments,
                                                     gboolean            *answered);
void              kiosk_portal_fleet_handle_control (KioskPortalFleet    *self,
                                                     SoupServerMessage   *msg,
                                                     const char          *method,
                                                     char               **segments);
void              kiosk_portal_fleet_handle_page    (KioskPortalFleet    *self,
                                                     SoupServerMessage   *msg);
/* Signed requests (kiosk-portal-signature.c) */
typedef struct _KioskPortalVerifier KioskPortalVerifier;

KioskPortalVerifier *kiosk_portal_verifier_new    (GBytes              *key);
void                 kiosk_portal_verifier_free   (KioskPortalVerifier *self);
void                 kiosk_portal_verifier_watch  (KioskPortalVerifier *self,
                                                   SoupServerMessage   *msg);
gboolean             kiosk_portal_verifier_check  (KioskPortalVerifier *self,
                                                   SoupServerMessage   *msg,
                                                   const char         **reason);
void                 kiosk_portal_verifier_record (KioskPortalVerifier *self,
                                                   SoupServerMessage   *msg);
JsonArray           *kiosk_portal_verifier_list   (KioskPortalVerifier *self);
void                 kiosk_portal_verifier_reset  (KioskPortalVerifier *self);

G_END_DECLS
