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

function labelText(value: string): string {
  if (/[\r\n]/.test(value) || value.trim().length > 60) throw new InvalidArgumentError('--label takes one line of at most 60 characters');
  return value;
}

/** Left for another session in the TUI (f, the branch list): that one opens now, and its exit code is the command's. */
async function followSwitches(code: number): Promise<number> {
  const { switchPending } = await import('./nextSession.js');
  if (!switchPending()) return code;
  return (await import('./branchSwitch.js')).followSwitches(code);
}

function replyChars(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 100 || n > 100_000_000) {
    throw new InvalidArgumentError('--max-reply-chars takes a whole number from 100 to 100000000');
  }
  return n;
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
  roleplay doctor --base-url http://127.0.0.1:11434/v1              check that a server works for a run
  roleplay export latest --output run.html  the last session as one page that loads nothing
  roleplay replay example --cast demo.cast  the shipped demo as an asciinema recording
  roleplay --fork latest@7 --model gpt-4.1  a new run from before reply 7 of the last one, on another model
  roleplay diff <a> <b>                     two runs compared turn by turn (exit 0 same, 1 differ)
  roleplay eval --demo                      a small eval suite on the demo model: checks, summary, runs.jsonl
  roleplay check latest                     does today's config still send the last session's requests?

Keys in the TUI: space/enter next turn, a auto/step, c speak as the customer, s skip conversation,
S skip phase, x stop the reply, r regenerate, f fork here, b branches, q quit, ? all keys.

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
    .addOption(
      new Option('--api <api>', 'the API that endpoint speaks: chat (Chat Completions, default) or responses (the Responses API)').choices([
        'chat',
        'responses',
      ]),
    )
    .option('--demo', 'use the offline demo model (also the default with no key and no base URL)')
    .option('--demo-instant', 'make the demo model stream at once instead of at a realistic pace')
    .option('--headless', 'no TUI: print the transcript as it streams (implied when stdout is not a terminal)')
    .option('--json', 'headless, one JSON event per line')
    .option('--auto', 'start in auto mode: turns follow each other without a key press')
    .option('--step', 'start in step mode: each turn waits for space (the TUI default)')
    .option('--max-turns <n>', 'most replies per conversation, for every conversation (config default: 10)', positiveInt('--max-turns'))
    .addOption(
      new Option(
        '--context <strategy>',
        'thread: one growing thread; scoped: each conversation starts from the artifacts so far; server: the thread kept on a Responses API server (previous_response_id)',
      ).choices(['thread', 'scoped', 'server']),
    )
    .option('-o, --out <dir>', 'where sessions are written', nonEmptyPath('--out'), '.roleplay')
    .option('--resume <session>', 'continue an interrupted session from its last completed turn: an id, a path, or "latest"')
    .option(
      '--fork <session@n>',
      'a new session that starts as <session> did before its reply n (from 1, in run order), then runs on; --model, -c, --context and --max-turns may differ',
    )
    .option('--label <text>', 'label this run (shown by "roleplay sessions" and its --tree)', labelText)
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
    .option(
      '--max-reply-chars <n>',
      'cut a reply (its thinking included) at this many characters, mark it, and go on (config maxReplyChars; default 2000000)',
      replyChars,
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
      process.exitCode = await followSwitches(process.exitCode);
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
    .option('--json', 'one JSON object per session (with its parent, fork point and label)')
    .option('--tree', 'show the lineage: each fork under the session it was forked from, with its fork point and label')
    .action(async (flags: { out?: string; json?: boolean; tree?: boolean }) => {
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
      process.exitCode = await followSwitches(process.exitCode);
    });

  program
    .command('diff')
    .description('compare two recorded runs turn by turn (exit 0 the same, 1 they differ, 2 bad input); on a terminal, in two columns')
    .argument('<a>', 'a session id, a unique prefix of one, a session folder or its events.jsonl, "latest" or "example"')
    .argument('<b>', 'the session to compare it with, named the same ways')
    .option('--json', 'print one JSON document with every aligned turn and its differences')
    .option('--headless', 'print the differences as text (implied when stdout is not a terminal)')
    .option('--full', 'show every changed line and whole added or removed messages (default: 12 lines of each change, a line of each message)')
    .option('-o, --out <dir>', 'where sessions are written (default: .roleplay)', nonEmptyPath('--out'))
    .action(async (a: string, b: string, flags: { out?: string; json?: boolean; headless?: boolean; full?: boolean }) => {
      const { diffCommand } = await import('./diffCommand.js');
      process.exitCode = await diffCommand(a, b, { ...flags, out: flags.out ?? program.opts<{ out: string }>().out }, out);
    });

  program
    .command('check')
    .description("replay a session's recorded replies against today's config and prompts, with no model call: does every request match?")
    .argument('<session>', 'a session id, a unique prefix of one, a session folder or its events.jsonl, "latest" or "example"')
    .option(
      '-c, --config <path>',
      "today's config (default: the one config file in the working directory, else the built-in one)",
      nonEmptyPath('--config'),
    )
    .option('--max-turns <n>', 'most replies per conversation, as the recorded run was given it', positiveInt('--max-turns'))
    .addOption(new Option('--context <strategy>', 'thread or scoped, as the recorded run was given it').choices(['thread', 'scoped']))
    .option('-o, --out <dir>', 'where sessions are written (default: .roleplay)', nonEmptyPath('--out'))
    .action(async (session: string, flags: import('./checkCommand.js').CheckFlags) => {
      const { checkCommand } = await import('./checkCommand.js');
      process.exitCode = await checkCommand(session, { ...flags, out: flags.out ?? program.opts<{ out: string }>().out }, out);
    });

  program
    .command('eval')
    .description('run a suite of tasks x variants x repeats headless, check every run, and summarise (exit 0: every check passed)')
    .argument('[suite]', 'a suite file, YAML or JSON (see "Evaluating prompts" in the README)')
    .option('--demo', 'with no suite: the built-in demo suite; with one: every variant on the offline demo model')
    .option('--concurrency <n>', 'runs at a time (default 2); they share one back-off when a server answers 429', positiveInt('--concurrency'))
    .option('--junit <file>', 'also write a JUnit XML report, one test case per run')
    .option('--resume', "go on with the suite's last eval in --out (running the same suite into the same --out does that too)")
    .option('-o, --out <dir>', "where runs.jsonl and the runs' sessions go (default: .roleplay/eval/<suite name>)", nonEmptyPath('--out'))
    .action(async (suite: string | undefined, flags: import('./evalCommand.js').EvalFlags) => {
      const { evalCommand } = await import('./evalCommand.js');
      process.exitCode = await evalCommand(suite, flags, out, err);
    });

  program
    .command('doctor')
    .description('check an endpoint the way a run would use it (reachable, key, model, streaming, usage, API) and say what to fix')
    .option('--base-url <url>', 'the endpoint to check (default: OPENAI_BASE_URL, else api.openai.com)')
    .option('-m, --model <id>', 'the model to check (default: OPENAI_MODEL, OPENAI_API_MODEL, gpt-4o-mini)')
    .addOption(new Option('--api <api>', 'the API a run would speak: chat (default) or responses').choices(['chat', 'responses']))
    .option('--endpoint <name>', 'check a named endpoint of the config instead (its base URL, key variable, API, headers and model)')
    .option('-c, --config <path>', 'the config file that defines --endpoint (default: the one in the working directory)', nonEmptyPath('--config'))
    .addHelpText(
      'after',
      '\nIt sends one short streamed request to each API. Exit codes: 0 a run would work; 1 it would not (each FAIL\nline says what to fix); 2 a bad flag, or an --endpoint the config does not define.',
    )
    .action(async (flags: import('./doctorCommand.js').DoctorFlags) => {
      const { doctorCommand } = await import('./doctorCommand.js');
      process.exitCode = await doctorCommand(flags, (line) => out(`${line}\n`));
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
