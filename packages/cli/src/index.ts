export { CliError, type Command, EXIT_BAD, EXIT_OK, EXIT_USAGE, type Io, UsageError } from './command.js';
export { commands } from './commands/index.js';
export { createIo, globalHelp, main, version } from './main.js';
