/* kiosk-a11y.h: what screen readers need beyond GTK 4.8's defaults. */
#pragma once

#include "kiosk-types.h"

G_BEGIN_DECLS

GtkWidget *kiosk_radio_toggle_new     (const char      *label);
void       kiosk_a11y_report_checked  (GtkToggleButton *button);

G_END_DECLS
