// The command registry: main() dispatches on `name` (one or two words). To add a command, import
// it here and list it below; `tessera --help` shows them in this order.
import type { Command } from '../command.js';
import { keysGenerate } from './keys-generate.js';
import { migrate } from './migrate.js';
import { secretCheck } from './secret-check.js';
import { secretGenerate } from './secret-generate.js';
import { serve } from './serve.js';
import { tokenDecode } from './token-decode.js';
import { tokenExplain } from './token-explain.js';
import { tokenSign } from './token-sign.js';
import { tokenVerify } from './token-verify.js';

export const commands: readonly Command[] = [
  // serve, migrate, users ... (server engineer): add here.
  serve,
  migrate,
  keysGenerate,
  tokenDecode,
  tokenSign,
  tokenVerify,
  tokenExplain,
  secretGenerate,
  secretCheck,
];
