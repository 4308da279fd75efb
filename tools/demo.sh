#!/bin/bash
# Command 1 of the README: installs what is needed, builds, starts the reference portal on
# loopback, then the kiosk pointing at it with the SANE test scanner (unless KIOSK_REAL_SCANNER=1).
# Extra arguments go to the kiosk, e.g. --kiosk for full screen. The portal stops with the kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bash tools/install-deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build; fi
ninja -C build

state=$(mktemp -d /tmp/kiosk-demo-XXXXXX)
coproc PORTAL { exec "$root/build/tests/portal/kiosk-portal" --port 0 --data-dir "$state/portal"; }
portal_pid=$PORTAL_PID
cleanup () {
  kill "$portal_pid" 2>/dev/null || true
  wait "$portal_pid" 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
read -r url <&"${PORTAL[0]}"
echo "Reference portal: $url"

export GSETTINGS_SCHEMA_DIR="$root/build/resources"
export KIOSK_LOCALEDIR="$root/build/po"
export KIOSK_SCAN_HELPER="$root/build/app/core/kiosk-scan-helper"
export KIOSK_IMPORT_HELPER="$root/build/app/core/kiosk-import-helper"
export KIOSK_QR_HELPER="$root/build/app/core/kiosk-qr-helper"
# The renderer of the terminal's unit (data/kiosk-cage.service): faster without a GPU.
export GSK_RENDERER="${GSK_RENDERER:-cairo}"
export GDK_DEBUG="${GDK_DEBUG:-gl-disable}"
if [ "${KIOSK_REAL_SCANNER:-0}" != 1 ]; then
  export SANE_CONFIG_DIR="$root/tests/sane.d"
fi
# An agent for the demo's agent mode: identifier "demo", PIN 123456.
echo 123456 | "$root/build/app/kiosk" --add-agent demo --agent-name "Agent de démonstration" \
  --data-dir "$state/kiosk" >/dev/null
echo "Agent mode: identifier demo, PIN 123456"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: running the kiosk under Xvfb (nothing will be visible)." >&2
  xvfb-run -a -s "-screen 0 1280x800x24" "$root/build/app/kiosk" --portal-url "$url" --data-dir "$state/kiosk" "$@"
else
  "$root/build/app/kiosk" --portal-url "$url" --data-dir "$state/kiosk" "$@"
fi
