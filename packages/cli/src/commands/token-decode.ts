// `tessera token decode`: shows a token's header and payload WITHOUT checking its signature.
import { decodeToken } from '@tessera/core';
import { type Command, EXIT_OK } from '../command.js';
import { onePositional, parseOptions } from '../lib/args.js';
import { readToken } from '../lib/input.js';
import { nowSeconds } from '../lib/time.js';
import { claimDates, dateLines, printSection } from '../lib/token-output.js';
import { reportInvalid } from '../lib/token-result.js';

export const tokenDecode: Command = {
  name: 'token decode',
  summary: 'show a token’s header and claims (no signature check)',
  usage: `Usage: tessera token decode TOKEN|- [--json]

Prints the header and payload of a JWS compact token, with readable dates for iat, nbf and exp.
The signature is NOT verified: anyone can make a token that decodes. Use 'tessera token verify'.

Arguments:
  TOKEN        the token, or - to read it from stdin (surrounding whitespace ignored)

Options:
  --json       print {"verified": false, "header", "payload", "dates"}

Exit codes: 0 decoded, 1 not a well-formed token, 2 usage error.

Example:
  tessera token decode eyJhbGciOiJFUzI1NiIs...
  pbpaste | tessera token decode -`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' } });
    const token = await readToken(onePositional(positionals, 'token'), io);
    let decoded: ReturnType<typeof decodeToken>;
    try {
      decoded = decodeToken(token);
    } catch (err) {
      return reportInvalid(err, io, values.json === true);
    }
    const { header, payload, signature } = decoded;
    if (values.json) {
      io.out(JSON.stringify({ verified: false, header, payload, dates: claimDates(payload) }, null, 2));
      return EXIT_OK;
    }
    printSection(io, 'Header', header);
    printSection(io, 'Payload', payload);
    const dates = dateLines(payload, nowSeconds());
    if (dates.length > 0) io.out(['Dates:', ...dates].join('\n'));
    io.out(
      `Signature: ${signature.length} bytes, NOT verified (decode never checks it; use 'tessera token verify')`,
    );
    return EXIT_OK;
  },
};
