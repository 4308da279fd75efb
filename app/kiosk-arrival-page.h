/* kiosk-arrival-page.h: a citizen with an appointment checks in on arrival (typed number or
 * barcode reader), or cancels it with the booking's phone number. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_ARRIVAL_PAGE (kiosk_arrival_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskArrivalPage, kiosk_arrival_page, KIOSK, ARRIVAL_PAGE, KioskPage)

G_END_DECLS
