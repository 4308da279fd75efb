/* kiosk-welcome-page.h: the first screen a citizen sees. */
#pragma once

#include "kiosk-types.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_WELCOME_PAGE (kiosk_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskWelcomePage, kiosk_welcome_page, KIOSK, WELCOME_PAGE, AdwBin)

GtkWidget *kiosk_welcome_page_new (KioskContext *context);

G_END_DECLS
