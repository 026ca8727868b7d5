// A human label for a session's device, parsed from the User-Agent ("Chrome 120 on Mac OS").
import { UAParser } from 'ua-parser-js';

/** Longest User-Agent kept; longer ones are cut so a client cannot bloat the sessions table. */
export const MAX_USER_AGENT_LENGTH = 512;

export function truncateUserAgent(userAgent: string | undefined): string {
  return (userAgent ?? '').slice(0, MAX_USER_AGENT_LENGTH);
}

export function describeDevice(userAgent: string | undefined): string {
  const ua = truncateUserAgent(userAgent);
  if (ua === '') return 'Unknown device';
  const result = new UAParser(ua).getResult();
  const browser = result.browser.name
    ? `${result.browser.name}${result.browser.major ? ` ${result.browser.major}` : ''}`
    : undefined;
  const os = result.os.name
    ? `${result.os.name}${result.os.version ? ` ${result.os.version}` : ''}`
    : undefined;
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return os;
  // Non-browser clients (curl/8.5, okhttp/4): the product token is the most useful label.
  const product = /^[A-Za-z][\w.-]{0,40}(\/[\w.-]{1,20})?/.exec(ua)?.[0];
  return product ?? 'Unknown device';
}
