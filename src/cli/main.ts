/**
 * The `roleplay` command. Parsing and help live here; every command is imported lazily so that
 * `--help` and `--version` load neither Ink, React nor openai.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { sanitize } from '../text/sanitize.js';
import { ConfigError, EXIT, UsageError } from '../errors.js';
import { VERSION } from './version.js';
import { didYouMean } from '../text/suggest.js';

/** The run's flags as runCommand takes them; a type only, so the command's chunk still loads lazily. */
type RunFlags = Parameters<(typeof import('./commands.js'))['runCommand']>[1];
type ReplayFlags = import('./sessionCommands.js').ReplayFlags;

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 1000) {
      throw new InvalidArgumentError(`${flag} takes a whole number from 1 to 1000`);
    }
    return n;
  };
}

/** A path option: an empty one would quietly mean the working directory. */
function nonEmptyPath(flag: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${flag} takes a path, not an empty string`);
    return value;
  };
}

function positiveUsd(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value.trim()) || !(n > 0)) throw new InvalidArgumentError('--max-cost takes an amount in USD above 0, e.g. 0.50');
  return n;
}

const HELP_AFTER = `
Examples:
  roleplay                                  the seed's task, offline demo model if no key is set
  roleplay "a CLI that renames photos"      your task
  roleplay --demo --headless | less         plain transcript, no key needed
  roleplay --json > events.jsonl            one event per line
  roleplay --base-url http://127.0.0.1:11434/v1 --model llama3.1   a local server (Ollama, vLLM, LM Studio)
  roleplay export latest --output run.html  the last session as one page that loads nothing
  roleplay replay example --cast demo.cast  the shipped demo as an asciinema recording

Keys in the TUI: space/enter next turn, a auto/step, c speak as the customer, s skip conversation,
S skip phase, x stop the reply, r regenerate, q quit, ? all keys.

Environment: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL (or OPENAI_API_MODEL); .env and .env.local
in the working directory are read: the shell wins over both, .env.local over .env.

Config: the one config file in the working directory (two are an error: keep one, or pass --config),
else the built-in software company; a config that has not loaded within 5 s is an error.

Exit codes say how the run ended, in the TUI as headless: 0 it completed; 1 it failed, stopped
itself at --max-cost, or the session could not be saved; 2 a usage or config error, or a server
that cannot be used at all; 130 you stopped it before its end (q or Ctrl+C twice in the TUI, Ctrl+C
or SIGTERM, a closed pipe); 129 the terminal hung up. After 1, 129 and 130 the session can be
resumed: the last line on stderr says how.`;

/** Commander's output, with its errors folded into one line that says where to look. */
function output(out: (text: string) => void, err: (text: string) => void) {
  return {
    writeOut: out,
    writeErr: err,
    outputError: (message: string, write: (text: string) => void) =>
      write(
        `roleplay: ${message
          .replace(/^error: /, '')
          .replace(/\s*\n\s*/g, ' ')
          .trim()} (see roleplay --help)\n`,
      ),
  };
}

export function buildProgram(out: (text: string) => void, err: (text: string) => void): Command {
  const program = new Command('roleplay');
  program
    .description('Watch an LLM role-play a small company, step through its turns and steer it as the customer.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    // `roleplay help` shows the help rather than running a company on the task "help".
    .helpCommand('help [command]', 'show help for a command')
    .argument('[task...]', "the task for the company (default: the config's task, else the seed's)")
    .option(
      '-c, --config <path>',
      'config file (default: the one config file in the working directory: roleplay.config.ts, .roleplayrc, ...; two are an error)',
      nonEmptyPath('--config'),
    )
    .option('-m, --model <id>', 'model id for roles that name none (default: OPENAI_MODEL, OPENAI_API_MODEL, config, gpt-4o-mini)')
    .option('--base-url <url>', 'OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (default: OPENAI_BASE_URL)')
    .option('--demo', 'use the offline demo model (also the default with no key and no base URL)')
    .option('--demo-instant', 'make the demo model stream at once instead of at a realistic pace')
    .option('--headless', 'no TUI: print the transcript as it streams (implied when stdout is not a terminal)')
    .option('--json', 'headless, one JSON event per line')
    .option('--auto', 'start in auto mode: turns follow each other without a key press')
    .option('--step', 'start in step mode: each turn waits for space (the TUI default)')
    .option('--max-turns <n>', 'most replies per conversation, for every conversation (config default: 10)', positiveInt('--max-turns'))
    .addOption(
      new Option('--context <strategy>', 'thread: one growing thread; scoped: each conversation starts from the artifacts so far').choices([
        'thread',
        'scoped',
      ]),
    )
    .option('-o, --out <dir>', 'where sessions are written', nonEmptyPath('--out'), '.roleplay')
    .option('--resume <session>', 'continue an interrupted session from its last completed turn: an id, a path, or "latest"')
    .option(
      '--break <spec>',
      'pause at a breakpoint (repeatable): conversation:<name>, phase:<name>, role:<name>, match:<text or /regex/>, request:<role or *> (edit the request before it is sent)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--human <role>',
      'play this role yourself (repeatable): the TUI asks you for its replies instead of the model',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--approve <role>',
      "the role's replies are drafts you accept, edit or regenerate before they count (repeatable, or all)",
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option('--max-cost <usd>', 'pause (TUI) or stop (headless, resumable) when the run has cost this much', positiveUsd)
    .option('--no-mouse', "leave the mouse to the terminal (select text without Shift); the wheel then doesn't scroll the TUI")
    .addHelpText('after', HELP_AFTER)
    .showSuggestionAfterError(true)
    // Options after a subcommand's name are the subcommand's own (`sessions -o dir`, `replay x --json`).
    .enablePositionalOptions()
    .configureOutput(output(out, err))
    .exitOverride()
    .action(async (task: string[], flags: RunFlags) => {
      const { runCommand } = await import('./commands.js');
      process.exitCode = await runCommand(task, flags);
    });

  program
    .command('validate')
    .description('check a config and print what it defines')
    .option('-c, --config <path>', 'config file (default: the one found in the working directory)', nonEmptyPath('--config'))
    .action(async (flags: { config?: string }) => {
      const { validateCommand } = await import('./commands.js');
      process.exitCode = await validateCommand(flags, (line) => out(`${line}\n`));
    });

  program
    .command('init')
    .description('write a commented starter roleplay.config.ts in the working directory')
    .option('-f, --force', 'overwrite an existing roleplay.config.ts')
    .action(async (flags: { force?: boolean }) => {
      const { initCommand } = await import('./commands.js');
      process.exitCode = initCommand(flags, (line) => out(`${line}\n`));
    });

  program
    .command('sessions')
    .description('list the recorded sessions, newest first')
    .option('-o, --out <dir>', 'where sessions are written (default: .roleplay)', nonEmptyPath('--out'))
    .option('--json', 'one JSON object per session')
    .action(async (flags: { out?: string; json?: boolean }) => {
      const { sessionsCommand } = await import('./sessionCommands.js');
      process.exitCode = sessionsCommand({ ...flags, out: flags.out ?? program.opts<{ out: string }>().out }, out, err);
    });

  program
    .command('export')
    .description("write a session's transcript: phases, conversations, customer messages, artifacts (and in html: requests, cost)")
    .argument('<session>', 'a session id, a unique prefix of one, a session folder or its events.jsonl, "latest" or "example"')
    .option(
      '--format <format>',
      'md (the transcript), json (a structured document) or html (one self-contained page that loads nothing); default md, or what an --output ends in (.json, .html)',
    )
    .option('--output <file>', 'write to this file (owner-only) instead of stdout')
    .option('-f, --force', 'overwrite an existing --output file')
    .option('-o, --out <dir>', 'where sessions are written (default: .roleplay)', nonEmptyPath('--out'))
    .action(async (session: string, flags: { out?: string; format?: string; output?: string; force?: boolean }) => {
      const { exportCommand } = await import('./sessionCommands.js');
      process.exitCode = exportCommand(session, { ...flags, out: flags.out ?? program.opts<{ out: string }>().out }, out, err);
    });

  program
    .command('replay')
    .description('play a recorded session back at its original pace, without calling any model')
    .argument('<session>', 'a session id, a unique prefix of one, a session folder or its events.jsonl, "latest" or "example"')
    .option('--speed <x>', 'play x times as fast, e.g. 2 or 0.5 (default 1)')
    .option('--idle-limit <s>', 'a pause in the recording lasts s seconds at most, before --speed (default 2)')
    .option('--headless', 'print the transcript as plain text (implied when stdout is not a terminal)')
    .option('--json', 'headless, one JSON event per line')
    .option('--auto', 'turns follow each other')
    .option('--step', 'each turn waits for a key press (TUI only)')
    .option('--no-mouse', "leave the mouse to the terminal (select text without Shift); the wheel then doesn't scroll the TUI")
    .option('--cast <file>', "don't play: write the TUI's frames at the recording's timing to an asciicast v2 file (no terminal needed)")
    .option('--cols <n>', "the cast's terminal width in columns (default 120)")
    .option('--rows <n>', "the cast's terminal height in rows (default 40)")
    .option('-f, --force', 'overwrite an existing --cast file')
    .option('-o, --out <dir>', 'where sessions are written (default: .roleplay)', nonEmptyPath('--out'))
    .action(async (session: string, flags: ReplayFlags) => {
      const { replayCommand } = await import('./sessionCommands.js');
      process.exitCode = await replayCommand(session, { ...flags, out: flags.out ?? program.opts<{ out: string }>().out });
    });

  for (const command of program.commands) command.configureOutput(output(out, err)).exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code. User mistakes become one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<number> {
  const out = (text: string) => void process.stdout.write(text);
  const err = (text: string) => void process.stderr.write(text);
  const program = buildProgram(out, err);
  // Commander answers `help <unknown>` with the whole help: one line says more.
  const [first, topic] = argv;
  const names = program.commands.map((command) => command.name());
  if (first === 'help' && topic !== undefined && !names.includes(topic) && topic !== 'help') {
    err(`roleplay: help: unknown command "${sanitize(topic)}"${didYouMean(topic, names)} (commands: ${names.join(', ')})\n`);
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
      // Commander has already printed its message, as one line (see output()).
      return EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      // Config errors quote the config's own strings: they go through the sanitiser like model text.
      err(`roleplay: ${sanitize(error.message)}\n`);
      return EXIT.usage;
    }
    err(`roleplay: unexpected error: ${sanitize(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return EXIT.failed;
  }
}
