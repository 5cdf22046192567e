#!/usr/bin/env node
'use strict';
// Strata's rows of the side-by-side comparison (docs/evaluation.md), from the compiled CLI:
//   npm run eval:corpus -- /work/shared/corpus [--peers /tmp/peers/dev.csv]
// `npm run eval:corpus` builds functions/lib first; STRATA_LIB=DIR runs another build output.
const { existsSync } = require('node:fs');
const path = require('node:path');

const lib = path.resolve(process.env.STRATA_LIB || path.join(__dirname, '..', 'functions', 'lib'));
const entry = path.join(lib, 'cli', 'eval-corpus.js');
if (!existsSync(entry)) {
  console.error(`eval:corpus: ${entry} is missing; run \`npm run build\` first (\`npm run eval:corpus\` builds).`);
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
