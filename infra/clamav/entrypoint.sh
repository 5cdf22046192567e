#!/bin/bash
# Strata clamd container: freshclam (updates), clamd (scans), gateway.js (HTTP for Cloud Run).
# If any of them exits, the container exits and Cloud Run replaces the instance.
set -euo pipefail

DB_DIR=/var/lib/clamav
CONF_DIR=/etc/clamav

# FRESHCLAM_PRIVATE_MIRROR: a mirror of your own (e.g. a cvdupdate bucket) instead of the CDN.
if [ -n "${FRESHCLAM_PRIVATE_MIRROR:-}" ]; then
  sed -e '/^DatabaseMirror/d' "$CONF_DIR/freshclam.conf" > /tmp/freshclam.conf
  echo "PrivateMirror ${FRESHCLAM_PRIVATE_MIRROR}" >> /tmp/freshclam.conf
  FRESHCLAM_CONF=/tmp/freshclam.conf
else
  FRESHCLAM_CONF="$CONF_DIR/freshclam.conf"
fi

# The image carries the databases of its build; fetch them only if that snapshot is missing.
if ! compgen -G "$DB_DIR/main.c[lv]d" > /dev/null; then
  echo "entrypoint: no database in the image, running freshclam once"
  freshclam --config-file="$FRESHCLAM_CONF" --foreground --stdout
fi

freshclam --config-file="$FRESHCLAM_CONF" --daemon --foreground --stdout --checks="${FRESHCLAM_CHECKS:-12}" &
clamd --config-file="$CONF_DIR/clamd.conf" &
node /opt/strata-clamd/gateway.js &

wait -n
echo "entrypoint: a process exited; stopping the container" >&2
exit 1
