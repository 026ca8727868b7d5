import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { commands } from '../src/commands/index.js';
import { oneLineError, tessera } from './helpers.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('tessera main', () => {
  test('--help lists every registered command and exits 0', async () => {
    const r = await tessera(['--help']);
    assert.equal(r.code, 0);
    for (const c of commands) assert.ok(r.stdout.includes(c.name), `${c.name} missing from --help`);
    assert.match(r.stdout, /Exit codes: 0 success, 1/);
  });

  test('no command prints the help on stderr and exits 2', async () => {
    const r = await tessera([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: tessera <command>/);
  });

  test('--version prints the package version', async () => {
    const r = await tessera(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  test('every command answers --help with its usage, exit 0', async () => {
    // Lazy (server) commands each load @tessera/server: one of them goes through a child process,
    // the rest are loaded here once, which checks the same usage text far faster.
    const eager = commands.filter((c) => !('load' in c));
    const lazyOnes = commands.filter((c) => 'load' in c);
    const probe = [...eager, ...lazyOnes.slice(0, 1)];
    const results = await Promise.all(probe.map((c) => tessera([...c.name.split(' '), '--help'])));
    probe.forEach((c, i) => {
      const r = results[i]!;
      assert.equal(r.code, 0, `${c.name}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: tessera ${c.name}`), c.name);
      assert.equal(r.stderr, '', c.name);
    });
    for (const entry of lazyOnes) {
      const command = 'load' in entry ? await entry.load() : entry;
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary, `${entry.name}: the registry's summary is stale`);
      assert.match(command.usage, new RegExp(`^Usage: tessera ${entry.name}`), entry.name);
    }
  });

  test('a group answers --help with its subcommands', async () => {
    const r = await tessera(['token', '--help']);
    assert.equal(r.code, 0);
    for (const sub of ['decode', 'sign', 'verify', 'explain'])
      assert.match(r.stdout, new RegExp(`token ${sub}`));
  });

  test('an unknown command exits 2 with one clear line', async () => {
    const r = await tessera(['frobnicate']);
    assert.equal(r.code, 2);
    assert.equal(oneLineError(r.stderr), "tessera: unknown command 'frobnicate' (see tessera --help)");
  });

  test('an unknown subcommand exits 2 and names it', async () => {
    const r = await tessera(['token', 'frob']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^tessera: unknown command 'token frob'/);
  });

  test('an unknown option exits 2 with one clear line', async () => {
    const r = await tessera(['secret', 'generate', '--frob']);
    assert.equal(r.code, 2);
    assert.equal(oneLineError(r.stderr), 'tessera: unknown option --frob');
    assert.equal(r.stdout, '');
  });

  test('an option without its value exits 2', async () => {
    const r = await tessera(['token', 'verify', 'x.y.z', '--alg']);
    assert.equal(r.code, 2);
    assert.equal(oneLineError(r.stderr), 'tessera: --alg needs a value');
  });

  test('a missing required option exits 2 naming it', async () => {
    const r = await tessera(['token', 'verify', 'x.y.z', '--secret-file', 'nope']);
    assert.equal(r.code, 2);
    assert.equal(oneLineError(r.stderr), 'tessera: --alg is required');
  });
});
