// Passkeys as factors: registration (several per user, each named), assertion options bound to a
// user or open to any passkey (usernameless sign-in), and checking an assertion — its challenge
// spent once, its credential still registered and the user's, and its signature counter moved
// forward by compare-and-set (a counter that stands still or goes back is a cloned authenticator).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../app-context.js';
import { fail } from '../services/domain-error.js';
import type { AuditLog } from '../services/types.js';
import type { UserRecord } from '../stores/types.js';
import type { Challenges } from './challenges.js';
import type { FactorRecord, MfaStore } from './mfa-store.js';
import { WEBAUTHN_CHALLENGE_TTL_MS } from './mfa-tokens.js';
import {
  type AuthenticationResponseJSON,
  authenticationOptions,
  challengeOf,
  type RegistrationResponseJSON,
  type RelyingParty,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
} from './webauthn.js';

export function createPasskeys(opts: {
  store: MfaStore;
  challenges: Challenges;
  clock: Clock;
  audit: AuditLog;
  relyingParty: RelyingParty;
}) {
  const { store, challenges, clock, audit } = opts;
  const rp = opts.relyingParty;
  const invalidFactor = (cause?: unknown) =>
    Object.assign(fail({ code: 'invalid_factor' }), cause === undefined ? {} : { cause });

  return {
    /** Options for navigator.credentials.create; `existing` are excluded (no double registration). */
    async registrationOptions(user: UserRecord, existing: FactorRecord[]) {
      const options = await registrationOptions(rp, user, existing);
      await challenges.issue('webauthn_register', user.id, WEBAUTHN_CHALLENGE_TTL_MS, {}, options.challenge);
      return options;
    },

    async register(
      user: UserRecord,
      response: RegistrationResponseJSON,
      name: string,
    ): Promise<FactorRecord> {
      const challenge = challengeOf(response);
      const row =
        challenge === undefined ? undefined : await challenges.consume(challenge, 'webauthn_register');
      if (!row || row.userId !== user.id || challenge === undefined) throw invalidFactor();
      let verified: Awaited<ReturnType<typeof verifyRegistration>>;
      try {
        verified = await verifyRegistration(rp, response, challenge);
      } catch (err) {
        throw invalidFactor(err);
      }
      if (await store.findByCredentialId(verified.credentialId)) {
        throw fail({ code: 'invalid_input', message: 'this passkey is already registered' });
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

    /** Options for navigator.credentials.get: the user's passkeys, or any (`user` null). */
    async assertionOptions(user: UserRecord | null, passkeys: FactorRecord[] | undefined) {
      if (passkeys && passkeys.length === 0) {
        throw fail({ code: 'invalid_input', message: 'no passkey is registered for this account' });
      }
      const options = await authenticationOptions(rp, passkeys);
      await challenges.issue(
        'webauthn_auth',
        user?.id ?? null,
        WEBAUTHN_CHALLENGE_TTL_MS,
        {},
        options.challenge,
      );
      return options;
    },

    /** Verifies an assertion by `userId`'s passkey (any user's when null); returns the passkey. */
    async check(response: AuthenticationResponseJSON, userId: string | null): Promise<FactorRecord> {
      const challenge = challengeOf(response);
      if (challenge === undefined) throw invalidFactor();
      // The challenge is spent whatever happens next: one assertion per challenge.
      const row = await challenges.consume(challenge, 'webauthn_auth');
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
        throw invalidFactor(err);
      }
      // Conditional update: two assertions racing with the same counter value cannot both pass.
      if (!(await store.useCredential(factor.id, factor.counter ?? 0, counter, clock.now()))) {
        throw invalidFactor();
      }
      return factor;
    },
  };
}

export type Passkeys = ReturnType<typeof createPasskeys>;
