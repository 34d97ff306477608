#!/bin/sh
# ProcessKitTests: a megabyte to stderr before any input is read, then the input (a megabyte)
# echoed to stdout. A parent that writes all input first, or reads one stream to its end before
# the other, deadlocks with this child on full pipes.
#
# Run under setsid: a watchdog kills the whole session with SIGKILL after 30 seconds, so a
# deadlocked test fails instead of hanging (not timeout(1): its SIGTERM is ignored by a child that
# inherits an ignored SIGTERM).
(sleep 30; kill -KILL 0) </dev/null >/dev/null 2>&1 &
watchdog=$!
head -c 1048576 /dev/zero | tr '\0' e >&2
cat
kill $watchdog
