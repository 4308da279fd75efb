/* kiosk-fleet.c: the status reporter and the site's settings (see kiosk-fleet.h). */
#include "kiosk-fleet.h"

#include "kiosk-json.h"
#include "kiosk-task.h"

#include <string.h>

struct _KioskFleet
{
  GObject       parent_instance;

  KioskContext *context;
  GCancellable *cancellable;
  guint         timer;
  gint64        started;        /* monotonic µs */
  gboolean      in_flight;
  gboolean      again;          /* a change came while a report was in flight */
  gint64        latency_ms;     /* of the last answer; -1 before the first */
  gint64        request_started;

  /* Today's counters and the outbox, gathered for the report in flight. */
  guint         sessions;
  guint         dossiers;
  guint         assisted;
  guint         outbox_depth;
  gint64        outbox_oldest;  /* seconds; 0 when empty */
  guint64       disk_free;

  char         *banner;
  guint         idle_timeout;
  char         *opening_hours;
  char         *catalogue_version;
  guint         reports;
};

G_DEFINE_FINAL_TYPE (KioskFleet, kiosk_fleet, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_BANNER,
  PROP_IDLE_TIMEOUT,
  PROP_OPENING_HOURS,
  PROP_CATALOGUE_VERSION,
  PROP_REPORTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void gather (KioskFleet *self);

/**
 * kiosk_fleet_dup_agents_path:
 *
 * Returns: (transfer full): where the verifiers pushed by the portal are kept (mode 0600, as
 *   agents.ini)
 */
char *
kiosk_fleet_dup_agents_path (KioskContext *context)
{
  return g_build_filename (kiosk_context_get_data_dir (context), "agents-portal.ini", NULL);
}

static gboolean
tick_cb (gpointer user_data)
{
  kiosk_fleet_report_now (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * kiosk_fleet_start:
 * @interval_seconds: between two reports (KIOSK_FLEET_INTERVAL_SECONDS in production)
 *
 * Reports now, then every @interval_seconds.
 */
void
kiosk_fleet_start (KioskFleet *self,
                   guint       interval_seconds)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_timeout_add_seconds (MAX (interval_seconds, 1), tick_cb, self);
  kiosk_fleet_report_now (self);
}

/**
 * kiosk_fleet_report_now:
 *
 * Sends a report (something changed); one at a time: a change during a report sends another.
 */
void
kiosk_fleet_report_now (KioskFleet *self)
{
  if (kiosk_context_get_portal (self->context) == NULL)
    return;
  if (self->in_flight)
    {
      self->again = TRUE;
      return;
    }
  self->in_flight = TRUE;
  self->again = FALSE;
  gather (self);
}

static void
set_string (KioskFleet  *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
finish_report (KioskFleet *self)
{
  self->in_flight = FALSE;
  if (self->again)
    kiosk_fleet_report_now (self);
}

static void
agents_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("The agents' verifiers pushed by the portal cannot be saved: %s", error->message);
}

typedef struct
{
  char  *path;
  GStrv  ids;
  GStrv  names;
  GStrv  verifiers;
} Verifiers;

static void
verifiers_free (Verifiers *v)
{
  g_free (v->path);
  g_strfreev (v->ids);
  g_strfreev (v->names);
  g_strfreev (v->verifiers);
  g_free (v);
}

static void
write_agents_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Verifiers *v = task_data;
  GError *error = NULL;

  if (kiosk_agents_replace (v->path, (const char * const *) v->ids, (const char * const *) v->names,
                            (const char * const *) v->verifiers, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The site's agents, as pushed: kept for an offline unlock; one missing is revoked. */
static void
store_agents (KioskFleet *self,
              JsonArray  *agents)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) verifiers = g_strv_builder_new ();
  Verifiers *v = g_new0 (Verifiers, 1);

  for (guint i = 0; i < json_array_get_length (agents); i++)
    {
      JsonNode *node = json_array_get_element (agents, i);
      JsonObject *agent = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = agent ? kiosk_json_get_string (agent, "id") : NULL;
      const char *verifier = agent ? kiosk_json_get_string (agent, "verifier") : NULL;
      const char *name = agent ? kiosk_json_get_string (agent, "name") : NULL;

      if (id == NULL || verifier == NULL)
        continue;
      g_strv_builder_add (ids, id);
      g_strv_builder_add (names, name ? name : id);
      g_strv_builder_add (verifiers, verifier);
    }
  v->path = kiosk_fleet_dup_agents_path (self->context);
  v->ids = g_strv_builder_end (ids);
  v->names = g_strv_builder_end (names);
  v->verifiers = g_strv_builder_end (verifiers);
  kiosk_task_run_in_thread (self, NULL, agents_written_cb, NULL, store_agents, v,
                            (GDestroyNotify) verifiers_free, write_agents_in_thread);
}

static void
catalogue_refreshed_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kiosk_catalogue_service_refresh_finish (KIOSK_CATALOGUE_SERVICE (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Fleet: the catalogue the portal announced cannot be fetched: %s", error->message);
}

/* Applies the site's settings from the portal's answer. */
static void
apply_settings (KioskFleet *self,
                JsonObject *settings)
{
  const char *version = kiosk_json_get_string (settings, "catalogue_version");
  gint64 idle = kiosk_json_get_int (settings, "idle_timeout_seconds", 0);
  JsonNode *hours = json_object_get_member (settings, "opening_hours");
  g_autofree char *hours_text = NULL;
  const char *banner = kiosk_json_get_string (settings, "banner");

  if (hours != NULL && JSON_NODE_HOLDS_VALUE (hours) && json_node_get_value_type (hours) == G_TYPE_STRING)
    hours_text = g_strdup (json_node_get_string (hours));
  else if (hours != NULL && !JSON_NODE_HOLDS_NULL (hours))
    hours_text = kiosk_json_to_string (hours);
  set_string (self, &self->banner, banner && *banner ? banner : NULL, PROP_BANNER);
  set_string (self, &self->opening_hours, hours_text, PROP_OPENING_HOURS);
  /* At least a minute: a citizen must have time to read (the warning adds its own delay). */
  if (idle > 0 && (guint) CLAMP (idle, 60, 24 * 3600) != self->idle_timeout)
    {
      self->idle_timeout = (guint) CLAMP (idle, 60, 24 * 3600);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_TIMEOUT]);
    }
  if (version != NULL)
    {
      KioskCatalogueService *service = kiosk_context_get_catalogue_service (self->context);
      const char *etag = kiosk_catalogue_service_get_etag (service);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", version);

      set_string (self, &self->catalogue_version, version, PROP_CATALOGUE_VERSION);
      if (g_strcmp0 (etag, quoted) != 0 && g_strcmp0 (etag, version) != 0)
        kiosk_catalogue_service_refresh_async (service, self->cancellable, catalogue_refreshed_cb, NULL);
    }
}

static void
report_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KioskFleet) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskPortalAnswer) answer = kiosk_portal_request_finish (KIOSK_PORTAL (object), result, &error);
  JsonObject *data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL || answer->status != 200 || answer->root == NULL
      || (data = kiosk_json_get_object (answer->root, "data")) == NULL)
    {
      g_message ("Fleet: the status report did not reach the portal: %s",
                 error ? error->message : "refused");
      self->latency_ms = -1;
      finish_report (self);
      return;
    }
  self->latency_ms = (g_get_monotonic_time () - self->request_started) / 1000;
  if (kiosk_json_get_object (data, "settings") != NULL)
    apply_settings (self, kiosk_json_get_object (data, "settings"));
  if (kiosk_json_get_array (data, "agents") != NULL)
    store_agents (self, kiosk_json_get_array (data, "agents"));
  self->reports++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORTS]);
  finish_report (self);
}

static void
send_report (KioskFleet *self)
{
  KioskContext *context = self->context;
  KioskScanner *scanner = kiosk_context_get_scanner (context);
  g_autofree char *device = scanner ? kiosk_scanner_dup_device_name (scanner) : NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = g_uri_escape_string (kiosk_context_get_kiosk_id (context), NULL, FALSE);
  const char *site = kiosk_context_get_site (context);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "site");
  if (site != NULL && *site != '\0')
    json_builder_add_string_value (b, site);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "uptime_seconds");
  json_builder_add_int_value (b, (g_get_monotonic_time () - self->started) / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "health");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scanner");
  /* The scanner is opened on first use; before that its state is not known. */
  json_builder_add_string_value (b, device != NULL ? "ok" : "unknown");
  json_builder_set_member_name (b, "printer");
  json_builder_add_string_value (b, "none");
  json_builder_set_member_name (b, "disk");
  json_builder_add_string_value (b, self->disk_free == 0 ? "unknown"
                                 : self->disk_free < 1024ULL * 1024 * 1024 ? "low" : "ok");
  json_builder_set_member_name (b, "disk_free_bytes");
  json_builder_add_int_value (b, (gint64) self->disk_free);
  json_builder_set_member_name (b, "portal_latency_ms");
  if (self->latency_ms >= 0)
    json_builder_add_int_value (b, self->latency_ms);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "outbox_depth");
  json_builder_add_int_value (b, self->outbox_depth);
  json_builder_set_member_name (b, "outbox_oldest_seconds");
  json_builder_add_int_value (b, self->outbox_oldest);
  json_builder_set_member_name (b, "catalogue");
  json_builder_add_string_value (b, kiosk_catalogue_service_get_source (kiosk_context_get_catalogue_service (context)));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "today");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sessions");
  json_builder_add_int_value (b, self->sessions);
  json_builder_set_member_name (b, "dossiers");
  json_builder_add_int_value (b, self->dossiers);
  json_builder_set_member_name (b, "assisted");
  json_builder_add_int_value (b, self->assisted);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = kiosk_json_to_string (root);
  path = g_strdup_printf ("api/terminals/%s/status", escaped);
  self->request_started = g_get_monotonic_time ();
  kiosk_portal_request_async (kiosk_context_get_portal (context), "PUT", path, NULL, body, NULL,
                              self->cancellable, report_done_cb, g_object_ref (self));
}

static void
disk_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KioskFleet) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_filesystem_info_finish (G_FILE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->disk_free = info ? g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) : 0;
  send_report (self);
}

static void
outbox_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KioskFleet) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = kiosk_outbox_sender_list_finish (KIOSK_OUTBOX_SENDER (object), result, &error);
  g_autoptr(GFile) root = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->outbox_depth = entries ? entries->len : 0;
  self->outbox_oldest = 0;
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KioskOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->created > 0)
        self->outbox_oldest = MAX (self->outbox_oldest, (g_get_real_time () - entry->created) / G_USEC_PER_SEC);
    }
  root = g_file_new_for_path (kiosk_context_get_data_dir (self->context));
  g_file_query_filesystem_info_async (root, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, G_PRIORITY_DEFAULT,
                                      self->cancellable, disk_done_cb, g_object_ref (self));
}

static void
count_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KioskFleet) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) days = kiosk_journal_count_finish (KIOSK_JOURNAL (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->sessions = self->dossiers = self->assisted = 0;
  if (days != NULL && days->len > 0)
    {
      KioskJournalDay *today = g_ptr_array_index (days, days->len - 1);

      self->sessions = today->sessions;
      self->dossiers = today->dossiers;
      self->assisted = today->assisted;
    }
  /* Arguments are evaluated in any order: no g_steal_pointer (&self) beside self->… */
  kiosk_outbox_sender_list_async (kiosk_context_get_outbox_sender (self->context), self->cancellable,
                                  outbox_done_cb, g_object_ref (self));
}

/* Today's counters, then the outbox, then the disk, then the report. */
static void
gather (KioskFleet *self)
{
  kiosk_journal_count_async (kiosk_context_get_journal (self->context), 1, self->cancellable,
                             count_done_cb, g_object_ref (self));
}

static void
site_counters_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result, NULL, NULL, &error);
  KioskSiteCounters *counters;

  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  counters = g_new0 (KioskSiteCounters, 1);
  counters->terminals = (guint) CLAMP (kiosk_json_get_int (data, "terminals", 0), 0, G_MAXUINT);
  counters->sessions = (guint) CLAMP (kiosk_json_get_int (data, "sessions", 0), 0, G_MAXUINT);
  counters->dossiers = (guint) CLAMP (kiosk_json_get_int (data, "dossiers", 0), 0, G_MAXUINT);
  counters->assisted = (guint) CLAMP (kiosk_json_get_int (data, "assisted", 0), 0, G_MAXUINT);
  g_task_return_pointer (task, counters, g_free);
}

/**
 * kiosk_fleet_fetch_site_counters_async:
 *
 * `GET /api/sites/<site>/counters`: needs an agent's session (X-Kiosk-Agent-Token) on a portal
 * with agents.
 */
void
kiosk_fleet_fetch_site_counters_async (KioskPortal         *portal,
                                       const char          *site,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *escaped = g_uri_escape_string (site, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("api/sites/%s/counters", escaped);

  g_task_set_source_tag (task, kiosk_fleet_fetch_site_counters_async);
  kiosk_portal_call_json_async (portal, "GET", path, NULL, NULL, cancellable, site_counters_done_cb, task);
}

/* Returns: (transfer full): the counters (g_free()), or %NULL with @error set */
KioskSiteCounters *
kiosk_fleet_fetch_site_counters_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kiosk_fleet_fetch_site_counters_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
kiosk_fleet_get_banner (KioskFleet *self)
{
  return self->banner;
}

/* Returns: the site's idle timeout in seconds, 0 when the portal set none */
guint
kiosk_fleet_get_idle_timeout (KioskFleet *self)
{
  return self->idle_timeout;
}

/* Returns: (nullable): the site's opening hours as the portal gave them (text or JSON) */
const char *
kiosk_fleet_get_opening_hours (KioskFleet *self)
{
  return self->opening_hours;
}

const char *
kiosk_fleet_get_catalogue_version (KioskFleet *self)
{
  return self->catalogue_version;
}

/* Returns: how many reports the portal has answered */
guint
kiosk_fleet_get_reports (KioskFleet *self)
{
  return self->reports;
}

static void
kiosk_fleet_dispose (GObject *object)
{
  KioskFleet *self = KIOSK_FLEET (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (kiosk_fleet_parent_class)->dispose (object);
}

static void
kiosk_fleet_finalize (GObject *object)
{
  KioskFleet *self = KIOSK_FLEET (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_free (self->banner);
  g_free (self->opening_hours);
  g_free (self->catalogue_version);
  G_OBJECT_CLASS (kiosk_fleet_parent_class)->finalize (object);
}

static void
kiosk_fleet_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KioskFleet *self = KIOSK_FLEET (object);

  switch (prop_id)
    {
    case PROP_BANNER:
      g_value_set_string (value, self->banner);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_OPENING_HOURS:
      g_value_set_string (value, self->opening_hours);
      break;
    case PROP_CATALOGUE_VERSION:
      g_value_set_string (value, self->catalogue_version);
      break;
    case PROP_REPORTS:
      g_value_set_uint (value, self->reports);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_fleet_class_init (KioskFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = kiosk_fleet_dispose;
  object_class->finalize = kiosk_fleet_finalize;
  object_class->get_property = kiosk_fleet_get_property;
  properties[PROP_BANNER] = g_param_spec_string ("banner", NULL, NULL, NULL, flags);
  properties[PROP_IDLE_TIMEOUT] = g_param_spec_uint ("idle-timeout", NULL, NULL, 0, 24 * 3600, 0, flags);
  properties[PROP_OPENING_HOURS] = g_param_spec_string ("opening-hours", NULL, NULL, NULL, flags);
  properties[PROP_CATALOGUE_VERSION] = g_param_spec_string ("catalogue-version", NULL, NULL, NULL, flags);
  properties[PROP_REPORTS] = g_param_spec_uint ("reports", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kiosk_fleet_init (KioskFleet *self)
{
  self->cancellable = g_cancellable_new ();
  self->started = g_get_monotonic_time ();
  self->latency_ms = -1;
}

/**
 * kiosk_fleet_new:
 *
 * Returns: (transfer full): a reporter for the terminal of @context; nothing is sent before
 *   kiosk_fleet_start() or kiosk_fleet_report_now()
 */
KioskFleet *
kiosk_fleet_new (KioskContext *context)
{
  KioskFleet *self = g_object_new (KIOSK_TYPE_FLEET, NULL);

  self->context = g_object_ref (context);
  return self;
}
