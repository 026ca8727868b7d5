// The container recipe, checked without a container engine: the Dockerfile's build script runs in
// a temporary directory (as its build stage does), then the server starts from the result with the
// Dockerfile's own ENV, CMD and HEALTHCHECK (the /app and /data paths mapped to temporary folders),
// answers the health check, and stops cleanly on SIGTERM. docker-compose.yml is checked for its
// services and for secrets passed as files.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './support/free-port.mjs';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'tessera-container-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Instruction lines, with backslash continuations joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => /^[A-Z]+\s/.test(line));
const all = (name) =>
  instructions.filter((l) => l.startsWith(`${name} `)).map((l) => l.slice(name.length + 1).trim());
const lastJson = (name) => JSON.parse(all(name).at(-1));

describe('Dockerfile', () => {
  test('multi-stage, non-root, tini, a health check on /healthz, /data as a volume', () => {
    assert.ok(all('FROM').length >= 2, 'a build stage and a runtime stage');
    assert.deepEqual(all('USER'), ['node']);
    assert.deepEqual(lastJson('ENTRYPOINT').slice(0, 2), ['/usr/bin/tini', '--']);
    assert.match(all('HEALTHCHECK')[0], /\/healthz/);
    assert.deepEqual(lastJson('VOLUME'), ['/data']);
    assert.ok(all('RUN').some((r) => r.includes('docker/build-app.sh')));
  });

  test('its build script produces a server that starts as the image would, in production', async () => {
    const app = join(work, 'app');
    const data = join(work, 'data');
    mkdirSync(data);
    // The build stage's RUN (the checkout is already built by `npm test`, hence --skip-build).
    await run('sh', ['docker/build-app.sh', repo, app, '--skip-build'], {
      cwd: repo,
      env: {
        ...cleanEnv(),
        TESSERA_SQLITE_BINARY: join(repo, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    for (const driver of ['pg', 'ioredis', 'better-sqlite3']) {
      assert.ok(existsSync(join(app, 'node_modules', driver)), `${driver} installed in the image`);
    }
    assert.ok(!existsSync(join(app, 'node_modules', 'typescript')), 'no dev dependencies in the image');

    const mapPaths = (value) => value.replaceAll('/app', app).replaceAll('/data', data);
    const env = { ...cleanEnv() };
    for (const line of all('ENV')) {
      const [key, ...rest] = line.split('=');
      env[key] = mapPaths(rest.join('='));
    }
    assert.equal(env.NODE_ENV, 'production');
    const port = await freePort();
    writeFileSync(join(work, 'master_key'), `${randomBytes(32).toString('base64')}\n`);
    Object.assign(env, {
      TESSERA_PORT: String(port),
      TESSERA_HOST: '127.0.0.1', // the image listens on 0.0.0.0; the test stays on loopback
      TESSERA_ISSUER: 'https://auth.example.com',
      TESSERA_MASTER_KEY_FILE: join(work, 'master_key'),
    });

    const [command, ...args] = lastJson('CMD').map(mapPaths);
    assert.equal(command, 'node');
    const child = spawn(process.execPath, args, { cwd: app, env });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
    try {
      const healthcheck = JSON.parse(all('HEALTHCHECK')[0].replace(/^.*?CMD\s+/, ''));
      let healthy = false;
      for (let i = 0; i < 120 && !healthy && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const probe = await run(process.execPath, healthcheck.slice(1), { env }).then(
          () => true,
          () => false,
        );
        healthy = probe;
      }
      assert.ok(healthy, `the HEALTHCHECK command never passed:\n${output}`);
      assert.ok(existsSync(join(data, 'tessera.db')), 'the database lives in the data volume');
      const consolePage = await fetch(`http://127.0.0.1:${port}/console/`);
      assert.equal(consolePage.status, 200, 'the image serves the web console');
      assert.match(await consolePage.text(), /<div id="app">/);
      assert.doesNotMatch(output, /unsafe for production/);
    } finally {
      child.kill('SIGTERM');
    }
    const { code } = await exited;
    assert.equal(code, 0, `clean shutdown on SIGTERM:\n${output}`);
  });
});

describe('docker-compose.yml', () => {
  const compose = readFileSync(join(repo, 'docker-compose.yml'), 'utf8');
  test('Tessera with PostgreSQL and Redis, secrets as files, the data volume', () => {
    for (const service of ['tessera:', 'postgres:', 'redis:'])
      assert.match(compose, new RegExp(`^  ${service}`, 'm'));
    assert.match(compose, /TESSERA_MASTER_KEY_FILE: \/run\/secrets\/master_key/);
    assert.match(compose, /TESSERA_DATABASE_URL_FILE: \/run\/secrets\/database_url/);
    assert.match(compose, /TESSERA_REDIS_URL: redis:\/\/redis:6379/);
    assert.match(compose, /tessera-data:\/data/);
    assert.match(compose, /init: true/);
    assert.doesNotMatch(compose, /TESSERA_MASTER_KEY:|POSTGRES_PASSWORD:/, 'no secret inline');
  });
});

function cleanEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('npm_') && !k.startsWith('TESSERA_') && k !== 'NODE_ENV',
    ),
  );
}
