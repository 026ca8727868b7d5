#!/usr/bin/env node
// Runs every compiled `*.test.js` under packages/*/dist, and the plain-JavaScript `*.test.mjs` of
// examples/, bench/ and test/ (whole-repository checks: packaging, docs, container recipe), with
// node's test runner. Explicit file lists keep helper modules in test/ folders from being run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'examples', 'bench', 'test'];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.js') && path.includes('/dist/')) files.push(path);
    else if (name.endsWith('.test.mjs') && !path.startsWith('packages')) files.push(path);
  }
}
for (const root of roots) {
  try {
    walk(root);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}
// Optional filter: `npm test -- core` runs only files whose path contains "core".
const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error('run-tests: no test files found (did the build run?)');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=600000', ...selected.sort()],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
