// TOTP as a factor: enrolment (a sealed secret, an otpauth:// URI and its QR code), confirmation by
// a first code, and checking a code against the user's confirmed TOTP factors. Each accepted time
// step is recorded atomically, so a code works once; secrets are sealed under the master key with
// the factor id as associated data (a sealed secret cannot be moved to another row).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../app-context.js';
import { seal, unseal } from '../keys/sealing.js';
import { fail } from '../services/domain-error.js';
import type { AuditLog } from '../services/types.js';
import type { UserRecord } from '../stores/types.js';
import type { FactorRecord, MfaStore } from './mfa-store.js';
import { matchTotpStep, newTotpSecret, qrSvg, totpUri } from './totp.js';

export function createTotpFactors(opts: {
  store: MfaStore;
  clock: Clock;
  audit: AuditLog;
  masterKey: Buffer;
  issuer: string;
}) {
  const { store, clock, audit } = opts;
  const aad = (factorId: string) => `totp:${factorId}`;
  const secretOf = (f: FactorRecord) => unseal(f.secretEnc as string, opts.masterKey, aad(f.id));

  /** True when `code` matches `factor` in the drift window at a step not used before. */
  async function use(factor: FactorRecord, code: string): Promise<boolean> {
    const now = clock.now();
    const step = matchTotpStep(secretOf(factor), code, now);
    // A matching code whose step was already used (replay) is refused like a wrong one.
    return step !== null && (await store.useTotpStep(factor.id, step, now));
  }

  return {
    async start(user: UserRecord, name: string) {
      const id = `f_${randomBytes(12).toString('base64url')}`;
      const secret = newTotpSecret();
      await store.insertFactor({
        id,
        userId: user.id,
        type: 'totp',
        name,
        createdAt: clock.now(),
        confirmedAt: null,
        secretEnc: seal(secret, opts.masterKey, aad(id)),
        credentialId: null,
        publicKey: null,
        counter: null,
        transports: [],
        deviceType: null,
      });
      const uri = totpUri(secret, new URL(opts.issuer).host, user.email);
      return { id, otpauth_uri: uri, qr_svg: await qrSvg(uri) };
    },

    /** The unconfirmed TOTP factor `id` of `user`; 404 otherwise, 400 if already confirmed. */
    async pendingFactor(user: UserRecord, id: string): Promise<FactorRecord> {
      const factor = await store.getFactor(id);
      if (!factor || factor.userId !== user.id || factor.type !== 'totp' || factor.secretEnc === null) {
        throw fail({ code: 'not_found' });
      }
      if (factor.confirmedAt !== null) {
        throw fail({ code: 'invalid_input', message: 'already confirmed' });
      }
      return factor;
    },

    /** Confirms with a first code; false when the code does not match. */
    async confirm(user: UserRecord, factor: FactorRecord, code: string): Promise<boolean> {
      if (!(await use(factor, code))) return false;
      await store.confirmFactor(factor.id, clock.now());
      await audit.record('mfa_factor_added', { sub: user.id, details: { type: 'totp', factor: factor.id } });
      return true;
    },

    /** Whether `code` is good for one of the confirmed TOTP factors (and spends its step). */
    async check(factors: FactorRecord[], code: string): Promise<boolean> {
      for (const f of factors) {
        if (f.type === 'totp' && f.secretEnc !== null && f.confirmedAt !== null && (await use(f, code)))
          return true;
      }
      return false;
    },
  };
}
