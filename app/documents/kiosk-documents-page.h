/* kiosk-documents-page.h: one row per required document, scanned, previewed, retaken — in a
 * procedure, or for a document an instructor asks for (the follow-up page embeds one). */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_DOCUMENTS_PAGE (kiosk_documents_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskDocumentsPage, kiosk_documents_page, KIOSK, DOCUMENTS_PAGE, KioskPage)

void kiosk_documents_page_set_done_actions (KioskDocumentsPage *self,
                                            const char         *title,
                                            const char         *back_action,
                                            const char         *next_action,
                                            const char         *next_name);


G_END_DECLS
