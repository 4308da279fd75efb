/* kiosk-appointment-page.h: booking an appointment with an agent (motif, week of free times,
 * contact, the booking's number, QR code and printout). */
#pragma once

#include "kiosk-page.h"

#include "kiosk-appointments.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_APPOINTMENT_PAGE (kiosk_appointment_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskAppointmentPage, kiosk_appointment_page, KIOSK, APPOINTMENT_PAGE, KioskPage)

void                    kiosk_appointment_page_start           (KioskAppointmentPage *self,
                                                                const char           *procedure_slug);
gboolean                kiosk_appointment_page_print           (KioskAppointmentPage *self,
                                                                const char           *export_pdf);
const KioskAppointment *kiosk_appointment_page_get_appointment (KioskAppointmentPage *self);

char                   *kiosk_format_day                       (GDateTime            *time);
char                   *kiosk_format_time                      (GDateTime            *time);

G_END_DECLS
