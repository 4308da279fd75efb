#!/bin/sh
# check-unit.sh SOURCE_DIR: `systemd-analyze verify` on data/kiosk-cage.service, in a scratch root
# holding the system units it refers to and stand-ins for the programs it runs (cage and the
# kiosk are not installed on a build machine). Any warning fails the check. TAP output.
set -u
unit="$1/data/kiosk-cage.service"
echo "1..1"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "not ok 1 - systemd-analyze is not installed"
  exit 1
fi
root=$(mktemp -d /tmp/kiosk-unit-XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/etc/systemd/system" "$root/lib/systemd/system" "$root/usr/bin"
cp "$unit" "$root/etc/systemd/system/"
for u in sysinit.target basic.target shutdown.target graphical.target multi-user.target \
         systemd-user-sessions.service plymouth-quit-wait.service dbus.socket dbus.service \
         systemd-logind.service getty@.service sockets.target timers.target paths.target \
         slices.target local-fs.target swap.target; do
  [ -e "/lib/systemd/system/$u" ] && cp -a "/lib/systemd/system/$u" "$root/lib/systemd/system/"
done
for program in $(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit") /usr/bin/kiosk; do
  mkdir -p "$root$(dirname "$program")"
  printf '#!/bin/sh\n' > "$root$program"
  chmod +x "$root$program"
done
out=$(systemd-analyze verify --root="$root" /etc/systemd/system/kiosk-cage.service 2>&1)
status=$?
echo "$out" | sed 's/^/# /'
if [ $status -eq 0 ] && [ -z "$out" ]; then
  echo "ok 1 - systemd-analyze verify kiosk-cage.service"
else
  echo "not ok 1 - systemd-analyze verify kiosk-cage.service"
  exit 1
fi
