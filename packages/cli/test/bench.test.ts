// `tessera bench`: runs the checkout's bench/run.mjs (a real, tiny core run), and says it cannot
// when the CLI is installed without the repository (a copy of the package under node_modules).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { oneLineError, tempDir, tessera } from './helpers.js';

const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../../../', import.meta.url));

describe('tessera bench', () => {
  const tmp = tempDir('tessera-bench-');
  after(() => tmp.remove());

  test('--quick runs the core suite for one algorithm, prints its tables and exits 0', async () => {
    const r = await tessera(['bench', '--quick', 'core', '--alg=HS256']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /### suite core \(--quick --alg=HS256\)/);
    // The verify table: a header row, a dashed rule, and a row per contender with µs/op.
    assert.match(r.stdout, /HS256 verify \(µs\/op, median of rounds\)\ncontender +µs\/op/);
    assert.match(r.stdout, /\n-{5,}( {2}-+)+\n/);
    assert.match(r.stdout, /\ntessera +\d+\.\d+ /);
    assert.match(r.stdout, /### suite core: done in /);
  });

  test('an unknown suite is a usage error (exit 2) naming it', async () => {
    const r = await tessera(['bench', '--quick', 'no-such-suite']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown suite\(s\): no-such-suite/);
  });

  test('installed from npm (no bench/ folder): one line saying so, exit 2', async () => {
    // A package layout as npm installs it: node_modules/@tessera/cli with bin/, dist/ and its
    // package.json, its dependencies beside it; no repository around it.
    const scope = join(tmp.dir, 'node_modules', '@tessera');
    const cli = join(scope, 'cli');
    mkdirSync(cli, { recursive: true });
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(join(CLI_DIR, part), join(cli, part), { recursive: true });
    for (const dep of ['core', 'server']) symlinkSync(join(PACKAGES, dep), join(scope, dep), 'dir');
    const r = spawnSync(process.execPath, [join(cli, 'bin', 'tessera.js'), 'bench', '--quick'], {
      encoding: 'utf8',
    });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 2);
    assert.match(oneLineError(r.stderr), /^tessera: bench needs a checkout of the Tessera repository/);
    assert.equal(r.stdout, '');
  });
});
