/* kiosk-helper-confine.h: what both helper processes do for themselves: the seccomp filter each
 * installs on itself first thing, and the writing of their answer to the kiosk. */
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

void     kiosk_helper_write_all (const void *data,
                                 gsize       length);

G_END_DECLS
