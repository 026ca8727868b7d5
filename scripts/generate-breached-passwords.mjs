#!/usr/bin/env node
// Generates packages/server/data/breached-passwords.txt, the offline breached-password list the
// server's password policy checks. Source: the `passwords-common` dictionary of the npm package
// @zxcvbn-ts/language-common (ranked by frequency in public password breaches). We keep
//   - the 10,000 most common entries (any length), and
//   - every entry of at least 10 characters (the policy's minimum length), whatever its rank,
// lower-cased, deduplicated, in rank order. Rerun after upgrading the package:
//   node scripts/generate-breached-passwords.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const TOP = 10_000;
const POLICY_MIN_LENGTH = 10;
const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const common = require('@zxcvbn-ts/language-common');
const { version } = require('@zxcvbn-ts/language-common/package.json');
const ranked = common.dictionary['passwords-common'];

const seen = new Set();
const out = [];
ranked.forEach((password, rank) => {
  const lower = String(password).toLowerCase();
  if (seen.has(lower) || lower.includes('\n')) return;
  if (rank < TOP || [...lower].length >= POLICY_MIN_LENGTH) {
    seen.add(lower);
    out.push(lower);
  }
});
const header = `# breached-passwords: ${out.length} entries from @zxcvbn-ts/language-common@${version} passwords-common (top ${TOP} + every entry of ${POLICY_MIN_LENGTH}+ characters), lower-cased\n`;
const target = new URL('../packages/server/data/breached-passwords.txt', import.meta.url);
writeFileSync(target, `${header}${out.join('\n')}\n`);
console.log(`wrote ${out.length} entries to ${target.pathname}`);
