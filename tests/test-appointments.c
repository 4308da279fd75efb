/* test-appointments.c: appointments against the reference portal over loopback (suite
 * `appointments`) — motifs and slots, booking, the race for one slot, the idempotent retry,
 * check-in, cancellation, outages — and the kiosk's booking and arrival pages in the real window.
 */
#include "kiosk-test-util.h"

#include "kiosk-appointment-page.h"
#include "kiosk-appointments.h"
#include "kiosk-arrival-page.h"
#include "kiosk-json.h"

#include <glib/gi18n.h>
#include <string.h>

static KioskTestPortal *portal;

typedef struct
{
  gboolean    done;
  gpointer    value;
  GError     *error;
  GHashTable *fields;
} Result;

static void
result_clear (Result *r)
{
  g_clear_error (&r->error);
  g_clear_pointer (&r->fields, g_hash_table_unref);
  r->done = FALSE;
  r->value = NULL;
}

static gboolean
done_cb (gpointer data)
{
  return ((Result *) data)->done;
}

static void
motifs_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->value = kiosk_appointments_fetch_motifs_finish (res, &r->error);
  r->done = TRUE;
}

static void
slots_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->value = kiosk_appointments_fetch_slots_finish (res, &r->error);
  r->done = TRUE;
}

static void
book_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->value = kiosk_appointments_book_finish (res, &r->fields, &r->error);
  r->done = TRUE;
}

static void
call_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->value = kiosk_appointments_call_finish (res, &r->error);
  r->done = TRUE;
}

static void
day_cb (GObject *o, GAsyncResult *res, gpointer data)
{
  Result *r = data;

  r->value = kiosk_appointments_fetch_day_finish (res, &r->error);
  r->done = TRUE;
}

static KioskPortal *
new_client (const char *url)
{
  g_autoptr(GError) error = NULL;
  KioskPortal *client = kiosk_portal_new (url, "epn-test", &error);

  g_assert_no_error (error);
  kiosk_portal_set_timeouts (client, 2000, 5000);
  return client;
}

static void
wait_for (Result *r)
{
  g_assert_true (kiosk_test_wait (done_cb, r, 20000));
}

static GDateTime *
tomorrow_in_noumea (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Pacific/Noumea");
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);

  return g_date_time_add_days (now, 1);
}

/* The free slots of @motif over the next 8 days. */
static GPtrArray *
fetch_slots (KioskPortal *client,
             const char  *motif)
{
  g_autoptr(GDateTime) from = tomorrow_in_noumea ();
  Result r = { 0 };

  kiosk_appointments_fetch_slots_async (client, NULL, motif, from, 8, NULL, slots_cb, &r);
  wait_for (&r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.value);
  return r.value;
}

static KioskAppointment *
book (KioskPortal  *client,
      KioskBooking *booking,
      GError      **error)
{
  Result r = { 0 };

  kiosk_appointments_book_async (client, booking, NULL, book_cb, &r);
  wait_for (&r);
  if (r.error != NULL)
    g_propagate_error (error, g_steal_pointer (&r.error));
  g_clear_pointer (&r.fields, g_hash_table_unref);
  return r.value;
}

static GPtrArray *
fetch_day (KioskPortal *client,
           GDateTime   *day)
{
  Result r = { 0 };

  kiosk_appointments_fetch_day_async (client, NULL, day, NULL, day_cb, &r);
  wait_for (&r);
  g_assert_no_error (r.error);
  return r.value;
}

static void
set_clock (GDateTime *now)
{
  g_autofree char *text = now ? g_date_time_format_iso8601 (now) : NULL;
  g_autofree char *body = text ? g_strdup_printf ("{\"now\": \"%s\"}", text) : g_strdup ("{\"now\": null}");

  kiosk_test_portal_post (portal, "_control/clock", body);
}

static void
reset_portal (void)
{
  kiosk_test_portal_post (portal, "_control/reset", "{}");
}

/* A typed reference: digits, spaces, an "RDV" prefix, and what a QWERTY barcode reader types on
 * an AZERTY terminal; a wrong check digit or length is refused. */
static void
test_reference (void)
{
  g_autofree char *plain = kiosk_appointment_normalize_reference ("12345674");
  g_autofree char *spaced = kiosk_appointment_normalize_reference (" 1234 5674 ");
  g_autofree char *prefixed = kiosk_appointment_normalize_reference ("RDV 1234 5674");
  g_autofree char *azerty = kiosk_appointment_normalize_reference ("&é\"'(-è'");
  g_autofree char *mixed = kiosk_appointment_normalize_reference ("1é3'5-7'");
  g_autofree char *zeros = kiosk_appointment_normalize_reference ("àç_è-('&");

  g_assert_true (kiosk_appointment_reference_is_valid ("12345674"));
  g_assert_cmpstr (plain, ==, "12345674");
  g_assert_cmpstr (spaced, ==, "12345674");
  g_assert_cmpstr (prefixed, ==, "12345674");
  g_assert_cmpstr (azerty, ==, "12345674");
  g_assert_cmpstr (mixed, ==, "12345674");
  g_assert_cmpstr (zeros, ==, "09876541");   /* à is 0, ç 9, _ 8, è 7, - 6 */
  g_assert_null (kiosk_appointment_normalize_reference ("12345675"));   /* check digit */
  g_assert_null (kiosk_appointment_normalize_reference ("1234567"));    /* length */
  g_assert_null (kiosk_appointment_normalize_reference ("123456740"));
  g_assert_null (kiosk_appointment_normalize_reference ("1234x674"));
  g_assert_null (kiosk_appointment_normalize_reference (""));
  g_assert_null (kiosk_appointment_normalize_reference (NULL));
  /* Eight digits with a wrong check digit: mistyped, not "not a number". */
  g_assert_true (kiosk_appointment_reference_is_mistyped ("1234 5675"));
  g_assert_true (kiosk_appointment_reference_is_mistyped ("&é\"'(-è("));
  g_assert_false (kiosk_appointment_reference_is_mistyped ("12345674"));
  g_assert_false (kiosk_appointment_reference_is_mistyped ("1234567"));
  g_assert_false (kiosk_appointment_reference_is_mistyped ("1234x675"));
  g_assert_false (kiosk_appointment_reference_is_mistyped (NULL));
}

/* Motifs come with the place; slots are within opening hours, in Nouméa's time, never sooner
 * than an hour from now. */
static void
test_motifs_and_slots (void)
{
  g_autoptr(KioskPortal) client = new_client (portal->url);
  g_autoptr(KioskMotifList) list = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  gint64 earliest = g_get_real_time () / G_USEC_PER_SEC + 3600 - 60;
  Result r = { 0 };

  reset_portal ();
  kiosk_appointments_fetch_motifs_async (client, NULL, NULL, motifs_cb, &r);
  wait_for (&r);
  g_assert_no_error (r.error);
  list = r.value;
  g_assert_cmpstr (list->place->id, ==, "epn-noumea-centre");
  g_assert_cmpstr (list->place->name, ==, "EPN de Nouméa centre");
  g_assert_cmpstr (list->timezone, ==, "Pacific/Noumea");
  g_assert_cmpuint (list->motifs->len, >=, 5);
  g_assert_cmpstr (((KioskMotif *) list->motifs->pdata[0])->id, ==, "aide-medicale");
  g_assert_cmpstr (((KioskMotif *) list->motifs->pdata[0])->procedures[0], ==, "aide-medicale");

  slots = fetch_slots (client, "aide-medicale");
  g_assert_cmpuint (slots->len, >, 10);
  for (guint i = 0; i < slots->len; i++)
    {
      KioskSlot *slot = slots->pdata[i];
      int minutes = g_date_time_get_hour (slot->starts_at) * 60 + g_date_time_get_minute (slot->starts_at);

      g_assert_cmpint (g_date_time_get_utc_offset (slot->starts_at) / G_TIME_SPAN_SECOND, ==, 11 * 3600);
      g_assert_cmpint (g_date_time_get_day_of_week (slot->starts_at), <=, 5);
      g_assert_cmpint (minutes, >=, 7 * 60 + 30);
      g_assert_cmpint (minutes + 30, <=, 16 * 60);
      g_assert_cmpint (g_date_time_to_unix (slot->starts_at), >=, earliest);
      g_assert_cmpuint (slot->duration_min, ==, 30);
    }
}

/* Booked, then checked in on the day: the agents' queue shows the citizen as arrived. */
static void
test_book_and_check_in (void)
{
  g_autoptr(KioskPortal) client = new_client (portal->url);
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(KioskBooking) booking = NULL;
  g_autoptr(KioskAppointment) booked = NULL;
  g_autoptr(KioskAppointment) arrived = NULL;
  g_autoptr(GPtrArray) day = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GError) error = NULL;
  KioskSlot *slot;
  Result r = { 0 };

  reset_portal ();
  slots = fetch_slots (client, "aide-medicale");
  slot = slots->pdata[0];
  booking = kiosk_booking_new (NULL, "aide-medicale", slot->starts_at, "Marie Wamytan", "75 12 34", NULL);
  booked = book (client, booking, &error);
  g_assert_no_error (error);
  g_assert_true (kiosk_appointment_reference_is_valid (booked->reference));
  g_assert_true (g_date_time_equal (booked->starts_at, slot->starts_at));
  g_assert_cmpint (g_date_time_difference (booked->ends_at, booked->starts_at), ==, 30 * G_TIME_SPAN_MINUTE);
  g_assert_cmpint (booked->status, ==, KIOSK_APPOINTMENT_BOOKED);
  g_assert_cmpstr (booked->place->name, ==, "EPN de Nouméa centre");
  g_assert_null (booked->name);   /* a citizen's answer never names who booked */

  /* Two days before: too early to check in. */
  before = g_date_time_add_days (slot->starts_at, -2);
  set_clock (before);
  kiosk_appointments_check_in_async (client, booked->reference, NULL, call_cb, &r);
  wait_for (&r);
  g_assert_error (r.error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_TOO_EARLY);
  result_clear (&r);

  /* Ten minutes before: checked in, first in the queue; a second check-in is harmless. */
  g_clear_pointer (&before, g_date_time_unref);
  before = g_date_time_add_minutes (slot->starts_at, -10);
  set_clock (before);
  for (int i = 0; i < 2; i++)
    {
      kiosk_appointments_check_in_async (client, booked->reference, NULL, call_cb, &r);
      wait_for (&r);
      g_assert_no_error (r.error);
      g_clear_pointer (&arrived, kiosk_appointment_free);
      arrived = r.value;
      result_clear (&r);
      g_assert_cmpint (arrived->status, ==, KIOSK_APPOINTMENT_ARRIVED);
      g_assert_cmpuint (arrived->queue_position, ==, 1);
      g_assert_nonnull (arrived->arrived_at);
    }

  day = fetch_day (client, slot->starts_at);
  g_assert_cmpuint (day->len, ==, 1);
  g_assert_cmpstr (((KioskAppointment *) day->pdata[0])->reference, ==, booked->reference);
  g_assert_cmpstr (((KioskAppointment *) day->pdata[0])->name, ==, "Marie Wamytan");
  g_assert_cmpint (((KioskAppointment *) day->pdata[0])->status, ==, KIOSK_APPOINTMENT_ARRIVED);
  set_clock (NULL);
}

/* Not checked in before the end: a no-show, and too late to check in. */
static void
test_no_show (void)
{
  g_autoptr(KioskPortal) client = new_client (portal->url);
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(KioskBooking) booking = NULL;
  g_autoptr(KioskAppointment) booked = NULL;
  g_autoptr(KioskAppointment) looked_up = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  reset_portal ();
  slots = fetch_slots (client, "bourses-scolaires");
  booking = kiosk_booking_new (NULL, "bourses-scolaires", ((KioskSlot *) slots->pdata[0])->starts_at,
                               "Paul Néa", "+33 6 12 34 56 78", "paul@example.nc");
  booked = book (client, booking, &error);
  g_assert_no_error (error);
  after = g_date_time_add_hours (booked->ends_at, 1);
  set_clock (after);
  kiosk_appointments_check_in_async (client, booked->reference, NULL, call_cb, &r);
  wait_for (&r);
  g_assert_error (r.error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_TOO_LATE);
  result_clear (&r);
  kiosk_appointments_lookup_async (client, booked->reference, NULL, call_cb, &r);
  wait_for (&r);
  g_assert_no_error (r.error);
  looked_up = r.value;
  g_assert_cmpint (looked_up->status, ==, KIOSK_APPOINTMENT_NO_SHOW);
  set_clock (NULL);
}

/* Two kiosks book the same slot at the same moment: exactly one wins; the other is told the slot
 * was taken, and the slots it is offered next no longer include it. */
static void
test_race (void)
{
  g_autoptr(KioskPortal) a = new_client (portal->url);
  g_autoptr(KioskPortal) b = new_client (portal->url);
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) day = NULL;
  g_autoptr(KioskBooking) booking_a = NULL;
  g_autoptr(KioskBooking) booking_b = NULL;
  GDateTime *wanted;
  Result ra = { 0 }, rb = { 0 };
  Result *winner, *loser;

  reset_portal ();
  slots = fetch_slots (a, "aide-medicale");
  wanted = ((KioskSlot *) slots->pdata[2])->starts_at;
  booking_a = kiosk_booking_new (NULL, "aide-medicale", wanted, "Jeanne Ouvéa", "751234", NULL);
  booking_b = kiosk_booking_new (NULL, "aide-medicale", wanted, "Luc Tiéti", "769900", NULL);
  kiosk_appointments_book_async (a, booking_a, NULL, book_cb, &ra);
  kiosk_appointments_book_async (b, booking_b, NULL, book_cb, &rb);
  wait_for (&ra);
  wait_for (&rb);
  g_assert_true ((ra.value != NULL) != (rb.value != NULL));
  winner = ra.value ? &ra : &rb;
  loser = ra.value ? &rb : &ra;
  g_assert_error (loser->error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_SLOT_TAKEN);
  g_assert_true (g_date_time_equal (((KioskAppointment *) winner->value)->starts_at, wanted));

  after = fetch_slots (b, "aide-medicale");
  g_assert_cmpuint (after->len, ==, slots->len - 1);
  for (guint i = 0; i < after->len; i++)
    g_assert_false (g_date_time_equal (((KioskSlot *) after->pdata[i])->starts_at, wanted));
  day = fetch_day (a, wanted);
  g_assert_cmpuint (day->len, ==, 1);
  kiosk_appointment_free (winner->value);
  result_clear (&ra);
  result_clear (&rb);
}

/* The portal stores the booking but the connection is cut before its answer: the kiosk sends
 * the same request again with the same Idempotency-Key and gets the same appointment — one
 * booking, not two. A 5xx is retried the same way. */
static void
test_idempotent_retry (void)
{
  g_autoptr(KioskPortal) client = new_client (portal->url);
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(KioskBooking) booking = NULL;
  g_autoptr(KioskAppointment) booked = NULL;
  g_autoptr(KioskAppointment) again = NULL;
  g_autoptr(GPtrArray) day = NULL;
  g_autoptr(GError) error = NULL;

  reset_portal ();
  slots = fetch_slots (client, "aide-medicale");
  booking = kiosk_booking_new (NULL, "aide-medicale", ((KioskSlot *) slots->pdata[0])->starts_at,
                               "Marie Wamytan", "751234", NULL);
  kiosk_test_portal_post (portal, "_control/faults", "{\"reset_after_store\": 1}");
  booked = book (client, booking, &error);
  g_assert_no_error (error);

  /* Pressing "Confirm" again (same booking, same key) cannot book twice either. */
  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 1, \"status\": 503}");
  again = book (client, booking, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->reference, ==, booked->reference);

  day = fetch_day (client, booked->starts_at);
  g_assert_cmpuint (day->len, ==, 1);
  g_assert_cmpstr (((KioskAppointment *) day->pdata[0])->reference, ==, booked->reference);
}

/* Cancelling needs the booking's phone number; a wrong one changes nothing. The slot is then
 * free again. */
static void
test_cancel (void)
{
  g_autoptr(KioskPortal) client = new_client (portal->url);
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(KioskBooking) booking = NULL;
  g_autoptr(KioskAppointment) booked = NULL;
  g_autoptr(KioskAppointment) cancelled = NULL;
  g_autoptr(KioskAppointment) looked_up = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  reset_portal ();
  slots = fetch_slots (client, "aide-medicale");
  booking = kiosk_booking_new (NULL, "aide-medicale", ((KioskSlot *) slots->pdata[0])->starts_at,
                               "Marie Wamytan", "75 12 34", NULL);
  booked = book (client, booking, &error);
  g_assert_no_error (error);

  kiosk_appointments_cancel_async (client, booked->reference, "75 12 35", NULL, call_cb, &r);
  wait_for (&r);
  g_assert_error (r.error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_PHONE_MISMATCH);
  result_clear (&r);
  kiosk_appointments_lookup_async (client, booked->reference, NULL, call_cb, &r);
  wait_for (&r);
  looked_up = r.value;
  result_clear (&r);
  g_assert_cmpint (looked_up->status, ==, KIOSK_APPOINTMENT_BOOKED);

  kiosk_appointments_cancel_async (client, booked->reference, "+687 751234", NULL, call_cb, &r);
  wait_for (&r);
  g_assert_no_error (r.error);
  cancelled = r.value;
  result_clear (&r);
  g_assert_cmpint (cancelled->status, ==, KIOSK_APPOINTMENT_CANCELLED);
  after = fetch_slots (client, "aide-medicale");
  g_assert_cmpuint (after->len, ==, slots->len);

  kiosk_appointments_check_in_async (client, booked->reference, NULL, call_cb, &r);
  wait_for (&r);
  g_assert_error (r.error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_CANCELLED);
  result_clear (&r);

  kiosk_appointments_cancel_async (client, "12345674", "751234", NULL, call_cb, &r);
  wait_for (&r);
  g_assert_error (r.error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_NOT_FOUND);
  result_clear (&r);
}

/* Portal down, failing or answering garbage: the booking is refused with an error the page
 * words for the citizen, and no appointment exists anywhere. */
static void
test_outages (void)
{
  g_autoptr(KioskPortal) client = new_client (portal->url);
  g_autoptr(KioskPortal) nowhere = new_client ("http://127.0.0.1:9/");
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GPtrArray) day = NULL;
  g_autoptr(KioskBooking) booking = NULL;
  g_autoptr(GError) error = NULL;
  KioskAppointment *booked;
  Result r = { 0 };

  reset_portal ();
  slots = fetch_slots (client, "aide-medicale");
  booking = kiosk_booking_new (NULL, "aide-medicale", ((KioskSlot *) slots->pdata[0])->starts_at,
                               "Marie Wamytan", "751234", NULL);

  booked = book (nowhere, booking, &error);
  g_assert_null (booked);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_UNREACHABLE);
  g_clear_error (&error);

  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 5, \"status\": 503}");
  booked = book (client, booking, &error);
  g_assert_null (booked);
  g_assert_error (error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_SERVER);
  g_clear_error (&error);
  kiosk_test_portal_post (portal, "_control/faults", "{\"malformed\": 1}");
  kiosk_appointments_fetch_motifs_async (client, NULL, NULL, motifs_cb, &r);
  wait_for (&r);
  g_assert_error (r.error, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED);
  result_clear (&r);

  kiosk_test_portal_post (portal, "_control/faults", "{}");
  day = fetch_day (client, ((KioskSlot *) slots->pdata[0])->starts_at);
  g_assert_cmpuint (day->len, ==, 0);

  /* Invalid contact details are refused by the portal too, field by field. */
  {
    g_autoptr(KioskBooking) bad = kiosk_booking_new (NULL, "aide-medicale",
                                                     ((KioskSlot *) slots->pdata[0])->starts_at,
                                                     " ", "12", "pas-un-courriel");

    kiosk_appointments_book_async (client, bad, NULL, book_cb, &r);
    wait_for (&r);
    g_assert_error (r.error, KIOSK_APPOINTMENT_ERROR, KIOSK_APPOINTMENT_ERROR_INVALID);
    g_assert_nonnull (r.fields);
    g_assert_true (g_hash_table_contains (r.fields, "name"));
    g_assert_true (g_hash_table_contains (r.fields, "phone"));
    g_assert_true (g_hash_table_contains (r.fields, "email"));
    result_clear (&r);
  }
}


/* The UI */


static gboolean
arrival_idle_cb (gpointer data)
{
  KioskWindow *window = data;

  return !kiosk_page_get_busy (KIOSK_PAGE (kiosk_window_find_widget (window, "arrival")));
}

static char *
pdf_text (const char *pdf)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &wait_status, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

/* A citizen books from the home screen in French: a reason, a time on the week view (taken by
 * someone else meanwhile: the kiosk says so and offers the remaining times), name and phone;
 * the booking's number and QR code are shown and printed (to a PDF file here). Then, on the
 * day, a barcode reader typing through the AZERTY digit row checks the citizen in; a wrong phone
 * number cannot cancel. */
static void
test_booking_flow (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-rdv-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (data_dir, "rendez-vous.pdf", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(KioskPortal) other = new_client (portal->url);
  g_autoptr(KioskBooking) rival = NULL;
  g_autoptr(KioskAppointment) taken = NULL;
  g_autoptr(GPtrArray) day = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) wanted = NULL;
  g_autofree char *chosen = NULL;
  g_autoptr(GDateTime) just_before = NULL;
  g_autoptr(GDateTime) starts = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *azerty = NULL;
  g_autofree char *when = NULL;
  const KioskAppointment *booked;
  KioskWindow *window;
  GtkWidget *slot;
  const char *azerty_digits[] = { "à", "&", "é", "\"", "'", "(", "-", "è", "_", "ç" };

  reset_portal ();
  kiosk_test_setup_locale ("fr");
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");

  kiosk_test_click (window, "welcome-appointment");
  kiosk_test_wait_for_page (window, "appointment");
  kiosk_test_wait_for_appointment_step (window, "motifs");
  g_assert_cmpstr (kiosk_test_label (window, "appointment-subtitle"), ==,
                   "Lieu\u00a0: EPN de Nouméa centre. Quel est l’objet du rendez-vous\u00a0?");
  kiosk_test_click (window, "motif-aide-medicale");
  kiosk_test_wait_for_appointment_step (window, "slots");

  /* The first free time, as a citizen would touch it. */
  slot = kiosk_test_find_prefixed (kiosk_test_find (window, "slots-days"), "slot-");
  g_assert_nonnull (slot);
  chosen = g_strdup (gtk_widget_get_name (slot));
  g_signal_emit_by_name (slot, "clicked");
  kiosk_test_wait_for_appointment_step (window, "contact");
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "appointment-summary"),
                                   "Constituer un dossier d’aide médicale, "));

  /* Contact details are checked before anything is sent. */
  kiosk_test_type (window, "appointment-phone", "12");
  kiosk_test_click (window, "appointment-confirm");
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "appointment-name-error")));
  g_assert_true (gtk_widget_get_visible (kiosk_test_find (window, "appointment-phone-error")));
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "appointment-email-error")));
  kiosk_test_type (window, "appointment-name", "Marie Wamytan");
  kiosk_test_type (window, "appointment-phone", "75 12 34");

  /* Meanwhile another kiosk takes this very time (the one the citizen chose, whatever the hour
   * the test runs: its button is named after it, in the terminal's time zone). */
  {
    int year, month, day, hour, minute;

    g_assert_cmpint (sscanf (chosen, "slot-%4d%2d%2d-%2d%2d", &year, &month, &day, &hour, &minute), ==, 5);
    wanted = g_date_time_new_local (year, month, day, hour, minute, 0);
    rival = kiosk_booking_new (NULL, "aide-medicale", wanted, "Luc Tiéti", "769900", NULL);
    taken = book (other, rival, &error);
    g_assert_no_error (error);
  }
  kiosk_test_click (window, "appointment-confirm");
  kiosk_test_wait_for_appointment_step (window, "slots");
  g_assert_cmpstr (kiosk_test_label (window, "appointment-error"), ==,
                   "Quelqu’un vient de réserver cet horaire. Voici les horaires encore libres.");
  {
    g_autofree char *taken_name = g_date_time_format (wanted, "slot-%Y%m%d-%H%M");
    g_autoptr(GDateTime) local = g_date_time_to_local (wanted);
    g_autofree char *local_name = g_date_time_format (local, "slot-%Y%m%d-%H%M");

    g_assert_null (kiosk_window_find_widget (window, local_name));
    (void) taken_name;
  }
  slot = kiosk_test_find_prefixed (kiosk_test_find (window, "slots-days"), "slot-");
  g_signal_emit_by_name (slot, "clicked");
  kiosk_test_wait_for_appointment_step (window, "contact");
  /* What was typed is still there. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "appointment-name"))), ==,
                   "Marie Wamytan");
  kiosk_test_click (window, "appointment-confirm");
  kiosk_test_wait_for_appointment_step (window, "done");

  booked = kiosk_appointment_page_get_appointment (KIOSK_APPOINTMENT_PAGE (kiosk_test_find (window, "appointment")));
  g_assert_nonnull (booked);
  reference = g_strdup (booked->reference);
  {
    g_autofree char *spaced = g_strdup_printf ("%.4s %.4s", reference, reference + 4);

    g_assert_cmpstr (kiosk_test_label (window, "appointment-reference"), ==, spaced);
  }
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (kiosk_test_find (window, "appointment-qr"))));
  g_assert_nonnull (strstr (kiosk_test_label (window, "appointment-bring"), "originaux"));
  g_assert_nonnull (strstr (kiosk_test_label (window, "appointment-place"), "EPN de Nouméa centre"));
  when = g_strdup (kiosk_test_label (window, "appointment-when"));
  g_assert_nonnull (strstr (when, " à "));   /* "lundi 30 novembre à 8 h 00" */
  g_assert_nonnull (strstr (when, " h "));

  /* The portal holds the booking, with the name and phone typed. */
  day = fetch_day (other, booked->starts_at);
  g_assert_cmpuint (day->len, ==, 2);
  {
    gboolean found = FALSE;

    for (guint i = 0; i < day->len; i++)
      {
        KioskAppointment *a = day->pdata[i];

        if (g_str_equal (a->reference, reference))
          {
            g_assert_cmpstr (a->name, ==, "Marie Wamytan");
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* Printed (to a file): the number and the date are on it. */
  g_assert_true (kiosk_appointment_page_print (KIOSK_APPOINTMENT_PAGE (kiosk_test_find (window, "appointment")), pdf));
  text = pdf_text (pdf);
  {
    g_autofree char *spaced = g_strdup_printf ("%.4s %.4s", reference, reference + 4);
    g_autofree char *day_text = kiosk_format_day (booked->starts_at);

    g_assert_nonnull (strstr (text, spaced));
    g_assert_nonnull (strstr (text, day_text));
    g_assert_nonnull (strstr (text, "EPN de Nouméa centre"));
  }
  just_before = g_date_time_add_minutes (booked->starts_at, -10);
  starts = g_date_time_ref (booked->starts_at);
  booked = NULL;   /* the page forgets it when the session ends */

  /* Finishing wipes the page. */
  kiosk_test_click (window, "appointment-finish");
  kiosk_test_wait_for_page (window, "welcome");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "appointment-name"))), ==, "");
  g_assert_cmpstr (kiosk_test_label (window, "appointment-reference"), ==, "");

  /* Cancelling with a wrong phone number changes nothing. */
  kiosk_test_click (window, "welcome-arrival");
  kiosk_test_wait_for_page (window, "arrival");
  kiosk_test_type (window, "arrival-reference", reference);
  kiosk_test_type (window, "arrival-phone", "76 00 00");
  kiosk_test_click (window, "arrival-cancel");
  g_assert_true (kiosk_test_wait (arrival_idle_cb, window, 20000));
  g_assert_cmpstr (kiosk_test_label (window, "arrival-result"), ==,
                   "Ce numéro de téléphone n’est pas celui donné à la réservation. Vérifiez-le, ou demandez à un agent.");

  /* On the day: a QWERTY barcode reader on this AZERTY terminal types the number, then Enter. */
  set_clock (just_before);
  {
    GString *typed = g_string_new (NULL);

    for (const char *p = reference; *p; p++)
      g_string_append (typed, azerty_digits[*p - '0']);
    azerty = g_string_free (typed, FALSE);
  }
  kiosk_test_type (window, "arrival-reference", azerty);
  /* Enter in the entry's text, as the reader's last key does. */
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (kiosk_test_find (window, "arrival-reference"))),
                         "activate");
  kiosk_test_spin (10);
  g_assert_true (kiosk_test_wait (arrival_idle_cb, window, 20000));
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "arrival-result"), "Bienvenue\u00a0!"));
  /* Shown as a success, with the place in the queue; "I have arrived" is done. */
  g_assert_true (gtk_widget_has_css_class (kiosk_test_find (window, "arrival-result"), "kiosk-success"));
  g_assert_false (gtk_widget_has_css_class (kiosk_test_find (window, "arrival-result"), "kiosk-error"));
  g_assert_nonnull (strstr (kiosk_test_label (window, "arrival-result"), "Personne ne passe avant vous"));
  g_assert_false (gtk_widget_is_sensitive (kiosk_test_find (window, "arrival-check-in")));
  kiosk_test_type (window, "arrival-reference", "1");
  g_assert_true (gtk_widget_is_sensitive (kiosk_test_find (window, "arrival-check-in")));
  kiosk_test_type (window, "arrival-reference", "");
  g_clear_pointer (&day, g_ptr_array_unref);
  day = fetch_day (other, starts);
  for (guint i = 0; i < day->len; i++)
    if (g_str_equal (((KioskAppointment *) day->pdata[i])->reference, reference))
      g_assert_cmpint (((KioskAppointment *) day->pdata[i])->status, ==, KIOSK_APPOINTMENT_ARRIVED);
  set_clock (NULL);

  /* Whoever opens the arrival page next does not see that check-in, nor its reason. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "welcome");
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-arrival");
  kiosk_test_wait_for_page (window, "arrival");
  g_assert_false (gtk_widget_get_visible (kiosk_test_find (window, "arrival-result")));
  g_assert_cmpstr (kiosk_test_label (window, "arrival-result"), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "arrival-reference"))), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "arrival-phone"))), ==, "");

  /* A number with a wrong digit is caught on the terminal, and called mistyped; what is not
   * a number of 8 digits is told so. */
  kiosk_test_type (window, "arrival-reference", "1234 5675");
  kiosk_test_click (window, "arrival-check-in");
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "arrival-result"),
                                   "Ce numéro semble mal tapé"));
  g_assert_true (gtk_widget_has_css_class (kiosk_test_find (window, "arrival-result"), "kiosk-error"));
  kiosk_test_type (window, "arrival-reference", "1234 567");
  kiosk_test_click (window, "arrival-check-in");
  g_assert_true (g_str_has_prefix (kiosk_test_label (window, "arrival-result"),
                                   "Ce n’est pas un numéro de rendez-vous"));

  gtk_window_destroy (GTK_WINDOW (window));
  kiosk_test_setup_locale ("en");
}

/* From a procedure's page, "I prefer to be accompanied" opens the week of the matching reason;
 * with the portal down, the citizen is told nothing was booked, and what was typed stays. */
static void
test_accompanied_and_portal_down (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-rdv-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  GtkWidget *slot;
  KioskWindow *window;
  g_autoptr(KioskPortal) client = new_client (portal->url);
  g_autoptr(GPtrArray) day = NULL;
  g_autoptr(GDateTime) starts = NULL;

  reset_portal ();
  context = kiosk_test_context_new (portal->url, data_dir);
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "minimum-vieillesse");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "procedure-accompanied");
  kiosk_test_wait_for_page (window, "appointment");
  kiosk_test_wait_for_appointment_step (window, "slots");
  g_assert_cmpstr (kiosk_test_label (window, "appointment-subtitle"), ==,
                   "Demander le minimum vieillesse: choose a time.");
  slot = kiosk_test_find_prefixed (kiosk_test_find (window, "slots-days"), "slot-");
  g_signal_emit_by_name (slot, "clicked");
  kiosk_test_wait_for_appointment_step (window, "contact");
  kiosk_test_type (window, "appointment-name", "Paul Néa");
  kiosk_test_type (window, "appointment-phone", "+33 6 12 34 56 78");

  kiosk_test_portal_post (portal, "_control/faults", "{\"fail\": 10, \"status\": 503}");
  kiosk_test_click (window, "appointment-confirm");
  kiosk_test_wait_for_appointment_step (window, "contact");
  g_assert_cmpstr (kiosk_test_label (window, "appointment-error"), ==,
                   "The online service does not answer right now. No appointment was booked. Please try again in a moment, or ask an agent.");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "appointment-phone"))), ==,
                   "+33 6 12 34 56 78");
  /* The portal is back: the same button books, once. */
  kiosk_test_portal_post (portal, "_control/faults", "{}");
  kiosk_test_click (window, "appointment-confirm");
  kiosk_test_wait_for_appointment_step (window, "done");
  starts = g_date_time_ref (kiosk_appointment_page_get_appointment (KIOSK_APPOINTMENT_PAGE (kiosk_test_find (window, "appointment")))->starts_at);
  day = fetch_day (client, starts);
  g_assert_cmpuint (day->len, ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);
  portal = kiosk_test_portal_start ();

  g_test_add_func ("/appointments/reference", test_reference);
  g_test_add_func ("/appointments/motifs-and-slots", test_motifs_and_slots);
  g_test_add_func ("/appointments/book-and-check-in", test_book_and_check_in);
  g_test_add_func ("/appointments/no-show", test_no_show);
  g_test_add_func ("/appointments/race", test_race);
  g_test_add_func ("/appointments/idempotent-retry", test_idempotent_retry);
  g_test_add_func ("/appointments/cancel", test_cancel);
  g_test_add_func ("/appointments/outages", test_outages);
  g_test_add_func ("/appointments/booking-flow", test_booking_flow);
  g_test_add_func ("/appointments/accompanied-and-portal-down", test_accompanied_and_portal_down);
  status = g_test_run ();
  kiosk_test_portal_stop (portal);
  return status;
}
