// `tessera secret check`: the same rule the server applies to TESSERA_HS_SECRET and
// TESSERA_MASTER_KEY in production (core's checkSecretStrength). Never prints the secret.
import { checkSecretStrength } from '@tessera/core';
import { type Command, EXIT_BAD, EXIT_OK, UsageError } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';
import { readFileOrFail, readStdin, withoutTrailingNewline } from '../lib/input.js';

export const secretCheck: Command = {
  name: 'secret check',
  summary: 'say whether a secret is strong enough (32+ random bytes, not a known value)',
  usage: `Usage: tessera secret check VALUE|- [--json]
       tessera secret check --file FILE [--json]

Checks a secret: at least 32 bytes of material (hex and base64/base64url text count decoded),
random-looking (no repeats, runs or low entropy), and not a well-known value such as "secret",
"changeme" or "your-256-bit-secret", even padded or repeated. Prefer - or --file: a secret on
the command line lands in your shell history (and a VALUE that starts with '-' goes after --:
tessera secret check -- VALUE). One trailing newline of stdin or FILE is dropped.

Options:
  --file FILE   read the secret from FILE
  --json        print {"ok", "reasons"}

Exit codes: 0 strong, 1 weak (the reasons are printed), 2 usage error.

Example:
  tessera secret generate | tessera secret check -`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      file: { type: 'string' },
      json: { type: 'boolean' },
    });
    const arg = onePositional(positionals, 'secret');
    if (arg !== undefined && values.file !== undefined)
      throw new UsageError('give the secret or --file, not both');
    if (arg === undefined && values.file === undefined) {
      throw new UsageError('a secret is required: VALUE, - (stdin) or --file FILE');
    }
    const bytes =
      values.file !== undefined
        ? withoutTrailingNewline(readFileOrFail(values.file, '--file'))
        : arg === '-'
          ? withoutTrailingNewline(await readStdin(io))
          : Buffer.from(arg!, 'utf8');
    const result = checkSecretStrength(asText(bytes) ?? new Uint8Array(bytes));
    if (values.json) io.out(JSON.stringify(result));
    else if (result.ok) io.out('strong: the secret passes every check');
    else io.out(['weak:', ...result.reasons.map((r) => `  - ${r}`)].join('\n'));
    return result.ok ? EXIT_OK : EXIT_BAD;
  },
};

/** Printable UTF-8 text is judged as text (so hex/base64 decode); anything else as raw bytes. */
function asText(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes) && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text))
    return text;
  return undefined;
}
