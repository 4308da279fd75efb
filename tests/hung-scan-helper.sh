#!/bin/sh
# Plays a scan helper whose backend hangs after announcing a page (for the watchdog test).
echo "DEVICE test:0"
echo "FRAME 100 100"
exec sleep 60
