/* kiosk-scan-error.h: a capture error (#KIOSK_SCANNER_ERROR) as a sentence for the citizen. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *kiosk_scanner_error_to_text (const GError *error);

G_END_DECLS
