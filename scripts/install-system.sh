#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, only when something is missing,
# so a developer machine that has them pays nothing. Node 20 itself must already be there.
set -euo pipefail

required_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)
if [ "$node_major" != "$required_node_major" ]; then
  echo "install-system: Strata needs Node.js $required_node_major (found: $node_major)" >&2
  exit 1
fi

# what-to-check:debian-package. A check starting with / is a file that must exist (clamd lives
# in /usr/sbin, which is not on every user's PATH; the ClamAV test files are data, not commands);
# anything else is a command looked up on PATH.
packages=(
  "git:git"
  # The clamav engine's tests run a real clamd with the repository's test signatures.
  "clamscan:clamav"
  "/usr/sbin/clamd:clamav-daemon"
  "/usr/share/clamav-testfiles/clam.exe:clamav-testfiles"
)
missing=()
for entry in "${packages[@]}"; do
  check="${entry%%:*}"
  if [ "${check:0:1}" = "/" ]; then
    [ -e "$check" ] || missing+=("${entry#*:}")
  else
    command -v "$check" >/dev/null 2>&1 || missing+=("${entry#*:}")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-system: missing ${missing[*]}; run as root or install them: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "install-system: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
