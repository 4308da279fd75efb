/* kiosk-helper-confine.h: the seccomp filter each helper installs on itself first thing. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * KioskConfineProfile:
 * @KIOSK_CONFINE_IMPORT: decoding and encoding only: reading files, memory, threads, writing to
 *   the pipes it was given; everything else fails with EPERM (sockets with EACCES)
 * @KIOSK_CONFINE_SCAN: SANE backends need much more (USB ioctls, threads, their own processes):
 *   everything except the network, other programs and what changes the system or other processes
 */
typedef enum
{
  KIOSK_CONFINE_IMPORT,
  KIOSK_CONFINE_SCAN,
} KioskConfineProfile;

gboolean kiosk_helper_confine (KioskConfineProfile   profile,
                               GError              **error);

G_END_DECLS
