// `tessera users import FILE`: JSON lines {id?, email, password_hash?, roles?, claims?,
// email_verified?} from another system. Lines are read as a stream and written in batches (one
// lookup and one insert transaction per 500 lines), so memory stays flat for millions of lines.
// Idempotent by email: a re-run finds every user and changes nothing. Hashes are stored as they
// are (bcrypt, argon2, Django pbkdf2_sha256) and upgraded to argon2id at each user's first login;
// users without a hash get an unusable password (and, with --send-reset, a reset mail).
// `claims` are stored as the user's application claims (reserved names refuse the line).

import type { Clock } from '../../app-context.js';
import { claimsProblem } from '../../claims/reserved-claims.js';
import { ROLE_PATTERN } from '../../services/user-admin.js';
import type { LifecycleStore } from '../../stores/lifecycle-types.js';
import type { UserRecord, UserStore } from '../../stores/types.js';
import { newUserId } from '../accounts.js';
import { isValidEmail, normalizeEmail } from '../email.js';
import { classifyHash, UNUSABLE_PASSWORD } from '../legacy-hashes.js';
import { numberedLines } from './json-lines.js';

const BATCH = 500;
const ID_SHAPE = /^[\x21-\x7e]{1,128}$/;

export type ImportAction = 'created' | 'updated' | 'skipped';

export interface ImportOutcome {
  line: number;
  action: ImportAction;
  email?: string;
  id?: string;
  /** Why it was skipped, or what was updated. */
  reason?: string;
}

export interface ImportReport {
  lines: number;
  created: number;
  updated: number;
  skipped: number;
  /** Skipped lines by reason ("unchanged", "invalid JSON", ...). */
  skippedByReason: Record<string, number>;
  /** Lines that carried application claims (stored with the user). */
  withClaims: number;
  /** Created users without a password hash (they need a reset to sign in). */
  withoutPassword: number;
  dryRun: boolean;
}

export interface ImportDeps {
  stores: { users: Pick<UserStore, 'update'>; lifecycle: Pick<LifecycleStore, 'findUsers' | 'insertUsers'> };
  clock: Clock;
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Every outcome as it happens (the CLI prints the ones it shows). */
  onOutcome?: (outcome: ImportOutcome) => void;
  /** A user created without a hash (after its batch is stored): --send-reset mails them. */
  onCreatedWithoutPassword?: (user: UserRecord) => Promise<void>;
}

interface Candidate {
  line: number;
  id: string | undefined;
  email: string;
  passwordHash: string | undefined;
  roles: string[] | undefined;
  emailVerified: boolean | undefined;
  claims: Record<string, unknown> | undefined;
}

/** Parses and checks one line; a string is the reason to skip it. */
function parseLine(line: number, text: string, report: ImportReport): Candidate | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'invalid JSON';
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'not a JSON object';
  const o = data as Record<string, unknown>;
  if (typeof o.email !== 'string') return 'email missing or not a string';
  const email = normalizeEmail(o.email);
  if (!isValidEmail(email)) return 'email is not a valid address';
  if (o.id !== undefined && (typeof o.id !== 'string' || !ID_SHAPE.test(o.id))) {
    return 'id must be 1-128 printable characters without spaces';
  }
  if (o.password_hash !== undefined && o.password_hash !== null) {
    if (typeof o.password_hash !== 'string') return 'password_hash must be a string';
    const kind = classifyHash(o.password_hash);
    if ('problem' in kind) return `password_hash: ${kind.problem}`;
  }
  if (o.roles !== undefined) {
    if (!Array.isArray(o.roles) || o.roles.length > 32) return 'roles must be an array (at most 32)';
    const bad = o.roles.find((r) => typeof r !== 'string' || !ROLE_PATTERN.test(r));
    if (bad !== undefined) return `invalid role ${JSON.stringify(bad)} (lower-case words: a-z 0-9 _ : -)`;
  }
  if (o.email_verified !== undefined && typeof o.email_verified !== 'boolean')
    return 'email_verified must be a boolean';
  if (o.claims !== undefined) {
    if (o.claims === null || typeof o.claims !== 'object' || Array.isArray(o.claims))
      return 'claims must be an object';
    const problem = claimsProblem(o.claims);
    if (problem) return `claims: ${problem}`;
    report.withClaims += 1;
  }
  return {
    line,
    id: o.id as string | undefined,
    email,
    passwordHash: (o.password_hash as string | null | undefined) ?? undefined,
    roles: o.roles === undefined ? undefined : [...new Set(o.roles as string[])],
    emailVerified: o.email_verified as boolean | undefined,
    claims: o.claims as Record<string, unknown> | undefined,
  };
}

/** The line's address for the report, when it has a usable one. */
function emailOf(text: string): { email?: string } {
  try {
    const email = (JSON.parse(text) as { email?: unknown }).email;
    return typeof email === 'string' && isValidEmail(normalizeEmail(email))
      ? { email: normalizeEmail(email) }
      : {};
  } catch {
    return {};
  }
}

export async function importUsers(
  source: AsyncIterable<Buffer | string>,
  deps: ImportDeps,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = {
    lines: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    skippedByReason: {},
    withClaims: 0,
    withoutPassword: 0,
    dryRun: opts.dryRun === true,
  };
  const emit = (o: ImportOutcome) => {
    if (o.action === 'skipped') {
      report.skipped += 1;
      const key = o.reason?.startsWith('password_hash:')
        ? 'password_hash not accepted'
        : (o.reason ?? 'skipped');
      report.skippedByReason[key] = (report.skippedByReason[key] ?? 0) + 1;
    } else report[o.action] += 1;
    opts.onOutcome?.(o);
  };

  let batch: Candidate[] = [];
  const flush = async () => {
    if (batch.length > 0) await applyBatch(batch, deps, opts, report, emit);
    batch = [];
  };
  for await (const { line, text } of numberedLines(source)) {
    report.lines = line;
    if (text === undefined) {
      emit({ line, action: 'skipped', reason: 'line too long' });
      continue;
    }
    if (text.trim() === '') {
      report.lines = line;
      continue;
    }
    const parsed = parseLine(line, text, report);
    if (typeof parsed === 'string') {
      emit({ line, action: 'skipped', reason: parsed, ...emailOf(text) });
    } else batch.push(parsed);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return report;
}

async function applyBatch(
  batch: Candidate[],
  deps: ImportDeps,
  opts: ImportOptions,
  report: ImportReport,
  emit: (o: ImportOutcome) => void,
): Promise<void> {
  const ids = batch.flatMap((c) => (c.id === undefined ? [] : [c.id]));
  const existing = await deps.stores.lifecycle.findUsers(
    batch.map((c) => c.email),
    ids,
  );
  const byEmail = new Map(existing.map((u) => [u.email, u]));
  const byId = new Map(existing.map((u) => [u.id, u]));
  const now = deps.clock.now();
  const toInsert: UserRecord[] = [];
  const takenInBatch = new Set<string>();

  for (const c of batch) {
    const base = { line: c.line, email: c.email };
    const current = byEmail.get(c.email);
    if (current) {
      if (c.id !== undefined && c.id !== current.id) {
        emit({ ...base, id: c.id, action: 'skipped', reason: `email already belongs to user ${current.id}` });
        continue;
      }
      const patch: Parameters<UserStore['update']>[1] = { updatedAt: now };
      const changed: string[] = [];
      if (
        c.roles &&
        (c.roles.length !== current.roles.length || c.roles.some((r) => !current.roles.includes(r)))
      ) {
        patch.roles = c.roles;
        changed.push('roles');
      }
      // Never un-verifies: a re-run must not undo what users did since the first run.
      if (c.emailVerified === true && !current.emailVerifiedAt) {
        patch.emailVerifiedAt = now;
        changed.push('email_verified');
      }
      if (c.claims && JSON.stringify(c.claims) !== JSON.stringify(current.claims ?? {})) {
        patch.claims = c.claims;
        changed.push('claims');
      }
      // Only a user still without a password gets one: an upgraded or changed one is theirs.
      if (c.passwordHash && current.passwordHash === UNUSABLE_PASSWORD) {
        patch.passwordHash = c.passwordHash;
        changed.push('password_hash');
      }
      if (changed.length === 0) {
        emit({ ...base, id: current.id, action: 'skipped', reason: 'unchanged' });
        continue;
      }
      if (!opts.dryRun) await deps.stores.users.update(current.id, patch);
      emit({ ...base, id: current.id, action: 'updated', reason: changed.join(', ') });
      continue;
    }
    if (takenInBatch.has(c.email)) {
      emit({ ...base, action: 'skipped', reason: 'duplicate email earlier in the file' });
      continue;
    }
    const id = c.id ?? newUserId();
    if (byId.has(id) || takenInBatch.has(`id:${id}`)) {
      emit({ ...base, id, action: 'skipped', reason: 'id already belongs to another email' });
      continue;
    }
    takenInBatch.add(c.email);
    takenInBatch.add(`id:${id}`);
    toInsert.push({
      id,
      email: c.email,
      passwordHash: c.passwordHash ?? UNUSABLE_PASSWORD,
      roles: c.roles ?? ['user'],
      disabled: false,
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
      emailVerifiedAt: c.emailVerified ? now : null,
      claims: c.claims ?? {},
    });
    if (!c.passwordHash) report.withoutPassword += 1;
    emit({
      ...base,
      id,
      action: 'created',
      ...(c.passwordHash ? {} : { reason: 'no password: needs a reset' }),
    });
  }
  if (opts.dryRun) return;
  await deps.stores.lifecycle.insertUsers(toInsert);
  if (opts.onCreatedWithoutPassword) {
    for (const user of toInsert) {
      if (user.passwordHash === UNUSABLE_PASSWORD) await opts.onCreatedWithoutPassword(user);
    }
  }
}
