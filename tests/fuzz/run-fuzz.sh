#!/bin/sh
# run-fuzz.sh SOURCE_DIR SECONDS [BUILD_DIR]: builds the libFuzzer target with clang (address and
# undefined-behaviour sanitizers) in its own build directory, then fuzzes a copy of the seed
# corpus for SECONDS. Prints TAP (one test) for meson; a crash fails it and keeps the crashing
# input next to the build. From the repository root:
#   tests/fuzz/run-fuzz.sh . 60
set -u
src=$(cd "${1:?source dir}" && pwd)
seconds=${2:-60}
build=${3:-$src/build-fuzz}
echo "1..1"
if ! command -v clang >/dev/null 2>&1; then
  echo "not ok 1 - fuzz: clang is not installed (tools/install-deps.sh installs it)"
  exit 1
fi
log=$(mktemp -d /tmp/kiosk-fuzz-XXXXXX)
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$src" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    --buildtype=debugoptimized >"$log/setup.log" 2>&1 || { sed 's/^/# /' "$log/setup.log" | tail -30; echo "not ok 1 - fuzz: setup failed"; exit 1; }
fi
ninja -C "$build" tests/fuzz/fuzz-parsers >"$log/build.log" 2>&1 || { sed 's/^/# /' "$log/build.log" | tail -30; echo "not ok 1 - fuzz: build failed"; exit 1; }
cp -r "$src/tests/fuzz/corpus" "$log/corpus"
cd "$log"
if ASAN_OPTIONS=detect_leaks=0 "$build/tests/fuzz/fuzz-parsers" -max_total_time="$seconds" -timeout=10 \
     -rss_limit_mb=2048 -print_final_stats=1 corpus >"$log/fuzz.log" 2>&1; then
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$log/fuzz.log" | sed 's/^/# /'
  echo "ok 1 - fuzz: ${seconds} s without a crash"
  rm -rf "$log"
else
  tail -40 "$log/fuzz.log" | sed 's/^/# /'
  echo "not ok 1 - fuzz: crash (input and log in $log)"
  exit 1
fi
