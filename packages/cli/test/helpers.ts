// Test helpers: run the real `tessera` launcher as a child process, and make throw-away files.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJwks, type TesseraKey } from '@tessera/core';

// Compiled tests run from packages/cli/dist/test/; the launcher is packages/cli/bin/tessera.js.
export const BIN = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/tessera.js ...args`, optionally feeding stdin; resolves when it exits. */
export function tessera(args: string[], opts: { stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, TESSERA_DEBUG: '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** A temporary directory removed after the test file; `file(name, text)` writes into it. */
export function tempDir(prefix = 'tessera-cli-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name: string) => join(dir, name),
    file(name: string, content: string | Buffer): string {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Stderr must be one line for usage errors, and never a stack trace. */
export function oneLineError(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  if (lines.length !== 1 || /\n\s+at /.test(stderr))
    throw new Error(`expected one stderr line, got:\n${stderr}`);
  return lines[0]!;
}

/** A PEM export of a key: its public SPKI, or the private key in PKCS#8, PKCS#1 or SEC1. */
export function pemOf(key: TesseraKey, type: 'spki' | 'pkcs8' | 'pkcs1' | 'sec1'): string {
  return String((type === 'spki' ? key.publicKey! : key.keyObject).export({ type, format: 'pem' } as never));
}

/** A real JWKS endpoint on 127.0.0.1 serving the public halves of `keys` (404 elsewhere). */
export async function serveJwks(keys: TesseraKey[]): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(exportJwks(keys)));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/.well-known/jwks.json`, close: () => server.close() };
}
