#!/usr/bin/env node
// CommonJS builds of @tessera/core and @tessera/verify (dist/cjs), run after `tsc -b`: Node 20
// cannot require() an ES module, and many services still require(). Each dist/cjs gets a
// package.json saying "commonjs" so Node and TypeScript read its .js and .d.ts files as CommonJS.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const name of ['core', 'verify']) {
  const result = spawnSync(process.execPath, [tsc, '-p', `packages/${name}/tsconfig.cjs.json`], {
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  mkdirSync(`packages/${name}/dist/cjs`, { recursive: true });
  writeFileSync(`packages/${name}/dist/cjs/package.json`, '{ "type": "commonjs" }\n');
}
