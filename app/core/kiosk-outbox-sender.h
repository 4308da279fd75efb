/* kiosk-outbox-sender.h: opens the outbox on first use and sends what waits in it, periodically,
 * on its own. */
#pragma once

#include "kiosk-outbox.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_OUTBOX_SENDER (kiosk_outbox_sender_get_type ())
G_DECLARE_FINAL_TYPE (KioskOutboxSender, kiosk_outbox_sender, KIOSK, OUTBOX_SENDER, GObject)

KioskOutboxSender *kiosk_outbox_sender_new         (const char          *data_dir,
                                                    KioskPortal         *portal);
KioskOutbox       *kiosk_outbox_sender_get_outbox  (KioskOutboxSender   *self);
KioskOutbox       *kiosk_outbox_sender_open        (KioskOutboxSender   *self,
                                                    GError             **error);
void               kiosk_outbox_sender_start       (KioskOutboxSender   *self,
                                                    guint                interval_ms);
void               kiosk_outbox_sender_retry_now   (KioskOutboxSender   *self);
void               kiosk_outbox_sender_remove      (KioskOutboxSender   *self,
                                                    gint64               id);
void               kiosk_outbox_sender_list_async  (KioskOutboxSender   *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray         *kiosk_outbox_sender_list_finish (KioskOutboxSender   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
