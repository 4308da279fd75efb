/* kiosk-catalogue-service.c: where the catalogue on screen comes from, and its refresh.
 *
 * The catalogue comes, in order of preference, from the portal (refreshed in the background with
 * If-None-Match), from the SQLite cache of the last refresh, or from the copy bundled in the
 * application, so that the kiosk is usable offline from its first start. Parsing, the cache and
 * the search index are read and written in workers; the state changes on the main thread. */
#include "kiosk-catalogue-service.h"

#include "kiosk-catalogue-index.h"
#include "kiosk-errors.h"
#include "kiosk-task.h"

struct _KioskCatalogueService
{
  GObject         parent_instance;

  char           *data_dir;
  char           *bundled_uri;
  KioskPortal    *portal;       /* nullable */
  KioskCatalogue *catalogue;
  KioskStorage   *storage;      /* NULL until the first load (or refresh) creates it */
  char           *etag;
  const char     *source;       /* "none", "bundled", "cache" or "portal" */
  gint64          synced;       /* real µs of the last answer of the portal about it, or 0 */
  gboolean        loaded;
};

G_DEFINE_FINAL_TYPE (KioskCatalogueService, kiosk_catalogue_service, G_TYPE_OBJECT)

enum { PROP_0, PROP_LOADED, PROP_SOURCE, PROP_SYNCED, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
kiosk_catalogue_service_dispose (GObject *object)
{
  KioskCatalogueService *self = KIOSK_CATALOGUE_SERVICE (object);

  g_clear_object (&self->portal);
  g_clear_object (&self->catalogue);
  g_clear_object (&self->storage);

  G_OBJECT_CLASS (kiosk_catalogue_service_parent_class)->dispose (object);
}

static void
kiosk_catalogue_service_finalize (GObject *object)
{
  KioskCatalogueService *self = KIOSK_CATALOGUE_SERVICE (object);

  g_free (self->data_dir);
  g_free (self->bundled_uri);
  g_free (self->etag);

  G_OBJECT_CLASS (kiosk_catalogue_service_parent_class)->finalize (object);
}

static void
kiosk_catalogue_service_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  KioskCatalogueService *self = KIOSK_CATALOGUE_SERVICE (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_SYNCED:
      g_value_set_int64 (value, self->synced);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_catalogue_service_class_init (KioskCatalogueServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kiosk_catalogue_service_dispose;
  object_class->finalize = kiosk_catalogue_service_finalize;
  object_class->get_property = kiosk_catalogue_service_get_property;

  /* KioskCatalogueService:loaded: a catalogue (bundled, cached or the portal's) is on screen. */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* KioskCatalogueService:source: "none", "bundled", "cache" or "portal". */
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, "none",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* KioskCatalogueService:synced: when the portal last confirmed or sent it (real µs), or 0. */
  properties[PROP_SYNCED] =
    g_param_spec_int64 ("synced", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kiosk_catalogue_service_init (KioskCatalogueService *self)
{
  self->catalogue = kiosk_catalogue_new ();
  self->source = "none";
}

/**
 * kiosk_catalogue_service_new:
 * @data_dir: where kiosk.db and the search index live
 * @bundled_catalogue_uri: a URI (resource:// or file://) of the catalogue shipped with the app
 * @portal: (nullable): the portal to refresh from
 *
 * Does no I/O: kiosk_catalogue_service_load_async() does, in a worker.
 *
 * Returns: (transfer full): the service, with an empty catalogue
 */
KioskCatalogueService *
kiosk_catalogue_service_new (const char  *data_dir,
                             const char  *bundled_catalogue_uri,
                             KioskPortal *portal)
{
  KioskCatalogueService *self = g_object_new (KIOSK_TYPE_CATALOGUE_SERVICE, NULL);

  self->data_dir = g_strdup (data_dir);
  self->bundled_uri = g_strdup (bundled_catalogue_uri);
  self->portal = portal ? g_object_ref (portal) : NULL;
  return self;
}

/**
 * kiosk_catalogue_service_get_catalogue:
 *
 * Returns: (transfer none): the catalogue on screen; the same object for life, its content
 *   replaced by each load or refresh
 */
KioskCatalogue *
kiosk_catalogue_service_get_catalogue (KioskCatalogueService *self)
{
  return self->catalogue;
}

/**
 * kiosk_catalogue_service_get_storage:
 *
 * Returns: (transfer none) (nullable): the database, once a load found it or a refresh made it
 */
KioskStorage *
kiosk_catalogue_service_get_storage (KioskCatalogueService *self)
{
  return self->storage;
}

gboolean
kiosk_catalogue_service_get_loaded (KioskCatalogueService *self)
{
  return self->loaded;
}

/* Returns: where the catalogue on screen came from: "none", "bundled", "cache" or "portal" */
const char *
kiosk_catalogue_service_get_source (KioskCatalogueService *self)
{
  return self->source;
}

/* Returns: when the portal last confirmed or sent the catalogue (real µs), or 0 */
gint64
kiosk_catalogue_service_get_synced (KioskCatalogueService *self)
{
  return self->synced;
}

/* Returns: (nullable): the ETag of the catalogue shown (the portal's sha256 in quotes) */
const char *
kiosk_catalogue_service_get_etag (KioskCatalogueService *self)
{
  return self->etag;
}

/* A catalogue is on screen, from @source; notifies what changed. */
static void
set_state (KioskCatalogueService *self,
           const char            *source,
           gint64                 synced)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  if (g_strcmp0 (self->source, source) != 0)
    {
      self->source = source;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
    }
  if (self->synced != synced)
    {
      self->synced = synced;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

typedef struct
{
  char           *db_path;
  char           *bundled_uri;
  KioskStorage   *storage;     /* out */
  KioskCatalogue *catalogue;   /* out */
  KioskCatalogueIndex *index;  /* out, nullable */
  char           *etag;        /* out */
  const char     *source;      /* out */
} LoadData;

static void
free_load_data (LoadData *data)
{
  g_free (data->db_path);
  g_free (data->bundled_uri);
  g_clear_object (&data->storage);
  g_clear_object (&data->catalogue);
  g_clear_object (&data->index);
  g_free (data->etag);
  g_free (data);
}

/* The search index kept next to the database, if it holds the same procedures. */
static KioskCatalogueIndex *
open_index_for (const char     *db_path,
                KioskCatalogue *catalogue)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *path = g_build_filename (dir, "catalogue-index.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskCatalogueIndex) index = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  index = kiosk_catalogue_index_open (path, &error);
  if (index == NULL)
    {
      g_warning ("Searching without the index: %s", error->message);
      return NULL;
    }
  if (kiosk_catalogue_index_get_n (index) != kiosk_catalogue_get_n_procedures (catalogue))
    return NULL;
  return g_steal_pointer (&index);
}

/* Rebuilds the search index from the catalogue document just saved. */
static KioskCatalogueIndex *
import_index_for (const char *db_path,
                  GBytes     *body,
                  const char *etag)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *path = g_build_filename (dir, "catalogue-index.db", NULL);
  g_autoptr(GError) error = NULL;
  KioskCatalogueIndex *index;

  if (!kiosk_catalogue_index_import (path, body, etag, NULL, &error))
    {
      g_warning ("Cannot build the catalogue's search index: %s", error->message);
      return NULL;
    }
  index = kiosk_catalogue_index_open (path, &error);
  if (index == NULL)
    g_warning ("Searching without the index: %s", error->message);
  return index;
}

static void
load_catalogue_in_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cached = NULL;

  /* On a first start there is nothing to read: the database is created when there is something
   * to write (the first catalogue from the portal), so no disk write delays the first frame. */
  if (g_file_test (data->db_path, G_FILE_TEST_EXISTS))
    {
      data->storage = kiosk_storage_open (data->db_path, &error);
      if (data->storage == NULL)
        g_warning ("Working without the database: %s", error->message);
      else if (!kiosk_storage_load_catalogue (data->storage, &cached, &data->etag, &error))
        g_warning ("Cannot read the cached catalogue: %s", error->message);
      g_clear_error (&error);
    }

  /* The index of the cached catalogue, when it is the same document: its summaries are enough
   * to list and search, and each schema is read only when its procedure is opened. */
  if (cached != NULL && data->etag != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (data->db_path);
      g_autofree char *path = g_build_filename (dir, "catalogue-index.db", NULL);
      g_autoptr(KioskCatalogueIndex) index = g_file_test (path, G_FILE_TEST_EXISTS)
                                             ? kiosk_catalogue_index_open (path, NULL) : NULL;

      if (index != NULL && g_strcmp0 (kiosk_catalogue_index_get_meta (index, "etag"), data->etag) == 0)
        data->catalogue = kiosk_catalogue_new_from_index (index, NULL);
      if (data->catalogue != NULL)
        {
          data->index = g_steal_pointer (&index);
          data->source = "cache";
        }
    }
  if (cached != NULL && data->catalogue == NULL)
    {
      data->catalogue = kiosk_catalogue_new_from_bytes (cached, &error);
      data->source = "cache";
      if (data->catalogue != NULL)
        data->index = open_index_for (data->db_path, data->catalogue);
      if (data->catalogue == NULL)
        {
          g_warning ("Ignoring the cached catalogue: %s", error->message);
          g_clear_error (&error);
          g_clear_pointer (&data->etag, g_free);
        }
    }

  if (data->catalogue == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_uri (data->bundled_uri);
      g_autoptr(GBytes) bundled = g_file_load_bytes (file, cancellable, NULL, &error);

      if (bundled != NULL)
        data->catalogue = kiosk_catalogue_new_from_bytes (bundled, &error);
      data->source = "bundled";
    }

  if (data->catalogue == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * kiosk_catalogue_service_load_async:
 *
 * Opens the database and loads the cached (else the bundled) catalogue, in a worker thread.
 */
void
kiosk_catalogue_service_load_async (KioskCatalogueService *self,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  LoadData *data = g_new0 (LoadData, 1);

  data->db_path = g_build_filename (self->data_dir, "kiosk.db", NULL);
  data->bundled_uri = g_strdup (self->bundled_uri);
  kiosk_task_run_in_thread (self, cancellable, callback, user_data,
                            kiosk_catalogue_service_load_async, data,
                            (GDestroyNotify) free_load_data, load_catalogue_in_thread);
}

gboolean
kiosk_catalogue_service_load_finish (KioskCatalogueService  *self,
                                     GAsyncResult           *result,
                                     GError                **error)
{
  LoadData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (data->storage != NULL && self->storage == NULL)
    self->storage = g_steal_pointer (&data->storage);
  if (data->catalogue != NULL)
    {
      g_free (self->etag);
      self->etag = g_steal_pointer (&data->etag);
      kiosk_catalogue_replace (self->catalogue, data->catalogue);
      kiosk_catalogue_set_index (self->catalogue, data->index);
      set_state (self, data->source, self->synced);
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  KioskStorage   *storage;     /* nullable: opened (created) by the worker */
  char           *db_path;
  GBytes         *body;
  char           *etag;
  KioskCatalogue *catalogue;   /* out */
  KioskCatalogueIndex *index;  /* out, nullable */
} RefreshData;

static void
free_refresh_data (RefreshData *data)
{
  g_clear_object (&data->storage);
  g_free (data->db_path);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_free (data->etag);
  g_clear_object (&data->catalogue);
  g_clear_object (&data->index);
  g_free (data);
}

static void
parse_and_save_in_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  RefreshData *data = task_data;
  g_autoptr(GError) error = NULL;

  data->catalogue = kiosk_catalogue_new_from_bytes (data->body, &error);
  if (data->catalogue == NULL)
    {
      /* The portal answered garbage: keep what the kiosk has; say why in the error. */
      g_task_return_new_error (task, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_MALFORMED,
                               "The portal's catalogue is unusable: %s", error->message);
      return;
    }
  if (data->storage == NULL)
    {
      data->storage = kiosk_storage_open (data->db_path, &error);
      if (data->storage == NULL)
        {
          g_warning ("Cannot create the database: %s", error->message);
          g_clear_error (&error);
        }
    }
  if (data->storage != NULL)
    {
      g_autoptr(GPtrArray) procedures = g_ptr_array_new_with_free_func (g_object_unref);
      GListModel *model = kiosk_catalogue_get_procedures (data->catalogue);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (procedures, g_list_model_get_item (model, i));
      if (!kiosk_storage_save_catalogue (data->storage, data->body, data->etag, procedures, &error))
        g_warning ("Cannot cache the catalogue: %s", error->message);
    }
  data->index = import_index_for (data->db_path, data->body, data->etag);
  g_task_return_boolean (task, TRUE);
}

static void
parse_and_save_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KioskCatalogueService *self = g_task_get_source_object (task);
  RefreshData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->storage == NULL && data->storage != NULL)
    self->storage = g_object_ref (data->storage);
  g_free (self->etag);
  self->etag = g_steal_pointer (&data->etag);
  kiosk_catalogue_replace (self->catalogue, data->catalogue);
  kiosk_catalogue_set_index (self->catalogue, data->index);
  set_state (self, "portal", g_get_real_time ());
  g_task_return_boolean (task, TRUE);
}

static void
fetch_catalogue_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KioskCatalogueService *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(GBytes) body = kiosk_portal_fetch_catalogue_finish (KIOSK_PORTAL (object), result,
                                                                &etag, &error);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GTask *parse_task;
  RefreshData *data;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (body == NULL)
    {
      /* 304: what the kiosk has is current. */
      self->synced = g_get_real_time ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCED]);
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new0 (RefreshData, 1);
  data->storage = self->storage ? g_object_ref (self->storage) : NULL;
  data->db_path = g_build_filename (self->data_dir, "kiosk.db", NULL);
  data->body = g_steal_pointer (&body);
  data->etag = g_steal_pointer (&etag);
  parse_task = g_task_new (self, cancellable, parse_and_save_done_cb,
                           g_steal_pointer (&task));
  g_task_set_task_data (parse_task, data, (GDestroyNotify) free_refresh_data);
  g_task_run_in_thread (parse_task, parse_and_save_in_thread);
  g_object_unref (parse_task);
}

/**
 * kiosk_catalogue_service_refresh_async:
 *
 * Asks the portal for a newer catalogue (If-None-Match), parses and caches it in a worker, then
 * replaces the catalogue on screen. On failure what the kiosk has stays.
 */
void
kiosk_catalogue_service_refresh_async (KioskCatalogueService *self,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_catalogue_service_refresh_async);
  if (self->portal == NULL)
    {
      g_task_return_new_error (task, KIOSK_PORTAL_ERROR, KIOSK_PORTAL_ERROR_INSECURE_URL,
                               "No usable portal URL");
      return;
    }
  kiosk_portal_fetch_catalogue_async (self->portal, self->etag, cancellable, fetch_catalogue_cb,
                                      g_steal_pointer (&task));
}

gboolean
kiosk_catalogue_service_refresh_finish (KioskCatalogueService  *self,
                                        GAsyncResult           *result,
                                        GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
