/**
 * `singgah` — the authority operator's CLI (bin/singgah.mjs loads this through tsx).
 *
 *   singgah [--data-dir DIR] [--passphrase-file F] <group> <command> …
 *
 * This file maps command words to the commands of each group (one file per group: keys.ts, bundle.ts, venue.ts,
 * cert.ts, case.ts, notice.ts, report.ts, retention.ts, trust.ts, qr.ts; demo-init in demo.ts) and prints help; kit.ts holds
 * what the commands share. `singgah --help` lists them all; every command has --help.
 *
 * Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error. Never prints a secret key or a stack
 * trace (SINGGAH_DEBUG=1 shows stacks).
 */
import { parseArgs } from 'node:util';
import { DbLockedError } from '../db';
import { AuthorityError } from '../errors';
import { BUNDLE } from './bundle';
import { CASE } from './case';
import { CERT } from './cert';
import { DCC } from './dcc';
import { DEMO_INIT } from './demo';
import { KEYS } from './keys';
import {
  type Command,
  type CommandGroup,
  commandContext,
  GLOBAL_OPTIONS,
  type Io,
  type OptionSpec,
  parseCommandLine,
  parseError,
  UsageError,
} from './kit';
import { NOTICE } from './notice';
import { QR } from './qr';
import { REPORT } from './report';
import { RETENTION } from './retention';
import { RULES } from './rules';
import { TRUST } from './trust';
import { VENUE } from './venue';

const GLOBAL_HELP = `Global options:
  --data-dir DIR           authority data directory (keys/, published/, db/); default .data
  --passphrase-file FILE   passphrase for encrypted key files (first line of FILE); new keys are
                           written encrypted with it. Or set SINGGAH_PASSPHRASE. Never printed.
  -h, --help               show help`;

// In `singgah --help` order: related commands sit together, demo-init last.
const GROUPS: readonly CommandGroup[] = [
  KEYS,
  BUNDLE,
  VENUE,
  CERT,
  CASE,
  NOTICE,
  REPORT,
  RETENTION,
  TRUST,
  QR,
  RULES,
  DCC,
];
const COMMANDS: readonly Command[] = [...GROUPS.flatMap((g) => g.commands), DEMO_INIT];
const groupNamed = (name: string) => GROUPS.find((g) => g.name === name);

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `singgah — the Singgah authority CLI

Usage: singgah [--data-dir DIR] <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${GLOBAL_HELP}

Run \`singgah <command> --help\` for a command's options.`;
}

function groupHelp(group: CommandGroup): string {
  return `singgah ${group.name} — ${group.summary}

Usage: singgah ${group.name} <command> [options]

Commands:
${group.commands.map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n')}

${GLOBAL_HELP}`;
}

const commandHelp = (c: Command) => `Usage: ${c.usage}

${c.summary[0].toUpperCase()}${c.summary.slice(1)}.

${c.details}

${GLOBAL_HELP}`;

const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options));

/** Runs one command line and returns its exit code; `io` is the process's stdout and stderr unless a test's. */
export async function runCli(
  argv: readonly string[],
  io: Io = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Promise<number> {
  const out = (line = '') => io.out(`${line}\n`);
  let commandName: string | undefined;
  try {
    // Pass 1 (lenient): find the command words among the positionals.
    let loose: ReturnType<typeof parseArgs>;
    try {
      loose = parseArgs({ args: [...argv], options: ALL_OPTIONS, strict: false, allowPositionals: true });
    } catch (e) {
      parseError(e);
    }
    const words = loose.positionals;
    if (words[0] === 'help') {
      const rest = words.slice(1).join(' ');
      const target = COMMANDS.find((c) => c.name === rest);
      const group = groupNamed(rest);
      out(target ? commandHelp(target) : group ? groupHelp(group) : mainHelp());
      return 0;
    }
    const command = COMMANDS.find((c) => c.name.split(' ').every((w, i) => words[i] === w));
    if (!command) {
      // A group alone (`singgah keys`) or nothing: help, and exit 2 unless help was asked for.
      const group = words.length === 1 ? groupNamed(words[0]) : undefined;
      if (words.length > 0 && !group) throw new UsageError(`unknown command "${words.slice(0, 2).join(' ')}"`);
      out(group ? groupHelp(group) : mainHelp());
      return loose.values.help ? 0 : 2;
    }
    commandName = command.name;
    if (loose.values.help) {
      out(commandHelp(command));
      return 0;
    }
    // Pass 2 (strict): only this command's options.
    const parsed = parseCommandLine(argv, command);
    await command.run(parsed.values, parsed.positionals, commandContext(parsed.values, io));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      const target = e.command ?? commandName;
      io.err(`singgah: ${e.message}\n`);
      io.err(
        target
          ? `Usage: ${COMMANDS.find((c) => c.name === target)?.usage}\nSee: singgah ${target} --help\n`
          : 'See: singgah --help\n',
      );
      return 2;
    }
    if (e instanceof AuthorityError || e instanceof DbLockedError) {
      io.err(`singgah: ${e.message}\n`);
      return 1;
    }
    io.err(`singgah: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.SINGGAH_DEBUG) io.err(`${(e as Error)?.stack}\n`);
    return 1;
  }
}
