/* kiosk-field-input.h: the widget that takes one answer of a form — an entry with the field's
 * input purpose, yes/no and choice buttons, a text area, an address with its commune — kept in a
 * dossier as it is typed. Shared by the form pages and the follow-up page's "Correct my answer". */
#pragma once

#include "kiosk-types.h"

G_BEGIN_DECLS

GtkWidget *kiosk_field_input_new (KioskDossier     *dossier,
                                  const KioskField *field,
                                  const char       *key);

G_END_DECLS
