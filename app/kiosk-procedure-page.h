/* kiosk-procedure-page.h: what a procedure is, who may apply, which documents to prepare. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_PROCEDURE_PAGE (kiosk_procedure_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskProcedurePage, kiosk_procedure_page, KIOSK, PROCEDURE_PAGE, KioskPage)

void       kiosk_procedure_page_set_procedure (KioskProcedurePage *self,
                                               KioskProcedure     *procedure);

G_END_DECLS
