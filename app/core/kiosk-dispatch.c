/* kiosk-dispatch.c: a worker's result or progress, handed to the main context that asked for it.
 *
 * g_main_context_invoke() is not that: called on a thread with no main context of its own, it
 * runs the function right there whenever it can acquire the global default context, which is
 * every moment the main thread is between two iterations (GApplication iterates, it does not
 * hold the context). A scanner's progress or a camera's frame then touched widgets from SANE's or
 * GStreamer's thread. Here the function always runs on the thread that iterates @context. */
#include "kiosk-dispatch.h"

/**
 * kiosk_dispatch:
 * @context: (nullable): the main context to run @func on; %NULL for the global default
 * @func: called once on @context's thread (its return value is ignored)
 * @data: for @func
 * @notify: (nullable): frees @data, on @context's thread after @func, or wherever the source is
 *   destroyed if @context is never iterated again
 */
void
kiosk_dispatch (GMainContext   *context,
                GSourceFunc     func,
                gpointer        data,
                GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_name (source, "[kiosk] from a worker");
  g_source_attach (source, context);
  g_source_unref (source);
}
