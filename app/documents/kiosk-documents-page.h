/* kiosk-documents-page.h: one row per required document, scanned, previewed, retaken. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_DOCUMENTS_PAGE (kiosk_documents_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskDocumentsPage, kiosk_documents_page, KIOSK, DOCUMENTS_PAGE, KioskPage)


G_END_DECLS
