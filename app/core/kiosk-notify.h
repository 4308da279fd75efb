/* kiosk-notify.h: the systemd notification protocol (sd_notify), without libsystemd: readiness
 * once the first frame is painted, and a watchdog fed by the main loop, so that systemd restarts
 * a kiosk whose main loop is stuck (docs/deployment.md). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean kiosk_notify             (const char *state);
guint    kiosk_notify_watchdog_ms (void);

G_END_DECLS
