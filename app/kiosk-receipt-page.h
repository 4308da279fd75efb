/* kiosk-receipt-page.h: the dossier number, the QR code of its tracking page, what comes next. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_RECEIPT_PAGE (kiosk_receipt_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskReceiptPage, kiosk_receipt_page, KIOSK, RECEIPT_PAGE, KioskPage)

void       kiosk_receipt_page_set_receipt (KioskReceiptPage   *self,
                                           const KioskReceipt *receipt,
                                           KioskProcedure     *procedure);

gboolean   kiosk_receipt_page_print       (KioskReceiptPage   *self,
                                           const char         *export_pdf);

void       kiosk_receipt_page_set_usb_reminder (KioskReceiptPage *self,
                                                gboolean          used_usb);

G_END_DECLS
