/* kiosk-context.c: creates the services once and owns the citizen's session.
 *
 * The catalogue comes, in order of preference, from the portal (refreshed in the background with
 * If-None-Match), from the SQLite cache of the last refresh, or from the copy bundled in the
 * application, so that the kiosk is usable offline from its first start. */
#include "kiosk-context.h"

#include "kiosk-agents.h"

#include "kiosk-errors.h"

#include <stdio.h>
#include <string.h>

struct _KioskContext
{
  GObject         parent_instance;

  char           *kiosk_id;
  char           *site;      /* nullable: the portal's first site */
  KioskAgent     *agent;     /* nullable: agent mode is unlocked for this agent */
  KioskAccount   *account;   /* nullable: the citizen signed in with their phone (memory only) */
  KioskJournal   *journal;   /* agent actions and dossiers sent, tamper-evident */
  KioskAgent     *assisting; /* nullable: the agent of an assisted session */
  char           *consent_slug;    /* the procedure the citizen consented to, nullable */
  GStrv           consent_scopes;
  char           *consent_time;
  gint64          call_time;   /* real µs of an unanswered "call an agent", 0 when none */
  char           *data_dir;
  char           *bundled_uri;
  char           *scanner_device;
  KioskStorage   *storage;          /* NULL until the first load */
  KioskDrafts    *drafts;           /* NULL until first used */
  KioskCatalogue *catalogue;
  KioskPortal    *portal;           /* NULL when the URL is refused */
  KioskScanner   *scanner;
  char           *etag;
  const char     *catalogue_source; /* "bundled", "cache" or "portal" */
  gint64          catalogue_synced; /* real µs of the last answer of the portal about it, or 0 */
  gboolean        catalogue_loaded;

  KioskDossier   *dossier;
  GCancellable   *session_cancellable;

  GMutex          outbox_lock;
  KioskOutbox    *outbox;           /* opened on first use, in a worker */
  guint           sender_source;
  gboolean        sending;
  GCancellable   *sender_cancellable;
};

G_DEFINE_FINAL_TYPE (KioskContext, kiosk_context, G_TYPE_OBJECT)

enum { SESSION_ENDED, SCANNER_DEVICE_CHANGED, AGENT_CHANGED, ACCOUNT_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
kiosk_context_dispose (GObject *object)
{
  KioskContext *self = KIOSK_CONTEXT (object);

  g_clear_handle_id (&self->sender_source, g_source_remove);
  if (self->sender_cancellable != NULL)
    g_cancellable_cancel (self->sender_cancellable);
  g_clear_object (&self->sender_cancellable);
  g_clear_object (&self->outbox);

  if (self->session_cancellable != NULL)
    g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  g_clear_object (&self->dossier);
  g_clear_object (&self->scanner);
  g_clear_object (&self->portal);
  g_clear_object (&self->catalogue);
  g_clear_object (&self->drafts);
  g_clear_object (&self->storage);

  G_OBJECT_CLASS (kiosk_context_parent_class)->dispose (object);
}

static void
kiosk_context_finalize (GObject *object)
{
  KioskContext *self = KIOSK_CONTEXT (object);

  g_free (self->kiosk_id);
  g_free (self->site);
  g_clear_pointer (&self->agent, kiosk_agent_free);
  g_clear_pointer (&self->account, kiosk_account_free);
  g_clear_object (&self->journal);
  g_clear_pointer (&self->assisting, kiosk_agent_free);
  g_free (self->consent_slug);
  g_strfreev (self->consent_scopes);
  g_free (self->consent_time);
  g_free (self->data_dir);
  g_free (self->bundled_uri);
  g_free (self->scanner_device);
  g_free (self->etag);
  g_mutex_clear (&self->outbox_lock);

  G_OBJECT_CLASS (kiosk_context_parent_class)->finalize (object);
}

static void
kiosk_context_class_init (KioskContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kiosk_context_dispose;
  object_class->finalize = kiosk_context_finalize;

  /**
   * KioskContext::session-ended:
   *
   * The citizen's data was wiped; views go back to the welcome page.
   */
  signals[SESSION_ENDED] = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * KioskContext::scanner-device-changed:
   * @device: the SANE device name now used
   *
   * A scanner was chosen (e.g. found by "Search for the scanner"); the application remembers it.
   */
  signals[SCANNER_DEVICE_CHANGED] = g_signal_new ("scanner-device-changed", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * KioskContext::agent-changed:
   *
   * Agent mode was unlocked or locked (kiosk_context_get_agent() tells by whom).
   */
  signals[AGENT_CHANGED] = g_signal_new ("agent-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * KioskContext::account-changed:
   *
   * A citizen signed in with their phone, or was signed out.
   */
  signals[ACCOUNT_CHANGED] = g_signal_new ("account-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kiosk_context_init (KioskContext *self)
{
  self->catalogue = kiosk_catalogue_new ();
  self->session_cancellable = g_cancellable_new ();
  self->sender_cancellable = g_cancellable_new ();
  g_mutex_init (&self->outbox_lock);
  self->catalogue_source = "none";
}

/**
 * kiosk_context_new:
 * @portal_url: the portal's root URL
 * @kiosk_id: this terminal's identifier
 * @data_dir: where the database lives
 * @bundled_catalogue_uri: a URI (resource:// or file://) of the catalogue shipped with the app
 * @scanner_device: (nullable): a SANE device name, or %NULL for the first found
 *
 * Does no I/O: the catalogue is loaded by kiosk_context_load_catalogue_async().
 *
 * Returns: (transfer full): the context
 */
KioskContext *
kiosk_context_new (const char *portal_url,
                   const char *kiosk_id,
                   const char *data_dir,
                   const char *bundled_catalogue_uri,
                   const char *scanner_device)
{
  KioskContext *self = g_object_new (KIOSK_TYPE_CONTEXT, NULL);
  g_autoptr(GError) error = NULL;

  self->kiosk_id = g_strdup (kiosk_id);
  self->data_dir = g_strdup (data_dir);
  self->bundled_uri = g_strdup (bundled_catalogue_uri);
  self->portal = kiosk_portal_new (portal_url, kiosk_id, &error);
  if (self->portal == NULL)
    g_warning ("Portal disabled: %s", error->message);
  self->journal = kiosk_journal_new (data_dir);
  if (self->portal != NULL)
    kiosk_portal_set_journal (self->portal, self->journal);
  self->scanner_device = g_strdup (scanner_device);
  return self;
}

KioskCatalogue *
kiosk_context_get_catalogue (KioskContext *self)
{
  return self->catalogue;
}

/**
 * kiosk_context_get_portal:
 *
 * Returns: (transfer none) (nullable): the portal client, %NULL when its URL was refused
 */
KioskPortal *
kiosk_context_get_portal (KioskContext *self)
{
  return self->portal;
}

/**
 * kiosk_context_get_scanner:
 *
 * The scanner service (and its SANE thread) starts on first use, so that it costs nothing
 * before the first frame.
 *
 * Returns: (transfer none): the scanner service
 */
KioskScanner *
kiosk_context_get_scanner (KioskContext *self)
{
  if (self->scanner == NULL)
    self->scanner = kiosk_scanner_new (self->scanner_device);
  return self->scanner;
}

/**
 * kiosk_context_set_site:
 * @site: (nullable): the portal's identifier of this EPN, for appointments; %NULL or "" for
 *   the portal's first site
 */
void
kiosk_context_set_site (KioskContext *self,
                        const char   *site)
{
  g_free (self->site);
  self->site = site && *site ? g_strdup (site) : NULL;
}

const char *
kiosk_context_get_site (KioskContext *self)
{
  return self->site;
}

const char *
kiosk_context_get_kiosk_id (KioskContext *self)
{
  return self->kiosk_id;
}

gboolean
kiosk_context_get_catalogue_loaded (KioskContext *self)
{
  return self->catalogue_loaded;
}

/**
 * kiosk_context_get_catalogue_source:
 *
 * Returns: where the catalogue on screen came from: "none", "bundled", "cache" or "portal"
 */
const char *
kiosk_context_get_catalogue_source (KioskContext *self)
{
  return self->catalogue_source;
}

typedef struct
{
  char           *db_path;
  char           *bundled_uri;
  char           *scanner_device;
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
 * kiosk_context_load_catalogue_async:
 *
 * Opens the database and loads the cached (else the bundled) catalogue, in a worker thread.
 */
void
kiosk_context_load_catalogue_async (KioskContext        *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);

  data->db_path = g_build_filename (self->data_dir, "kiosk.db", NULL);
  data->bundled_uri = g_strdup (self->bundled_uri);
  g_task_set_source_tag (task, kiosk_context_load_catalogue_async);
  g_task_set_task_data (task, data, (GDestroyNotify) free_load_data);
  g_task_run_in_thread (task, load_catalogue_in_thread);
}

gboolean
kiosk_context_load_catalogue_finish (KioskContext  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
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
      self->catalogue_source = data->source;
      self->catalogue_loaded = TRUE;
      kiosk_catalogue_replace (self->catalogue, data->catalogue);
      kiosk_catalogue_set_index (self->catalogue, data->index);
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
  KioskContext *self = g_task_get_source_object (task);
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
  self->catalogue_source = "portal";
  self->catalogue_synced = g_get_real_time ();
  self->catalogue_loaded = TRUE;
  kiosk_catalogue_replace (self->catalogue, data->catalogue);
  kiosk_catalogue_set_index (self->catalogue, data->index);
  g_task_return_boolean (task, TRUE);
}

static void
fetch_catalogue_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KioskContext *self = g_task_get_source_object (task);
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
      self->catalogue_synced = g_get_real_time ();
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
 * kiosk_context_refresh_catalogue_async:
 *
 * Asks the portal for a newer catalogue (If-None-Match), parses and caches it in a worker, then
 * replaces the catalogue on screen. On failure what the kiosk has stays.
 */
void
kiosk_context_refresh_catalogue_async (KioskContext        *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_context_refresh_catalogue_async);
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
kiosk_context_refresh_catalogue_finish (KioskContext  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kiosk_context_set_scanner_device:
 * @device: the SANE device name to use from now on
 */
void
kiosk_context_set_scanner_device (KioskContext *self,
                                  const char   *device)
{
  if (g_strcmp0 (self->scanner_device, device) == 0)
    return;
  g_free (self->scanner_device);
  self->scanner_device = g_strdup (device);
  kiosk_scanner_set_device (kiosk_context_get_scanner (self), device);
  g_signal_emit (self, signals[SCANNER_DEVICE_CHANGED], 0, device);
}

static void
discovered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KioskContext *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) devices = kiosk_scanner_list_devices_finish (KIOSK_SCANNER (object), result, &error);
  gboolean present = FALSE;

  if (devices == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < devices->len && self->scanner_device != NULL; i++)
    present |= g_strcmp0 (((KioskScannerDevice *) g_ptr_array_index (devices, i))->name, self->scanner_device) == 0;
  /* The remembered scanner is gone (or none was chosen): take the first one there is. */
  if (!present && devices->len > 0)
    kiosk_context_set_scanner_device (self, ((KioskScannerDevice *) g_ptr_array_index (devices, 0))->name);
  g_task_return_int (task, devices->len);
}

/**
 * kiosk_context_discover_scanner_async:
 *
 * Looks for scanners once (at start-up, after the first frame): keeps the remembered one when it
 * is there, else chooses the first found (and says so with ::scanner-device-changed).
 */
void
kiosk_context_discover_scanner_async (KioskContext        *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_context_discover_scanner_async);
  kiosk_scanner_list_devices_async (kiosk_context_get_scanner (self), cancellable, discovered_cb, task);
}

/**
 * kiosk_context_discover_scanner_finish:
 *
 * Returns: how many scanners were found, or -1 with @error set
 */
int
kiosk_context_discover_scanner_finish (KioskContext  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * kiosk_context_get_dossier:
 *
 * Returns: (transfer none) (nullable): the dossier the citizen is filling in
 */
KioskDossier *
kiosk_context_get_dossier (KioskContext *self)
{
  return self->dossier;
}

/* Answers the account knows (the citizen can still change them on the form). */
static void
prefill (KioskDossier       *dossier,
         const KioskAccount *account)
{
  KioskProcedure *procedure = kiosk_dossier_get_procedure (dossier);
  g_autofree char *birth_date = NULL;
  int year, month, day;
  const struct
  {
    const char *varname;
    const char *value;
  } known[] = {
    { "last_name", account->last_name },
    { "first_name", account->first_name },
    { "parent_last_name", account->last_name },
    { "parent_first_name", account->first_name },
    { "birth_date", NULL },
    { "email", account->email },
    { "phone", account->phone },
    { "address", account->address },
  };

  /* Forms take dates as typed in New Caledonia: DD/MM/YYYY. */
  if (account->birth_date != NULL && sscanf (account->birth_date, "%4d-%2d-%2d", &year, &month, &day) == 3)
    birth_date = g_strdup_printf ("%02d/%02d/%04d", day, month, year);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      const char *value = g_str_equal (known[i].varname, "birth_date") ? birth_date : known[i].value;

      if (value != NULL && kiosk_procedure_find_field (procedure, known[i].varname) != NULL)
        kiosk_dossier_set_answer (dossier, known[i].varname, value);
    }
}

/**
 * kiosk_context_start_dossier:
 *
 * Starts (or continues, for the same procedure) the citizen's dossier.
 *
 * Returns: (transfer none): the dossier
 */
KioskDossier *
kiosk_context_start_dossier (KioskContext   *self,
                             KioskProcedure *procedure)
{
  if (self->dossier != NULL && kiosk_dossier_get_procedure (self->dossier) == procedure)
    return self->dossier;
  if (self->dossier != NULL)
    kiosk_dossier_wipe (self->dossier);
  g_clear_object (&self->dossier);
  self->dossier = kiosk_dossier_new (procedure);
  if (self->account != NULL)
    prefill (self->dossier, self->account);
  if (kiosk_context_has_consent (self, kiosk_procedure_get_slug (procedure)))
    kiosk_dossier_set_assisted (self->dossier, self->assisting->id,
                                (const char * const *) self->consent_scopes, self->consent_time);
  return self->dossier;
}

/**
 * kiosk_context_get_drafts:
 *
 * Returns: (transfer none): the parked drafts of this terminal, in <data-dir>/drafts
 */
KioskDrafts *
kiosk_context_get_drafts (KioskContext *self)
{
  if (self->drafts == NULL)
    {
      g_autofree char *dir = g_build_filename (self->data_dir, "drafts", NULL);

      self->drafts = kiosk_drafts_new (dir);
    }
  return self->drafts;
}

/**
 * kiosk_context_resume_draft:
 * @draft: a draft kiosk_drafts_resume_finish() opened
 *
 * Starts the draft's procedure again with its answers and documents.
 *
 * Returns: (transfer none) (nullable): the dossier, or %NULL when the catalogue no longer has the
 *   procedure
 */
KioskDossier *
kiosk_context_resume_draft (KioskContext *self,
                            KioskDraft   *draft)
{
  KioskProcedure *procedure = kiosk_catalogue_lookup (self->catalogue, draft->slug);
  KioskDossier *dossier;
  GHashTableIter iter;
  gpointer key, value;

  if (procedure == NULL)
    return NULL;
  if (self->dossier != NULL)
    kiosk_dossier_wipe (self->dossier);
  g_clear_object (&self->dossier);
  dossier = kiosk_context_start_dossier (self, procedure);
  g_hash_table_iter_init (&iter, draft->answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    kiosk_dossier_set_answer (dossier, key, value);
  for (guint i = 0; i < draft->documents->len; i++)
    {
      KioskDocument *document = g_ptr_array_index (draft->documents, i);

      kiosk_dossier_set_document (dossier, kiosk_document_get_varname (document), document);
    }
  kiosk_dossier_set_draft_id (dossier, draft->id);
  return dossier;
}

/**
 * kiosk_context_get_session_cancellable:
 *
 * Returns: (transfer none): cancelled when the session ends; scans and uploads of the session
 *   use it
 */
GCancellable *
kiosk_context_get_session_cancellable (KioskContext *self)
{
  return self->session_cancellable;
}

/**
 * kiosk_context_end_session:
 *
 * Cancels the session's scans and uploads, wipes the dossier and its scans, and starts afresh.
 */
void
kiosk_context_end_session (KioskContext *self)
{
  g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  self->session_cancellable = g_cancellable_new ();
  if (self->dossier != NULL)
    kiosk_dossier_wipe (self->dossier);
  g_clear_object (&self->dossier);
  kiosk_journal_append_async (self->journal, "-", "session-ended", "");
  /* Whoever comes next must not find agent mode open, nor the citizen's account. */
  kiosk_context_end_assisted (self);
  kiosk_context_set_agent (self, NULL);
  kiosk_context_set_account (self, NULL);
  g_signal_emit (self, signals[SESSION_ENDED], 0);
}

/**
 * kiosk_context_set_agent:
 * @agent: (nullable) (transfer full): the agent who unlocked agent mode, or %NULL to lock it
 */
void
kiosk_context_set_agent (KioskContext *self,
                         KioskAgent   *agent)
{
  gboolean changed = self->agent != NULL || agent != NULL;

  if (self->agent != NULL)
    kiosk_journal_append_async (self->journal, self->agent->id, "agent-locked", "");
  if (agent != NULL)
    kiosk_journal_append_async (self->journal, agent->id, "agent-unlocked", "");

  g_clear_pointer (&self->agent, kiosk_agent_free);
  self->agent = agent;
  if (changed)
    g_signal_emit (self, signals[AGENT_CHANGED], 0);
}

/* Returns: (nullable) (transfer none): the agent of agent mode, %NULL when locked */
const KioskAgent *
kiosk_context_get_agent (KioskContext *self)
{
  return self->agent;
}

/**
 * kiosk_context_set_account:
 * @account: (nullable) (transfer full): the citizen's account, or %NULL to sign out
 *
 * Signing out (or replacing the account) revokes the old token on the portal and wipes it.
 */
void
kiosk_context_set_account (KioskContext *self,
                           KioskAccount *account)
{
  gboolean changed = self->account != NULL || account != NULL;

  if (self->account != NULL && self->portal != NULL)
    kiosk_account_revoke (self->portal, self->account);
  g_clear_pointer (&self->account, kiosk_account_free);
  self->account = account;
  if (changed)
    g_signal_emit (self, signals[ACCOUNT_CHANGED], 0);
}

/* Returns: (nullable) (transfer none): the signed-in citizen's account */
const KioskAccount *
kiosk_context_get_account (KioskContext *self)
{
  return self->account;
}

/* Returns: (transfer full): the agent accounts file, in the data folder */
char *
kiosk_context_dup_agents_path (KioskContext *self)
{
  return g_build_filename (self->data_dir, "agents.ini", NULL);
}

/* Opens the outbox on first use; blocking, so only from workers. */
static KioskOutbox *
ensure_outbox (KioskContext  *self,
               GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->outbox_lock);

  if (self->outbox == NULL)
    {
      g_autofree char *db = g_build_filename (self->data_dir, "outbox.db", NULL);
      g_autofree char *key = g_build_filename (self->data_dir, "device.key", NULL);

      self->outbox = kiosk_outbox_open (db, key, error);
    }
  return self->outbox ? g_object_ref (self->outbox) : NULL;
}

/**
 * kiosk_context_get_outbox:
 *
 * Returns: (transfer none) (nullable): the outbox, once it has been opened
 */
KioskOutbox *
kiosk_context_get_outbox (KioskContext *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->outbox_lock);

  return self->outbox;
}

typedef struct
{
  char      *slug;
  char      *key;
  char      *json;
  GPtrArray *documents;
  char      *draft_id;   /* nullable: the parked draft to remove once queued */
} QueueData;

static void
free_queue_data (QueueData *data)
{
  g_free (data->draft_id);
  g_free (data->slug);
  g_free (data->key);
  if (data->json != NULL)
    explicit_bzero (data->json, strlen (data->json));
  g_free (data->json);
  g_ptr_array_unref (data->documents);
  g_free (data);
}

static void
queue_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  QueueData *data = task_data;
  GError *error = NULL;
  g_autoptr(KioskOutbox) outbox = ensure_outbox (source, &error);
  gint64 id;

  if (outbox == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  id = kiosk_outbox_add (outbox, data->slug, data->key, data->json, data->documents, &error);
  /* The dossier is safe in the outbox: the draft it was resumed from has no more use. */
  if (id != 0 && data->draft_id != NULL)
    kiosk_drafts_forget (kiosk_context_get_drafts (source), data->draft_id, NULL);
  if (id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_memdup2 (&id, sizeof id), g_free);
}

static void
queue_now (GTask        *task,
           KioskDossier *dossier)
{
  KioskContext *self = g_task_get_source_object (task);
  QueueData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->json = kiosk_dossier_build_json (dossier, self->kiosk_id, &error);
  if (data->json == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->draft_id = g_strdup (kiosk_dossier_get_draft_id (dossier));
  if (data->draft_id != NULL)
    kiosk_context_get_drafts (self);   /* made here, on the main thread */
  g_task_run_in_thread (task, queue_in_thread);
}

static void
grant_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KioskDossier *dossier = g_object_get_data (G_OBJECT (task), "dossier");
  g_autoptr(GError) error = NULL;
  g_autofree char *grant = kiosk_account_request_grant_finish (result, &error);

  if (g_task_return_error_if_cancelled (task))
    return;
  /* Without a grant the dossier is still sent: the citizen follows it by its number. */
  if (grant == NULL)
    g_message ("No account grant for this dossier (sent without the account): %s", error->message);
  else
    kiosk_dossier_set_account_grant (dossier, grant);
  if (grant != NULL)
    explicit_bzero (grant, strlen (grant));
  queue_now (task, dossier);
}

/**
 * kiosk_context_queue_dossier_async:
 *
 * Commits the dossier to the encrypted outbox (in a worker). Once this succeeds, the dossier
 * reaches the portal even if the kiosk stops now.
 */
void
kiosk_context_queue_dossier_async (KioskContext        *self,
                                   KioskDossier        *dossier,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  QueueData *data = g_new0 (QueueData, 1);

  g_task_set_source_tag (task, kiosk_context_queue_dossier_async);
  data->slug = g_strdup (kiosk_procedure_get_slug (kiosk_dossier_get_procedure (dossier)));
  data->key = g_strdup (kiosk_dossier_get_idempotency_key (dossier));
  data->documents = kiosk_dossier_get_documents (dossier);
  g_task_set_task_data (task, data, (GDestroyNotify) free_queue_data);
  /* A signed-in citizen's dossier carries a grant to their account, asked for now, while the
   * token is valid: the outbox keeps the grant, never the token. */
  if (self->account != NULL && self->portal != NULL && kiosk_dossier_get_account_grant (dossier) == NULL)
    {
      g_object_set_data_full (G_OBJECT (task), "dossier", g_object_ref (dossier), g_object_unref);
      kiosk_account_request_grant_async (self->portal, self->account,
                                         kiosk_dossier_get_idempotency_key (dossier), cancellable,
                                         grant_done_cb, g_object_ref (task));
      return;
    }
  queue_now (task, dossier);
}

/**
 * kiosk_context_queue_dossier_finish:
 *
 * Returns: the outbox entry's id, or 0 with @error set
 */
gint64
kiosk_context_queue_dossier_finish (KioskContext  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  id = g_task_propagate_pointer (G_TASK (result), error);
  return id ? *id : 0;
}

static void
unqueue_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskOutbox) outbox = ensure_outbox (source, &error);

  if (outbox == NULL || !kiosk_outbox_remove (outbox, *(gint64 *) task_data, &error))
    g_warning ("Cannot remove an outbox entry: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/**
 * kiosk_context_unqueue_dossier:
 *
 * Removes an entry the portal has just acknowledged, or that the citizen will correct (422).
 */
void
kiosk_context_unqueue_dossier (KioskContext *self,
                               gint64        id)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);

  g_task_set_task_data (task, g_memdup2 (&id, sizeof id), g_free);
  g_task_run_in_thread (task, unqueue_in_thread);
}

static void
open_and_drain_in_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(KioskOutbox) outbox = ensure_outbox (source, &error);

  if (outbox == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&outbox), g_object_unref);
}

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KioskContext) self = user_data;
  g_autoptr(GError) error = NULL;

  kiosk_outbox_drain_finish (KIOSK_OUTBOX (object), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Outbox: %s", error->message);
  self->sending = FALSE;
}

static void
outbox_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KioskContext *self = KIOSK_CONTEXT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskOutbox) outbox = g_task_propagate_pointer (G_TASK (result), &error);

  if (outbox == NULL || self->portal == NULL)
    {
      if (error != NULL)
        g_warning ("Outbox: %s", error->message);
      self->sending = FALSE;
      return;
    }
  kiosk_outbox_drain_async (outbox, self->portal, self->sender_cancellable, drained_cb, g_object_ref (self));
}

static gboolean
sender_tick_cb (gpointer user_data)
{
  KioskContext *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (self->sending)
    return G_SOURCE_CONTINUE;
  self->sending = TRUE;
  task = g_task_new (self, self->sender_cancellable, outbox_opened_cb, NULL);
  g_task_run_in_thread (task, open_and_drain_in_thread);
  return G_SOURCE_CONTINUE;
}

/**
 * kiosk_context_start_sender:
 * @interval_ms: how often to look for due dossiers
 *
 * Starts the background sender: at once (what a crash left is resumed with the same keys), then
 * every @interval_ms. Each entry's own backoff decides whether it is due.
 */
void
kiosk_context_start_sender (KioskContext *self,
                            guint         interval_ms)
{
  g_clear_handle_id (&self->sender_source, g_source_remove);
  sender_tick_cb (self);
  self->sender_source = g_timeout_add (interval_ms, sender_tick_cb, self);
}

static void
list_outbox_in_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(KioskOutbox) outbox = ensure_outbox (KIOSK_CONTEXT (source), &error);
  GPtrArray *entries = outbox ? kiosk_outbox_list (outbox, &error) : NULL;

  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

/**
 * kiosk_context_list_outbox_async:
 *
 * Lists the dossiers waiting in the outbox (for agents), reading the database in a worker.
 */
void
kiosk_context_list_outbox_async (KioskContext        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kiosk_context_list_outbox_async);
  g_task_run_in_thread (task, list_outbox_in_thread);
}

/* Returns: (transfer full): the KioskOutboxEntry array, or %NULL with @error set */
GPtrArray *
kiosk_context_list_outbox_finish (KioskContext  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kiosk_context_log:
 * @event: e.g. "dossier-submitted"
 * @detail: a dossier or appointment number, or ""; never a citizen's personal data
 *
 * Adds an entry to the terminal's journal, in the name of the agent in agent mode (or of the
 * terminal); written in a worker.
 */
void
kiosk_context_log (KioskContext *self,
                   const char   *event,
                   const char   *detail)
{
  /* In an assisted session, the agent acts (with the citizen's consent). */
  kiosk_journal_append_async (self->journal,
                              self->agent ? self->agent->id : self->assisting ? self->assisting->id : "-",
                              event, detail);
}

KioskJournal *
kiosk_context_get_journal (KioskContext *self)
{
  return self->journal;
}

/**
 * kiosk_context_start_assisted:
 *
 * The agent in agent mode opens an assisted session for the citizen beside them. Agent mode is
 * locked (the citizen now uses the screen); the agent's identity stays with the session until
 * it ends, and the citizen is asked to consent before a procedure starts.
 *
 * Returns: %FALSE when agent mode is locked
 */
gboolean
kiosk_context_start_assisted (KioskContext *self)
{
  KioskAgent *agent;

  if (self->agent == NULL)
    return FALSE;
  agent = g_new0 (KioskAgent, 1);
  agent->id = g_strdup (self->agent->id);
  agent->name = g_strdup (self->agent->name);
  kiosk_context_end_assisted (self);
  self->assisting = agent;
  kiosk_journal_append_async (self->journal, agent->id, "assisted-opened", "");
  kiosk_context_set_agent (self, NULL);
  return TRUE;
}

/* Returns: (nullable) (transfer none): the agent of the assisted session */
const KioskAgent *
kiosk_context_get_assisting (KioskContext *self)
{
  return self->assisting;
}

/**
 * kiosk_context_give_consent:
 * @slug: the procedure
 * @scopes: what the citizen allows the agent to do in it, for this session only
 */
void
kiosk_context_give_consent (KioskContext       *self,
                            const char         *slug,
                            const char * const *scopes)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *detail = NULL;

  g_return_if_fail (self->assisting != NULL);
  g_free (self->consent_slug);
  self->consent_slug = g_strdup (slug);
  g_strfreev (self->consent_scopes);
  self->consent_scopes = g_strdupv ((char **) scopes);
  g_free (self->consent_time);
  self->consent_time = g_date_time_format_iso8601 (now);
  {
    g_autofree char *joined = g_strjoinv (",", self->consent_scopes);

    detail = g_strdup_printf ("%s %s", slug, joined);
  }
  kiosk_journal_append_async (self->journal, self->assisting->id, "consent-given", detail);
}

gboolean
kiosk_context_has_consent (KioskContext *self,
                           const char   *slug)
{
  return self->assisting != NULL && g_strcmp0 (self->consent_slug, slug) == 0;
}

/* The citizen refused, or the session ends: the agent no longer acts for them. */
void
kiosk_context_end_assisted (KioskContext *self)
{
  if (self->assisting == NULL)
    return;
  kiosk_journal_append_async (self->journal, self->assisting->id, "assisted-closed", "");
  g_clear_pointer (&self->assisting, kiosk_agent_free);
  g_clear_pointer (&self->consent_slug, g_free);
  g_clear_pointer (&self->consent_scopes, g_strfreev);
  g_clear_pointer (&self->consent_time, g_free);
}

/**
 * kiosk_context_call_agent:
 *
 * A citizen asks for help: the agents' dashboard shows the call until an agent takes it, the
 * journal records it, and the portal is told (for agents elsewhere in the centre), without
 * waiting.
 */
void
kiosk_context_call_agent (KioskContext *self)
{
  if (self->call_time == 0)
    self->call_time = g_get_real_time ();
  kiosk_journal_append_async (self->journal, "-", "agent-called", "");
  if (self->portal != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->kiosk_id, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("api/kiosks/%s/help-requests", escaped);

      kiosk_portal_call_json_async (self->portal, "POST", path, "{}", NULL, NULL, NULL, NULL);
    }
  g_signal_emit (self, signals[AGENT_CHANGED], 0);
}

/* Returns: when the pending call was made (real µs), or 0 */
gint64
kiosk_context_get_call_time (KioskContext *self)
{
  return self->call_time;
}

/* An agent takes the call. */
void
kiosk_context_answer_call (KioskContext *self)
{
  if (self->call_time == 0)
    return;
  self->call_time = 0;
  kiosk_journal_append_async (self->journal, self->agent ? self->agent->id : "-", "call-answered", "");
  g_signal_emit (self, signals[AGENT_CHANGED], 0);
}

static void
retry_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(KioskOutbox) outbox = ensure_outbox (KIOSK_CONTEXT (source), &error);

  if (outbox != NULL && kiosk_outbox_retry_now (outbox, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
retried_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  KioskContext *self = KIOSK_CONTEXT (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Retry now: %s", error->message);
  else
    sender_tick_cb (self);
}

/**
 * kiosk_context_retry_now:
 *
 * For agents: makes every waiting dossier due and sends at once (in a worker).
 */
void
kiosk_context_retry_now (KioskContext *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, retried_cb, NULL);

  kiosk_journal_append_async (self->journal, self->agent ? self->agent->id : "-", "outbox-retry", "");
  g_task_run_in_thread (task, retry_in_thread);
}

/* Returns: when the portal last confirmed or sent the catalogue (real µs), or 0 */
gint64
kiosk_context_get_catalogue_synced (KioskContext *self)
{
  return self->catalogue_synced;
}

const char *
kiosk_context_get_data_dir (KioskContext *self)
{
  return self->data_dir;
}
