/* kiosk-followup.h: following a dossier after its submission — its status, the instructor's
 * requests and messages, and sending a complement — over the portal API (docs/portal-api.md,
 * "Following a dossier"). Every call runs in a worker; results come back on the caller's
 * thread-default main context.
 *
 * A dossier is reached with its number and tracking code (from the receipt, typed or read from
 * its QR code), or with a signed-in citizen's access token for a dossier of their account. */
#pragma once

#include "kiosk-complement.h"
#include "kiosk-followup-dossier.h"
#include "kiosk-outbox-sender.h"
#include "kiosk-portal.h"

G_BEGIN_DECLS

#define KIOSK_FOLLOWUP_ERROR (kiosk_followup_error_quark ())

/**
 * KioskFollowupError:
 * @KIOSK_FOLLOWUP_ERROR_INVALID_CODE: what was typed is not a tracking code (12 letters and
 *   digits); the portal was not asked
 * @KIOSK_FOLLOWUP_ERROR_NOT_FOUND: no dossier has this number and this code (the portal does
 *   not say which is wrong)
 * @KIOSK_FOLLOWUP_ERROR_TOO_MANY_ATTEMPTS: too many wrong codes lately, for this dossier or at
 *   this terminal: try again in a few minutes
 *
 * Other failures are %KIOSK_PORTAL_ERROR errors (unreachable, refused answers with
 * %KIOSK_PORTAL_ERROR_INVALID_FIELDS, …); kiosk_portal_error_is_transient() tells whether
 * sending again may work.
 */
typedef enum
{
  KIOSK_FOLLOWUP_ERROR_INVALID_CODE,
  KIOSK_FOLLOWUP_ERROR_NOT_FOUND,
  KIOSK_FOLLOWUP_ERROR_TOO_MANY_ATTEMPTS,
} KioskFollowupError;

GQuark kiosk_followup_error_quark (void);

#define KIOSK_TYPE_FOLLOWUP (kiosk_followup_get_type ())
G_DECLARE_FINAL_TYPE (KioskFollowup, kiosk_followup, KIOSK, FOLLOWUP, GObject)

KioskFollowup          *kiosk_followup_new                    (KioskPortal          *portal);
KioskPortal            *kiosk_followup_get_portal             (KioskFollowup        *self);

void                    kiosk_followup_fetch_status_async     (KioskFollowup        *self,
                                                               const char           *number,
                                                               const char           *code,
                                                               const char           *bearer,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
KioskFollowupDossier   *kiosk_followup_fetch_status_finish    (KioskFollowup        *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);
void                    kiosk_followup_fetch_details_async    (KioskFollowup        *self,
                                                               const char           *number,
                                                               const char           *code,
                                                               const char           *bearer,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
KioskFollowupDossier   *kiosk_followup_fetch_details_finish   (KioskFollowup        *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);
void                    kiosk_followup_send_complement_async  (KioskFollowup        *self,
                                                               KioskComplement      *complement,
                                                               const char           *code,
                                                               const char           *bearer,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
KioskComplementReceipt *kiosk_followup_send_complement_finish (KioskFollowup        *self,
                                                               GAsyncResult         *result,
                                                               GHashTable          **field_errors,
                                                               GError              **error);

/* An outbox entry whose slug ends so is a complement to the dossier it names. */
#define KIOSK_COMPLEMENT_SLUG_SUFFIX "@complement"

gboolean                kiosk_followup_is_queued_complement   (const char           *slug);
KioskComplementReceipt *kiosk_followup_deliver_queued         (KioskPortal          *portal,
                                                               const char           *slug,
                                                               const char           *key,
                                                               const char           *json,
                                                               GPtrArray            *parts,
                                                               GCancellable         *cancellable,
                                                               GError              **error);
void                    kiosk_followup_queue_complement_async (KioskOutboxSender    *sender,
                                                               KioskComplement      *complement,
                                                               const char           *code,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
gboolean                kiosk_followup_queue_complement_finish (KioskOutboxSender   *sender,
                                                               GAsyncResult         *result,
                                                               GError              **error);

G_END_DECLS
