/* kiosk-application.h: the application: options, services, language, the one window. */
#pragma once

#include "kiosk-types.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_APPLICATION (kiosk_application_get_type ())
G_DECLARE_FINAL_TYPE (KioskApplication, kiosk_application, KIOSK, APPLICATION, AdwApplication)

KioskApplication *kiosk_application_new            (void);
void              kiosk_application_set_language   (const char *language);
void              kiosk_application_ensure_locale  (void);

G_END_DECLS
