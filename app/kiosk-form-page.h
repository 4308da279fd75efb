/* kiosk-form-page.h: one question group per screen, with validation beside each field. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_FORM_PAGE (kiosk_form_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskFormPage, kiosk_form_page, KIOSK, FORM_PAGE, KioskPage)

void       kiosk_form_page_show_step (KioskFormPage *self,
                                      KioskDossier  *dossier,
                                      guint          step,
                                      GHashTable    *errors);
guint      kiosk_form_page_get_step  (KioskFormPage *self);
gboolean   kiosk_form_page_get_stopped (KioskFormPage *self);
void       kiosk_form_page_return_to_review (KioskFormPage *self);

G_END_DECLS
