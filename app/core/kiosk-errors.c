/* kiosk-errors.c: error quarks of the core services. */
#include "kiosk-errors.h"

G_DEFINE_QUARK (kiosk-catalogue-error-quark, kiosk_catalogue_error)
G_DEFINE_QUARK (kiosk-portal-error-quark, kiosk_portal_error)
G_DEFINE_QUARK (kiosk-scanner-error-quark, kiosk_scanner_error)
G_DEFINE_QUARK (kiosk-storage-error-quark, kiosk_storage_error)
G_DEFINE_QUARK (kiosk-field-error-quark, kiosk_field_error)
G_DEFINE_QUARK (kiosk-appointment-error-quark, kiosk_appointment_error)
