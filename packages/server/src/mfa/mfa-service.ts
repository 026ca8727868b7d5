// Second factors as one service for the routes: which methods a user has, the password step's
// outcome (sign in, mfa_required or mfa_enrollment_required), checking a factor under the per-user
// attempt limit, enrolment, recovery codes, removal and the admin reset. TOTP, passkeys and the
// single-use challenges live in their own files (totp-factors.ts, passkeys.ts, challenges.ts).
import type { Clock } from '../app-context.js';
import { DomainError, fail } from '../services/domain-error.js';
import type { AuditLog } from '../services/types.js';
import type { UserRecord, UserStore } from '../stores/types.js';
import { combineAmr } from './amr.js';
import { createChallenges, type MfaTokenKind } from './challenges.js';
import type { MfaAttempts } from './mfa-attempts.js';
import type { ChallengeRecord, FactorRecord, MfaStore } from './mfa-store.js';
import { ENROLMENT_TOKEN_TTL_MS, MFA_TOKEN_TTL_MS } from './mfa-tokens.js';
import { createPasskeys } from './passkeys.js';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';
import { createTotpFactors } from './totp-factors.js';
import {
  type AuthenticationResponseJSON,
  amrOfPasskey,
  type RegistrationResponseJSON,
  type RelyingParty,
} from './webauthn.js';

export type MfaMethod = 'totp' | 'webauthn' | 'recovery_code';

export type FactorProof =
  | { method: 'totp'; code: string }
  | { method: 'recovery_code'; code: string }
  | { method: 'webauthn'; response: AuthenticationResponseJSON };

/**
 * Tells the user that an admin reset their factors. The hook for the account mailer: without one
 * the reset is still audited (with `mailed: false`).
 */
export type FactorResetNotifier = (user: UserRecord) => Promise<void> | void;

export interface PublicFactor {
  id: string;
  type: 'totp' | 'webauthn';
  name: string;
  created_at: string;
  last_used_at: string | null;
  confirmed: boolean;
}

export interface PasswordStepOutcome {
  error: 'mfa_required' | 'mfa_enrollment_required';
  mfa_token: string;
  methods: string[];
  expires_in: number;
}

export interface MfaServiceOptions {
  store: MfaStore;
  users: Pick<UserStore, 'findById'>;
  masterKey: Buffer;
  clock: Clock;
  audit: AuditLog;
  attempts: MfaAttempts;
  relyingParty: RelyingParty;
  issuer: string;
  /** TESSERA_MFA_REQUIRED_ROLES. */
  requiredRoles: readonly string[];
  notifyFactorReset?: FactorResetNotifier;
}

/** Factors per user (enrolments in progress included): enough for a household of devices. */
export const MAX_FACTORS_PER_USER = 20;

const invalidFactor = () => fail({ code: 'invalid_factor' });

export function publicFactor(f: FactorRecord): PublicFactor {
  return {
    id: f.id,
    type: f.type,
    name: f.name,
    created_at: new Date(f.createdAt).toISOString(),
    last_used_at: f.lastUsedAt === null ? null : new Date(f.lastUsedAt).toISOString(),
    confirmed: f.confirmedAt !== null,
  };
}

export function createMfaService(opts: MfaServiceOptions) {
  const { store, clock, audit, attempts } = opts;
  const challenges = createChallenges({ store, users: opts.users, clock });
  const totp = createTotpFactors({ store, clock, audit, masterKey: opts.masterKey, issuer: opts.issuer });
  const passkeys = createPasskeys({ store, challenges, clock, audit, relyingParty: opts.relyingParty });

  async function confirmedFactors(userId: string): Promise<FactorRecord[]> {
    return (await store.listFactors(userId)).filter((f) => f.confirmedAt !== null);
  }

  async function assertRoomForFactor(userId: string): Promise<FactorRecord[]> {
    const factors = await store.listFactors(userId);
    if (factors.length >= MAX_FACTORS_PER_USER) {
      throw fail({
        code: 'invalid_input',
        message: `at most ${MAX_FACTORS_PER_USER} factors per account; remove one first`,
      });
    }
    return factors;
  }

  async function methodsOf(userId: string): Promise<MfaMethod[]> {
    const factors = await confirmedFactors(userId);
    const methods: MfaMethod[] = [];
    if (factors.some((f) => f.type === 'totp')) methods.push('totp');
    if (factors.some((f) => f.type === 'webauthn')) methods.push('webauthn');
    if (methods.length > 0 && (await store.countUnusedRecoveryCodes(userId)) > 0) {
      methods.push('recovery_code');
    }
    return methods;
  }

  /** Checks one proof against the user's factors; returns the RFC 8176 values it adds. */
  async function checkProof(user: UserRecord, proof: FactorProof): Promise<string[]> {
    if (proof.method === 'totp') {
      if (await totp.check(await confirmedFactors(user.id), proof.code)) return ['otp'];
      throw invalidFactor();
    }
    if (proof.method === 'recovery_code') {
      const normalized = normalizeRecoveryCode(proof.code);
      const hash = normalized && hashRecoveryCode(user.id, normalized);
      if (hash && (await store.useRecoveryCode(user.id, hash, clock.now()))) {
        await audit.record('recovery_code_used', {
          sub: user.id,
          details: { remaining: await store.countUnusedRecoveryCodes(user.id) },
        });
        return ['otp'];
      }
      throw invalidFactor();
    }
    return [amrOfPasskey(await passkeys.check(proof.response, user.id))];
  }

  /**
   * Runs `attempt` under the per-user limit: the attempt is taken before the factor is checked
   * (parallel guesses cannot pass the limit), 429 once it is spent (even for a right code).
   */
  async function limited<T>(user: UserRecord, method: string, ip: string | null, attempt: () => Promise<T>) {
    const limit = await attempts.attempt(user.id);
    if (!limit.allowed) throw fail({ code: 'rate_limited', limit });
    try {
      const result = await attempt();
      await attempts.reset(user.id);
      return result;
    } catch (err) {
      if (!(err instanceof DomainError) || err.failure.code !== 'invalid_factor') throw err;
      await audit.record('mfa_failed', { sub: user.id, ip, details: { method } });
      throw err;
    }
  }

  return {
    relyingParty: opts.relyingParty,
    methodsOf,

    /**
     * After a correct password. Undefined: no second factor and none required, sign in now.
     * Otherwise the 401 body: `mfa_required` (complete with POST /v1/auth/mfa) or, for a user in
     * TESSERA_MFA_REQUIRED_ROLES without a factor, `mfa_enrollment_required` with a token that can
     * only enrol a factor (and completes sign-in when the factor is confirmed).
     */
    async passwordStep(
      user: UserRecord,
      refreshTokenInBody: boolean,
    ): Promise<PasswordStepOutcome | undefined> {
      const methods = await methodsOf(user.id);
      const data = { amr: ['pwd'], refresh_token_in_body: refreshTokenInBody };
      if (methods.length > 0) {
        const token = await challenges.issue('mfa_login', user.id, MFA_TOKEN_TTL_MS, data);
        return { error: 'mfa_required', mfa_token: token, methods, expires_in: MFA_TOKEN_TTL_MS / 1000 };
      }
      if (user.roles.some((r) => opts.requiredRoles.includes(r))) {
        const token = await challenges.issue('mfa_enrol', user.id, ENROLMENT_TOKEN_TTL_MS, data);
        return {
          error: 'mfa_enrollment_required',
          mfa_token: token,
          methods: ['totp', 'webauthn'],
          expires_in: ENROLMENT_TOKEN_TTL_MS / 1000,
        };
      }
      return undefined;
    },

    /** The live mfa_token of `kind` and its user, without spending it. */
    pending(token: string, kind: MfaTokenKind): Promise<{ challenge: ChallengeRecord; user: UserRecord }> {
      return challenges.pending(token, kind);
    },

    /** Spends the token once its step succeeded; a concurrent second use loses here. */
    spend(token: string, kind: MfaTokenKind): Promise<void> {
      return challenges.spend(token, kind);
    },

    /**
     * Checks a second factor for `user` under the per-user attempt limit: 429 once the limit is
     * reached (even for a right code), 401 invalid_factor for a wrong one. Returns the amr it adds.
     */
    verify(user: UserRecord, proof: FactorProof, ip: string | null): Promise<string[]> {
      return limited(user, proof.method, ip, () => checkProof(user, proof));
    },

    // ---- enrolment -------------------------------------------------------------------------

    async startTotp(user: UserRecord, name: string) {
      await assertRoomForFactor(user.id);
      return totp.start(user, name);
    },

    /** Confirms an enrolment with its first code (which is then spent like any other). */
    async confirmTotp(user: UserRecord, id: string, code: string): Promise<FactorRecord> {
      const factor = await totp.pendingFactor(user, id);
      await limited(user, 'totp', null, async () => {
        if (!(await totp.confirm(user, factor, code))) throw invalidFactor();
      });
      return { ...factor, confirmedAt: clock.now() };
    },

    async passkeyRegistrationOptions(user: UserRecord) {
      return passkeys.registrationOptions(user, await assertRoomForFactor(user.id));
    },

    registerPasskey(
      user: UserRecord,
      response: RegistrationResponseJSON,
      name: string,
    ): Promise<FactorRecord> {
      return passkeys.register(user, response, name);
    },

    /** Options for an assertion: bound to `user`'s passkeys, or open to any (passkey sign-in). */
    async assertionOptions(user: UserRecord | null) {
      const mine = user ? (await confirmedFactors(user.id)).filter((f) => f.type === 'webauthn') : undefined;
      return passkeys.assertionOptions(user, mine);
    },

    /** Passkey alone (discoverable credential with user verification): possession + PIN/biometric. */
    async passkeySignIn(response: AuthenticationResponseJSON): Promise<{ user: UserRecord; amr: string[] }> {
      const factor = await passkeys.check(response, null);
      const user = await opts.users.findById(factor.userId);
      if (!user || user.disabled) throw invalidFactor();
      return { user, amr: combineAmr([amrOfPasskey(factor)], ['user']) };
    },

    // ---- management ------------------------------------------------------------------------

    async list(userId: string) {
      return {
        factors: (await store.listFactors(userId)).map(publicFactor),
        recovery_codes_remaining: await store.countUnusedRecoveryCodes(userId),
      };
    },

    /** Whether removing `factorId` leaves the user without any confirmed factor. */
    async isLastFactor(userId: string, factorId: string): Promise<boolean> {
      const confirmed = await confirmedFactors(userId);
      return confirmed.length === 1 && confirmed[0]?.id === factorId;
    },

    /** Removes the factor (and, with the last one, the recovery codes); returns what was removed. */
    async remove(userId: string, factorId: string, ip: string | null): Promise<FactorRecord> {
      const factor = await store.getFactor(factorId);
      if (!factor || factor.userId !== userId) throw fail({ code: 'not_found' });
      const last = factor.confirmedAt !== null && (await confirmedFactors(userId)).length === 1;
      await store.deleteFactor(factorId);
      // Recovery codes only back up a factor; with none left they would be a bare password.
      if (last) await store.replaceRecoveryCodes(userId, [], clock.now());
      await audit.record('mfa_factor_removed', {
        sub: userId,
        ip,
        details: { type: factor.type, factor: factorId },
      });
      return factor;
    },

    /** Ten new codes, shown once; the old ones stop working. */
    async regenerateRecoveryCodes(userId: string, ip: string | null): Promise<string[]> {
      const codes = generateRecoveryCodes();
      const hashes = codes.map((c) => hashRecoveryCode(userId, normalizeRecoveryCode(c) as string));
      await store.replaceRecoveryCodes(userId, hashes, clock.now());
      await audit.record('recovery_codes_generated', { sub: userId, ip });
      return codes;
    },

    /** Admin: removes every factor and recovery code of the user, audited, and tells the user. */
    async adminReset(user: UserRecord, actor: string, ip: string | null): Promise<number> {
      const removed = await store.deleteAllForUser(user.id);
      let mailed = false;
      if (opts.notifyFactorReset) {
        await opts.notifyFactorReset(user);
        mailed = true;
      }
      await audit.record('mfa_factors_reset', { sub: user.id, actor, ip, details: { removed, mailed } });
      return removed;
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
