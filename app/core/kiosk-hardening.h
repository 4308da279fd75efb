/* kiosk-hardening.h: what the kiosk's process does for the secrets it holds: no core dumps, and
 * keys and scans kept out of swap where the memory-lock limit allows. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     kiosk_hardening_apply (void);
gboolean kiosk_memory_lock     (gconstpointer data,
                                gsize         size);
void     kiosk_memory_unlock   (gconstpointer data,
                                gsize         size);

G_END_DECLS
