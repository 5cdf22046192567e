#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled TypeScript (npm install runs the build through `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'lib', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('strata: the CLI is not built yet. Run `npm install` (or `npm run build`) at the repository root.');
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
