// The pino logger: JSON lines, with credentials redacted wherever they could appear (headers,
// bodies, error details). Tests pass a destination stream to capture and inspect the output.
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config/config.js';

/** Paths pino censors. `*` matches one level, so common nestings are listed explicitly. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.secret',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'body.password',
  'body.refresh_token',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'tessera' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
}
