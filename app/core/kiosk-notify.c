/* kiosk-notify.c: sd_notify without libsystemd (see kiosk-notify.h). */
#include "kiosk-notify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/**
 * kiosk_notify:
 * @state: e.g. "READY=1" or "WATCHDOG=1"
 *
 * Sends @state to $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace).
 *
 * Returns: %TRUE when sent; %FALSE when there is no socket or it failed
 */
gboolean
kiosk_notify (const char *state)
{
  const char *path = g_getenv ("NOTIFY_SOCKET");
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  socklen_t length;
  gsize path_length;
  int fd;
  gboolean sent;

  if (path == NULL || (path[0] != '/' && path[0] != '@'))
    return FALSE;
  path_length = strlen (path);
  if (path_length >= sizeof address.sun_path)
    return FALSE;
  memcpy (address.sun_path, path, path_length);
  if (path[0] == '@')
    address.sun_path[0] = '\0';
  length = offsetof (struct sockaddr_un, sun_path) + path_length;
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  sent = sendto (fd, state, strlen (state), MSG_NOSIGNAL, (struct sockaddr *) &address, length)
         == (ssize_t) strlen (state);
  if (!sent)
    g_debug ("sd_notify %s: %s", state, g_strerror (errno));
  close (fd);
  return sent;
}

/**
 * kiosk_notify_watchdog_ms:
 *
 * Returns: how often to send WATCHDOG=1 (half of $WATCHDOG_USEC), or 0 when systemd watches
 *   nothing. WATCHDOG_PID is not checked: the kiosk runs under cage, the unit's main process,
 *   and the unit sets NotifyAccess=all.
 */
guint
kiosk_notify_watchdog_ms (void)
{
  const char *usec = g_getenv ("WATCHDOG_USEC");
  guint64 value;

  if (usec == NULL || !g_ascii_string_to_unsigned (usec, 10, 1, G_MAXUINT64, &value, NULL))
    return 0;
  return (guint) MAX (value / 2000, 1);
}
