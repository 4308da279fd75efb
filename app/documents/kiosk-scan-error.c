/* kiosk-scan-error.c: what a citizen is told when a scan, a photo or a file from a USB stick
 * fails, in their language, from the error's code. */
#include "kiosk-scan-error.h"

#include "kiosk-errors.h"

#include <glib/gi18n.h>

/**
 * kiosk_scanner_error_to_text:
 * @error: from the scanner, the camera, a USB stick or the capture (#KIOSK_SCANNER_ERROR codes)
 *
 * Decided from the error's domain and code only, never from its message.
 *
 * Returns: (transfer full): what to tell the citizen, in their language, and what to do
 */
char *
kiosk_scanner_error_to_text (const GError *error)
{
  if (error->domain != KIOSK_SCANNER_ERROR)
    return g_strdup (_("The scan did not work. Please try again, or call an agent."));

  switch ((KioskScannerError) error->code)
    {
    case KIOSK_SCANNER_ERROR_NO_DEVICE:
      return g_strdup (_("No scanner is connected. Please call an agent."));
    case KIOSK_SCANNER_ERROR_JAMMED:
      return g_strdup (_("The paper is jammed. Open the scanner, gently remove the sheet, then try again."));
    case KIOSK_SCANNER_ERROR_COVER_OPEN:
      return g_strdup (_("The scanner cover is open. Close it, then try again."));
    case KIOSK_SCANNER_ERROR_NO_DOCS:
      return g_strdup (_("There is no paper in the feeder. Put your document in, then try again."));
    case KIOSK_SCANNER_ERROR_BUSY:
      return g_strdup (_("The scanner is busy. Wait a moment, then try again."));
    case KIOSK_SCANNER_ERROR_BLANK:
      return g_strdup (_("The page looks blank. Put the document face down on the glass, then scan again."));
    case KIOSK_SCANNER_ERROR_TOO_DARK:
      return g_strdup (_("The page is too dark to read. Close the scanner cover, then scan again."));
    case KIOSK_SCANNER_ERROR_TOO_LIGHT:
      return g_strdup (_("The print is too faint to read. If the document is pale, ask an agent; otherwise put it flat on the glass and scan again."));
    case KIOSK_SCANNER_ERROR_CUT_OFF:
      return g_strdup (_("Part of the document is missing. Put it whole on the glass, a little away from the edges, then scan again."));
    case KIOSK_SCANNER_ERROR_TOO_LARGE:
      return g_strdup (_("This file is too large to be sent. Choose a lighter one, or scan the document instead."));
    case KIOSK_SCANNER_ERROR_UNREADABLE:
      return g_strdup (_("This file cannot be read: it may be damaged, or hold more than a document. Choose another one, or scan the document instead."));
    case KIOSK_SCANNER_ERROR_NO_FEEDER:
      return g_strdup (_("This scanner has no document feeder. Scan the sheets one by one on the glass, with “Add a page”."));
    case KIOSK_SCANNER_ERROR_NOT_ACCEPTED:
      return g_strdup (_("This kind of file cannot be used for this document. Choose a PDF, JPEG or PNG file, or scan the document instead."));
    case KIOSK_SCANNER_ERROR_UNSUPPORTED:
    case KIOSK_SCANNER_ERROR_ENCODE:
    case KIOSK_SCANNER_ERROR_IO:
    default:
      return g_strdup (_("The scanner is not responding. Try again; if it happens again, call an agent."));
    }
}
