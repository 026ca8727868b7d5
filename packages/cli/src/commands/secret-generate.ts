// `tessera secret generate`: random bytes for TESSERA_HS_SECRET, TESSERA_MASTER_KEY or an HS* key.
import { randomBytes } from 'node:crypto';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { onePositional, parseCount, parseOptions } from '../lib/args.js';

const ENCODINGS = ['base64url', 'hex', 'base64'] as const;
type Encoding = (typeof ENCODINGS)[number];

export const secretGenerate: Command = {
  name: 'secret generate',
  summary: 'print a new random secret (32 bytes, base64url by default)',
  usage: `Usage: tessera secret generate [--bytes 32] [--encoding base64url|hex|base64] [--json]

Prints a secret made of --bytes random bytes from the operating system's CSPRNG.

Options:
  --bytes N        how many random bytes (default 32; at least 32 for a JWT or master key; max 4096)
  --encoding ENC   base64url (default), hex or base64
  --json           print {"secret", "bytes", "encoding"}

Example:
  TESSERA_HS_SECRET=$(tessera secret generate)`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      bytes: { type: 'string' },
      encoding: { type: 'string' },
      json: { type: 'boolean' },
    });
    onePositional(positionals, 'argument', 0);
    const bytes = parseCount(values.bytes, 'bytes', 32);
    if (bytes < 1 || bytes > 4096) throw new UsageError('--bytes must be between 1 and 4096');
    const encoding = (values.encoding ?? 'base64url') as Encoding;
    if (!ENCODINGS.includes(encoding)) {
      throw new UsageError(`--encoding must be one of ${ENCODINGS.join(', ')}, got '${encoding}'`);
    }
    const secret = randomBytes(bytes).toString(encoding);
    if (bytes < 32) io.err(`tessera: warning: ${bytes} bytes is below the 32 that a signing secret needs`);
    io.out(values.json ? JSON.stringify({ secret, bytes, encoding }) : secret);
    return EXIT_OK;
  },
};
