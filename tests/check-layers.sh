#!/bin/sh
# check-layers.sh SOURCE_DIR: the architecture's rules that a grep can check (docs/architecture.md,
# "Where each rule lives"). TAP, one test per rule.
src=${1:?source dir}
echo "1..6"

# The core library must not use GTK or libadwaita (meson gives it no GTK dependency; this also
# catches a header that would sneak in through another include path).
if found=$(grep -rnE '#include <(gtk|gdk|adwaita)' "$src"/app/core); then
  echo "$found" | sed 's/^/# /'
  echo "not ok 1 core includes GTK"
else
  echo "ok 1 core is free of GTK"
fi

# Views call the core's _async functions; work in threads belongs to the core.
if found=$(grep -rn 'g_task_run_in_thread' "$src"/app --include='*.c' | grep -v '^'"$src"'/app/core/'); then
  echo "$found" | sed 's/^/# /'
  echo "not ok 2 a view runs a worker of its own"
else
  echo "ok 2 no view runs a worker of its own"
fi

# Nothing decides from an error's text: errors carry codes in their domains.
if found=$(grep -rnE 'str(str|chr|rstr) \((local_?)?error->message|g_str_has_prefix \((local_?)?error->message|strcmp \((local_?)?error->message' "$src"/app); then
  echo "$found" | sed 's/^/# /'
  echo "not ok 3 code reads an error's message to decide"
else
  echo "ok 3 no code reads an error's message to decide"
fi

# Small files: no view over 900 lines, the documents page under 600, the context under 500.
too_long=$(for f in $(find "$src"/app -maxdepth 2 -name '*.c' -not -path '*/core/*'); do
  n=$(wc -l <"$f"); [ "$n" -gt 900 ] && echo "$f: $n lines"; done)
page=$( (wc -l <"$src"/app/documents/kiosk-documents-page.c) 2>/dev/null || echo 9999)
[ "$page" -ge 600 ] && too_long="$too_long
app/documents/kiosk-documents-page.c: $page lines (limit 600)"
context=$(wc -l <"$src"/app/core/kiosk-context.c)
[ "$context" -ge 500 ] && too_long="$too_long
app/core/kiosk-context.c: $context lines (limit 500)"
if [ -n "$(echo "$too_long" | tr -d '[:space:]')" ]; then
  echo "$too_long" | sed 's/^/# /'
  echo "not ok 4 a file is over its size"
else
  echo "ok 4 views under 900 lines, documents page under 600, context under 500"
fi

# Pages are built from the window's table and reset through KioskPage, not one by one.
if found=$(grep -nE 'kiosk_[a-z_]+_page_(new|reset) \(' "$src"/app/kiosk-window.c); then
  echo "$found" | sed 's/^/# /'
  echo "not ok 5 the window builds or resets a page by name"
else
  echo "ok 5 the window builds and resets pages through KioskPage"
fi

# A worker hands its results to the main context through kiosk_dispatch() (kiosk-dispatch.c):
# g_main_context_invoke() runs the function on the worker's own thread whenever it can take the
# context, which a camera frame or a scan's progress then did, touching widgets off the main thread.
if found=$(grep -rn 'g_main_context_invoke[_a-z]* (' "$src"/app --include='*.c'); then
  echo "$found" | sed 's/^/# /'
  echo "not ok 6 g_main_context_invoke can run a worker's callback on the worker's thread"
else
  echo "ok 6 workers hand results to the main context as sources (kiosk_dispatch)"
fi
