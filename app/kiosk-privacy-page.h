/* kiosk-privacy-page.h: who handles the citizen's data, why, what is kept and for how long. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_PRIVACY_PAGE (kiosk_privacy_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskPrivacyPage, kiosk_privacy_page, KIOSK, PRIVACY_PAGE, KioskPage)


G_END_DECLS
