// The web console's built files (packages/console/dist/app), read once at start-up into memory with
// their gzip form and ETag: requests never touch the filesystem, so no path can escape the folder.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ConsoleFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Where the built console is: @tessera/console next to the server (a workspace or an install). */
export function findConsoleDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@tessera/console/package.json');
    const dir = join(dirname(pkg), 'dist', 'app');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Every file under `dir`, keyed by its URL path below /console ("/index.html", "/assets/x.js"). */
export function loadConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const body = readFileSync(path);
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 512;
      const gzip = compressible ? gzipSync(body, { level: 9 }) : undefined;
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      files.set(`/${relative(dir, path).split(sep).join('/')}`, {
        body,
        gzip: gzip && gzip.length < body.length ? gzip : undefined,
        type,
        etag,
      });
    }
  };
  walk(dir);
  return files;
}
