/* kiosk-qr.h: QR codes — made as images for receipts (libqrencode), read back from a camera's
 * frames (zbar, in kiosk-qr-helper: a sandboxed process serving a camera session). */
#pragma once

#include "kiosk-document.h"

G_BEGIN_DECLS

KioskImage *kiosk_qr_render (const char  *text,
                             guint        module_px,
                             GError     **error);

void        kiosk_qr_decode_async  (KioskImage          *image,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
char       *kiosk_qr_decode_finish (GAsyncResult        *result,
                                    GError             **error);
void        kiosk_qr_reader_stop   (void);

G_END_DECLS
