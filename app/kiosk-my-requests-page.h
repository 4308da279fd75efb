/* kiosk-my-requests-page.h: "Mes demandes" — the signed-in citizen's requests and their status. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_MY_REQUESTS_PAGE (kiosk_my_requests_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskMyRequestsPage, kiosk_my_requests_page, KIOSK, MY_REQUESTS_PAGE, KioskPage)


G_END_DECLS
