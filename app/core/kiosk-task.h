/* kiosk-task.h: one home for what every _async call of the core does to run its work in a worker
 * thread, and for reading the result back in its _finish. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     kiosk_task_run_in_thread (gpointer             source_object,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data,
                                   gpointer             source_tag,
                                   gpointer             task_data,
                                   GDestroyNotify       task_data_free,
                                   GTaskThreadFunc      worker);
gpointer kiosk_task_propagate_pointer (GAsyncResult  *result,
                                       gpointer       source_object,
                                       GError       **error);

G_END_DECLS
