/* kiosk-print.h: a one-page receipt or slip laid out with GTK and printed through the core's
 * CUPS printer, without blocking the window. */
#pragma once

#include "kiosk-types.h"
#include "kiosk-printer.h"

G_BEGIN_DECLS

void      kiosk_print_page_async  (const char          *job_name,
                                   GCallback            draw_page,
                                   gpointer             data,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean  kiosk_print_page_finish (GAsyncResult        *result,
                                   GError             **error);
char     *kiosk_print_failure_sentence (const char     *number);
char     *kiosk_print_describe_status  (const KioskPrinterStatus *status);

G_END_DECLS
