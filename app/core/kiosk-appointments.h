/* kiosk-appointments.h: appointments with an agent of the EPN (docs/portal-api.md,
 * "Appointments"): motifs, free slots, booking, check-in on arrival, cancellation, the day's
 * queue. Every call goes to the portal in a worker; nothing is booked without its answer. */
#pragma once

#include "kiosk-portal.h"

G_BEGIN_DECLS

typedef struct
{
  char *id;
  char *name;
  char *address;
} KioskPlace;

typedef struct
{
  char   *id;
  char   *name;
  guint   duration_min;
  GStrv   procedures;     /* slugs of the procedures this motif helps with */
} KioskMotif;

typedef struct
{
  GDateTime *starts_at;   /* in the portal's time zone */
  guint      duration_min;
} KioskSlot;

typedef struct
{
  KioskPlace *place;
  char       *timezone;   /* e.g. Pacific/Noumea */
  GPtrArray  *motifs;     /* of KioskMotif */
} KioskMotifList;

typedef enum
{
  KIOSK_APPOINTMENT_BOOKED,
  KIOSK_APPOINTMENT_ARRIVED,
  KIOSK_APPOINTMENT_SEEN,
  KIOSK_APPOINTMENT_CANCELLED,
  KIOSK_APPOINTMENT_NO_SHOW,
} KioskAppointmentStatus;

typedef struct
{
  char                   *reference;
  GDateTime              *starts_at;
  GDateTime              *ends_at;
  KioskAppointmentStatus  status;
  char                   *motif_id;
  char                   *motif_name;
  GStrv                   procedures;
  KioskPlace             *place;          /* nullable */
  guint                   queue_position; /* after check-in; 0 when unknown */
  char                   *name;           /* nullable: only in the agents' day list */
  GDateTime              *arrived_at;     /* nullable */
} KioskAppointment;

typedef struct
{
  char      *site;            /* nullable: the portal's first site */
  char      *motif;
  GDateTime *starts_at;
  char      *name;
  char      *phone;
  char      *email;           /* nullable */
  char      *idempotency_key; /* the same for every attempt at this booking */
} KioskBooking;

void              kiosk_place_free            (KioskPlace       *place);
void              kiosk_motif_free            (KioskMotif       *motif);
void              kiosk_slot_free             (KioskSlot        *slot);
void              kiosk_motif_list_free       (KioskMotifList   *list);
void              kiosk_appointment_free      (KioskAppointment *appointment);
KioskBooking     *kiosk_booking_new           (const char       *site,
                                               const char       *motif,
                                               GDateTime        *starts_at,
                                               const char       *name,
                                               const char       *phone,
                                               const char       *email);
void              kiosk_booking_free          (KioskBooking     *booking);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskPlace, kiosk_place_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskMotif, kiosk_motif_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskSlot, kiosk_slot_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskMotifList, kiosk_motif_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskAppointment, kiosk_appointment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskBooking, kiosk_booking_free)

/* References: 8 digits, the last a Luhn check digit. */
char             *kiosk_appointment_normalize_reference (const char *typed);
gboolean          kiosk_appointment_reference_is_valid  (const char *reference);
gboolean          kiosk_appointment_reference_is_mistyped (const char *typed);

KioskMotifList   *kiosk_motif_list_from_json  (JsonObject       *data,
                                               GError          **error);
GPtrArray        *kiosk_slots_from_json       (JsonObject       *data,
                                               GError          **error);
KioskAppointment *kiosk_appointment_from_json (JsonObject       *data,
                                               GError          **error);

void              kiosk_appointments_fetch_motifs_async  (KioskPortal          *portal,
                                                          const char           *site,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
KioskMotifList   *kiosk_appointments_fetch_motifs_finish (GAsyncResult         *result,
                                                          GError              **error);
void              kiosk_appointments_fetch_slots_async   (KioskPortal          *portal,
                                                          const char           *site,
                                                          const char           *motif,
                                                          GDateTime            *from,
                                                          guint                 days,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
GPtrArray        *kiosk_appointments_fetch_slots_finish  (GAsyncResult         *result,
                                                          GError              **error);
void              kiosk_appointments_book_async          (KioskPortal          *portal,
                                                          const KioskBooking   *booking,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
KioskAppointment *kiosk_appointments_book_finish         (GAsyncResult         *result,
                                                          GHashTable          **field_errors,
                                                          GError              **error);
void              kiosk_appointments_check_in_async      (KioskPortal          *portal,
                                                          const char           *reference,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
void              kiosk_appointments_lookup_async        (KioskPortal          *portal,
                                                          const char           *reference,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
void              kiosk_appointments_mark_seen_async     (KioskPortal          *portal,
                                                          const char           *reference,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
void              kiosk_appointments_cancel_async        (KioskPortal          *portal,
                                                          const char           *reference,
                                                          const char           *phone,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
/* For check-in, lookup and cancel. */
KioskAppointment *kiosk_appointments_call_finish         (GAsyncResult         *result,
                                                          GError              **error);
void              kiosk_appointments_fetch_day_async     (KioskPortal          *portal,
                                                          const char           *site,
                                                          GDateTime            *day,
                                                          GCancellable         *cancellable,
                                                          GAsyncReadyCallback   callback,
                                                          gpointer              user_data);
GPtrArray        *kiosk_appointments_fetch_day_finish    (GAsyncResult         *result,
                                                          GError              **error);

G_END_DECLS
