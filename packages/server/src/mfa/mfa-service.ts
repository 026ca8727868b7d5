// Second factors as one service: enrolment (TOTP, passkeys), recovery codes, checking a factor
// (rate-limited per user), the mfa_token that links the password step to the second step, passkey
// sign-in without a password, and the admin reset. Routes only parse input and call these.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../app-context.js';
import { ApiError } from '../errors.js';
import { seal, unseal } from '../keys/sealing.js';
import { rateLimited } from '../plugins/rate-limit-reply.js';
import type { AuditLog } from '../services/types.js';
import type { UserRecord, UserStore } from '../stores/types.js';
import { combineAmr } from './amr.js';
import type { MfaAttempts } from './mfa-attempts.js';
import type { ChallengeRecord, FactorRecord, MfaStore } from './mfa-store.js';
import {
  type ChallengeKind,
  challengeId,
  ENROLMENT_TOKEN_TTL_MS,
  isOpaqueTokenShape,
  MFA_TOKEN_TTL_MS,
  newOpaqueToken,
  WEBAUTHN_CHALLENGE_TTL_MS,
} from './mfa-tokens.js';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';
import { matchTotpStep, newTotpSecret, qrSvg, totpUri } from './totp.js';
import {
  type AuthenticationResponseJSON,
  amrOfPasskey,
  authenticationOptions,
  challengeOf,
  type RegistrationResponseJSON,
  type RelyingParty,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
} from './webauthn.js';

export type MfaMethod = 'totp' | 'webauthn' | 'recovery_code';

export type FactorProof =
  | { method: 'totp'; code: string }
  | { method: 'recovery_code'; code: string }
  | { method: 'webauthn'; response: AuthenticationResponseJSON };

/** Mails the user that an admin reset their factors (accounts/mail); absent → audited only. */
export type FactorResetNotifier = (user: UserRecord) => Promise<void>;

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
/** Expired challenges are swept at most this often, by whichever request makes a new one. */
const SWEEP_EVERY_MS = 10 * 60_000;

const invalidFactor = () => new ApiError('invalid_factor');
const invalidMfaToken = () => new ApiError('invalid_mfa_token');

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
  const rp = opts.relyingParty;
  const sealAad = (factorId: string) => `totp:${factorId}`;
  let lastSweep = 0;

  async function assertRoomForFactor(userId: string): Promise<FactorRecord[]> {
    const factors = await store.listFactors(userId);
    if (factors.length >= MAX_FACTORS_PER_USER) {
      throw new ApiError('invalid_request', {
        description: `at most ${MAX_FACTORS_PER_USER} factors per account; remove one first`,
      });
    }
    return factors;
  }

  async function confirmedFactors(userId: string): Promise<FactorRecord[]> {
    return (await store.listFactors(userId)).filter((f) => f.confirmedAt !== null);
  }

  async function methodsOf(userId: string): Promise<MfaMethod[]> {
    const factors = await confirmedFactors(userId);
    const methods: MfaMethod[] = [];
    if (factors.some((f) => f.type === 'totp')) methods.push('totp');
    if (factors.some((f) => f.type === 'webauthn')) methods.push('webauthn');
    if (methods.length > 0 && (await store.countUnusedRecoveryCodes(userId)) > 0)
      methods.push('recovery_code');
    return methods;
  }

  async function newChallenge(
    kind: ChallengeKind,
    userId: string | null,
    ttlMs: number,
    data: Record<string, unknown> = {},
    value = newOpaqueToken(),
  ): Promise<string> {
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
  }

  /** Checks one proof against the user's factors; returns the RFC 8176 values it adds. */
  async function checkProof(user: UserRecord, proof: FactorProof): Promise<string[]> {
    const now = clock.now();
    if (proof.method === 'totp') {
      for (const f of await confirmedFactors(user.id)) {
        if (f.type !== 'totp' || f.secretEnc === null) continue;
        const step = matchTotpStep(unseal(f.secretEnc, opts.masterKey, sealAad(f.id)), proof.code, now);
        // A matching code whose step was already used (replay) is refused like a wrong one.
        if (step !== null && (await store.useTotpStep(f.id, step, now))) return ['otp'];
      }
      throw invalidFactor();
    }
    if (proof.method === 'recovery_code') {
      const normalized = normalizeRecoveryCode(proof.code);
      if (normalized && (await store.useRecoveryCode(user.id, hashRecoveryCode(user.id, normalized), now))) {
        await audit.record('recovery_code_used', {
          sub: user.id,
          details: { remaining: await store.countUnusedRecoveryCodes(user.id) },
        });
        return ['otp'];
      }
      throw invalidFactor();
    }
    const { factor } = await checkAssertion(proof.response, user.id);
    return [amrOfPasskey(factor)];
  }

  /** Verifies an assertion (of `userId`, or of anyone for passkey sign-in) and moves its counter. */
  async function checkAssertion(
    response: AuthenticationResponseJSON,
    userId: string | null,
  ): Promise<{ factor: FactorRecord }> {
    const challenge = challengeOf(response);
    if (challenge === undefined) throw invalidFactor();
    const now = clock.now();
    // The challenge is spent whatever happens next: one assertion per challenge.
    const row = await store.consumeChallenge(challengeId(challenge), 'webauthn_auth', now);
    if (!row || (row.userId !== null && row.userId !== userId)) throw invalidFactor();
    if (typeof response.id !== 'string' || response.id.length > 1024) throw invalidFactor();
    const factor = await store.findByCredentialId(response.id);
    if (!factor || factor.confirmedAt === null || (userId !== null && factor.userId !== userId)) {
      throw invalidFactor();
    }
    let counter: number;
    try {
      counter = await verifyAssertion(rp, response, challenge, factor);
    } catch (err) {
      throw new ApiError('invalid_factor', { cause: err });
    }
    // Conditional update: two assertions racing with the same counter value cannot both pass.
    if (!(await store.useCredential(factor.id, factor.counter ?? 0, counter, now))) throw invalidFactor();
    return { factor };
  }

  return {
    relyingParty: rp,
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
        const token = await newChallenge('mfa_login', user.id, MFA_TOKEN_TTL_MS, data);
        return { error: 'mfa_required', mfa_token: token, methods, expires_in: MFA_TOKEN_TTL_MS / 1000 };
      }
      if (user.roles.some((r) => opts.requiredRoles.includes(r))) {
        const token = await newChallenge('mfa_enrol', user.id, ENROLMENT_TOKEN_TTL_MS, data);
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
    async pending(
      token: string,
      kind: 'mfa_login' | 'mfa_enrol',
    ): Promise<{ challenge: ChallengeRecord; user: UserRecord }> {
      if (!isOpaqueTokenShape(token)) throw invalidMfaToken();
      const challenge = await store.getChallenge(challengeId(token), kind, clock.now());
      if (!challenge?.userId) throw invalidMfaToken();
      const user = await opts.users.findById(challenge.userId);
      if (!user || user.disabled) throw invalidMfaToken();
      return { challenge, user };
    },

    /** Spends the token once its step succeeded; a concurrent second use loses here. */
    async spend(token: string, kind: 'mfa_login' | 'mfa_enrol'): Promise<void> {
      if (!(await store.consumeChallenge(challengeId(token), kind, clock.now()))) throw invalidMfaToken();
    },

    /**
     * Checks a second factor for `user` under the per-user attempt limit: 429 once the limit is
     * reached (even for a right code), 401 invalid_factor for a wrong one. Returns the amr it adds.
     */
    async verify(user: UserRecord, proof: FactorProof, ip: string | null): Promise<string[]> {
      const limit = await attempts.check(user.id);
      if (!limit.allowed) throw rateLimited(limit);
      try {
        const amr = await checkProof(user, proof);
        await attempts.reset(user.id);
        return amr;
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 'invalid_factor') throw err;
        const after = await attempts.failed(user.id);
        await audit.record('mfa_failed', { sub: user.id, ip, details: { method: proof.method } });
        if (!after.allowed) throw rateLimited(after);
        throw err;
      }
    },

    // ---- enrolment -------------------------------------------------------------------------

    async startTotp(user: UserRecord, name: string) {
      await assertRoomForFactor(user.id);
      const id = `f_${randomBytes(12).toString('base64url')}`;
      const secret = newTotpSecret();
      await store.insertFactor({
        id,
        userId: user.id,
        type: 'totp',
        name,
        createdAt: clock.now(),
        confirmedAt: null,
        secretEnc: seal(secret, opts.masterKey, sealAad(id)),
        credentialId: null,
        publicKey: null,
        counter: null,
        transports: [],
        deviceType: null,
      });
      const uri = totpUri(secret, new URL(opts.issuer).host, user.email);
      return { id, otpauth_uri: uri, qr_svg: await qrSvg(uri) };
    },

    /** Confirms an enrolment with its first code (which is then spent like any other). */
    async confirmTotp(user: UserRecord, id: string, code: string): Promise<FactorRecord> {
      const factor = await store.getFactor(id);
      if (!factor || factor.userId !== user.id || factor.type !== 'totp' || factor.secretEnc === null) {
        throw new ApiError('not_found');
      }
      if (factor.confirmedAt !== null)
        throw new ApiError('invalid_request', { description: 'already confirmed' });
      const limit = await attempts.check(user.id);
      if (!limit.allowed) throw rateLimited(limit);
      const now = clock.now();
      const step = matchTotpStep(unseal(factor.secretEnc, opts.masterKey, sealAad(id)), code, now);
      if (step === null || !(await store.useTotpStep(id, step, now))) {
        const after = await attempts.failed(user.id);
        if (!after.allowed) throw rateLimited(after);
        throw invalidFactor();
      }
      await attempts.reset(user.id);
      await store.confirmFactor(id, now);
      await audit.record('mfa_factor_added', { sub: user.id, details: { type: 'totp', factor: id } });
      return { ...factor, confirmedAt: now };
    },

    async passkeyRegistrationOptions(user: UserRecord) {
      const options = await registrationOptions(rp, user, await assertRoomForFactor(user.id));
      await newChallenge('webauthn_register', user.id, WEBAUTHN_CHALLENGE_TTL_MS, {}, options.challenge);
      return options;
    },

    async registerPasskey(
      user: UserRecord,
      response: RegistrationResponseJSON,
      name: string,
    ): Promise<FactorRecord> {
      const challenge = challengeOf(response);
      const row =
        challenge === undefined
          ? undefined
          : await store.consumeChallenge(challengeId(challenge), 'webauthn_register', clock.now());
      if (!row || row.userId !== user.id || challenge === undefined) throw invalidFactor();
      let verified: Awaited<ReturnType<typeof verifyRegistration>>;
      try {
        verified = await verifyRegistration(rp, response, challenge);
      } catch (err) {
        throw new ApiError('invalid_factor', { cause: err });
      }
      if (await store.findByCredentialId(verified.credentialId)) {
        throw new ApiError('invalid_request', { description: 'this passkey is already registered' });
      }
      const now = clock.now();
      const factor = await store.insertFactor({
        id: `f_${randomBytes(12).toString('base64url')}`,
        userId: user.id,
        type: 'webauthn',
        name,
        createdAt: now,
        confirmedAt: now,
        secretEnc: null,
        credentialId: verified.credentialId,
        publicKey: verified.publicKey,
        counter: verified.counter,
        transports: verified.transports,
        deviceType: verified.deviceType,
      });
      await audit.record('mfa_factor_added', {
        sub: user.id,
        details: { type: 'webauthn', factor: factor.id },
      });
      return factor;
    },

    /** Options for an assertion: bound to `user`'s passkeys, or open to any (passkey sign-in). */
    async assertionOptions(user: UserRecord | null) {
      const passkeys = user
        ? (await confirmedFactors(user.id)).filter((f) => f.type === 'webauthn')
        : undefined;
      if (passkeys && passkeys.length === 0) {
        throw new ApiError('invalid_request', { description: 'no passkey is registered for this account' });
      }
      const options = await authenticationOptions(rp, passkeys);
      await newChallenge('webauthn_auth', user?.id ?? null, WEBAUTHN_CHALLENGE_TTL_MS, {}, options.challenge);
      return options;
    },

    /** Passkey alone (discoverable credential with user verification): possession + PIN/biometric. */
    async passkeySignIn(response: AuthenticationResponseJSON): Promise<{ user: UserRecord; amr: string[] }> {
      const { factor } = await checkAssertion(response, null);
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

    async remove(userId: string, factorId: string, ip: string | null): Promise<void> {
      const factor = await store.getFactor(factorId);
      if (!factor || factor.userId !== userId) throw new ApiError('not_found');
      const last = factor.confirmedAt !== null && (await confirmedFactors(userId)).length === 1;
      await store.deleteFactor(factorId);
      // Recovery codes only back up a factor; with none left they would be a bare password.
      if (last) await store.replaceRecoveryCodes(userId, [], clock.now());
      await audit.record('mfa_factor_removed', {
        sub: userId,
        ip,
        details: { type: factor.type, factor: factorId },
      });
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
