#!/usr/bin/python3
# kiosk-test-module.py CONFIG_FILE: a speech-dispatcher output module for the tests (suite a11y,
# test "listen"). It speaks nothing: it writes what it is given to a file beside its
# configuration file (spoken.log), one event a line:
#   SPEAK <text>          a message, its SSML markup taken off, entities decoded, on one line
#   SET <name>=<value>    a setting (language, rate, voice…)
#   STOP                  the message being "spoken" was cancelled
# A message is "spoken" until it is stopped (no 702 END): so a cancellation is always seen.
# The protocol is speech-dispatcher's output module protocol (src/modules/module_process.c).
import html
import os
import re
import sys

log_path = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "spoken.log")
speaking = False


def log(line):
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def reply(*lines):
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def read_block():
    lines = []
    while True:
        line = sys.stdin.readline()
        if line == "" or line == ".\n":
            return lines
        lines.append(line[1:] if line.startswith(".") else line)


line = sys.stdin.readline()
if line != "INIT\n":
    sys.exit(3)
reply("299-kiosk test module", "299 OK LOADED SUCCESSFULLY")
while True:
    line = sys.stdin.readline()
    if line == "":
        break
    if line in ("SPEAK\n", "CHAR\n", "KEY\n", "SOUND_ICON\n"):
        reply("202 OK RECEIVING MESSAGE")
        text = "".join(read_block())
        text = re.sub(r"<[^>]*>", "", text)
        text = html.unescape(text)
        text = re.sub(r"[ \t\r\n]+", " ", text).strip()   # no-break spaces kept
        log("SPEAK " + text)
        reply("200 OK SPEAKING", "701 BEGIN")
        speaking = True
    elif line in ("STOP\n", "PAUSE\n"):
        if speaking:
            log("STOP")
            speaking = False
            reply("703 STOP")
    elif line.startswith("LIST VOICES"):
        reply("200-kiosk-test\tfr\tnone", "200 OK VOICE LIST SENT")
    elif line == "SET\n":
        reply("203 OK RECEIVING SETTINGS")
        for setting in read_block():
            log("SET " + setting.strip())
        reply("203 OK SETTINGS RECEIVED")
    elif line == "AUDIO\n":
        reply("207 OK RECEIVING AUDIO SETTINGS")
        read_block()
        reply("203 OK AUDIO INITIALIZED")
    elif line == "LOGLEVEL\n":
        reply("207 OK RECEIVING LOGLEVEL SETTINGS")
        read_block()
        reply("203 OK LOGLEVEL SET")
    elif line.startswith("DEBUG"):
        reply("200 OK DEBUGGING")
    elif line == "QUIT\n":
        reply("210 OK QUIT")
        break
    else:
        reply("300 ERR UNKNOWN COMMAND")
