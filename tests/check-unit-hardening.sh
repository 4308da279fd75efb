#!/bin/sh
# check-unit-hardening.sh SOURCE_DIR BUILD_DIR: data/kiosk-cage.service is hardened (issue 16)
# and still lets the kiosk's helpers build their sandbox. TAP output.
#  1. `systemd-analyze security --offline=true` exposure at most 4.0 (9.0 before the hardening);
#  2. `systemd-analyze verify` still passes (tests/check-unit.sh);
#  3. what bubblewrap needs is left: user, mount, PID, network and IPC namespaces, the @mount
#     system calls, /proc/sys readable (no ProcSubset=pid), the real user IDs (no PrivateUsers=);
#  4. as root (CI): the sandbox tests, and real scans and USB imports, run as an unprivileged
#     user with no capabilities, no new privileges and a read-only /proc/sys, as
#     ProtectKernelTunables= leaves it.
set -u
source_dir="$1"
build_dir="$2"
unit="$source_dir/data/kiosk-cage.service"
echo "1..4"
status=0

out=$(systemd-analyze security --offline=true --threshold=40 "$unit" 2>&1)
result=$?
echo "$out" | grep -E '✗|Overall' | sed 's/^/# /'
level=$(echo "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ $result -eq 0 ] && [ -n "$level" ]; then
  echo "ok 1 - exposure level $level (at most 4.0)"
else
  echo "not ok 1 - exposure level ${level:-unknown} (at most 4.0)"
  status=1
fi

if sh "$source_dir/tests/check-unit.sh" "$source_dir" | sed 's/^/# /' | grep -q '^# ok 1'; then
  echo "ok 2 - systemd-analyze verify"
else
  echo "not ok 2 - systemd-analyze verify"
  status=1
fi

namespaces=$(sed -n 's/^RestrictNamespaces=//p' "$unit")
missing=""
for kind in user mnt pid net ipc; do
  echo " $namespaces " | grep -q " $kind " || missing="$missing $kind"
done
grep -q '^SystemCallFilter=.*@mount' "$unit" || missing="$missing @mount"
grep -q '^ProcSubset=pid' "$unit" && missing="$missing /proc/sys"
grep -q '^PrivateUsers=yes' "$unit" && missing="$missing PrivateUsers"
if [ -z "$missing" ]; then
  echo "ok 3 - bubblewrap's namespaces and system calls are allowed"
else
  echo "not ok 3 - the unit takes from bubblewrap:$missing"
  status=1
fi

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! command -v unshare >/dev/null; then
  echo "ok 4 # SKIP needs root, setpriv and unshare"
elif [ "${KIOSK_SANITIZER_BUILD:-0}" = 1 ]; then
  # A sanitizer build's sandbox mounts a /proc for AddressSanitizer (kiosk-sandbox.c), which
  # the kernel refuses under the unit's read-only /proc/sys: no terminal runs such a build, and
  # the plain build runs this check.
  echo "ok 4 # SKIP sanitizer build: its sandbox mounts /proc, which the unit's constraints refuse"
else
  tmp=$(mktemp -d /tmp/kiosk-hardened-XXXXXX)
  chown nobody:nogroup "$tmp"
  result=0
  # The sandbox's own tests, then real scans (SANE test backend) and USB imports.
  for test_program in test-sandbox test-scanner; do
    out=$(unshare -m sh -c '
      mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || exit 3
      cd "$3" && exec setpriv --reuid=nobody --regid=nogroup --clear-groups --bounding-set=-all \
        --no-new-privs env -i PATH=/usr/bin:/bin HOME=/nonexistent TMPDIR="$3" LC_ALL=C.UTF-8 \
        KIOSK_SOURCE_DIR="$1" SANE_CONFIG_DIR="$1/tests/sane.d" KIOSK_SANDBOX_PROBE="$2/tests/sandbox-probe" \
        KIOSK_SCAN_HELPER="$2/app/core/kiosk-scan-helper" \
        KIOSK_IMPORT_HELPER="$2/app/core/kiosk-import-helper" KIOSK_QR_HELPER="$2/app/core/kiosk-qr-helper" "$2/tests/$4"' \
      sh "$source_dir" "$build_dir" "$tmp" "$test_program" 2>&1)
    [ $? -eq 0 ] || result=1
    echo "$out" | grep -q '^not ok' && result=1
    echo "$out" | grep -E '^(ok|not ok|Bail)' | sed "s/^/# $test_program: /"
  done
  rm -rf "$tmp"
  if [ $result -eq 0 ]; then
    echo "ok 4 - the helpers' sandbox works unprivileged under the unit's constraints"
  else
    echo "not ok 4 - the helpers' sandbox works unprivileged under the unit's constraints"
    status=1
  fi
fi
exit $status
