// Every package as a user gets it: `npm pack` once, then install the tarballs in empty projects
// outside the repository and use them the way the README says.
//   - the tarballs: no tests, every source map's sources shipped, every exports target present,
//     the server's migrations and data included, the console as its built app only;
//   - project "server": @tessera/cli + server (+ console, its dependency); `npx tessera serve` on a
//     temporary SQLite file and a random port, then register, login, refresh (cookie) and /v1/me
//     over HTTP, and the web console at /console; pg and ioredis are not installed, so
//     configurations that need them fail naming the package;
//   - project "service": @tessera/verify, cli, client, console + express only (no Fastify, Hono,
//     server or driver): a
//     TypeScript Express service importing only @tessera/verify/express compiles with `tsc --strict`
//     (no skipLibCheck) against the oldest and the newest @types/node, and runs against the server
//     above; a .cjs file require()s @tessera/core and @tessera/verify/express; `npx tessera token
//     explain` works, and `tessera serve` says to install @tessera/server. The root and /node
//     entries are compiled alongside, also without any framework installed.
// The slow steps start together in before() and the tests await them (one pack, two installs).
// Registry dependencies come from the npm cache when they are there (--prefer-offline).
// One shortcut: npm's install scripts are skipped and better-sqlite3's native module is copied from
// the repository's own build of the same version (compiling SQLite takes minutes and is not ours).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './support/free-port.mjs';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const repoVersion = (name) =>
  JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version;

// A clean environment: nothing from the `npm test` that started us, no TESSERA_* of this machine.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('TESSERA_')),
);
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'];

const work = mkdtempSync(join(tmpdir(), 'tessera-pack-'));
const packs = join(work, 'packs');
/** name -> { file, files: Set<path> } */
const tarballs = new Map();
let server; // the running `tessera serve` child
let serverUrl;

async function sh(cwd, command, args, extraEnv = {}) {
  try {
    return await run(command, args, { cwd, env: { ...env, ...extraEnv }, maxBuffer: 32 * 1024 * 1024 });
  } catch (err) {
    err.message += `\nstdout: ${err.stdout}\nstderr: ${err.stderr}`;
    throw err;
  }
}

/** Runs and returns { code, stdout, stderr } without throwing on a non-zero exit. */
async function tryRun(cwd, command, args, extraEnv = {}) {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: { ...env, ...extraEnv } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function project(name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  return dir;
}

const tgz = (name) => tarballs.get(name).file;

async function http(method, path, { body, headers = {}, token, base = serverUrl } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, body: json, text };
}

/** Starts a process in its own group and resolves once `ready(line)` matches a stdout line. */
function startUntil(cwd, command, args, extraEnv, ready) {
  const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, detached: true });
  let output = '';
  const done = new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`not ready in 30 s:\n${output}`)), 30_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.split('\n').some(ready)) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { child, done, output: () => output };
}

function stop(child) {
  if (child && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

before(async () => {
  mkdirSync(packs);
  const { stdout } = await sh(repo, 'npm', [
    'pack',
    '--workspaces',
    '--ignore-scripts',
    '--json',
    '--pack-destination',
    packs,
  ]);
  for (const p of JSON.parse(stdout)) {
    tarballs.set(p.name, { file: join(packs, p.filename), files: new Set(p.files.map((f) => f.path)) });
  }
});

after(() => {
  stop(server);
  rmSync(work, { recursive: true, force: true });
});

describe('the tarballs', () => {
  const names = rootPkg.workspaces.map((w) =>
    JSON.parse(readFileSync(join(repo, w, 'package.json'), 'utf8')),
  );

  test('every workspace package is packed, with its README and LICENSE', () => {
    for (const pkg of names) {
      const t = tarballs.get(pkg.name);
      assert.ok(t, `${pkg.name} packed`);
      assert.ok(t.files.has('README.md'), `${pkg.name} README.md`);
      assert.ok(t.files.has('LICENSE'), `${pkg.name} LICENSE`);
      assert.ok(t.files.has('package.json'));
    }
  });

  test('no tests, no test helpers, no build info', () => {
    for (const [name, t] of tarballs) {
      for (const path of t.files) {
        assert.ok(!/\.test\.|(^|\/)test\/|tsbuildinfo|\.bench\./.test(path), `${name} ships ${path}`);
      }
    }
  });

  test('every source map points only at files in the tarball', () => {
    for (const [name, t] of tarballs) {
      const maps = [...t.files].filter((f) => f.endsWith('.map'));
      if (t.files.has('dist/src/index.js')) assert.ok(maps.length > 0, `${name} ships maps`);
      for (const map of maps) {
        // Contents are the repository's files: the tarball's own paths mirror the package folder.
        const dir = tarballs.get(name) && join(repo, 'packages', name.replace('@tessera/', ''));
        const json = JSON.parse(readFileSync(join(dir, map), 'utf8'));
        for (const source of json.sources) {
          const shipped = join(dirname(map), source);
          assert.ok(t.files.has(shipped), `${name}: ${map} points at ${shipped}, not shipped`);
        }
      }
      for (const js of [...t.files].filter((f) => f.endsWith('.js') && f.startsWith('dist/'))) {
        const dir = join(repo, 'packages', name.replace('@tessera/', ''));
        const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(dir, js), 'utf8'));
        if (ref) assert.ok(t.files.has(join(dirname(js), ref[1])), `${name}: ${js} refers to a missing map`);
      }
    }
  });

  test('every exports and bin target is in the tarball', () => {
    for (const pkg of names) {
      const t = tarballs.get(pkg.name);
      const targets = [];
      const walk = (value) => {
        if (typeof value === 'string') targets.push(value);
        else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
      };
      walk(pkg.exports);
      walk(pkg.bin);
      walk(pkg.main);
      walk(pkg.types);
      assert.ok(targets.length > 0);
      for (const target of targets) {
        assert.ok(t.files.has(target.replace(/^\.\//, '')), `${pkg.name}: ${target} not shipped`);
      }
    }
  });

  test('the server ships its compiled migrations', () => {
    const files = tarballs.get('@tessera/server').files;
    assert.ok(files.has('dist/migrations/index.js'));
    assert.ok(files.has('dist/migrations/001-initial.js'));
  });

  test('the server ships its password list; the console ships its built app and nothing else', () => {
    assert.ok(tarballs.get('@tessera/server').files.has('data/breached-passwords.txt'));
    const server = names.find((p) => p.name === '@tessera/server');
    assert.equal(server.dependencies['@tessera/console'], '0.1.0', 'the server serves the console');
    const consoleFiles = [...tarballs.get('@tessera/console').files];
    assert.ok(consoleFiles.includes('dist/app/index.html'));
    assert.ok(
      consoleFiles.some((f) => /^dist\/app\/assets\/index-[\w-]+\.js$/.test(f)),
      'the app bundle',
    );
    const stray = consoleFiles.filter((f) => !/^(dist\/app\/|README\.md$|LICENSE$|package\.json$)/.test(f));
    assert.deepEqual(stray, [], 'sources, tests or build files in @tessera/console');
  });

  test('@tessera/verify has an entry per framework, ESM and CommonJS, with types', () => {
    const pkg = names.find((p) => p.name === '@tessera/verify');
    for (const entry of ['.', './express', './fastify', './hono', './node']) {
      const e = pkg.exports[entry];
      assert.ok(e?.import?.types && e.import.default && e.require?.types && e.require.default, entry);
    }
  });

  test('engines and module type are declared', () => {
    for (const pkg of names) {
      assert.equal(pkg.type, 'module', pkg.name);
      assert.match(pkg.engines?.node ?? '', /^>=20/, pkg.name);
      assert.equal(pkg.license, 'Apache-2.0', pkg.name);
    }
  });
});

const SERVICE = `import express from 'express';
import { createRemoteVerifier, type AuthInfo, tesseraExpress } from '@tessera/verify/express';

const issuer = process.env.ISSUER as string;
const verifier = createRemoteVerifier({ issuer, audience: 'tessera' });
await verifier.ready();
const auth = tesseraExpress(verifier);
const app = express();
app.get('/whoami', auth, (req, res) => {
  const who: AuthInfo | null | undefined = req.auth;
  res.json({ sub: who?.sub ?? null });
});
const listener = app.listen(0, '127.0.0.1', () => {
  const address = listener.address();
  if (address && typeof address === 'object') console.log(\`listening \${address.port}\`);
});
`;

// Compiled alongside: the framework-neutral entries reach no framework's types either.
const NEUTRAL = `import { createRemoteVerifier } from '@tessera/verify';
import { createNodeAuth, type NodeAuth } from '@tessera/verify/node';

export function protect(issuer: string): NodeAuth {
  return createNodeAuth(createRemoteVerifier({ issuer, audience: 'tessera' }));
}
`;

const CHECK_CJS = `const core = require('@tessera/core');
const verify = require('@tessera/verify/express');
const key = core.generateKey('HS256', { kid: 'k1' });
const token = core.createSigner({ key, issuer: 'https://auth.example', audience: 'api' })({ sub: 'u_1' });
const verifier = core.createVerifier({ keys: [key], algorithms: ['HS256'], issuer: 'https://auth.example', audience: 'api' });
console.log(JSON.stringify({ sub: verifier(token).payload.sub, express: typeof verify.tesseraExpress, remote: typeof verify.createRemoteVerifier }));
`;

// The oldest @types/node 20 that TypeScript 5.9 itself accepts (older ones fail in their own
// buffer.d.ts since TypeScript 5.7 made Uint8Array generic, whatever the project imports).
const OLDEST_TYPES_NODE = '20.17.0';

/** What the slow steps produced, started together in before() and awaited by the tests. */
const jobs = {};
const settled = (promise) => {
  promise.catch(() => {}); // awaited (and reported) by its test
  return promise;
};

// `npx tessera` where the brief is about npx (serve, token explain); the bin directly elsewhere
// (the same file npx runs, without starting npm each time).
const npxTessera = (cwd, args, extraEnv) => tryRun(cwd, 'npx', ['--no', '--', 'tessera', ...args], extraEnv);
const tessera = (cwd, args, extraEnv) =>
  tryRun(cwd, process.execPath, [join(cwd, 'node_modules/.bin/tessera'), ...args], extraEnv);

describe('installed outside the repository', () => {
  let serverProject;
  let serviceProject;

  before(async () => {
    serverProject = project('server-app');
    serviceProject = project('express-service');
    await Promise.all([
      sh(serverProject, 'npm', [
        'install',
        ...NPM_FLAGS,
        tgz('@tessera/core'),
        tgz('@tessera/verify'),
        tgz('@tessera/server'),
        tgz('@tessera/console'),
        tgz('@tessera/cli'),
        `better-sqlite3@${repoVersion('better-sqlite3')}`,
      ]),
      sh(serviceProject, 'npm', [
        'install',
        ...NPM_FLAGS,
        tgz('@tessera/core'),
        tgz('@tessera/verify'),
        tgz('@tessera/cli'),
        tgz('@tessera/client'),
        tgz('@tessera/console'),
        'express@5',
        '@types/express@5',
        `typescript@${repoVersion('typescript')}`,
        '@types/node@latest',
      ]),
    ]);
    // The one shortcut (see the top): the native module built for this repository's checkout.
    const binary = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    mkdirSync(dirname(join(serverProject, binary)), { recursive: true });
    copyFileSync(join(repo, binary), join(serverProject, binary));

    jobs.server = settled(startServer(serverProject));
    jobs.missingDrivers = settled(
      Promise.all([
        tessera(serverProject, ['serve'], { TESSERA_DATABASE_URL: 'postgres://tessera@127.0.0.1:1/tessera' }),
        tessera(serverProject, ['serve', '--port', '0'], {
          TESSERA_DATABASE_URL: `sqlite:${join(serverProject, 'redis-check.db')}`,
          TESSERA_REDIS_URL: 'redis://127.0.0.1:1',
        }),
      ]),
    );
    jobs.service = settled(serviceSteps(serviceProject));
    jobs.oldest = settled(jobs.service.then(() => compileWithOldestTypes(serviceProject)));
  });

  test('the server project has no pg or ioredis; the service project has no server, framework or driver', () => {
    for (const name of ['pg', 'ioredis']) {
      assert.ok(!existsSync(join(serverProject, 'node_modules', name)), `${name} installed`);
    }
    for (const name of ['fastify', 'hono', '@tessera/server', 'pg', 'ioredis', 'better-sqlite3', 'kysely']) {
      assert.ok(!existsSync(join(serviceProject, 'node_modules', name)), `${name} installed`);
    }
  });

  test('a configuration that needs a missing driver fails naming the package (exit 2)', async () => {
    const [pg, redis] = await jobs.missingDrivers;
    assert.equal(pg.code, 2, pg.stderr);
    assert.match(pg.stderr, /TESSERA_DATABASE_URL.*'pg'.*npm install pg/);
    assert.equal(redis.code, 2, redis.stderr);
    assert.match(redis.stderr, /TESSERA_REDIS_URL.*'ioredis'.*npm install ioredis/);
  });

  test('npx tessera serve: register, login, refresh with the cookie, /v1/me', async () => {
    const { accessToken, loginToken } = await jobs.server;
    assert.notEqual(accessToken, loginToken, 'refresh issued a new access token');
    const me = await http('GET', '/v1/me', { token: accessToken });
    assert.equal(me.status, 200, me.text);
    assert.match(me.body.sub, /^u_/);
    assert.equal(me.body.iss, serverUrl);
  });

  test('the installed server serves the web console at /console', async () => {
    await jobs.server;
    const page = await http('GET', '/console/');
    assert.equal(page.status, 200, page.text);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page.text);
    assert.ok(script, page.text);
    const asset = await http('GET', script[1]);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
  });

  test('an Express service importing only @tessera/verify/express compiles with tsc --strict (newest @types/node) and runs', async () => {
    const { newest } = await jobs.service;
    assert.equal(newest.stdout + newest.stderr, '');
    assert.ok(existsSync(join(serviceProject, 'out', 'service.js')));
    const { accessToken } = await jobs.server;

    const started = startUntil(serviceProject, 'node', ['out/service.js'], { ISSUER: serverUrl }, (line) =>
      line.startsWith('listening '),
    );
    try {
      await started.done;
      const port = /listening (\d+)/.exec(started.output())[1];
      const base = `http://127.0.0.1:${port}`;
      const ok = await http('GET', '/whoami', { base, token: accessToken });
      assert.equal(ok.status, 200, ok.text);
      assert.match(ok.body.sub, /^u_/);
      const forged = await http('GET', '/whoami', { base, token: `${accessToken.slice(0, -4)}AAAA` });
      assert.equal(forged.status, 401);
      assert.equal((await http('GET', '/whoami', { base })).status, 401);
    } finally {
      stop(started.child);
    }
  });

  test('@tessera/client imports on its own; @tessera/console installs with its built app', async () => {
    const { client } = await jobs.service;
    assert.equal(client.stdout.trim(), 'function true');
  });

  test('a .cjs file require()s @tessera/core and @tessera/verify/express', async () => {
    const { cjs } = await jobs.service;
    assert.deepEqual(JSON.parse(cjs.stdout), { sub: 'u_1', express: 'function', remote: 'function' });
  });

  test('npx tessera token explain works with no server or database driver installed', async () => {
    const { signed, explain, serve } = await jobs.service;
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(explain.code, 1, explain.stderr);
    assert.match(explain.stdout, /aud/);
    assert.match(explain.stdout, /other-api/);
    assert.equal(serve.code, 2);
    assert.match(serve.stderr, /npm install @tessera\/server/);
  });

  test(`the published types also compile against the oldest @types/node (${OLDEST_TYPES_NODE})`, async () => {
    const oldest = await jobs.oldest;
    assert.equal(oldest.stdout + oldest.stderr, '');
    const installed = JSON.parse(
      readFileSync(join(serviceProject, 'node_modules/@types/node/package.json'), 'utf8'),
    );
    assert.equal(installed.version, OLDEST_TYPES_NODE);
  });
});

/** `npx tessera serve` on a random port and a fresh SQLite file; then the login story. */
async function startServer(dir) {
  const port = await freePort();
  serverUrl = `http://127.0.0.1:${port}`;
  const started = startUntil(
    dir,
    'npx',
    ['--no', '--', 'tessera', 'serve'],
    {
      TESSERA_PORT: String(port),
      TESSERA_ISSUER: serverUrl,
      TESSERA_DATABASE_URL: `sqlite:${join(dir, 'data', 'tessera.db')}`,
      TESSERA_COOKIE_SECURE: 'false',
    },
    (line) => line.includes('tessera listening'),
  );
  server = started.child;
  await started.done;

  const email = 'packed@example.com';
  const password = 'correct horse battery staple 42';
  const register = await http('POST', '/v1/auth/register', { body: { email, password } });
  assert.equal(register.status, 201, register.text);
  const login = await http('POST', '/v1/auth/login', { body: { email, password } });
  assert.equal(login.status, 200, login.text);
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  assert.match(cookie, /^tessera_rt=/);
  const refresh = await http('POST', '/v1/auth/refresh', { headers: { cookie, origin: serverUrl } });
  assert.equal(refresh.status, 200, refresh.text);
  return { loginToken: login.body.access_token, accessToken: refresh.body.access_token };
}

/** Compile (newest types), require() from .cjs, the token commands, then compile with the oldest types. */
async function serviceSteps(dir) {
  writeFileSync(join(dir, 'service.ts'), SERVICE);
  // What the test is about: strict, and the published .d.ts files checked too (no skipLibCheck).
  const compilerOptions = {
    strict: true,
    skipLibCheck: false,
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    outDir: 'out',
  };
  writeFileSync(join(dir, 'neutral.ts'), NEUTRAL);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, files: ['service.ts', 'neutral.ts'] }),
  );
  writeFileSync(join(dir, 'check.cjs'), CHECK_CJS);
  const secret = join(dir, 'hs.secret');
  writeFileSync(secret, 'a-test-secret-that-is-long-enough-for-hs256!!');
  const tokenSteps = async () => {
    const signed = await tessera(dir, [
      'token',
      'sign',
      '--secret-file',
      secret,
      '--alg',
      'HS256',
      '--sub',
      'u_1',
      '--aud',
      'other-api',
    ]);
    const explain = await npxTessera(dir, [
      'token',
      'explain',
      signed.stdout.trim(),
      '--secret-file',
      secret,
      '--alg',
      'HS256',
      '--aud',
      'orders-api',
    ]);
    return { signed, explain };
  };
  const [newest, cjs, { signed, explain }, serve, client] = await Promise.all([
    tryRun(dir, process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', '.']),
    sh(dir, 'node', ['check.cjs']),
    tokenSteps(),
    tessera(dir, ['serve']),
    sh(dir, 'node', [
      '--input-type=module',
      '-e',
      [
        "const c = await import('@tessera/client');",
        "const { createRequire } = await import('node:module');",
        "const { existsSync } = await import('node:fs');",
        "const pkg = createRequire(process.cwd() + '/').resolve('@tessera/console/package.json');",
        "console.log(typeof c.createTesseraClient, existsSync(pkg.replace(/package\\.json$/, 'dist/app/index.html')));",
      ].join(' '),
    ]),
  ]);

  return { newest, cjs, signed, explain, serve, client };
}

/** Then the same service against the oldest @types/node (after the first compile emitted out/). */
async function compileWithOldestTypes(dir) {
  await sh(dir, 'npm', ['install', ...NPM_FLAGS, `@types/node@${OLDEST_TYPES_NODE}`]);
  return tryRun(dir, process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']);
}
