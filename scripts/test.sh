#!/usr/bin/env bash
# The whole test suite from a fresh clone: system packages, npm dependencies, build, lint,
# type check and every jest test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system.sh
npm ci --no-audit --no-fund
npm test
