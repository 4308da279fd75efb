/* kiosk-qr.h: QR codes (libqrencode) as images, for receipts. */
#pragma once

#include "kiosk-document.h"

G_BEGIN_DECLS

KioskImage *kiosk_qr_render (const char  *text,
                             guint        module_px,
                             GError     **error);

G_END_DECLS
