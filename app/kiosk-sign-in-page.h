/* kiosk-sign-in-page.h: linking the session to the citizen's provincial account with their phone
 * (a QR code and a short code; the citizen approves on the portal). */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_SIGN_IN_PAGE (kiosk_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskSignInPage, kiosk_sign_in_page, KIOSK, SIGN_IN_PAGE, KioskPage)

void         kiosk_sign_in_page_start       (KioskSignInPage *self);
KioskSignIn *kiosk_sign_in_page_get_sign_in (KioskSignInPage *self);

G_END_DECLS
