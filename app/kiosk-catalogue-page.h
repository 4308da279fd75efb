/* kiosk-catalogue-page.h: browse by theme and profile, or search as you type. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CATALOGUE_PAGE (kiosk_catalogue_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskCataloguePage, kiosk_catalogue_page, KIOSK, CATALOGUE_PAGE, KioskPage)

GListModel *kiosk_catalogue_page_get_results (KioskCataloguePage *self);

G_END_DECLS
