#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled TypeScript. `npm install` builds it through `prepare`;
// after an install that skipped scripts (`npm ci --ignore-scripts`), the first run builds it.
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const functionsDir = path.join(__dirname, '..');
const entry = path.join(functionsDir, 'lib', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('strata: building the CLI first (npm run build)…');
  // Build output goes to stderr so that stdout stays one JSON object per line under --json.
  const build = spawnSync('npm', ['run', 'build'], { cwd: functionsDir, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !fs.existsSync(entry)) {
    console.error('strata: the build failed; run `npm run build` at the repository root to see why.');
    process.exit(2);
  }
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
