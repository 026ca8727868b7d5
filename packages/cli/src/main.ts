// Entry point: dispatches `tessera <word> [<word>] ...` to a registered command and maps every
// failure to one line on stderr and an exit code (0 ok, 1 bad, 2 usage). Never prints a stack trace.
import { readFileSync } from 'node:fs';
import { CliError, type CommandEntry, EXIT_BAD, EXIT_OK, EXIT_USAGE, type Io } from './command.js';
import { commands } from './commands/index.js';

export function createIo(): Io {
  // A reader that stops early (`tessera ... | head -1`) closes the pipe: that is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
  };
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: string[], io: Io = createIo()): Promise<number> {
  const [first, second] = argv;
  if (first === undefined) {
    io.err(globalHelp());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.out(globalHelp());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    io.out(version());
    return EXIT_OK;
  }
  const two = second === undefined ? undefined : find(`${first} ${second}`);
  const entry = two ?? find(first);
  if (entry === undefined) return unknownCommand(first, second, io);
  const rest = argv.slice(entry.name.split(' ').length);
  try {
    const command = 'load' in entry ? await entry.load() : entry;
    if (wantsHelp(rest)) {
      io.out(command.usage.trimEnd());
      return EXIT_OK;
    }
    return await command.run(rest, io);
  } catch (err) {
    return report(err, io);
  }
}

function find(name: string): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}

/** `--help` or `-h` before a `--` separator asks for the command's help. */
function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  return head.includes('--help') || head.includes('-h');
}

function unknownCommand(first: string, second: string | undefined, io: Io): number {
  const group = commands.filter((c) => c.name.startsWith(`${first} `));
  if (group.length === 0) {
    io.err(`tessera: unknown command '${first}' (see tessera --help)`);
    return EXIT_USAGE;
  }
  if (second === '--help' || second === '-h') {
    io.out(groupHelp(first, group));
    return EXIT_OK;
  }
  if (second === undefined) io.err(`tessera: ${first} needs a subcommand`);
  else io.err(`tessera: unknown command '${first} ${second}' (see tessera ${first} --help)`);
  io.err(groupHelp(first, group));
  return EXIT_USAGE;
}

function report(err: unknown, io: Io): number {
  if (err instanceof CliError) {
    io.err(`tessera: ${err.message}`);
    return err.exitCode;
  }
  // A TesseraError that escaped a command still names its code; anything else is unexpected.
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  io.err(`tessera: ${typeof code === 'string' ? `${code}: ` : ''}${message}`);
  if (io.env.TESSERA_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
  return EXIT_BAD;
}

function table(list: readonly CommandEntry[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
}

function groupHelp(group: string, list: readonly CommandEntry[]): string {
  return `Usage: tessera ${group} <command> [options]\n\nCommands:\n${table(list)}\n\nRun 'tessera ${group} <command> --help' for its options.`;
}

export function globalHelp(): string {
  return [
    'Usage: tessera <command> [options]',
    '',
    'Self-hosted JWT authentication: auth server, keys, tokens and secrets.',
    '',
    'Commands:',
    table(commands),
    '',
    'Options:',
    '  -h, --help     show help (also after any command)',
    '  -V, --version  print the version',
    '',
    'Exit codes: 0 success, 1 the thing checked is bad (invalid token, weak secret), 2 usage or',
    "configuration error. Run 'tessera <command> --help' for a command's options.",
  ].join('\n');
}
