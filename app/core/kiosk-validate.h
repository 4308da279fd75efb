/* kiosk-validate.h: checks one answer against its field; shared by the form pages and the
 * submission path so both apply the same rules and the same French messages. */
#pragma once

#include "kiosk-procedure.h"

G_BEGIN_DECLS

JsonNode *kiosk_field_validate (const KioskField  *field,
                                const char        *text,
                                GError           **error);

G_END_DECLS
