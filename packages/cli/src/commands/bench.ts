// `tessera bench`: runs the repository's benchmark suites (bench/run.mjs) from a checkout. The
// suites are not part of the npm package, so an installed CLI says so and exits 2.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Command, EXIT_USAGE, type Io } from '../command.js';

// Compiled to packages/cli/dist/src/commands/bench.js: five levels up is the checkout's root.
const ROOT = new URL('../../../../../', import.meta.url);

/** bench/run.mjs of the Tessera checkout this CLI was built in, or undefined when installed. */
export function findBenchRunner(root: URL = ROOT): string | undefined {
  const runner = new URL('bench/run.mjs', root);
  const pkg = new URL('package.json', root);
  if (!existsSync(runner) || !existsSync(pkg)) return undefined;
  try {
    // The root package of the monorepo, not some unrelated `bench` folder above node_modules.
    const { name } = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown };
    return name === 'tessera' ? fileURLToPath(runner) : undefined;
  } catch {
    return undefined;
  }
}

export const bench: Command = {
  name: 'bench',
  summary: "run the repository's benchmark suites (core by default; needs a checkout)",
  usage: `Usage: tessera bench [--quick] [--write] [suite...] [suite options]

Runs the benchmark suites of a Tessera checkout (bench/run.mjs), each in its own process, and
prints their tables. Without a suite name it runs 'core'. The packages must be built (npm install
or npm run build does it). An installed CLI (from npm) has no bench/ folder: it exits 2.

Suites:
  core            JWS verify/sign per algorithm against node:crypto floors, jose, jsonwebtoken, fast-jwt
  server          the auth server on SQLite: logins/s, refreshes/s (200 clients), GET /v1/me vs Fastify
  middleware      @tessera/verify in Fastify/Express against @fastify/jwt, express-jwt and no auth
  http-selfcheck  the HTTP load helper against bare node:http servers
  (node bench/run.mjs --help lists what this checkout has)

Options:
  --quick          a smoke run of seconds (results are not written unless --write)
  --write          write bench/results/latest-<suite>.json even with --quick
  suite options    passed on: core --alg=ES256,HS256 or --all; server --profile=DIR

Exit codes: 0 done, 1 a suite failed (a contender that does not verify, an HTTP error), 2 usage
(unknown suite, no bench/ folder). Speed never fails a run: targets print as pass/miss.

Example:
  tessera bench --quick core --alg=ES256`,

  async run(argv, io) {
    const runner = findBenchRunner();
    if (runner === undefined) {
      io.err(
        'tessera: bench needs a checkout of the Tessera repository (its bench/ folder is not part of the ' +
          'npm package): git clone the repository, npm install, then run tessera bench there',
      );
      return EXIT_USAGE;
    }
    const suites = argv.filter((a) => !a.startsWith('-'));
    const args = suites.length > 0 ? argv : ['core', ...argv];
    return runChild(runner, args, io);
  },
};

/** Runs `node bench/run.mjs ...args`, streaming its output to io; resolves with its exit code. */
function runChild(runner: string, args: string[], io: Io): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runner, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(io.stdout, { end: false });
    child.stderr.pipe(io.stderr, { end: false });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
