/* kiosk-welcome-page.h: the first screen a citizen sees. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_WELCOME_PAGE (kiosk_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskWelcomePage, kiosk_welcome_page, KIOSK, WELCOME_PAGE, KioskPage)

void kiosk_welcome_page_show_erased (KioskWelcomePage *self);

G_END_DECLS
