/* kiosk-submission.h: sends one dossier — saved in the outbox first, then to the portal — and
 * says how it ended: delivered, queued for the sender, or refused. */
#pragma once

#include "kiosk-context.h"

G_BEGIN_DECLS

/**
 * KioskSubmissionState:
 * @KIOSK_SUBMISSION_IDLE: not started
 * @KIOSK_SUBMISSION_SENDING: saving, then sending
 * @KIOSK_SUBMISSION_DONE: delivered, or queued (the receipt says which)
 * @KIOSK_SUBMISSION_FAILED: not sent; kiosk_submission_get_error() says why
 */
typedef enum
{
  KIOSK_SUBMISSION_IDLE,
  KIOSK_SUBMISSION_SENDING,
  KIOSK_SUBMISSION_DONE,
  KIOSK_SUBMISSION_FAILED,
} KioskSubmissionState;

KioskReceipt *kiosk_receipt_new_queued (const char *idempotency_key);

#define KIOSK_TYPE_SUBMISSION (kiosk_submission_get_type ())
G_DECLARE_FINAL_TYPE (KioskSubmission, kiosk_submission, KIOSK, SUBMISSION, GObject)

KioskSubmission     *kiosk_submission_new                (KioskContext        *context,
                                                          KioskDossier        *dossier);
KioskDossier        *kiosk_submission_get_dossier        (KioskSubmission     *self);
void                 kiosk_submission_run_async          (KioskSubmission     *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
const KioskReceipt  *kiosk_submission_run_finish         (KioskSubmission     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void                 kiosk_submission_queue_async        (KioskSubmission     *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gint64               kiosk_submission_queue_finish       (KioskSubmission     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
KioskSubmissionState kiosk_submission_get_state          (KioskSubmission     *self);
double               kiosk_submission_get_progress       (KioskSubmission     *self);
const KioskReceipt  *kiosk_submission_get_receipt        (KioskSubmission     *self);
const GError        *kiosk_submission_get_error          (KioskSubmission     *self);
GHashTable          *kiosk_submission_get_field_errors   (KioskSubmission     *self);
const char          *kiosk_submission_get_invalid_answer (KioskSubmission     *self);
gboolean             kiosk_submission_can_retry          (KioskSubmission     *self);

G_END_DECLS
