#!/usr/bin/env bash
# Runs the project's firebase-tools with the Firestore and Pub/Sub emulators that ship with
# the Google Cloud SDK, so nothing is downloaded. Three workarounds, all generated under
# .strata-run/firebase-offline (see ../shared/notes/offline-google-toolchain.md §3):
#   1. the SDK's Firestore jar has no Main-Class: a tiny launcher jar adds one;
#   2. firebase-tools >= 15 refuses Java < 21 for Firestore, while the SDK jar runs fine on 17:
#      a `java` shim, first on PATH for firebase-tools only, answers `-version` with 21 and
#      runs the real java for everything else;
#   3. the Emulator UI is download-only: firebase.json disables it.
# Usage: bash scripts/firebase-offline.sh emulators:start --only functions,firestore,pubsub
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gen="$root/.strata-run/firebase-offline"
sdk="${CLOUDSDK_ROOT_DIR:-/usr/lib/google-cloud-sdk}"
firestore_jar="$sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
pubsub_script="$sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
for needed in "$firestore_jar" "$pubsub_script"; do
  [ -e "$needed" ] || { echo "firebase-offline: missing $needed (Google Cloud SDK emulator components)" >&2; exit 1; }
done
real_java=$(command -v java) || { echo "firebase-offline: java not found" >&2; exit 1; }
case "$real_java" in
  "$gen"/*) echo "firebase-offline: PATH already holds the shim; run this script from a clean shell" >&2; exit 1 ;;
esac
mkdir -p "$gen/bin" "$gen/cache"

if [ ! -s "$gen/firestore-launcher.jar" ]; then
  python3 - "$gen/firestore-launcher.jar" "$firestore_jar" <<'PY'
import sys, zipfile
target, classpath = sys.argv[1], sys.argv[2]
manifest = (
    "Manifest-Version: 1.0\r\n"
    "Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore\r\n"
    f"Class-Path: {classpath}\r\n\r\n"
)
with zipfile.ZipFile(target, "w") as jar:
    jar.writestr("META-INF/MANIFEST.MF", manifest)
PY
fi

# firebase-tools chmods the binary it is given, so hand it files of our own. printf, not
# nested here-documents, so a quoting slip can never write outside $gen.
printf '#!/usr/bin/env bash\nexec %q "$@"\n' "$pubsub_script" > "$gen/cloud-pubsub-emulator"
printf '%s\n' '#!/usr/bin/env bash' \
  'for arg in "$@"; do' \
  '  if [ "$arg" = "-version" ]; then' \
  '    echo "openjdk version \"21.0.0\" 2023-09-19 (shim: the real java runs the emulators)" >&2' \
  '    exit 0' \
  '  fi' \
  'done' > "$gen/bin/java"
printf 'exec %q "$@"\n' "$real_java" >> "$gen/bin/java"
chmod +x "$gen/cloud-pubsub-emulator" "$gen/bin/java"

export FIRESTORE_EMULATOR_BINARY_PATH="$gen/firestore-launcher.jar"
export PUBSUB_EMULATOR_BINARY_PATH="$gen/cloud-pubsub-emulator"
export FIREBASE_EMULATORS_PATH="$gen/cache"
export METADATA_SERVER_DETECTION=none
export PATH="$gen/bin:$PATH"
cd "$root"
exec "$root/node_modules/.bin/firebase" "$@"
