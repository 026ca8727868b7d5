// Settings that start fine but are unsafe for production. `tessera config check` lists them, and
// `tessera serve` logs each as a warning at start-up in production. Outright errors (a missing or
// weak secret in production) are not here: loadConfig refuses those.
import type { Config } from './config.js';

export interface UnsafeSetting {
  /** The variable to change. */
  variable: string;
  /** What is wrong and what to set instead (never the value of a secret). */
  problem: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const ANY_ADDRESS = new Set(['0.0.0.0/0', '::/0', '0.0.0.0', '::']);

export function productionWarnings(config: Config): UnsafeSetting[] {
  const out: UnsafeSetting[] = [];
  const issuer = new URL(config.issuer);
  if (issuer.protocol !== 'https:') {
    out.push({
      variable: 'TESSERA_ISSUER',
      problem: `is ${issuer.origin}: tokens, passwords and the refresh cookie would cross the network unencrypted; serve the auth server over https and set an https:// issuer`,
    });
  }
  if (!config.cookieSecure) {
    out.push({
      variable: 'TESSERA_COOKIE_SECURE',
      problem:
        'is false: browsers send the refresh cookie over plain http too; remove it (Secure is the default)',
    });
  }
  for (const origin of config.allowedOrigins) {
    if (origin.startsWith('http:') && !LOOPBACK_HOSTS.has(new URL(origin).host.replace(/:\d+$/, ''))) {
      out.push({
        variable: 'TESSERA_ALLOWED_ORIGINS',
        problem: `lists ${origin}: a page served over plain http can be altered in transit to use the refresh cookie; list https origins only`,
      });
    }
  }
  for (const proxy of config.trustedProxies) {
    if (ANY_ADDRESS.has(proxy)) {
      out.push({
        variable: 'TESSERA_TRUSTED_PROXIES',
        problem: `includes ${proxy}: any client can forge X-Forwarded-For and escape the per-IP rate limits; list only your proxies' addresses`,
      });
    }
  }
  if (config.logLevel === 'debug' || config.logLevel === 'trace') {
    out.push({
      variable: 'TESSERA_LOG_LEVEL',
      problem: `is ${config.logLevel}: verbose logs record request details; use info or warn in production`,
    });
  }
  return out;
}
