/* kiosk-consent-page.h: in an assisted session, the citizen agrees (or not) to what the agent
 * may do for them, for one procedure — or to complete one existing dossier — for this session
 * only. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_CONSENT_PAGE (kiosk_consent_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskConsentPage, kiosk_consent_page, KIOSK, CONSENT_PAGE, KioskPage)

void       kiosk_consent_page_ask          (KioskConsentPage *self,
                                            KioskProcedure   *procedure);
void       kiosk_consent_page_ask_followup (KioskConsentPage *self,
                                            const char       *number,
                                            const char       *code,
                                            const char       *title);

/* The consent's "slug" for completing the existing dossier @number (kiosk_session_has_consent()). */
char      *kiosk_consent_followup_scope    (const char       *number);

G_END_DECLS
