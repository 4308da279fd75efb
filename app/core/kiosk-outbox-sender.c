/* kiosk-outbox-sender.c: the outbox's periodic sender.
 *
 * The outbox database is opened on first use, in a worker (it is a disk write). A main-loop
 * timeout starts a drain in a worker when none runs; each entry's own backoff decides whether it
 * is due. Workers touch only this object's outbox, under its lock, never the context. */
#include "kiosk-outbox-sender.h"

#include "kiosk-credentials.h"
#include "kiosk-task.h"

struct _KioskOutboxSender
{
  GObject       parent_instance;

  char         *data_dir;
  KioskPortal  *portal;            /* nullable: nothing is sent without one */

  GMutex        lock;              /* guards outbox: workers open it */
  KioskOutbox  *outbox;            /* opened on first use, in a worker */
  guint         source;
  gboolean      sending;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (KioskOutboxSender, kiosk_outbox_sender, G_TYPE_OBJECT)

static void
kiosk_outbox_sender_dispose (GObject *object)
{
  KioskOutboxSender *self = KIOSK_OUTBOX_SENDER (object);

  g_clear_handle_id (&self->source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->outbox);
  g_clear_object (&self->portal);

  G_OBJECT_CLASS (kiosk_outbox_sender_parent_class)->dispose (object);
}

static void
kiosk_outbox_sender_finalize (GObject *object)
{
  KioskOutboxSender *self = KIOSK_OUTBOX_SENDER (object);

  g_clear_object (&self->cancellable);
  g_free (self->data_dir);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kiosk_outbox_sender_parent_class)->finalize (object);
}

static void
kiosk_outbox_sender_class_init (KioskOutboxSenderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kiosk_outbox_sender_dispose;
  object_class->finalize = kiosk_outbox_sender_finalize;
}

static void
kiosk_outbox_sender_init (KioskOutboxSender *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
}

/**
 * kiosk_outbox_sender_new:
 * @data_dir: where outbox.db and device.key live
 * @portal: (nullable): the portal to send to
 *
 * Does no I/O.
 *
 * Returns: (transfer full): the sender, stopped
 */
KioskOutboxSender *
kiosk_outbox_sender_new (const char  *data_dir,
                         KioskPortal *portal)
{
  KioskOutboxSender *self = g_object_new (KIOSK_TYPE_OUTBOX_SENDER, NULL);

  self->data_dir = g_strdup (data_dir);
  self->portal = portal ? g_object_ref (portal) : NULL;
  return self;
}

/**
 * kiosk_outbox_sender_open:
 *
 * Opens the outbox on first use. Blocking (disk) and thread-safe: for workers only.
 *
 * Returns: (transfer full): the outbox, or %NULL with @error set
 */
KioskOutbox *
kiosk_outbox_sender_open (KioskOutboxSender  *self,
                          GError            **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (self->outbox == NULL)
    {
      g_autofree char *db = g_build_filename (self->data_dir, "outbox.db", NULL);
      /* systemd's credential when the unit passes one, else the data folder's file. */
      g_autofree char *credential = kiosk_credential_path (KIOSK_CREDENTIAL_DEVICE_KEY);
      g_autofree char *key = credential ? g_strdup (credential)
                                        : g_build_filename (self->data_dir, "device.key", NULL);

      self->outbox = kiosk_outbox_open (db, key, error);
    }
  return self->outbox ? g_object_ref (self->outbox) : NULL;
}

/**
 * kiosk_outbox_sender_get_outbox:
 *
 * Returns: (transfer none) (nullable): the outbox, once it has been opened
 */
KioskOutbox *
kiosk_outbox_sender_get_outbox (KioskOutboxSender *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->outbox;
}

static void
open_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  KioskOutbox *outbox = kiosk_outbox_sender_open (source, &error);

  if (outbox == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, outbox, g_object_unref);
}

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KioskOutboxSender) self = user_data;
  g_autoptr(GError) error = NULL;

  kiosk_outbox_drain_finish (KIOSK_OUTBOX (object), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Outbox: %s", error->message);
  self->sending = FALSE;
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KioskOutboxSender *self = KIOSK_OUTBOX_SENDER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskOutbox) outbox = g_task_propagate_pointer (G_TASK (result), &error);

  if (outbox == NULL || self->portal == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Outbox: %s", error->message);
      self->sending = FALSE;
      return;
    }
  kiosk_outbox_drain_async (outbox, self->portal, self->cancellable, drained_cb, g_object_ref (self));
}

static gboolean
tick_cb (gpointer user_data)
{
  KioskOutboxSender *self = user_data;
  g_autoptr(GTask) task = NULL;

  if (self->sending)
    return G_SOURCE_CONTINUE;
  self->sending = TRUE;
  task = g_task_new (self, self->cancellable, opened_cb, NULL);
  g_task_set_source_tag (task, tick_cb);
  g_task_run_in_thread (task, open_in_thread);
  return G_SOURCE_CONTINUE;
}

/**
 * kiosk_outbox_sender_start:
 * @interval_ms: how often to look for due dossiers
 *
 * Starts the background sender: at once (what a crash left is resumed with the same keys), then
 * every @interval_ms. Each entry's own backoff decides whether it is due.
 */
void
kiosk_outbox_sender_start (KioskOutboxSender *self,
                           guint              interval_ms)
{
  g_clear_handle_id (&self->source, g_source_remove);
  tick_cb (self);
  self->source = g_timeout_add (interval_ms, tick_cb, self);
}

static void
retry_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(KioskOutbox) outbox = kiosk_outbox_sender_open (source, &error);

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
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Retry now: %s", error->message);
  else
    tick_cb (object);
}

/**
 * kiosk_outbox_sender_retry_now:
 *
 * For agents: makes every waiting dossier due (in a worker), then sends at once.
 */
void
kiosk_outbox_sender_retry_now (KioskOutboxSender *self)
{
  kiosk_task_run_in_thread (self, NULL, retried_cb, NULL, kiosk_outbox_sender_retry_now, NULL, NULL,
                            retry_in_thread);
}

static void
remove_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskOutbox) outbox = kiosk_outbox_sender_open (source, &error);

  if (outbox == NULL || !kiosk_outbox_remove (outbox, *(gint64 *) task_data, &error))
    g_warning ("Cannot remove an outbox entry: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/**
 * kiosk_outbox_sender_remove:
 * @id: an entry of the outbox
 *
 * Removes (in a worker) an entry the portal has just acknowledged, or that the citizen will
 * correct (422).
 */
void
kiosk_outbox_sender_remove (KioskOutboxSender *self,
                            gint64             id)
{
  kiosk_task_run_in_thread (self, NULL, NULL, NULL, kiosk_outbox_sender_remove,
                            g_memdup2 (&id, sizeof id), g_free, remove_in_thread);
}

static void
list_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(KioskOutbox) outbox = kiosk_outbox_sender_open (source, &error);
  GPtrArray *entries = outbox ? kiosk_outbox_list (outbox, &error) : NULL;

  if (entries != NULL)
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

/**
 * kiosk_outbox_sender_list_async:
 *
 * Lists the dossiers waiting in the outbox (for agents), reading the database in a worker.
 */
void
kiosk_outbox_sender_list_async (KioskOutboxSender   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  kiosk_task_run_in_thread (self, cancellable, callback, user_data, kiosk_outbox_sender_list_async,
                            NULL, NULL, list_in_thread);
}

/**
 * kiosk_outbox_sender_list_finish:
 *
 * Returns: (transfer full) (element-type KioskOutboxEntry): the entries, or %NULL with @error set
 */
GPtrArray *
kiosk_outbox_sender_list_finish (KioskOutboxSender  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  return kiosk_task_propagate_pointer (result, self, error);
}
