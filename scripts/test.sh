#!/usr/bin/env bash
# The whole test suite from a fresh clone: system packages, npm dependencies, build, lint,
# type check and every jest test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system.sh
# Dependency install scripts are skipped: none of them is needed (re2, for one, would try a
# download and then compile abseil from source for minutes), so the build runs explicitly.
npm ci --ignore-scripts --no-audit --no-fund
npm test
