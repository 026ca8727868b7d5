export {
  CliError,
  type Command,
  type CommandEntry,
  EXIT_BAD,
  EXIT_OK,
  EXIT_USAGE,
  type Io,
  type LazyCommand,
  lazy,
  UsageError,
} from './command.js';
export { commands } from './commands/index.js';
export { createIo, globalHelp, main, version } from './main.js';
