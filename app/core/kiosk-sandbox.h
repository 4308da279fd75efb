/* kiosk-sandbox.h: the import and scan helpers run under bubblewrap (see kiosk-sandbox.c). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * KioskSandboxProfile:
 * @KIOSK_SANDBOX_IMPORT: the system's libraries and fonts, the helper itself, nothing else; the
 *   file to convert comes on stdin
 * @KIOSK_SANDBOX_SCAN: the same, plus what SANE needs for USB scanners: /dev/bus/usb, the USB
 *   part of /sys, /run/udev, /etc/sane.d (and $SANE_CONFIG_DIR when the kiosk has one)
 *
 * Neither profile has a network, the kiosk's environment, its data folder or its home.
 */
typedef enum
{
  KIOSK_SANDBOX_IMPORT,
  KIOSK_SANDBOX_SCAN,
} KioskSandboxProfile;

GSubprocess *kiosk_sandbox_spawn (KioskSandboxProfile   profile,
                                  GSubprocessLauncher  *launcher,
                                  const char * const   *argv,
                                  GError              **error);
void         kiosk_sandbox_stop  (GSubprocess          *process);
GBytes      *kiosk_sandbox_run   (KioskSandboxProfile   profile,
                                  const char * const   *argv,
                                  GBytes               *input,
                                  gsize                 max_output,
                                  guint                 timeout_ms,
                                  GCancellable         *cancellable,
                                  GError              **error);

G_END_DECLS
