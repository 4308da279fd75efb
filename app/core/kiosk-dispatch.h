/* kiosk-dispatch.h: how a worker thread hands something to a main context — always as a source
 * dispatched by that context's own thread, never run on the worker's. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void kiosk_dispatch (GMainContext   *context,
                     GSourceFunc     func,
                     gpointer        data,
                     GDestroyNotify  notify);

G_END_DECLS
