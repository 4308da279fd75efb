/* kiosk-followup-page.h: "Suivre ma demande" — finding a dossier by its number and tracking code
 * (or, signed in, from "Mes demandes"), its status in plain words, the instructor's open requests
 * with what answers them (scanning, correcting, replying), the messages, and sending the
 * complement. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_FOLLOWUP_PAGE (kiosk_followup_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskFollowupPage, kiosk_followup_page, KIOSK, FOLLOWUP_PAGE, KioskPage)

void        kiosk_followup_page_open      (KioskFollowupPage *self,
                                           const char        *number,
                                           const char        *code);
gboolean    kiosk_followup_page_open_url  (KioskFollowupPage *self,
                                           const char        *url);
const char *kiosk_followup_page_get_state (KioskFollowupPage *self);
gboolean    kiosk_followup_page_print     (KioskFollowupPage *self,
                                           const char        *export_pdf);

/* From any page: shows the follow-up page on @number (and @code, or the signed-in account). */
void        kiosk_followup_show           (GtkWidget         *from,
                                           const char        *number,
                                           const char        *code);

G_END_DECLS
