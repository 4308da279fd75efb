/* kiosk-drafts.h: parked drafts. A citizen who must leave gets an 8-character resume code
 * (Crockford base32, 40 random bits) with the draft's number; the draft — answers and scanned
 * documents — is sealed on disk under a key derived from that code by argon2id, and nothing of it
 * can be read without it.
 * See docs/architecture.md "Drafts". */
#pragma once

#include "kiosk-dossier.h"

G_BEGIN_DECLS

#define KIOSK_DRAFT_ERROR (kiosk_draft_error_quark ())

/**
 * KioskDraftError:
 * @KIOSK_DRAFT_ERROR_NOT_FOUND: no draft with this number (never parked, used, or removed)
 * @KIOSK_DRAFT_ERROR_BAD_CODE: what was typed cannot be a number and a code (length, letters)
 * @KIOSK_DRAFT_ERROR_TAMPERED: the code is right but the draft does not decrypt: removed
 * @KIOSK_DRAFT_ERROR_EXPIRED: the draft is over 7 days old (removed)
 * @KIOSK_DRAFT_ERROR_WRONG_CODE: the code does not open this draft (kiosk_drafts_resume_finish()
 *   says how many tries are left)
 * @KIOSK_DRAFT_ERROR_DELETED: the fifth wrong code for this draft: it was removed
 * @KIOSK_DRAFT_ERROR_FAILED: the disk refused
 * @KIOSK_DRAFT_ERROR_TOO_MANY: the terminal has taken KIOSK_DRAFT_TERMINAL_WRONG_CODES wrong codes
 *   in the last KIOSK_DRAFT_TERMINAL_WINDOW: no code is tried until then (no draft is touched)
 */
typedef enum
{
  KIOSK_DRAFT_ERROR_NOT_FOUND,
  KIOSK_DRAFT_ERROR_BAD_CODE,
  KIOSK_DRAFT_ERROR_TAMPERED,
  KIOSK_DRAFT_ERROR_EXPIRED,
  KIOSK_DRAFT_ERROR_WRONG_CODE,
  KIOSK_DRAFT_ERROR_DELETED,
  KIOSK_DRAFT_ERROR_FAILED,
  KIOSK_DRAFT_ERROR_TOO_MANY,
} KioskDraftError;

#define KIOSK_DRAFT_LIFETIME (7 * G_TIME_SPAN_DAY)
#define KIOSK_DRAFT_MAX_WRONG_CODES 5
#define KIOSK_DRAFT_TERMINAL_WRONG_CODES 10
#define KIOSK_DRAFT_TERMINAL_WINDOW G_TIME_SPAN_HOUR

/* What a resumed draft gives back. */
typedef struct
{
  char       *slug;
  GHashTable *answers;     /* key → text as typed */
  GPtrArray  *documents;   /* of KioskDocument */
  gint64      parked_at;   /* real µs */
  char       *id;          /* the draft's file name: what kiosk_drafts_forget() takes */
} KioskDraft;

void kiosk_draft_free (KioskDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskDraft, kiosk_draft_free)

#define KIOSK_TYPE_DRAFTS (kiosk_drafts_get_type ())
G_DECLARE_FINAL_TYPE (KioskDrafts, kiosk_drafts, KIOSK, DRAFTS, GObject)

GQuark       kiosk_draft_error_quark      (void);
KioskDrafts *kiosk_drafts_new             (const char          *dir);
char        *kiosk_drafts_normalize_code  (const char          *typed);
char        *kiosk_drafts_format_code     (const char          *code);
void         kiosk_drafts_park_async      (KioskDrafts         *self,
                                           KioskDossier        *dossier,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char        *kiosk_drafts_park_finish     (KioskDrafts         *self,
                                           GAsyncResult        *result,
                                           guint               *number,
                                           GError             **error);
char        *kiosk_drafts_parse_ticket    (const char          *text,
                                           guint               *number);
void         kiosk_drafts_resume_async    (KioskDrafts         *self,
                                           guint                number,
                                           const char          *typed_code,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
KioskDraft  *kiosk_drafts_resume_finish   (KioskDrafts         *self,
                                           GAsyncResult        *result,
                                           guint               *tries_left,
                                           GError             **error);
gboolean     kiosk_drafts_forget          (KioskDrafts         *self,
                                           const char          *id,
                                           GError             **error);
guint        kiosk_drafts_sweep           (KioskDrafts         *self);
guint        kiosk_drafts_count           (KioskDrafts         *self);

G_END_DECLS
