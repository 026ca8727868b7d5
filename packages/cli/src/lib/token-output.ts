// Printing a decoded or verified token for people: pretty JSON plus readable NumericDates.
import type { Io } from '../command.js';
import { describeDate } from './time.js';

const DATE_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time'] as const;

/** `{ exp: "2026-…Z", ... }` for the NumericDate claims that are numbers. */
export function claimDates(payload: Record<string, unknown>): Record<string, string> {
  const dates: Record<string, string> = {};
  for (const name of DATE_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'number' && Number.isFinite(value))
      dates[name] = new Date(value * 1000).toISOString();
  }
  return dates;
}

/** Lines like `  exp  2026-11-23T17:12:00Z (in 14 minutes)`. */
export function dateLines(payload: Record<string, unknown>, now: number): string[] {
  const lines: string[] = [];
  for (const name of DATE_CLAIMS) {
    const value = payload[name];
    if (typeof value === 'number' && Number.isFinite(value))
      lines.push(`  ${name.padEnd(9)} ${describeDate(value, now)}`);
  }
  return lines;
}

export function printSection(io: Io, title: string, value: unknown): void {
  io.out(`${title}:`);
  io.out(JSON.stringify(value, null, 2));
}
