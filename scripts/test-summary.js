'use strict';
// Prints jest's totals as one plain closing line (`N passed, N failed, N skipped`) that CI reads.
const { readFileSync } = require('node:fs');
const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
process.exitCode = results.success ? 0 : 1;
