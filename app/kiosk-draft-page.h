/* kiosk-draft-page.h: "Continue later" (the draft is parked under a resume code, shown with its QR
 * code) and "Resume a draft" (the code typed, or read from the QR code by the reader). */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_DRAFT_PAGE (kiosk_draft_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskDraftPage, kiosk_draft_page, KIOSK, DRAFT_PAGE, KioskPage)

void        kiosk_draft_page_park        (KioskDraftPage *self);
void        kiosk_draft_page_show_resume (KioskDraftPage *self);
const char *kiosk_draft_page_get_code    (KioskDraftPage *self);
guint       kiosk_draft_page_get_number  (KioskDraftPage *self);
const char *kiosk_draft_page_get_phone_url (KioskDraftPage *self);

G_END_DECLS
