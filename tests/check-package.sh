#!/bin/bash
# check-package.sh: the Debian packages as an EPN manager meets them — built with
# dpkg-buildpackage, checked by lintian, installed with apt-get, the installed kiosk started
# under Xvfb from installed paths only (an empty environment) against the installed reference
# portal until its first frame, the security settings locked for the kiosk user, then purged:
# nothing left but the state folder. TAP output; needs root (CI runs as root).
set -uo pipefail
src=$(cd "${1:?usage: check-package.sh SOURCE_DIR}" && pwd)

if [ "$(id -u)" != 0 ] || ! command -v dpkg-buildpackage >/dev/null || ! command -v lintian >/dev/null; then
  echo "1..0 # SKIP needs root, dpkg-buildpackage and lintian (tools/install-deps.sh installs them)"
  exit 0
fi

work=$(mktemp -d /tmp/kiosk-package-XXXXXX)
portal_pid=
cleanup () {
  [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null
  # Leave the machine as it was: the packages and their state folder go.
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -q kiosk kiosk-reference-portal >/dev/null 2>&1
  rm -rf /var/lib/kiosk "$work"
}
trap cleanup EXIT

n=0
failed=0
check () {
  local description=$1
  shift
  n=$((n + 1))
  if "$@" >"$work/step.log" 2>&1; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    sed 's/^/# /' "$work/step.log" | tail -n 60
    failed=1
  fi
}
# A step nothing else can run without.
require () {
  check "$@"
  if [ $failed != 0 ]; then
    echo "1..$n"
    exit 1
  fi
}

version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
tree="$work/kiosk-$version"
mkdir -p "$tree"
copy_source () {
  if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$src" && git ls-files -co --exclude-standard | grep -v '^build' | tar -cf - -T -) | tar -xf - -C "$tree"
  else
    tar -C "$src" --exclude='./build*' -cf - . | tar -xf - -C "$tree"
  fi
}
require "source tree copied" copy_source
require "dpkg-buildpackage -us -uc -b" bash -c "cd '$tree' && dpkg-buildpackage -us -uc -b"
check "lintian: no error, no warning" lintian --fail-on error,warning "$work/kiosk_${version}_amd64.changes"

# Only the runtime: no compiler, no test tool among the package's dependencies.
no_build_dependency () {
  dpkg-deb -f "$work/kiosk_${version}_amd64.deb" Depends | tee /dev/stderr \
    | grep -Eqv '(gcc|clang|meson|ninja|-dev\b|xvfb|orca|wlroots)'
}
check "kiosk depends on runtime packages only" no_build_dependency

require "apt-get install ./kiosk_*.deb ./kiosk-reference-portal_*.deb" \
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  "$work/kiosk_${version}_amd64.deb" "$work/kiosk-reference-portal_${version}_amd64.deb"
dpkg -L kiosk kiosk-reference-portal | sort -u >"$work/installed.txt"

check "helpers installed in /usr/libexec/kiosk" test -x /usr/libexec/kiosk/kiosk-scan-helper -a -x /usr/libexec/kiosk/kiosk-import-helper
check "schema compiled by the trigger" env -i PATH=/usr/bin:/bin gsettings list-keys nc.epn.Kiosk
check "system user kiosk in groups scanner and video" bash -c 'id -nG kiosk | tr " " "\n" | grep -qx scanner && id -nG kiosk | tr " " "\n" | grep -qx video'
check "state folder /var/lib/kiosk, the kiosk user's alone" bash -c '[ "$(stat -c %U:%a /var/lib/kiosk)" = kiosk:700 ]'
check "unit installed, not enabled" bash -c 'test -f /lib/systemd/system/kiosk-cage.service && ! ls /etc/systemd/system/*.wants/kiosk-cage.service 2>/dev/null'
check "dconf database compiled" test -f /etc/dconf/db/kiosk

# The kiosk user cannot move the terminal to another portal (issue 16, point 5); other
# settings stay theirs.
locked () {
  local key
  for key in portal-url portal-ca-file portal-pinned-key portal-proxy kiosk-key-path; do
    [ "$(runuser -u kiosk -- env -i PATH=/usr/bin:/bin DCONF_PROFILE=kiosk gsettings writable nc.epn.Kiosk $key)" = false ] \
      || { echo "$key is writable"; return 1; }
  done
  [ "$(runuser -u kiosk -- env -i PATH=/usr/bin:/bin DCONF_PROFILE=kiosk gsettings writable nc.epn.Kiosk idle-timeout)" = true ]
}
check "security settings locked for the kiosk user" locked
check "the terminal's portal comes from /etc/dconf/db/kiosk.d" bash -c \
  '[ "$(runuser -u kiosk -- env -i PATH=/usr/bin:/bin DCONF_PROFILE=kiosk gsettings get nc.epn.Kiosk portal-url)" = "'"'"'https://portal.example.nc/'"'"'" ]'

# The installed reference portal, then the installed kiosk as the kiosk user, with nothing of
# the build tree in its environment, until its first frame (the welcome page).
mkfifo "$work/portal.out"
/usr/bin/kiosk-portal --port 0 --data-dir "$work/portal" >"$work/portal.out" 2>"$work/portal.log" &
portal_pid=$!
exec 5<"$work/portal.out"
read -r -t 60 url <&5
exec 5<&-
check "installed reference portal listens" test -n "${url:-}"
first_frame () {
  timeout 300 runuser -u kiosk -- env -i PATH=/usr/bin:/bin HOME=/var/lib/kiosk LANG=C.UTF-8 \
    DCONF_PROFILE=kiosk KIOSK_READY_FD=3 \
    xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/kiosk --portal-url "$url" 3>"$work/ready" &
  local kiosk=$!
  # Waits for the state (the first frame said on fd 3), not for a time; the timeout above only
  # ends a hang.
  while ! grep -q ready "$work/ready" 2>/dev/null; do
    kill -0 $kiosk 2>/dev/null || { echo "the kiosk exited before its first frame"; return 1; }
    sleep 0.2
  done
  pkill -TERM -u kiosk -x kiosk
  wait $kiosk
  grep "GET /api/catalogue" "$work/portal.log"
}
check "installed kiosk reaches its first frame against the installed portal" first_frame
kill "$portal_pid" 2>/dev/null
wait "$portal_pid" 2>/dev/null
portal_pid=

purge () {
  env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q kiosk kiosk-reference-portal || return 1
  local left=0 path
  while read -r path; do
    if [ -e "$path" ] && [ ! -d "$path" ]; then echo "left behind: $path"; left=1; fi
  done <"$work/installed.txt"
  [ ! -e /etc/dconf/db/kiosk ] || { echo "left behind: /etc/dconf/db/kiosk"; left=1; }
  [ ! -e /etc/dconf/profile/kiosk ] || { echo "left behind: /etc/dconf/profile/kiosk"; left=1; }
  [ -d /var/lib/kiosk ] || { echo "the state folder went"; left=1; }
  return $left
}
check "purge leaves nothing but the state folder" purge

echo "1..$n"
exit $failed
