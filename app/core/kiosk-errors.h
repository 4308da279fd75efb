/* kiosk-errors.h: the error domains of the core services. A page turns each code into a French
 * sentence for the citizen; error->message is for logs and agents only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KIOSK_CATALOGUE_ERROR (kiosk_catalogue_error_quark ())
#define KIOSK_PORTAL_ERROR    (kiosk_portal_error_quark ())
#define KIOSK_SCANNER_ERROR   (kiosk_scanner_error_quark ())
#define KIOSK_STORAGE_ERROR   (kiosk_storage_error_quark ())
#define KIOSK_FIELD_ERROR     (kiosk_field_error_quark ())
#define KIOSK_APPOINTMENT_ERROR (kiosk_appointment_error_quark ())

/* KIOSK_CATALOGUE_ERROR_INVALID: the catalogue document or a procedure schema is unusable. */
typedef enum
{
  KIOSK_CATALOGUE_ERROR_INVALID,
} KioskCatalogueError;

/**
 * KioskPortalError:
 * @KIOSK_PORTAL_ERROR_INSECURE_URL: plain http to a host other than loopback, or not http(s)
 * @KIOSK_PORTAL_ERROR_UNREACHABLE: connection refused, DNS failure, network down
 * @KIOSK_PORTAL_ERROR_TIMEOUT: the portal did not answer in time
 * @KIOSK_PORTAL_ERROR_SERVER: a 5xx answer; retrying later may work
 * @KIOSK_PORTAL_ERROR_MALFORMED: the answer is not the JSON the API documents
 * @KIOSK_PORTAL_ERROR_INVALID_FIELDS: 422: answers refused, with field errors
 * @KIOSK_PORTAL_ERROR_REFUSED: another 4xx; the portal's err_code is in the message
 * @KIOSK_PORTAL_ERROR_TLS: certificate verification failed
 */
typedef enum
{
  KIOSK_PORTAL_ERROR_INSECURE_URL,
  KIOSK_PORTAL_ERROR_UNREACHABLE,
  KIOSK_PORTAL_ERROR_TIMEOUT,
  KIOSK_PORTAL_ERROR_SERVER,
  KIOSK_PORTAL_ERROR_MALFORMED,
  KIOSK_PORTAL_ERROR_INVALID_FIELDS,
  KIOSK_PORTAL_ERROR_REFUSED,
  KIOSK_PORTAL_ERROR_TLS,
} KioskPortalError;

/**
 * KioskScannerError:
 * @KIOSK_SCANNER_ERROR_NO_DEVICE: no scanner found
 * @KIOSK_SCANNER_ERROR_JAMMED: paper jam
 * @KIOSK_SCANNER_ERROR_COVER_OPEN: the cover is open
 * @KIOSK_SCANNER_ERROR_NO_DOCS: the document feeder is empty
 * @KIOSK_SCANNER_ERROR_BUSY: the device is in use
 * @KIOSK_SCANNER_ERROR_IO: communication with the device failed
 * @KIOSK_SCANNER_ERROR_UNSUPPORTED: the device delivers a format we cannot read
 * @KIOSK_SCANNER_ERROR_ENCODE: the scan could not be turned into JPEG or PDF
 * @KIOSK_SCANNER_ERROR_BLANK: the quality gate found the page blank
 * @KIOSK_SCANNER_ERROR_TOO_DARK: the quality gate found the page too dark to read
 * @KIOSK_SCANNER_ERROR_TOO_LIGHT: the quality gate found the print too faint to read
 * @KIOSK_SCANNER_ERROR_CUT_OFF: the quality gate found the page running off the scanned area
 * @KIOSK_SCANNER_ERROR_NO_FEEDER: a feeder batch was asked of a device without a feeder
 * @KIOSK_SCANNER_ERROR_TOO_LARGE: an imported file is over the size limit
 * @KIOSK_SCANNER_ERROR_UNREADABLE: an imported file is damaged or not what its name says
 * @KIOSK_SCANNER_ERROR_NOT_ACCEPTED: a file of a kind the document does not take (the import
 *   helper refused its type, or the procedure takes neither it nor what it can become)
 */
typedef enum
{
  KIOSK_SCANNER_ERROR_NO_DEVICE,
  KIOSK_SCANNER_ERROR_JAMMED,
  KIOSK_SCANNER_ERROR_COVER_OPEN,
  KIOSK_SCANNER_ERROR_NO_DOCS,
  KIOSK_SCANNER_ERROR_BUSY,
  KIOSK_SCANNER_ERROR_IO,
  KIOSK_SCANNER_ERROR_UNSUPPORTED,
  KIOSK_SCANNER_ERROR_ENCODE,
  KIOSK_SCANNER_ERROR_BLANK,
  KIOSK_SCANNER_ERROR_TOO_DARK,
  KIOSK_SCANNER_ERROR_TOO_LIGHT,
  KIOSK_SCANNER_ERROR_CUT_OFF,
  KIOSK_SCANNER_ERROR_NO_FEEDER,
  KIOSK_SCANNER_ERROR_TOO_LARGE,
  KIOSK_SCANNER_ERROR_UNREADABLE,
  KIOSK_SCANNER_ERROR_NOT_ACCEPTED,
} KioskScannerError;

/* KIOSK_STORAGE_ERROR_FAILED: SQLite refused an operation (disk full, corrupt file…). */
typedef enum
{
  KIOSK_STORAGE_ERROR_FAILED,
} KioskStorageError;

/* KIOSK_FIELD_ERROR_INVALID: an answer does not satisfy its field; the message is the French
 * sentence to show beside the field. */
typedef enum
{
  KIOSK_FIELD_ERROR_INVALID,
} KioskFieldError;

GQuark kiosk_catalogue_error_quark (void);
GQuark kiosk_portal_error_quark    (void);
GQuark kiosk_scanner_error_quark   (void);
GQuark kiosk_storage_error_quark   (void);
GQuark kiosk_field_error_quark     (void);

/**
 * KioskAppointmentError:
 * @KIOSK_APPOINTMENT_ERROR_SLOT_TAKEN: the slot was just taken (or no longer exists)
 * @KIOSK_APPOINTMENT_ERROR_NOT_FOUND: no appointment with this reference
 * @KIOSK_APPOINTMENT_ERROR_PHONE_MISMATCH: the phone number is not the booking's
 * @KIOSK_APPOINTMENT_ERROR_TOO_EARLY: check-in more than an hour before the time
 * @KIOSK_APPOINTMENT_ERROR_TOO_LATE: the time is over (check-in), or has begun (cancellation)
 * @KIOSK_APPOINTMENT_ERROR_CANCELLED: the appointment was cancelled
 * @KIOSK_APPOINTMENT_ERROR_INVALID: the portal refused the name, phone or e-mail
 * @KIOSK_APPOINTMENT_ERROR_BAD_REFERENCE: what was typed is not a reference (checked locally)
 */
typedef enum
{
  KIOSK_APPOINTMENT_ERROR_SLOT_TAKEN,
  KIOSK_APPOINTMENT_ERROR_NOT_FOUND,
  KIOSK_APPOINTMENT_ERROR_PHONE_MISMATCH,
  KIOSK_APPOINTMENT_ERROR_TOO_EARLY,
  KIOSK_APPOINTMENT_ERROR_TOO_LATE,
  KIOSK_APPOINTMENT_ERROR_CANCELLED,
  KIOSK_APPOINTMENT_ERROR_INVALID,
  KIOSK_APPOINTMENT_ERROR_BAD_REFERENCE,
} KioskAppointmentError;

GQuark kiosk_appointment_error_quark (void);

G_END_DECLS
