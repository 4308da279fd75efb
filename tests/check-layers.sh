#!/bin/sh
# The core library must not use GTK or libadwaita (meson gives it no GTK dependency; this also
# catches a header that would sneak in through another include path).
if grep -rnE '#include <(gtk|gdk|adwaita)' "$1"/app/core; then
  echo "not ok 1 core includes GTK"
  exit 1
fi
echo "1..1"
echo "ok 1 core is free of GTK"
