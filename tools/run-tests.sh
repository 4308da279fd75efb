#!/bin/bash
# Command 2 of the README: installs what is needed, builds, runs every test suite under one
# Xvfb and one session bus, and ends with "N passed, N failed" computed from meson's test log.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build; fi
ninja -C build
status=0
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  meson test -C build --print-errorlogs --no-rebuild "$@" || status=$?
python3 - build/meson-logs/testlog.json <<'PY' || status=1
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    result = json.loads(line)["result"]
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
if skipped:
    print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
PY
exit $status
