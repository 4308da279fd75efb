/* kiosk-printer.h: printing a ready-made PDF on the default CUPS printer, and the printer's
 * state for the agents' dashboard. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KIOSK_PRINTER_ERROR (kiosk_printer_error_quark ())

/**
 * KioskPrinterError:
 * @KIOSK_PRINTER_ERROR_NO_PRINTER: no default printer (or no CUPS server) on the terminal
 * @KIOSK_PRINTER_ERROR_STOPPED: the printer is stopped or refuses jobs (out of paper, jammed,
 *   disabled by an administrator)
 * @KIOSK_PRINTER_ERROR_FAILED: CUPS refused the job, or aborted or cancelled it
 * @KIOSK_PRINTER_ERROR_TIMED_OUT: the job was not printed in time; it has been cancelled
 */
typedef enum
{
  KIOSK_PRINTER_ERROR_NO_PRINTER,
  KIOSK_PRINTER_ERROR_STOPPED,
  KIOSK_PRINTER_ERROR_FAILED,
  KIOSK_PRINTER_ERROR_TIMED_OUT,
} KioskPrinterError;

typedef enum
{
  KIOSK_PRINTER_STATE_NONE,
  KIOSK_PRINTER_STATE_IDLE,
  KIOSK_PRINTER_STATE_PRINTING,
  KIOSK_PRINTER_STATE_STOPPED,
} KioskPrinterState;

typedef struct
{
  KioskPrinterState state;
  char *name;     /* the default printer's name, or NULL */
  char *message;  /* CUPS's printer-state-message (for agents only), or NULL */
} KioskPrinterStatus;

GQuark              kiosk_printer_error_quark      (void);

void                kiosk_printer_print_async      (GBytes              *pdf,
                                                    const char          *job_name,
                                                    guint                timeout_seconds,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            kiosk_printer_print_finish     (GAsyncResult        *result,
                                                    GError             **error);

void                kiosk_printer_get_status_async (GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
KioskPrinterStatus *kiosk_printer_get_status_finish (GAsyncResult       *result,
                                                     GError            **error);
void                kiosk_printer_status_free      (KioskPrinterStatus  *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskPrinterStatus, kiosk_printer_status_free)

G_END_DECLS
