/* kiosk-appointments.c: appointments with an agent (see kiosk-appointments.h). */
#include "kiosk-appointments.h"

#include "kiosk-errors.h"
#include "kiosk-json.h"
#include "kiosk-seal.h"

#include <string.h>

void
kiosk_place_free (KioskPlace *place)
{
  if (place == NULL)
    return;
  g_free (place->id);
  g_free (place->name);
  g_free (place->address);
  g_free (place);
}

void
kiosk_motif_free (KioskMotif *motif)
{
  if (motif == NULL)
    return;
  g_free (motif->id);
  g_free (motif->name);
  g_strfreev (motif->procedures);
  g_free (motif);
}

void
kiosk_slot_free (KioskSlot *slot)
{
  if (slot == NULL)
    return;
  g_date_time_unref (slot->starts_at);
  g_free (slot);
}

void
kiosk_motif_list_free (KioskMotifList *list)
{
  if (list == NULL)
    return;
  kiosk_place_free (list->place);
  g_free (list->timezone);
  g_ptr_array_unref (list->motifs);
  g_free (list);
}

void
kiosk_appointment_free (KioskAppointment *appointment)
{
  if (appointment == NULL)
    return;
  g_free (appointment->reference);
  g_clear_pointer (&appointment->starts_at, g_date_time_unref);
  g_clear_pointer (&appointment->ends_at, g_date_time_unref);
  g_clear_pointer (&appointment->arrived_at, g_date_time_unref);
  g_free (appointment->motif_id);
  g_free (appointment->motif_name);
  g_strfreev (appointment->procedures);
  kiosk_place_free (appointment->place);
  g_free (appointment->name);
  g_free (appointment);
}

/**
 * kiosk_booking_new:
 *
 * A booking to send; it gets a new Idempotency-Key, kept for all its attempts.
 */
KioskBooking *
kiosk_booking_new (const char *site,
                   const char *motif,
                   GDateTime  *starts_at,
                   const char *name,
                   const char *phone,
                   const char *email)
{
  KioskBooking *booking = g_new0 (KioskBooking, 1);

  booking->site = g_strdup (site);
  booking->motif = g_strdup (motif);
  booking->starts_at = g_date_time_ref (starts_at);
  booking->name = g_strdup (name);
  booking->phone = g_strdup (phone);
  booking->email = email && *email ? g_strdup (email) : NULL;
  booking->idempotency_key = kiosk_random_uuid ();
  return booking;
}

void
kiosk_booking_free (KioskBooking *booking)
{
  if (booking == NULL)
    return;
  g_free (booking->site);
  g_free (booking->motif);
  g_date_time_unref (booking->starts_at);
  g_free (booking->name);
  g_free (booking->phone);
  g_free (booking->email);
  g_free (booking->idempotency_key);
  g_free (booking);
}

/* References */

static gboolean
luhn_ok (const char *digits)
{
  guint sum = 0;
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      guint d = digits[n - 1 - i] - '0';

      if (i % 2 == 1)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  return sum % 10 == 0;
}

gboolean
kiosk_appointment_reference_is_valid (const char *reference)
{
  if (reference == NULL || strlen (reference) != 8)
    return FALSE;
  for (const char *p = reference; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return luhn_ok (reference);
}

/* The digits of what was typed (see kiosk_appointment_normalize_reference()), or %NULL when
 * something else than digits and separators was typed. */
static GString *
read_digits (const char *typed)
{
  static const char *const azerty[] = { "à", "&", "é", "\"", "'", "(", "-", "è", "_", "ç" };
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *p = typed;

  if (typed == NULL || !g_utf8_validate (typed, -1, NULL))
    return NULL;
  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, "RDV", 3) == 0)
    p += 3;
  while (*p != '\0')
    {
      gboolean matched = FALSE;

      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (digits, *p++);
          continue;
        }
      for (guint d = 0; d < G_N_ELEMENTS (azerty); d++)
        if (g_str_has_prefix (p, azerty[d]))
          {
            g_string_append_c (digits, '0' + d);
            p += strlen (azerty[d]);
            matched = TRUE;
            break;
          }
      if (matched)
        continue;
      /* Separators a person types between groups. */
      if (*p == ' ' || *p == '.' || *p == '\t' || *p == '\n' || *p == '\r')
        {
          p++;
          continue;
        }
      return NULL;
    }
  return g_steal_pointer (&digits);
}

/**
 * kiosk_appointment_normalize_reference:
 * @typed: what was typed, by a person or by a USB barcode reader acting as a keyboard
 *
 * A barcode reader set for a QWERTY layout, plugged into an AZERTY terminal, types the digit
 * row without Shift: "&é\"'(-è_çà" for "1234567890". Both are accepted, with spaces and dots
 * between groups, and an "RDV" prefix (a dash is the AZERTY 6, not a separator).
 *
 * Returns: (transfer full) (nullable): the 8-digit reference, or %NULL when @typed is not one
 *   (wrong length or check digit)
 */
char *
kiosk_appointment_normalize_reference (const char *typed)
{
  g_autoptr(GString) digits = read_digits (typed);

  if (digits == NULL || !kiosk_appointment_reference_is_valid (digits->str))
    return NULL;
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

/**
 * kiosk_appointment_reference_is_mistyped:
 * @typed: what was typed, as for kiosk_appointment_normalize_reference()
 *
 * Eight digits whose check digit does not match: a reference with a digit mistyped (or two
 * swapped), rather than something that is not a reference at all.
 *
 * Returns: %TRUE when @typed reads as 8 digits with a wrong check digit
 */
gboolean
kiosk_appointment_reference_is_mistyped (const char *typed)
{
  g_autoptr(GString) digits = read_digits (typed);

  return digits != NULL && digits->len == 8 && !kiosk_appointment_reference_is_valid (digits->str);
}

/* JSON */

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
               "The portal's %s is malformed", what);
  return FALSE;
}

static KioskPlace *
place_from_json (JsonObject *object)
{
  KioskPlace *place;

  if (kiosk_json_get_string (object, "id") == NULL || kiosk_json_get_string (object, "name") == NULL)
    return NULL;
  place = g_new0 (KioskPlace, 1);
  place->id = g_strdup (kiosk_json_get_string (object, "id"));
  place->name = g_strdup (kiosk_json_get_string (object, "name"));
  place->address = g_strdup (kiosk_json_get_string (object, "address"));
  return place;
}

KioskMotifList *
kiosk_motif_list_from_json (JsonObject  *data,
                            GError     **error)
{
  g_autoptr(KioskMotifList) list = g_new0 (KioskMotifList, 1);
  JsonArray *motifs = kiosk_json_get_array (data, "motifs");

  list->motifs = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_motif_free);
  list->place = place_from_json (kiosk_json_get_object (data, "place"));
  list->timezone = g_strdup (kiosk_json_get_string (data, "timezone"));
  if (motifs == NULL || list->place == NULL)
    {
      malformed (error, "list of motifs");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (motifs); i++)
    {
      JsonNode *node = json_array_get_element (motifs, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 duration = kiosk_json_get_int (object, "duration_in_min", 0);
      KioskMotif *motif;

      /* One bad motif is left out; the others stay bookable. */
      if (kiosk_json_get_string (object, "id") == NULL || kiosk_json_get_string (object, "name") == NULL
          || duration <= 0 || duration > 24 * 60)
        {
          g_warning ("Appointments: motif %u left out: id, name or duration missing", i);
          continue;
        }
      motif = g_new0 (KioskMotif, 1);
      motif->id = g_strdup (kiosk_json_get_string (object, "id"));
      motif->name = g_strdup (kiosk_json_get_string (object, "name"));
      motif->duration_min = duration;
      motif->procedures = kiosk_json_dup_strings (kiosk_json_get_array (object, "procedures"));
      g_ptr_array_add (list->motifs, motif);
    }
  return g_steal_pointer (&list);
}

GPtrArray *
kiosk_slots_from_json (JsonObject  *data,
                       GError     **error)
{
  JsonArray *array = kiosk_json_get_array (data, "slots");
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_slot_free);

  if (array == NULL)
    {
      malformed (error, "list of slots");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *text = kiosk_json_get_string (object, "starts_at");
      GDateTime *starts = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
      KioskSlot *slot;

      if (starts == NULL)
        continue;
      slot = g_new0 (KioskSlot, 1);
      slot->starts_at = starts;
      slot->duration_min = kiosk_json_get_int (object, "duration_in_min", 30);
      g_ptr_array_add (slots, slot);
    }
  return g_steal_pointer (&slots);
}

static GDateTime *
get_time (JsonObject *object,
          const char *member)
{
  const char *text = kiosk_json_get_string (object, member);

  return text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

KioskAppointment *
kiosk_appointment_from_json (JsonObject  *data,
                             GError     **error)
{
  static const char *const statuses[] = { "booked", "arrived", "seen", "cancelled", "no-show" };
  g_autoptr(KioskAppointment) a = g_new0 (KioskAppointment, 1);
  JsonObject *motif = kiosk_json_get_object (data, "motif");
  const char *status = kiosk_json_get_string (data, "status");
  gboolean known = FALSE;

  a->reference = g_strdup (kiosk_json_get_string (data, "reference"));
  a->starts_at = get_time (data, "starts_at");
  a->ends_at = get_time (data, "ends_at");
  a->arrived_at = get_time (data, "arrived_at");
  a->motif_id = g_strdup (kiosk_json_get_string (motif, "id"));
  a->motif_name = g_strdup (kiosk_json_get_string (motif, "name"));
  a->procedures = kiosk_json_dup_strings (kiosk_json_get_array (motif, "procedures"));
  a->place = place_from_json (kiosk_json_get_object (data, "place"));
  a->queue_position = MAX (0, kiosk_json_get_int (data, "queue_position", 0));
  a->name = g_strdup (kiosk_json_get_string (data, "name"));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (status, statuses[i]) == 0)
      {
        a->status = i;
        known = TRUE;
      }
  if (a->reference == NULL || a->starts_at == NULL || a->ends_at == NULL || !known)
    {
      malformed (error, "appointment");
      return NULL;
    }
  return g_steal_pointer (&a);
}

/* Calls */

typedef enum
{
  CALL_MOTIFS,
  CALL_SLOTS,
  CALL_APPOINTMENT,
  CALL_DAY,
} CallKind;

typedef struct
{
  CallKind    kind;
  GHashTable *field_errors;
} CallData;

static void
call_data_free (CallData *data)
{
  g_clear_pointer (&data->field_errors, g_hash_table_unref);
  g_free (data);
}

static void
translate_error (const char  *err_code,
                 GError     **error)
{
  static const struct
  {
    const char *code;
    int         error;
  } codes[] = {
    { "slot-taken", KIOSK_APPOINTMENT_ERROR_SLOT_TAKEN },
    { "no-such-slot", KIOSK_APPOINTMENT_ERROR_SLOT_TAKEN },
    { "not-found", KIOSK_APPOINTMENT_ERROR_NOT_FOUND },
    { "phone-mismatch", KIOSK_APPOINTMENT_ERROR_PHONE_MISMATCH },
    { "too-early", KIOSK_APPOINTMENT_ERROR_TOO_EARLY },
    { "too-late", KIOSK_APPOINTMENT_ERROR_TOO_LATE },
    { "cancelled", KIOSK_APPOINTMENT_ERROR_CANCELLED },
    { "invalid-fields", KIOSK_APPOINTMENT_ERROR_INVALID },
  };

  for (guint i = 0; err_code != NULL && i < G_N_ELEMENTS (codes); i++)
    if (strcmp (err_code, codes[i].code) == 0)
      {
        g_autofree char *message = g_strdup ((*error)->message);

        g_clear_error (error);
        g_set_error (error, KIOSK_APPOINTMENT_ERROR, codes[i].error, "%s (%s)", message, err_code);
        return;
      }
}

static void
call_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *err_code = NULL;
  g_autoptr(JsonObject) data = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result,
                                                              &err_code, &call->field_errors,
                                                              &error);
  gpointer value = NULL;
  GDestroyNotify free_func = NULL;

  if (data == NULL)
    {
      translate_error (err_code, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  switch (call->kind)
    {
    case CALL_MOTIFS:
      value = kiosk_motif_list_from_json (data, &error);
      free_func = (GDestroyNotify) kiosk_motif_list_free;
      break;
    case CALL_SLOTS:
      value = kiosk_slots_from_json (data, &error);
      free_func = (GDestroyNotify) g_ptr_array_unref;
      break;
    case CALL_APPOINTMENT:
      value = kiosk_appointment_from_json (data, &error);
      free_func = (GDestroyNotify) kiosk_appointment_free;
      break;
    case CALL_DAY:
      {
        JsonArray *list = kiosk_json_get_array (data, "appointments");
        GPtrArray *appointments = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_appointment_free);

        for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
          {
            JsonNode *node = json_array_get_element (list, i);
            KioskAppointment *a = JSON_NODE_HOLDS_OBJECT (node)
                                  ? kiosk_appointment_from_json (json_node_get_object (node), NULL)
                                  : NULL;
            if (a != NULL)
              g_ptr_array_add (appointments, a);
          }
        if (list == NULL)
          {
            g_ptr_array_unref (appointments);
            malformed (&error, "list of appointments");
          }
        else
          value = appointments;
        free_func = (GDestroyNotify) g_ptr_array_unref;
      }
      break;
    default:
      g_assert_not_reached ();
    }
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, free_func);
}

static void
start_call (KioskPortal         *portal,
            CallKind             kind,
            gpointer             source_tag,
            const char          *method,
            const char          *path,
            const char          *body,
            const char          *idempotency_key,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  CallData *call = g_new0 (CallData, 1);

  call->kind = kind;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_data_free);
  kiosk_portal_call_json_async (portal, method, path, body, idempotency_key, cancellable,
                                call_done_cb, task);
}

static char *
escape (const char *text)
{
  return g_uri_escape_string (text ? text : "", NULL, FALSE);
}

void
kiosk_appointments_fetch_motifs_async (KioskPortal         *portal,
                                       const char          *site,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *escaped = escape (site);
  g_autofree char *path = site ? g_strdup_printf ("api/appointments/motifs?site=%s", escaped)
                               : g_strdup ("api/appointments/motifs");

  start_call (portal, CALL_MOTIFS, kiosk_appointments_fetch_motifs_async, "GET", path, NULL, NULL,
              cancellable, callback, user_data);
}

KioskMotifList *
kiosk_appointments_fetch_motifs_finish (GAsyncResult  *result,
                                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* @from: the first day (its date in its own time zone) */
void
kiosk_appointments_fetch_slots_async (KioskPortal         *portal,
                                      const char          *site,
                                      const char          *motif,
                                      GDateTime           *from,
                                      guint                days,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *escaped_site = escape (site);
  g_autofree char *escaped_motif = escape (motif);
  g_autofree char *date = g_date_time_format (from, "%Y-%m-%d");
  g_autofree char *path = g_strdup_printf ("api/appointments/slots?site=%s&motif=%s&from=%s&days=%u",
                                           escaped_site, escaped_motif, date, CLAMP (days, 1, 31));

  start_call (portal, CALL_SLOTS, kiosk_appointments_fetch_slots_async, "GET", path, NULL, NULL,
              cancellable, callback, user_data);
}

GPtrArray *
kiosk_appointments_fetch_slots_finish (GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_appointments_book_async:
 *
 * Books @booking. A request that got no answer is sent again with the same Idempotency-Key, so
 * that the portal books once. A booking is never queued for later: without the portal's
 * answer the citizen has no appointment, and is told so.
 */
void
kiosk_appointments_book_async (KioskPortal         *portal,
                               const KioskBooking  *booking,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *starts = g_date_time_format_iso8601 (booking->starts_at);
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  if (booking->site != NULL)
    {
      json_builder_set_member_name (builder, "site");
      json_builder_add_string_value (builder, booking->site);
    }
  json_builder_set_member_name (builder, "motif");
  json_builder_add_string_value (builder, booking->motif);
  json_builder_set_member_name (builder, "starts_at");
  json_builder_add_string_value (builder, starts);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, booking->name);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, booking->phone);
  if (booking->email != NULL)
    {
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, booking->email);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = kiosk_json_to_string (root);
  start_call (portal, CALL_APPOINTMENT, kiosk_appointments_book_async, "POST", "api/appointments",
              body, booking->idempotency_key, cancellable, callback, user_data);
  explicit_bzero (body, strlen (body));
}

/**
 * kiosk_appointments_book_finish:
 * @field_errors: (out) (optional) (transfer full): with %KIOSK_APPOINTMENT_ERROR_INVALID,
 *   varname (name, phone, email) → the portal's French message
 */
KioskAppointment *
kiosk_appointments_book_finish (GAsyncResult  *result,
                                GHashTable   **field_errors,
                                GError       **error)
{
  CallData *call = g_task_get_task_data (G_TASK (result));

  if (field_errors != NULL)
    *field_errors = call->field_errors ? g_hash_table_ref (call->field_errors) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
reference_call (KioskPortal         *portal,
                gpointer             source_tag,
                const char          *method,
                const char          *reference,
                const char          *action,
                const char          *body,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autofree char *escaped = escape (reference);
  g_autofree char *path = g_strdup_printf ("api/appointments/%s%s%s", escaped, action ? "/" : "",
                                           action ? action : "");

  start_call (portal, CALL_APPOINTMENT, source_tag, method, path, body, NULL, cancellable,
              callback, user_data);
}

void
kiosk_appointments_check_in_async (KioskPortal         *portal,
                                   const char          *reference,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  reference_call (portal, kiosk_appointments_check_in_async, "POST", reference, "check-in", "{}",
                  cancellable, callback, user_data);
}

void
kiosk_appointments_lookup_async (KioskPortal         *portal,
                                 const char          *reference,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  reference_call (portal, kiosk_appointments_lookup_async, "GET", reference, NULL, NULL,
                  cancellable, callback, user_data);
}

/* An agent has received the citizen. */
void
kiosk_appointments_mark_seen_async (KioskPortal         *portal,
                                    const char          *reference,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  reference_call (portal, kiosk_appointments_mark_seen_async, "POST", reference, "seen", "{}",
                  cancellable, callback, user_data);
}

void
kiosk_appointments_cancel_async (KioskPortal         *portal,
                                 const char          *reference,
                                 const char          *phone,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, phone ? phone : "");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = kiosk_json_to_string (root);
  reference_call (portal, kiosk_appointments_cancel_async, "POST", reference, "cancel", body,
                  cancellable, callback, user_data);
}

KioskAppointment *
kiosk_appointments_call_finish (GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* @day: (nullable): the day (its date); %NULL for the portal's today */
void
kiosk_appointments_fetch_day_async (KioskPortal         *portal,
                                    const char          *site,
                                    GDateTime           *day,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *escaped = escape (site);
  g_autofree char *date = day ? g_date_time_format (day, "%Y-%m-%d") : NULL;
  g_autofree char *path = date ? g_strdup_printf ("api/appointments?site=%s&date=%s", escaped, date)
                               : g_strdup_printf ("api/appointments?site=%s", escaped);

  start_call (portal, CALL_DAY, kiosk_appointments_fetch_day_async, "GET", path, NULL, NULL,
              cancellable, callback, user_data);
}

GPtrArray *
kiosk_appointments_fetch_day_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
