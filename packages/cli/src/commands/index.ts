// The command registry: main() dispatches on `name` (one or two words). To add a command, import
// it here and list it below; `tessera --help` shows them in this order.
import type { Command } from '../command.js';
import { secretGenerate } from './secret-generate.js';

export const commands: readonly Command[] = [
  // serve, migrate, users ... (server engineer): add here.
  secretGenerate,
];
