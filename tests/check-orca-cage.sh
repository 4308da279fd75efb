#!/bin/sh
# check-orca-cage.sh BUILD_DIR SOURCE_DIR (suite a11y): the Orca screen reader and the kiosk inside
# cage, as on a terminal (Debian 12: cage 0.1.4, Orca 43.1), except that cage runs nested in Xvfb
# (wlroots' x11 backend) instead of on DRM, so that it has a keyboard xdotool can type on, and
# speech goes to a null audio device. What a blind citizen hears when Tab moves the focus is read
# from Orca's debug log ("SPEECH OUTPUT: ...").
#
# Also asserted, so that this test says when it changes: Orca's own keys (Insert+h, learn mode) do
# not reach it under cage — GTK 4 does not pass keys to the accessibility bus, and cage offers no
# keyboard monitor (see docs/deployment.md).
#
# cage refuses to run as root: started as root (as CI is), the session runs as "nobody".
# Needs: cage xwayland orca speech-dispatcher speech-dispatcher-espeak-ng xvfb xauth xdotool dbus.
# Output: TAP.
set -u
build=$(realpath "$1")
source=$(realpath "$2")

for tool in cage Xwayland orca speech-dispatcher xvfb-run xdotool dbus-run-session; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..0 # SKIP $tool is not installed (bash tools/install-deps.sh)"
    exit 77
  fi
done
if [ "$(id -u)" = 0 ]; then
  as_user="runuser -u nobody --"
  owner=nobody:nogroup
else
  as_user=""
  owner=""
fi

# One session in a fresh folder: $dir, its logs in $dir/out, what Orca said in $dir/out/speech.
run_session () {
  dir=$(mktemp -d /tmp/kiosk-orca-XXXXXX)
  chmod 755 "$dir"
  mkdir -p "$dir/home/.config" "$dir/runtime" "$dir/data" "$dir/out"
  chmod 700 "$dir/runtime" "$dir/data"
  # speech-dispatcher speaks through espeak-ng into libao's null driver: no sound card needed.
  cp -r /etc/speech-dispatcher "$dir/home/.config/"
  echo 'AudioOutputMethod "libao"' >> "$dir/home/.config/speech-dispatcher/speechd.conf"
  echo "CustomLogFile \"protocol\" \"$dir/out/protocol.log\"" >> "$dir/home/.config/speech-dispatcher/speechd.conf"
  echo 'default_driver=null' > "$dir/home/.libao"
  [ -n "$owner" ] && chown -R "$owner" "$dir"
  log="$dir/out/orca.debug"

  # Inside the session: cage (with Orca, then the kiosk, as its one client, as the unit would start
  # them), then keys typed on cage's window. Each step waits for a state, never for a time:
  # speech-dispatcher logs every text it is given to speak ($dir/out/protocol.log, written
  # through at once, unlike Orca's own log, which is buffered until Orca exits).
  cat > "$dir/session.sh" <<EOF
#!/bin/sh
export HOME=$dir/home XDG_RUNTIME_DIR=$dir/runtime WLR_BACKENDS=x11 WLR_RENDERER=pixman
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$build/resources
export KIOSK_LOCALEDIR=$build/po SANE_CONFIG_DIR=$source/tests/sane.d
export KIOSK_SCAN_HELPER=$build/app/core/kiosk-scan-helper KIOSK_IMPORT_HELPER=$build/app/core/kiosk-import-helper
# wait_for SECONDS WHAT COMMAND…: polls COMMAND until it succeeds; after SECONDS (times
# \$KIOSK_TEST_TIMEOUT_FACTOR, 3 in the sanitizer run), says what it waited for (in
# $dir/out/waits, shown as TAP comments) and gives up.
wait_for () {
  limit=\$((\$1 * ${KIOSK_TEST_TIMEOUT_FACTOR:-1})) what=\$2
  shift 2
  i=0
  while ! "\$@" 2>/dev/null; do
    i=\$((i + 1))
    if [ \$i -ge \$((limit * 10)) ]; then
      echo "timed out after \$limit s waiting for: \$what" >> $dir/out/waits
      return 1
    fi
    sleep 0.1
  done
  echo "waited \$((i / 10)) s for: \$what" >> $dir/out/waits
}
# spoke TEXT: speech-dispatcher was given TEXT to speak (Orca sends SSML, with a mark before
# each word: the tags are dropped).
spoke () {
  sed 's/<[^>]*>//g' $dir/out/protocol.log | grep -qF "\$1"
}
# spoken_count: how many texts speech-dispatcher was given so far.
spoken_count () {
  n=\$(grep -c ':DATA:|SPEAK' $dir/out/protocol.log 2>/dev/null)
  echo \${n:-0}
}
spoke_more_than () {
  [ "\$(spoken_count)" -gt "\$1" ]
}
# speech_idle: speech-dispatcher has ended (702 END) or cancelled (703) every text Orca gave it,
# as a listener waits for the end of a sentence before pressing the next key.
# Orca's own connection only (its file descriptor): the kiosk may speak through
# speech-dispatcher too, without asking for these notifications.
speech_idle () {
  fd=\$(grep -m1 'CLIENT_NAME [^ ]*:Orca:' $dir/out/protocol.log 2>/dev/null | sed 's/.* \([0-9]*\):DATA:.*/\1/')
  [ -n "\$fd" ] || return 1
  given=\$(grep -c " \$fd:DATA:|SPEAK" $dir/out/protocol.log 2>/dev/null)
  ended=\$(grep -c " \$fd:REPLY:|70[23]-" $dir/out/protocol.log 2>/dev/null)
  [ "\${given:-0}" -gt 0 ] && [ "\$given" = "\$ended" ]
}
spoke_then_idle () {
  spoke "\$1" && speech_idle
}
spoke_more_then_idle () {
  spoke_more_than "\$1" && speech_idle
}
stopped () {
  ! kill -0 "\$1" 2>/dev/null
}
DISPLAY=\$OUTER_DISPLAY cage -d -- sh -c 'orca --replace --debug-file=$log & echo \$! > $dir/orca.pid
  i=0; while [ \$i -lt 600 ] && ! sed "s/<[^>]*>//g" $dir/out/protocol.log 2>/dev/null | grep -qF "Screen reader on."; do sleep 0.1; i=\$((i + 1)); done
  GDK_BACKEND=wayland exec $build/app/kiosk --data-dir $dir/data --portal-url http://127.0.0.1:9/' \
  > $dir/out/cage.log 2>&1 &
cage=\$!
# The steps, each once the one before has happened; the first that does not happen ends them
# (the checks then say what is missing).
steps () {
  wait_for 60 "Orca to say it is on" spoke "Screen reader on." || return
  # The kiosk started, and painted its first page (its log says when the catalogue is loaded).
  wait_for 60 "the kiosk to load its catalogue (cage.log)" grep -qi "catalogue" $dir/out/cage.log || return
  # The pointer over cage's window gives it the keyboard; the kiosk's window becomes active, and
  # Orca reads it (its title, or the control with the focus): anything said after
  # "Screen reader on.", Orca's first words.
  DISPLAY=\$OUTER_DISPLAY xdotool mousemove 400 300
  wait_for 60 "Orca to read the kiosk's window once active, and finish" spoke_more_then_idle 1 || return
  DISPLAY=\$OUTER_DISPLAY xdotool key Tab
  # The first focus is "Écouter" (issue 19): Tab goes to the contrast toggle, then to the larger
  # text one (the checks below).
  wait_for 30 "Orca to speak the contrast toggle after Tab, and finish" spoke_then_idle "Contraste" || return
  DISPLAY=\$OUTER_DISPLAY xdotool key Tab
  wait_for 30 "Orca to speak the larger-text toggle after Tab, and finish" \
    spoke_then_idle "Agrandir le texte" || return
  DISPLAY=\$OUTER_DISPLAY xdotool key Insert+h
  DISPLAY=\$OUTER_DISPLAY xdotool key Escape
  # Keys are handled in order: once the Tab typed after them is spoken, Insert+h and Escape
  # have been through cage, the kiosk and (were it reachable) Orca.
  before=\$(spoken_count)
  DISPLAY=\$OUTER_DISPLAY xdotool key Tab
  wait_for 30 "Orca to speak the focus that Tab moved after Insert+h and Escape" spoke_more_then_idle "\$before"
}
steps || touch $dir/out/incomplete
# Orca shuts down on SIGTERM, speech first, and writes the rest of its log as it exits: it needs
# speech-dispatcher until then.
orca=\$(cat $dir/orca.pid)
kill \$orca 2>/dev/null
wait_for 15 "Orca to exit after SIGTERM (speech-dispatcher is stopped anyway)" stopped \$orca
kill \$(cat $dir/runtime/speech-dispatcher/pid/speech-dispatcher.pid 2>/dev/null) 2>/dev/null
# cage 0.1.4 aborts on SIGTERM (fixed upstream after 0.1.4); ending its client ends it cleanly.
pkill -TERM -f "$build/app/kiosk --data-dir $dir/data" 2>/dev/null
wait_for 30 "cage to exit once the kiosk has" stopped \$cage || kill -KILL \$cage 2>/dev/null
wait \$cage
EOF
  chmod 755 "$dir/session.sh"
  [ -n "$owner" ] && chown "$owner" "$dir/session.sh"

  # The session bus (so the accessibility bus) must not see the outer X display: Orca would read
  # keys there, not through cage. OUTER_DISPLAY carries it to cage only.
  $as_user env HOME="$dir/home" xvfb-run -a -s "-screen 0 1280x800x24" \
    sh -c 'OUTER_DISPLAY=$DISPLAY; export OUTER_DISPLAY; unset DISPLAY; exec dbus-run-session -- '"$dir/session.sh" \
    > "$dir/out/session.log" 2>&1

  # What Orca said, in order.
  grep -o "SPEECH OUTPUT: '[^']*'" "$log" 2>/dev/null | sed "s/^SPEECH OUTPUT: //" > "$dir/out/speech"
}

run_session
# Orca 43 quits when it believes another Orca runs for the user, and its check (pgrep) races with
# its own start ("Another screen reader process is already running", about one start in two here):
# --replace above avoids it. Should Orca still not start, once more. Orca 43 also hangs at times
# when the kiosk registers on the accessibility bus while Orca is still starting (it then says
# nothing more, and ignores SIGTERM): a step not reached gets the session run once more too.
if ! grep -qxF "'Screen reader on.'" "$dir/out/speech"; then
  echo "# Orca did not start (logs in $dir/out): once more"
  run_session
elif [ -e "$dir/out/incomplete" ]; then
  echo "# $(grep -m1 '^timed out' "$dir/out/waits") (logs in $dir/out): once more"
  run_session
fi

n=0
failed=0
check () {
  n=$((n + 1))
  if eval "$2"; then
    echo "ok $n - $1"
  else
    echo "not ok $n - $1"
    failed=1
  fi
}
said () {
  grep -nxF "'$1'" "$dir/out/speech" | head -1 | cut -d: -f1
}
# The display toggles are switches that say whether they are on (issue 20): a check box to Orca.
# The window's first focus is "Écouter" (issue 19), first in the header bar: Tab goes on to the
# contrast toggle, then to the larger text one.
first=$(said 'Contraste check box not checked.')
second=$(said 'Agrandir le texte check box not checked.')
check "Orca started inside cage and spoke" "[ -n \"\$(said 'Screen reader on.')\" ]"
check "Orca found the kiosk's window, named in French, active" \
  "grep -qF '[frame | Borne des démarches] can be active window' $log"
check "Tab: Orca spoke the toggle that took the focus, by name, role and state" "[ -n \"$first\" ]"
check "Tab again: Orca spoke the next one, then its description" \
  "[ -n \"$second\" ] && [ \"${first:-0}\" -lt \"$second\" ] && grep -qxF \"'Texte deux fois plus grand.'\" $dir/out/speech"
check "known limit: Orca's own keys do not reach it under cage (Insert+h: no learn mode)" \
  "[ -s $log ] && ! grep -q 'Entering learn mode' $log"
echo "1..$n"
# What each step waited for, and how long.
sed 's/^/# /' "$dir/out/waits" 2>/dev/null
if [ $failed = 1 ]; then
  echo "# logs kept in $dir/out"
  sed 's/^/# /' "$dir/out/cage.log" | tail -20
  sed 's/^/# said: /' "$dir/out/speech" | tail -20
else
  rm -rf "$dir"
fi
exit $failed
