/* kiosk-task.c: an _async call's work in a worker thread (see kiosk-task.h). */
#include "kiosk-task.h"

/**
 * kiosk_task_run_in_thread:
 * @source_object: (nullable): the object the call is made on, passed back to @callback
 * @source_tag: the _async function itself, so that its _finish can tell its own results
 * @task_data: (nullable) (transfer full): what @worker reads; it must touch nothing else
 * @task_data_free: (nullable): frees @task_data when the task is finalized
 * @worker: runs in a thread of GLib's pool and returns the task's result
 *
 * The task holds its own reference while @worker runs: nothing is left for the caller to free.
 */
void
kiosk_task_run_in_thread (gpointer             source_object,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data,
                          gpointer             source_tag,
                          gpointer             task_data,
                          GDestroyNotify       task_data_free,
                          GTaskThreadFunc      worker)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, task_data, task_data_free);
  g_task_run_in_thread (task, worker);
}

/**
 * kiosk_task_propagate_pointer:
 * @source_object: (nullable): the object the _async call was made on
 *
 * The _finish of a call whose result is a pointer, checking that @result is a task of
 * @source_object.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
gpointer
kiosk_task_propagate_pointer (GAsyncResult  *result,
                              gpointer       source_object,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source_object), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
