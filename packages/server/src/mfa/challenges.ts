// Single-use challenges of the second-factor flows (mfa_challenges): the mfa_token of two-step
// sign-in and forced enrolment, and WebAuthn challenges. Only the SHA-256 of a value is stored;
// expired rows are swept by whichever request makes a new challenge, at most every ten minutes.
import type { Clock } from '../app-context.js';
import { fail } from '../services/domain-error.js';
import type { UserRecord, UserStore } from '../stores/types.js';
import type { ChallengeRecord, MfaStore } from './mfa-store.js';
import { type ChallengeKind, challengeId, isOpaqueTokenShape, newOpaqueToken } from './mfa-tokens.js';

const SWEEP_EVERY_MS = 10 * 60_000;

export type MfaTokenKind = 'mfa_login' | 'mfa_enrol';

export interface Challenges {
  /** Stores a challenge (a new random token unless `value` is given) and returns its value. */
  issue(
    kind: ChallengeKind,
    userId: string | null,
    ttlMs: number,
    data?: Record<string, unknown>,
    value?: string,
  ): Promise<string>;
  /** A live mfa_token of `kind` and its (enabled) user, without spending it; else invalid_mfa_token. */
  pending(token: string, kind: MfaTokenKind): Promise<{ challenge: ChallengeRecord; user: UserRecord }>;
  /** Spends an mfa_token once its step succeeded; a concurrent second use gets invalid_mfa_token. */
  spend(token: string, kind: MfaTokenKind): Promise<void>;
  /** Spends the challenge a WebAuthn response answers; undefined when it is not live. */
  consume(value: string, kind: ChallengeKind): Promise<ChallengeRecord | undefined>;
}

export function createChallenges(opts: {
  store: MfaStore;
  users: Pick<UserStore, 'findById'>;
  clock: Clock;
}): Challenges {
  const { store, clock } = opts;
  const invalidMfaToken = () => fail({ code: 'invalid_mfa_token' });
  let lastSweep = 0;

  return {
    async issue(kind, userId, ttlMs, data = {}, value = newOpaqueToken()) {
      const now = clock.now();
      await store.insertChallenge({
        id: challengeId(value),
        kind,
        userId,
        data,
        createdAt: now,
        expiresAt: now + ttlMs,
      });
      if (now - lastSweep >= SWEEP_EVERY_MS) {
        lastSweep = now;
        // Housekeeping must never fail the request that triggered it.
        await store.deleteExpiredChallenges(now).catch(() => undefined);
      }
      return value;
    },

    async pending(token, kind) {
      if (!isOpaqueTokenShape(token)) throw invalidMfaToken();
      const challenge = await store.getChallenge(challengeId(token), kind, clock.now());
      if (!challenge?.userId) throw invalidMfaToken();
      const user = await opts.users.findById(challenge.userId);
      if (!user || user.disabled) throw invalidMfaToken();
      return { challenge, user };
    },

    async spend(token, kind) {
      if (!(await store.consumeChallenge(challengeId(token), kind, clock.now()))) throw invalidMfaToken();
    },

    consume(value, kind) {
      return store.consumeChallenge(challengeId(value), kind, clock.now());
    },
  };
}
