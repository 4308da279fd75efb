/* kiosk-portal-appointments.c: the reference portal's appointments (docs/portal-api.md,
 * "Appointments") — motifs, free slots computed from opening hours, idempotent booking,
 * check-in, cancellation, the day's queue — stored in the portal's SQLite file.
 *
 * Runs on the main loop's thread like the rest of the portal: a booking checks the slot and
 * inserts in one transaction, so of two kiosks asking for the last seat of a slot exactly one
 * wins and the other gets 422 `slot-taken`.
 */
#include "kiosk-portal-private.h"

#include "kiosk-json.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define MAX_DAYS 31
#define MAX_NAME_LENGTH 120

struct _KioskPortalAppointments
{
  sqlite3    *db;
  JsonObject *config;
  GTimeZone  *tz;
  GDateTime  *fixed_now;   /* nullable: set by POST /_control/clock */
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS appointments ("
  "  reference TEXT PRIMARY KEY,"
  "  site TEXT NOT NULL,"
  "  motif TEXT NOT NULL,"
  "  starts_at INTEGER NOT NULL,"   /* Unix time */
  "  ends_at INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  phone TEXT NOT NULL,"          /* digits only */
  "  email TEXT,"
  "  status TEXT NOT NULL DEFAULT 'booked',"
  "  arrived_at INTEGER,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS appointments_by_time ON appointments (site, starts_at);";

static const char *const day_keys[] = { NULL, "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

KioskPortalAppointments *
kiosk_portal_appointments_new (sqlite3     *db,
                               const char  *config_path,
                               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(JsonObject) config = NULL;
  KioskPortalAppointments *self;
  const char *tz;

  if (!g_file_get_contents (config_path, &contents, &length, error))
    return NULL;
  config = kiosk_json_parse_object (contents, length, error);
  if (config == NULL)
    return NULL;
  if (kiosk_json_get_array (config, "sites") == NULL || kiosk_json_get_array (config, "motifs") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: sites and motifs are required",
                   config_path);
      return NULL;
    }
  if (sqlite3_exec (db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "appointments table: %s", sqlite3_errmsg (db));
      return NULL;
    }
  self = g_new0 (KioskPortalAppointments, 1);
  self->db = db;
  self->config = g_steal_pointer (&config);
  tz = kiosk_json_get_string (self->config, "timezone");
  self->tz = g_time_zone_new_identifier (tz ? tz : "Pacific/Noumea");
  if (self->tz == NULL)
    self->tz = g_time_zone_new_utc ();
  return self;
}

void
kiosk_portal_appointments_free (KioskPortalAppointments *self)
{
  if (self == NULL)
    return;
  json_object_unref (self->config);
  g_time_zone_unref (self->tz);
  g_clear_pointer (&self->fixed_now, g_date_time_unref);
  g_free (self);
}

gboolean
kiosk_portal_appointments_reset (KioskPortalAppointments *self)
{
  g_clear_pointer (&self->fixed_now, g_date_time_unref);
  return sqlite3_exec (self->db, "DELETE FROM appointments;", NULL, NULL, NULL) == SQLITE_OK;
}

/* @now: (nullable): the portal's clock from now on; %NULL for the real time */
void
kiosk_portal_appointments_set_now (KioskPortalAppointments *self,
                                   GDateTime               *now)
{
  g_clear_pointer (&self->fixed_now, g_date_time_unref);
  if (now != NULL)
    self->fixed_now = g_date_time_ref (now);
}

static gint64
now_unix (KioskPortalAppointments *self)
{
  if (self->fixed_now != NULL)
    return g_date_time_to_unix (self->fixed_now);
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gint64
get_config_int (KioskPortalAppointments *self,
                const char              *name,
                gint64                   fallback)
{
  JsonNode *node = json_object_get_member (self->config, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return fallback;
}

static JsonObject *
find_in (KioskPortalAppointments *self,
         const char              *array_name,
         const char              *id)
{
  JsonArray *array = kiosk_json_get_array (self->config, array_name);

  if (id == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node)
          && g_strcmp0 (kiosk_json_get_string (json_node_get_object (node), "id"), id) == 0)
        return json_node_get_object (node);
    }
  return NULL;
}

/* The site named by @id, or the first one when @id is %NULL. */
static JsonObject *
find_site (KioskPortalAppointments *self,
           const char              *id)
{
  JsonArray *sites = kiosk_json_get_array (self->config, "sites");

  if (id == NULL || *id == '\0')
    {
      JsonNode *first = json_array_get_length (sites) > 0 ? json_array_get_element (sites, 0) : NULL;

      return first != NULL && JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
    }
  return find_in (self, "sites", id);
}

static char *
format_time (KioskPortalAppointments *self,
             gint64                   unix_time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);

  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static void
set_time_member (KioskPortalAppointments *self,
                 JsonObject              *object,
                 const char              *member,
                 gint64                   unix_time)
{
  g_autofree char *text = format_time (self, unix_time);

  json_object_set_string_member (object, member, text);
}

static gboolean
parse_time (const char *text,
            gint64     *unix_time)
{
  g_autoptr(GDateTime) time = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (time == NULL)
    return FALSE;
  *unix_time = g_date_time_to_unix (time);
  return TRUE;
}

static guint
count_overlapping (KioskPortalAppointments *self,
                   const char              *site,
                   gint64                   starts,
                   gint64                   ends)
{
  sqlite3_stmt *stmt = NULL;
  guint count = 0;

  sqlite3_prepare_v2 (self->db,
                      "SELECT COUNT(*) FROM appointments WHERE site = ?1 AND starts_at < ?3"
                      " AND ends_at > ?2 AND status IN ('booked', 'arrived', 'seen')",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, site, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, starts);
  sqlite3_bind_int64 (stmt, 3, ends);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* Calls @func for each slot of @motif at @site on the days [@first, @first + @days), in the
 * site's opening hours, whether free or not. */
typedef gboolean (*SlotFunc) (gint64 starts, gint64 ends, gpointer data);

static void
for_each_slot (KioskPortalAppointments *self,
               JsonObject              *site,
               JsonObject              *motif,
               GDateTime               *first,
               guint                    days,
               SlotFunc                 func,
               gpointer                 data)
{
  JsonObject *hours = kiosk_json_get_object (site, "hours");
  gint64 duration = kiosk_json_get_int (motif, "duration_in_min", 30) * 60;

  if (duration <= 0)
    return;
  for (guint d = 0; d < days; d++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (first, d);
      JsonArray *periods = kiosk_json_get_array (hours, day_keys[g_date_time_get_day_of_week (day)]);

      for (guint p = 0; periods != NULL && p < json_array_get_length (periods); p++)
        {
          JsonNode *node = json_array_get_element (periods, p);
          JsonArray *period = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
          guint h1, m1, h2, m2;
          gint64 open, close;

          if (period == NULL || json_array_get_length (period) != 2
              || sscanf (json_array_get_string_element (period, 0), "%u:%u", &h1, &m1) != 2
              || sscanf (json_array_get_string_element (period, 1), "%u:%u", &h2, &m2) != 2)
            continue;
          {
            g_autoptr(GDateTime) a = g_date_time_new (self->tz, g_date_time_get_year (day),
                                                      g_date_time_get_month (day),
                                                      g_date_time_get_day_of_month (day), h1, m1, 0);
            g_autoptr(GDateTime) b = g_date_time_new (self->tz, g_date_time_get_year (day),
                                                      g_date_time_get_month (day),
                                                      g_date_time_get_day_of_month (day), h2, m2, 0);
            open = g_date_time_to_unix (a);
            close = g_date_time_to_unix (b);
          }
          for (gint64 t = open; t + duration <= close; t += duration)
            if (!func (t, t + duration, data))
              return;
        }
    }
}

typedef struct
{
  KioskPortalAppointments *self;
  const char              *site_id;
  guint                    agents;
  gint64                   earliest;
  gint64                   latest;
  JsonArray               *slots;     /* out, for listing */
  gint64                   wanted;    /* in, for checking one slot */
  gboolean                 found;
  gboolean                 free;
} SlotSearch;

static gboolean
bookable (SlotSearch *search,
          gint64      starts,
          gint64      ends)
{
  return starts >= search->earliest && starts <= search->latest
         && count_overlapping (search->self, search->site_id, starts, ends) < search->agents;
}

static gboolean
collect_slot_cb (gint64   starts,
                 gint64   ends,
                 gpointer data)
{
  SlotSearch *search = data;

  if (bookable (search, starts, ends))
    {
      JsonObject *slot = json_object_new ();

      set_time_member (search->self, slot, "starts_at", starts);
      json_object_set_int_member (slot, "duration_in_min", (ends - starts) / 60);
      json_array_add_object_element (search->slots, slot);
    }
  return TRUE;
}

static gboolean
check_slot_cb (gint64   starts,
               gint64   ends,
               gpointer data)
{
  SlotSearch *search = data;

  if (starts != search->wanted)
    return TRUE;
  search->found = TRUE;
  search->free = bookable (search, starts, ends);
  return FALSE;
}

static void
init_search (KioskPortalAppointments *self,
             SlotSearch              *search,
             JsonObject              *site)
{
  gint64 now = now_unix (self);

  search->self = self;
  search->site_id = kiosk_json_get_string (site, "id");
  search->agents = MAX (1, kiosk_json_get_int (site, "agents", 1));
  search->earliest = now + get_config_int (self, "min_delay_min", 60) * 60;
  search->latest = now + get_config_int (self, "max_delay_days", 28) * 86400;
}

static void
add_place (JsonObject *object,
           JsonObject *site)
{
  JsonObject *place = json_object_new ();

  json_object_set_string_member (place, "id", kiosk_json_get_string (site, "id"));
  json_object_set_string_member (place, "name", kiosk_json_get_string (site, "name"));
  json_object_set_string_member (place, "address", kiosk_json_get_string (site, "address"));
  json_object_set_object_member (object, "place", place);
}

static void
handle_motifs (KioskPortalAppointments *self,
               SoupServerMessage       *msg,
               GHashTable              *query)
{
  JsonObject *site = find_site (self, query ? g_hash_table_lookup (query, "site") : NULL);
  JsonObject *data;
  JsonArray *motifs;
  JsonArray *config_motifs = kiosk_json_get_array (self->config, "motifs");

  if (site == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such site", NULL);
      return;
    }
  data = json_object_new ();
  add_place (data, site);
  json_object_set_string_member (data, "timezone", g_time_zone_get_identifier (self->tz));
  motifs = json_array_new ();
  for (guint i = 0; i < json_array_get_length (config_motifs); i++)
    json_array_add_element (motifs, json_node_copy (json_array_get_element (config_motifs, i)));
  json_object_set_array_member (data, "motifs", motifs);
  kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
}

static void
handle_slots (KioskPortalAppointments *self,
              SoupServerMessage       *msg,
              GHashTable              *query)
{
  JsonObject *site = find_site (self, query ? g_hash_table_lookup (query, "site") : NULL);
  JsonObject *motif = find_in (self, "motifs", query ? g_hash_table_lookup (query, "motif") : NULL);
  const char *from = query ? g_hash_table_lookup (query, "from") : NULL;
  const char *days_text = query ? g_hash_table_lookup (query, "days") : NULL;
  guint64 days = 7;
  guint year, month, day;
  g_autoptr(GDateTime) first = NULL;
  SlotSearch search = { 0 };
  JsonObject *data;

  if (site == NULL || motif == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such site or motif", NULL);
      return;
    }
  if (days_text != NULL && (!g_ascii_string_to_unsigned (days_text, 10, 1, MAX_DAYS, &days, NULL)))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request", "days must be 1 to 31", NULL);
      return;
    }
  if (from == NULL || sscanf (from, "%4u-%2u-%2u", &year, &month, &day) != 3
      || (first = g_date_time_new (self->tz, year, month, day, 0, 0, 0)) == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "from must be a date, YYYY-MM-DD", NULL);
      return;
    }
  init_search (self, &search, site);
  search.slots = json_array_new ();
  for_each_slot (self, site, motif, first, days, collect_slot_cb, &search);
  data = json_object_new ();
  json_object_set_string_member (data, "timezone", g_time_zone_get_identifier (self->tz));
  json_object_set_array_member (data, "slots", search.slots);
  kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
}

/* The status as seen now: a booking whose time is over without arrival is a no-show. */
static const char *
effective_status (KioskPortalAppointments *self,
                  const char              *status,
                  gint64                   ends_at)
{
  if (g_strcmp0 (status, "booked") == 0 && now_unix (self) >= ends_at)
    return "no-show";
  return status;
}

typedef struct
{
  char   *reference;
  char   *site;
  char   *motif;
  gint64  starts_at;
  gint64  ends_at;
  char   *name;
  char   *phone;
  char   *email;
  char   *status;
  gint64  arrived_at;
} Appointment;

static void
appointment_free (Appointment *a)
{
  g_free (a->reference);
  g_free (a->site);
  g_free (a->motif);
  g_free (a->name);
  g_free (a->phone);
  g_free (a->email);
  g_free (a->status);
  g_free (a);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Appointment, appointment_free)

#define APPOINTMENT_COLUMNS "reference, site, motif, starts_at, ends_at, name, phone, email, status, arrived_at"

static Appointment *
read_row (sqlite3_stmt *stmt)
{
  Appointment *a = g_new0 (Appointment, 1);

  a->reference = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  a->site = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  a->motif = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  a->starts_at = sqlite3_column_int64 (stmt, 3);
  a->ends_at = sqlite3_column_int64 (stmt, 4);
  a->name = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  a->phone = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  a->email = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  a->status = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  a->arrived_at = sqlite3_column_int64 (stmt, 9);
  return a;
}

static Appointment *
find_appointment (KioskPortalAppointments *self,
                  const char              *reference)
{
  sqlite3_stmt *stmt = NULL;
  Appointment *a = NULL;

  sqlite3_prepare_v2 (self->db, "SELECT " APPOINTMENT_COLUMNS " FROM appointments WHERE reference = ?1",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, reference, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    a = read_row (stmt);
  sqlite3_finalize (stmt);
  return a;
}

/* @with_person: include name and contact (the agents' queue); a citizen's lookup by reference
 * never shows who booked. */
static JsonObject *
appointment_to_json (KioskPortalAppointments *self,
                     Appointment             *a,
                     gboolean                 with_person)
{
  JsonObject *object = json_object_new ();
  JsonObject *motif = find_in (self, "motifs", a->motif);
  JsonObject *site = find_site (self, a->site);
  JsonObject *motif_json = json_object_new ();

  json_object_set_string_member (object, "reference", a->reference);
  set_time_member (self, object, "starts_at", a->starts_at);
  set_time_member (self, object, "ends_at", a->ends_at);
  json_object_set_string_member (object, "status", effective_status (self, a->status, a->ends_at));
  json_object_set_string_member (motif_json, "id", a->motif);
  json_object_set_string_member (motif_json, "name", kiosk_json_get_string (motif, "name"));
  if (motif != NULL && json_object_has_member (motif, "procedures"))
    json_object_set_member (motif_json, "procedures",
                            json_node_copy (json_object_get_member (motif, "procedures")));
  json_object_set_object_member (object, "motif", motif_json);
  if (site != NULL)
    add_place (object, site);
  if (a->arrived_at > 0)
    set_time_member (self, object, "arrived_at", a->arrived_at);
  if (with_person)
    {
      json_object_set_string_member (object, "name", a->name);
      json_object_set_string_member (object, "phone", a->phone);
      if (a->email != NULL)
        json_object_set_string_member (object, "email", a->email);
    }
  return object;
}

/* Digits only; "+687 12 34 56" and "123456" are the same number. */
static char *
normalize_phone (const char *phone)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = phone; p && *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len == 9 && g_str_has_prefix (digits->str, "687"))
    g_string_erase (digits, 0, 3);
  return g_string_free (digits, FALSE);
}

static char
luhn_digit (const char *digits)
{
  guint sum = 0;
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      guint d = digits[n - 1 - i] - '0';

      if (i % 2 == 0)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  return '0' + (10 - sum % 10) % 10;
}

static char *
new_reference (KioskPortalAppointments *self)
{
  for (;;)
    {
      char reference[9];
      g_autoptr(Appointment) existing = NULL;

      for (int i = 0; i < 7; i++)
        reference[i] = '0' + g_random_int_range (i == 0 ? 1 : 0, 10);
      reference[7] = '\0';
      reference[7] = luhn_digit (reference);
      reference[8] = '\0';
      existing = find_appointment (self, reference);
      if (existing == NULL)
        return g_strdup (reference);
    }
}

static void
handle_book (KioskPortalAppointments *self,
             KioskPortalStore        *store,
             SoupServerMessage       *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_autofree char *stored_fingerprint = NULL, *stored_response = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GHashTable) errors = kiosk_portal_new_errors ();
  g_autoptr(Appointment) a = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *response = NULL;
  JsonObject *site, *motif;
  const char *name, *phone, *email;
  g_autofree char *digits = NULL;
  g_autofree char *trimmed = NULL;
  SlotSearch search = { 0 };
  gint64 starts;
  guint stored_status;
  sqlite3_stmt *stmt = NULL;

  if (key == NULL || *key == '\0' || strlen (key) > 255)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "An Idempotency-Key header of 1 to 255 characters is required", NULL);
      return;
    }
  if (kiosk_portal_store_lookup_key (store, key, &stored_fingerprint, &stored_status, &stored_response))
    {
      if (strcmp (stored_fingerprint, fingerprint) != 0)
        kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "idempotency-key-reused",
                                  "This Idempotency-Key was used for a different request", NULL);
      else
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Idempotency-Replayed", "true");
          soup_server_message_set_status (msg, stored_status, NULL);
          soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                            stored_response, strlen (stored_response));
        }
      return;
    }

  request = kiosk_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  site = find_site (self, kiosk_json_get_string (request, "site"));
  motif = find_in (self, "motifs", kiosk_json_get_string (request, "motif"));
  if (request == NULL || site == NULL || motif == NULL
      || !parse_time (kiosk_json_get_string (request, "starts_at"), &starts))
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "site, motif and starts_at (ISO 8601) are required", NULL);
      return;
    }
  name = kiosk_json_get_string (request, "name");
  phone = kiosk_json_get_string (request, "phone");
  email = kiosk_json_get_string (request, "email");
  digits = normalize_phone (phone);
  trimmed = g_strstrip (g_strdup (name ? name : ""));
  if (g_utf8_strlen (trimmed, -1) < 2 || g_utf8_strlen (trimmed, -1) > MAX_NAME_LENGTH)
    g_hash_table_insert (errors, g_strdup ("name"), g_strdup ("Indiquez votre nom."));
  if (strlen (digits) != 6 && !(phone && phone[0] == '+' && strlen (digits) >= 8 && strlen (digits) <= 15))
    g_hash_table_insert (errors, g_strdup ("phone"),
                         g_strdup ("Indiquez un numéro de téléphone à 6 chiffres, ou international avec +."));
  if (email != NULL && *email != '\0' && (strchr (email, '@') == NULL || strchr (email, ' ') != NULL))
    g_hash_table_insert (errors, g_strdup ("email"), g_strdup ("Cette adresse e-mail n’est pas valide."));
  if (g_hash_table_size (errors) > 0)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid-fields",
                                "Some answers are not valid", errors);
      return;
    }

  init_search (self, &search, site);
  search.wanted = starts;
  sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (starts);
    g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
    g_autoptr(GDateTime) day = g_date_time_new (self->tz, g_date_time_get_year (local),
                                                g_date_time_get_month (local),
                                                g_date_time_get_day_of_month (local), 0, 0, 0);

    for_each_slot (self, site, motif, day, 1, check_slot_cb, &search);
  }
  if (!search.found)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "no-such-slot",
                                "Pas de créneau à cette heure pour ce motif", NULL);
      return;
    }
  if (!search.free)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "slot-taken",
                                "Pas de créneau disponible", NULL);
      return;
    }

  a = g_new0 (Appointment, 1);
  a->reference = new_reference (self);
  a->site = g_strdup (kiosk_json_get_string (site, "id"));
  a->motif = g_strdup (kiosk_json_get_string (motif, "id"));
  a->starts_at = starts;
  a->ends_at = starts + kiosk_json_get_int (motif, "duration_in_min", 30) * 60;
  a->name = g_strdup (trimmed);
  a->phone = g_strdup (digits);
  a->email = email && *email ? g_strdup (email) : NULL;
  a->status = g_strdup ("booked");
  sqlite3_prepare_v2 (self->db,
                      "INSERT INTO appointments (reference, site, motif, starts_at, ends_at, name,"
                      " phone, email, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, a->reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, a->site, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, a->motif, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, a->starts_at);
  sqlite3_bind_int64 (stmt, 5, a->ends_at);
  sqlite3_bind_text (stmt, 6, a->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, a->phone, -1, SQLITE_TRANSIENT);
  if (a->email != NULL)
    sqlite3_bind_text (stmt, 8, a->email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 9, now_unix (self));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_finalize (stmt);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      kiosk_portal_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                                "The booking could not be stored", NULL);
      return;
    }
  sqlite3_finalize (stmt);

  {
    g_autoptr(JsonObject) answer = json_object_new ();

    json_object_set_int_member (answer, "err", 0);
    json_object_set_object_member (answer, "data", appointment_to_json (self, a, FALSE));
    root = json_node_init_object (json_node_alloc (), answer);
    response = kiosk_json_to_string (root);
  }
  if (!kiosk_portal_store_remember_key (store, key, fingerprint, SOUP_STATUS_CREATED, response))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      kiosk_portal_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                                "The booking could not be stored", NULL);
      return;
    }
  sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_COPY,
                                    response, strlen (response));
}

static void
set_status (KioskPortalAppointments *self,
            Appointment             *a,
            const char              *status,
            gboolean                 arrived)
{
  sqlite3_stmt *stmt = NULL;

  g_free (a->status);
  a->status = g_strdup (status);
  if (arrived)
    a->arrived_at = now_unix (self);
  sqlite3_prepare_v2 (self->db, "UPDATE appointments SET status = ?2, arrived_at = ?3 WHERE reference = ?1",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, a->reference, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_TRANSIENT);
  if (a->arrived_at > 0)
    sqlite3_bind_int64 (stmt, 3, a->arrived_at);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
}

static guint
queue_position (KioskPortalAppointments *self,
                Appointment             *a)
{
  sqlite3_stmt *stmt = NULL;
  guint position = 1;

  sqlite3_prepare_v2 (self->db,
                      "SELECT COUNT(*) FROM appointments WHERE site = ?1 AND status = 'arrived'"
                      " AND starts_at >= ?4 AND (starts_at < ?2 OR (starts_at = ?2 AND reference < ?3))",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, a->site, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, a->starts_at);
  sqlite3_bind_text (stmt, 3, a->reference, -1, SQLITE_TRANSIENT);
  /* The same day only: someone who arrived yesterday and was never marked received is not
   * in today's queue. */
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (a->starts_at);
    g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
    g_autoptr(GDateTime) midnight = g_date_time_new (self->tz, g_date_time_get_year (local),
                                                     g_date_time_get_month (local),
                                                     g_date_time_get_day_of_month (local), 0, 0, 0);

    sqlite3_bind_int64 (stmt, 4, g_date_time_to_unix (midnight));
  }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    position += sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return position;
}

static void
reply_appointment (KioskPortalAppointments *self,
                   SoupServerMessage       *msg,
                   Appointment             *a,
                   gboolean                 with_queue)
{
  JsonObject *data = appointment_to_json (self, a, FALSE);

  if (with_queue)
    json_object_set_int_member (data, "queue_position", queue_position (self, a));
  kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
}

static void
handle_check_in (KioskPortalAppointments *self,
                 SoupServerMessage       *msg,
                 Appointment             *a)
{
  const char *status = effective_status (self, a->status, a->ends_at);
  gint64 now = now_unix (self);

  if (strcmp (status, "arrived") == 0)
    reply_appointment (self, msg, a, TRUE);   /* checking in twice is harmless */
  else if (strcmp (status, "cancelled") == 0)
    kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "cancelled",
                              "Ce rendez-vous a été annulé", NULL);
  else if (strcmp (status, "booked") != 0)
    kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "too-late",
                              "L’heure de ce rendez-vous est passée", NULL);
  else if (now < a->starts_at - get_config_int (self, "check_in_before_min", 60) * 60)
    kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "too-early",
                              "Ce rendez-vous n’est pas pour maintenant", NULL);
  else
    {
      set_status (self, a, "arrived", TRUE);
      reply_appointment (self, msg, a, TRUE);
    }
}

static void
handle_cancel (KioskPortalAppointments *self,
               SoupServerMessage       *msg,
               Appointment             *a)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonObject) request = kiosk_json_parse_object (g_bytes_get_data (body, NULL),
                                                           g_bytes_get_size (body), NULL);
  g_autofree char *digits = normalize_phone (kiosk_json_get_string (request, "phone"));
  const char *status = effective_status (self, a->status, a->ends_at);

  if (*digits == '\0' || strcmp (digits, a->phone) != 0)
    kiosk_portal_reply_error (msg, SOUP_STATUS_FORBIDDEN, "phone-mismatch",
                              "Ce numéro de téléphone n’est pas celui du rendez-vous", NULL);
  else if (strcmp (status, "cancelled") == 0)
    reply_appointment (self, msg, a, FALSE);
  else if (strcmp (status, "booked") != 0 || now_unix (self) >= a->starts_at)
    kiosk_portal_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "too-late",
                              "Ce rendez-vous a déjà commencé ou est passé", NULL);
  else
    {
      set_status (self, a, "cancelled", FALSE);
      reply_appointment (self, msg, a, FALSE);
    }
}

static void
handle_day (KioskPortalAppointments *self,
            SoupServerMessage       *msg,
            GHashTable              *query)
{
  JsonObject *site = find_site (self, query ? g_hash_table_lookup (query, "site") : NULL);
  const char *date = query ? g_hash_table_lookup (query, "date") : NULL;
  guint year, month, day;
  g_autoptr(GDateTime) start = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonObject *data;
  JsonArray *list;

  if (date == NULL && site != NULL)
    {
      /* No date: the portal's today, in the site's time zone. */
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now_unix (self));
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);

      start = g_date_time_new (self->tz, g_date_time_get_year (local), g_date_time_get_month (local),
                               g_date_time_get_day_of_month (local), 0, 0, 0);
    }
  else if (site == NULL || date == NULL || sscanf (date, "%4u-%2u-%2u", &year, &month, &day) != 3
           || (start = g_date_time_new (self->tz, year, month, day, 0, 0, 0)) == NULL)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                                "a known site, and date as YYYY-MM-DD when given", NULL);
      return;
    }
  list = json_array_new ();
  sqlite3_prepare_v2 (self->db, "SELECT " APPOINTMENT_COLUMNS " FROM appointments WHERE site = ?1"
                      " AND starts_at >= ?2 AND starts_at < ?3 ORDER BY starts_at, reference",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, kiosk_json_get_string (site, "id"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_date_time_to_unix (start));
  sqlite3_bind_int64 (stmt, 3, g_date_time_to_unix (start) + 86400);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(Appointment) a = read_row (stmt);

      json_array_add_object_element (list, appointment_to_json (self, a, TRUE));
    }
  sqlite3_finalize (stmt);
  data = json_object_new ();
  json_object_set_array_member (data, "appointments", list);
  kiosk_portal_reply_data (msg, SOUP_STATUS_OK, data);
}

/* @segments: what follows "api/appointments" in the path (may be empty) */
void
kiosk_portal_appointments_handle (KioskPortalAppointments *self,
                                  KioskPortalStore        *store,
                                  SoupServerMessage       *msg,
                                  const char              *method,
                                  char                   **segments,
                                  GHashTable              *query)
{
  guint n = g_strv_length (segments);
  gboolean is_get = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;
  gboolean is_post = strcmp (method, "POST") == 0;
  g_autoptr(Appointment) a = NULL;

  if (n == 0 || (n == 1 && *segments[0] == '\0'))
    {
      if (is_post)
        handle_book (self, store, msg);
      else if (is_get)
        handle_day (self, msg, query);
      else
        kiosk_portal_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                                  "Use GET or POST", NULL);
      return;
    }
  if (n == 1 && strcmp (segments[0], "motifs") == 0 && is_get)
    {
      handle_motifs (self, msg, query);
      return;
    }
  if (n == 1 && strcmp (segments[0], "slots") == 0 && is_get)
    {
      handle_slots (self, msg, query);
      return;
    }
  a = find_appointment (self, segments[0]);
  if (a == NULL || n > 2)
    {
      kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                                "Aucun rendez-vous avec ce numéro", NULL);
      return;
    }
  if (n == 1 && is_get)
    reply_appointment (self, msg, a, strcmp (effective_status (self, a->status, a->ends_at), "arrived") == 0);
  else if (n == 2 && is_post && strcmp (segments[1], "check-in") == 0)
    handle_check_in (self, msg, a);
  else if (n == 2 && is_post && strcmp (segments[1], "cancel") == 0)
    handle_cancel (self, msg, a);
  else if (n == 2 && is_post && strcmp (segments[1], "seen") == 0)
    {
      set_status (self, a, "seen", FALSE);
      reply_appointment (self, msg, a, FALSE);
    }
  else
    kiosk_portal_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not-found", "No such resource", NULL);
}
