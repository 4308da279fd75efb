/* kiosk-submit-page.h: sends the dossier to the portal, with progress, and says what went wrong. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

typedef enum
{
  KIOSK_SUBMIT_IDLE,
  KIOSK_SUBMIT_SENDING,
  KIOSK_SUBMIT_DONE,
  KIOSK_SUBMIT_FAILED,
} KioskSubmitState;

#define KIOSK_TYPE_SUBMIT_PAGE (kiosk_submit_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskSubmitPage, kiosk_submit_page, KIOSK, SUBMIT_PAGE, KioskPage)

void                kiosk_submit_page_start            (KioskSubmitPage *self,
                                                        KioskDossier    *dossier);
KioskSubmitState    kiosk_submit_page_get_state        (KioskSubmitPage *self);
const KioskReceipt *kiosk_submit_page_get_receipt      (KioskSubmitPage *self);
GHashTable         *kiosk_submit_page_get_field_errors (KioskSubmitPage *self);

G_END_DECLS
