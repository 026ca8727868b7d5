// The documentation stands on its own: no page sends readers outside the repository, relative
// links resolve, and every error code the packages define is explained in docs/troubleshooting.md.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '@tessera/core';
import { API_ERROR_CODES } from '@tessera/server';
import { VERIFY_ERROR_CODES } from '@tessera/verify';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tracked = execFileSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && existsSync(join(repo, f)));
const markdown = tracked.filter((f) => f.endsWith('.md'));
const text = (f) => readFileSync(join(repo, f), 'utf8');

test('no file in the repository sends readers to a design document outside it', () => {
  const offenders = tracked
    .filter((f) => /\.(md|ts|mjs|js|json|yml|yaml)$/.test(f) && f !== 'test/docs.test.mjs')
    .filter((f) => /DESIGN\.md|\.\.\/shared\//.test(text(f)));
  assert.deepEqual(offenders, []);
});

test('relative links in the Markdown pages point at files that exist', () => {
  const broken = [];
  for (const page of markdown) {
    for (const [, target] of text(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target)) continue;
      const path = target.split('#')[0];
      if (!existsSync(join(repo, dirname(page), path))) broken.push(`${page} -> ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('docs/troubleshooting.md explains every error code of the server, core and verify', () => {
  const page = text('docs/troubleshooting.md');
  const missing = [...API_ERROR_CODES, ...ERROR_CODES, ...VERIFY_ERROR_CODES].filter(
    (code) => !page.includes(`| \`${code}\``),
  );
  assert.deepEqual(missing, [], 'add a row for each to docs/troubleshooting.md');
});

test('the repository has a license, a changelog and the pages the README lists', () => {
  assert.match(text('LICENSE'), /Apache License\s+Version 2\.0, January 2004/);
  assert.match(text('LICENSE'), /END OF TERMS AND CONDITIONS/);
  assert.ok(existsSync(join(repo, 'CHANGELOG.md')));
  for (const page of [
    'troubleshooting.md',
    'browser-apps.md',
    'verify-in-other-languages.md',
    'container.md',
  ]) {
    assert.ok(text('README.md').includes(`docs/${page}`), `README links docs/${page}`);
  }
});
