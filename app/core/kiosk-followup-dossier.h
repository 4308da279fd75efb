/* kiosk-followup-dossier.h: what the portal says about a dossier being followed — its status,
 * the instructor's open requests, the thread of messages — as plain boxed types read from the
 * portal's JSON (docs/portal-api.md, "Following a dossier"), and the tracking code's rules. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A tracking code is 12 symbols of Crockford's base 32 (60 bits), printed `7K2M-9QXD-4F2A`. */
#define KIOSK_TRACKING_CODE_LENGTH 12

char     *kiosk_tracking_code_normalize (const char  *typed);
char     *kiosk_tracking_code_format    (const char  *code);
gboolean  kiosk_tracking_url_parse      (const char  *url,
                                         char       **number,
                                         char       **code);

/**
 * KioskFollowupRequestKind:
 * @KIOSK_FOLLOWUP_REQUEST_MISSING_DOCUMENT: a document is missing or unreadable; `document`
 *   names one of the procedure's documents, or `text` describes it
 * @KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER: the answer to `field` must be corrected; `text` is
 *   the instructor's reason
 * @KIOSK_FOLLOWUP_REQUEST_QUESTION: `text` is a question to answer in words
 */
typedef enum
{
  KIOSK_FOLLOWUP_REQUEST_MISSING_DOCUMENT,
  KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER,
  KIOSK_FOLLOWUP_REQUEST_QUESTION,
} KioskFollowupRequestKind;

/* One request of the instructor. */
typedef struct
{
  char                     *id;
  KioskFollowupRequestKind  kind;
  char                     *text;            /* the question, the reason, or what is missing */
  char                     *document;        /* nullable: the procedure's document varname */
  char                     *document_label;  /* nullable */
  char                    **formats;         /* missing-document: accepted Content-Types */
  guint64                   max_size;        /* missing-document: bytes, 0 when unknown */
  char                     *field;           /* nullable: incorrect-answer's varname */
  char                     *field_label;     /* nullable */
  char                     *created;         /* ISO 8601 UTC */
  gboolean                  open;
  char                     *answered;        /* nullable: ISO 8601 UTC */
} KioskFollowupRequest;

/* A document in the thread (sent by the citizen with a complement). */
typedef struct
{
  char    *name;          /* the part name it was sent as */
  char    *filename;
  char    *content_type;
  guint64  size;
  char    *sha256;
  char    *request_id;    /* nullable: the request it answers */
} KioskFollowupAttachment;

/* One message of the thread. */
typedef struct
{
  char       *id;
  gboolean    from_citizen;   /* else from the instructor */
  char       *text;           /* may be empty (a complement with documents only) */
  char       *time;           /* ISO 8601 UTC */
  char       *request_id;     /* nullable: this instructor message asks that request */
  GPtrArray  *attachments;    /* of KioskFollowupAttachment */
} KioskFollowupMessage;

/* A dossier as the citizen who holds its number and code sees it. */
typedef struct
{
  char      *number;
  char      *slug;
  char      *title;
  char      *receipt_time;   /* ISO 8601 UTC */
  char      *status_id;      /* received, in-progress, waiting-for-citizen, accepted, refused */
  char      *status_name;    /* the portal's French words */
  char      *status_since;   /* ISO 8601 UTC: when the status was set */
  guint      open_requests;
  GPtrArray *requests;       /* of KioskFollowupRequest: open ones first; empty for a status */
  GPtrArray *messages;       /* of KioskFollowupMessage, newest first; empty for a status */
  char      *tracking_code;  /* nullable: given only to the account the dossier is attached to */
} KioskFollowupDossier;

/* What the portal answered to a complement. */
typedef struct
{
  char      *number;
  char      *complement_id;
  char      *status_id;      /* the dossier's status after it */
  char      *status_name;
  char     **answered;       /* ids of the requests it answered */
  gboolean   replayed;       /* a repeat of a complement the portal had already stored */
} KioskComplementReceipt;

#define KIOSK_TYPE_FOLLOWUP_DOSSIER (kiosk_followup_dossier_get_type ())
#define KIOSK_TYPE_FOLLOWUP_REQUEST (kiosk_followup_request_get_type ())
#define KIOSK_TYPE_FOLLOWUP_MESSAGE (kiosk_followup_message_get_type ())
#define KIOSK_TYPE_COMPLEMENT_RECEIPT (kiosk_complement_receipt_get_type ())

GType                 kiosk_followup_dossier_get_type   (void) G_GNUC_CONST;
GType                 kiosk_followup_request_get_type   (void) G_GNUC_CONST;
GType                 kiosk_followup_message_get_type   (void) G_GNUC_CONST;
GType                 kiosk_complement_receipt_get_type (void) G_GNUC_CONST;

KioskFollowupDossier *kiosk_followup_dossier_new_from_json (JsonObject *data,
                                                            GError    **error);
KioskFollowupDossier *kiosk_followup_dossier_copy     (const KioskFollowupDossier *dossier);
void                  kiosk_followup_dossier_free     (KioskFollowupDossier *dossier);
KioskFollowupRequest *kiosk_followup_dossier_find_request (KioskFollowupDossier *dossier,
                                                           const char           *id);
KioskFollowupRequest *kiosk_followup_request_copy     (const KioskFollowupRequest *request);
void                  kiosk_followup_request_free     (KioskFollowupRequest *request);
KioskFollowupMessage *kiosk_followup_message_copy     (const KioskFollowupMessage *message);
void                  kiosk_followup_message_free     (KioskFollowupMessage *message);
void                  kiosk_followup_attachment_free  (KioskFollowupAttachment *attachment);

KioskComplementReceipt *kiosk_complement_receipt_new_from_json (JsonObject *data,
                                                                gboolean    replayed,
                                                                GError    **error);
KioskComplementReceipt *kiosk_complement_receipt_copy (const KioskComplementReceipt *receipt);
void                  kiosk_complement_receipt_free   (KioskComplementReceipt *receipt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskFollowupDossier, kiosk_followup_dossier_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskFollowupRequest, kiosk_followup_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskFollowupMessage, kiosk_followup_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskComplementReceipt, kiosk_complement_receipt_free)

G_END_DECLS
