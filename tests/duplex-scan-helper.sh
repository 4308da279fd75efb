#!/bin/sh
# Plays a scanner whose feeder scans both sides of each sheet (the SANE test backend's feeder has
# one side only): asked for its paper sources, it names a duplex feeder; asked to scan, it notes
# its arguments in $KIOSK_TEST_HELPER_LOG and hands over to the real helper and the test backend
# (whose feeder the real helper picks, having no duplex one).
echo "$*" >> "$KIOSK_TEST_HELPER_LOG"
for arg; do
  if [ "$arg" = --sources ]; then
    printf 'DEVICE test:0\nSOURCE Flatbed\nSOURCE ADF Front\nSOURCE ADF Duplex\nEND\n'
    exit 0
  fi
done
exec "$KIOSK_SCAN_HELPER_REAL" "$@"
