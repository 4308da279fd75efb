#!/bin/bash
# Command 2 of the README: installs what is needed, builds, runs every test suite under one
# Xvfb and one session bus, then builds again with AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan) and runs the suites there too (meson's test setup
# "sanitize", tests/meson.build: LeakSanitizer on for the core's tests). Ends with
# "N passed, N failed" computed from both test logs (the sanitizer run's tests are counted as
# "asan/<name>"). Exits non-zero when any test fails in either tree.
#   KIOSK_SANITIZE=0 tools/run-tests.sh   skips the sanitizer tree (a quicker local run)
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build; fi
ninja -C build
status=0
start=$(date +%s)
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  meson test -C build --print-errorlogs --no-rebuild "$@" || status=$?
echo "plain tree: $(( $(date +%s) - start )) s"

logs=(build/meson-logs/testlog.json)
if [ "${KIOSK_SANITIZE:-1}" != 0 ]; then
  start=$(date +%s)
  if [ -d build-asan ]; then
    meson setup --reconfigure build-asan >/dev/null
  else
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
  fi
  ninja -C build-asan
  rm -f build-asan/meson-logs/testlog-sanitize.json
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
    meson test -C build-asan --setup sanitize --print-errorlogs --no-rebuild "$@" || status=$?
  echo "sanitizer tree (build and tests): $(( $(date +%s) - start )) s"
  logs+=(build-asan/meson-logs/testlog-sanitize.json)
fi

python3 - "${logs[@]}" <<'PY' || status=1
import json, os, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    prefix = "asan/" if "build-asan" in path else ""
    if not os.path.exists(path):
        print(f"{path} is missing: its tests did not run")
        failed += 1
        continue
    for line in open(path):
        test = json.loads(line)
        result = test["result"]
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
            print(f"FAILED {prefix}{test['name']}: {result}")
if skipped:
    print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
PY
exit $status
