/* kiosk-validate.h: checks one answer against its field; shared by the form pages and the
 * submission path so both apply the same rules and the same French messages. */
#pragma once

#include "kiosk-procedure.h"

G_BEGIN_DECLS

JsonNode *kiosk_field_validate (const KioskField  *field,
                                const char        *text,
                                GError           **error);

/* The 33 communes of New Caledonia, as an address field offers them. */
extern const char * const kiosk_communes[];

JsonNode *kiosk_address_validate (const KioskField  *field,
                                  const char        *line,
                                  const char        *postcode,
                                  const char        *commune,
                                  GError           **error);
gboolean  kiosk_text_is_blank    (const char        *text);

G_END_DECLS
