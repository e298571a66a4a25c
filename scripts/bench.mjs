// `npm run bench`: measures start-up, streaming cost, render cost, memory and prompt size of the built CLI,
// each against an anchor measured in the same run, and prints one table. Medians of several repetitions;
// compare the ratios, not the absolute figures, on a shared machine. Needs `script` (util-linux) for the
// pseudo-terminal figures. `--json`: one JSON object a line per figure instead of the table; `--only=a,b`: some
// figures only (version, frame, headless, render, replies, inspector, streaming, memory, eval, tokens, server-context); `--quick`: fewer
// repetitions; `--src=DIR`: build the frame harness (replies, inspector) from DIR/src, e.g. an older commit's
// `git archive`, to measure the old code path with the same harness. Loopback only; everything it starts it stops, and its temp dir is removed.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { pristinePlugin } from './pristine.mjs';
import { esmFacades } from './esmFacades.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
if (!existsSync(path.join(root, 'dist', 'cli.js'))) {
  console.error('bench: dist/cli.js is missing: run `npm run build` first (npm run bench does)');
  process.exit(2);
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'roleplay-bench-'));
// The bench runs a copy of the build, so a rebuild during the run cannot pull it away. The copy sits under
// node_modules so that its few external packages (jiti) still resolve.
const copy = path.join(root, 'node_modules', '.cache', `roleplay-bench-${process.pid}`);
cpSync(path.join(root, 'dist'), path.join(copy, 'dist'), { recursive: true });
// dist/package.json (written by the build) says the chunks are ES modules: under node_modules, where Node's search
// for a package scope stops, Node would otherwise read and parse each chunk once more to find out.
const cli = path.join(copy, 'dist', 'cli.js');
// Variables that make every node process start slower whatever it runs: NODE_EXTRA_CA_CERTS has node read and
// parse a certificate file before any script (about 90 ms on a machine that points it at the system's 140-odd CAs).
// Every process the bench starts runs without them, so that the figures are the programs' own; the table's notes
// say what they cost here when they are set.
const NODE_START_VARS = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];
const setStartVars = NODE_START_VARS.filter((name) => process.env[name]);
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !NODE_START_VARS.includes(name)));
const quick = process.argv.includes('--quick');
const reps = (n) => (quick ? Math.max(1, Math.ceil(n / 3)) : n);
const children = new Set();
const servers = new Set();

function cleanup() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the process group has exited already
    }
  }
  for (const server of servers) {
    server.closeAllConnections?.();
    server.close();
  }
  rmSync(tmp, { recursive: true, force: true });
  rmSync(copy, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const log = (text) => process.stderr.write(`bench: ${text}\n`);

// A preload that reports the process's own CPU time and peak RSS when it exits, into $BENCH_REPORT.
const reporter = path.join(tmp, 'report.mjs');
writeFileSync(
  reporter,
  `import { appendFileSync } from 'node:fs';
process.on('exit', () => {
  const file = process.env.BENCH_REPORT;
  if (!file) return;
  const cpu = process.cpuUsage();
  appendFileSync(file, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS }) + '\\n');
});
`,
);

/** Runs a command to its end; resolves with wall time, exit code, stdout and what the reporter wrote. */
function run(command, args, { env = {}, cwd = tmp, stdin = 'ignore', timeoutMs = 120_000, report = false, base = baseEnv } = {}) {
  return new Promise((resolve, reject) => {
    const reportFile = path.join(tmp, `report-${Math.random().toString(36).slice(2)}.jsonl`);
    const started = process.hrtime.bigint();
    const child = spawn(command, report ? ['--import', reporter, ...args] : args, {
      cwd,
      env: { ...base, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ...env, ...(report ? { BENCH_REPORT: reportFile } : {}) },
      stdio: [stdin, 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    // The first and the last 256 KB of stdout are kept, and its size.
    const head = [];
    let tail = [];
    let tailBytes = 0;
    let outBytes = 0;
    let err = '';
    child.stdout.on('data', (c) => {
      if (outBytes < 262_144) head.push(c);
      outBytes += c.length;
      tail.push(c);
      tailBytes += c.length;
      while (tail.length > 1 && tailBytes - tail[0].length > 262_144) tailBytes -= tail.shift().length;
    });
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the process group has exited already
      }
      reject(new Error(`${command} ${args.join(' ')} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let stats = null;
      if (report && existsSync(reportFile)) stats = JSON.parse(readFileSync(reportFile, 'utf8').trim().split('\n').at(-1));
      resolve({
        code,
        wallMs,
        stdout: Buffer.concat(head).toString('utf8'),
        tail: Buffer.concat(tail).toString('utf8'),
        outBytes,
        stderr: err,
        stats,
      });
    });
  });
}

// ---- 1. `roleplay --version` against `node -e 0` ------------------------------------------------------------

async function benchVersion() {
  const mine = [];
  const anchor = [];
  for (let i = 0; i < 2; i++) {
    await run(process.execPath, [cli, '--version']);
    await run(process.execPath, ['-e', '0']);
  }
  for (let i = 0; i < reps(15); i++) {
    const a = await run(process.execPath, ['-e', '0']);
    const b = await run(process.execPath, [cli, '--version']);
    if (b.code !== 0) throw new Error(`--version exited ${b.code}: ${b.stderr}`);
    anchor.push(a.wallMs);
    mine.push(b.wallMs);
  }
  return { mine: median(mine), anchor: median(anchor) };
}

/** `node -e 0` with this environment's start-up variables and without them, if it sets any. */
async function startVarsCost() {
  const withVars = [];
  const without = [];
  for (let i = 0; i < reps(9); i++) {
    withVars.push((await run(process.execPath, ['-e', '0'], { base: process.env })).wallMs);
    without.push((await run(process.execPath, ['-e', '0'])).wallMs);
  }
  return { withVars: median(withVars), without: median(without) };
}

// ---- 2. the TUI's first frame against a bundled Ink hello-world ---------------------------------------------

async function bundleInkHello(name, plugins) {
  const entry = path.join(tmp, 'hello-entry.mjs');
  writeFileSync(
    entry,
    `import React from 'react';
import { render, Text } from 'ink';
process.stdout.write('\\x1b[?1049h');
render(React.createElement(Text, null, 'hello from ink'));
`,
  );
  const outfile = path.join(tmp, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    plugins,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifySyntax: true,
    nodePaths: [path.join(root, 'node_modules')],
    alias: { 'react-devtools-core': path.join(root, 'scripts', 'empty-module.mjs') },
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>78]/g, '');

/**
 * `args` in a pseudo-terminal of `cols` x `rows` (util-linux `script`): `write()` types into it, `bytes` counts what
 * it wrote to the terminal, `waitFor(marker, from)` resolves with the time the marker arrived in what it wrote after
 * byte `from`, `exited` resolves when it ends, `kill()` ends it.
 */
function ptySession(args, { cwd, cols = 120, rows = 40, env = {} }) {
  const command = `stty cols ${cols} rows ${rows} 2>/dev/null; exec ${args.map(shellQuote).join(' ')}`;
  const started = process.hrtime.bigint();
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: { ...baseEnv, TERM: 'xterm-256color', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', COLUMNS: String(cols), LINES: String(rows), ...env },
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
  });
  children.add(child);
  const now = () => Number(process.hrtime.bigint() - started) / 1e6;
  const chunks = [];
  const waiters = new Set();
  const session = {
    bytes: 0,
    now,
    /** What it wrote from byte `from` on, without escape codes. */
    text(from = 0) {
      const after = [];
      let end = session.bytes;
      for (let i = chunks.length - 1; i >= 0 && end > from; i--) {
        after.unshift(chunks[i]);
        end -= chunks[i].length;
      }
      return stripAnsi(
        Buffer.concat(after)
          .subarray(Math.max(0, from - end))
          .toString('utf8'),
      );
    },
    write: (keys) => child.stdin.write(keys),
    waitFor(marker, from = 0, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const waiter = { marker, from, resolve, reject };
        waiter.timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`"${marker}" did not appear in ${timeoutMs / 1000} s; screen: ${session.text(from).slice(-400)}`));
        }, timeoutMs);
        waiters.add(waiter);
        check();
      });
    },
    exited: new Promise((resolve) => child.on('close', resolve)),
    kill() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the process group has exited already
      }
    },
  };
  function check(closed = false) {
    for (const w of waiters) {
      const found = session.text(w.from).includes(w.marker);
      if (!found && !closed) continue;
      waiters.delete(w);
      clearTimeout(w.timer);
      if (found) w.resolve(now());
      else w.reject(new Error(`the terminal closed before "${w.marker}" appeared: ${session.text(w.from).slice(-400)}`));
    }
  }
  child.stdout.on('data', (chunk) => {
    chunks.push(chunk);
    session.bytes += chunk.length;
    if (waiters.size > 0) check();
  });
  child.on('close', () => {
    children.delete(child);
    check(true);
  });
  return session;
}

/** Milliseconds from spawning `args` in a 120x40 pseudo-terminal until `marker` is on screen. */
async function timeToText(args, marker, cwd) {
  const session = ptySession(args, { cwd });
  try {
    return await session.waitFor(marker);
  } finally {
    session.kill();
  }
}

async function benchFirstFrame() {
  // The anchor: Ink's hello-world bundled by esbuild from the packages as npm installs them, without roleplay's
  // patches (patches/). For reference, also the same hello built from node_modules as it is here, patched.
  const hello = await bundleInkHello('hello', [pristinePlugin(mkdtempSync(path.join(tmp, 'pristine-')))]);
  const helloPlugins = await bundleInkHello('hello-plugins', []);
  const cwd = mkdtempSync(path.join(tmp, 'tui-'));
  const roleplay = [process.execPath, cli, '--demo', '-o', path.join(cwd, 'out')];
  const anchor = [process.execPath, hello];
  const reference = [process.execPath, helloPlugins];
  // What the harness itself costs (script, a shell, stty, a pty): a command that prints its marker at once. It is
  // taken off every figure, so that they are the programs' own time to their first frame.
  const harness = ['printf', 'harness ready'];
  // Warm the file cache first.
  await timeToText(anchor, 'hello from ink', cwd);
  await timeToText(reference, 'hello from ink', cwd);
  await timeToText(roleplay, 'Timeline', cwd);
  const mine = [];
  const base = [];
  const withPlugins = [];
  const overhead = [];
  for (let i = 0; i < reps(15); i++) {
    overhead.push(await timeToText(harness, 'harness ready', cwd));
    base.push(await timeToText(anchor, 'hello from ink', cwd));
    withPlugins.push(await timeToText(reference, 'hello from ink', cwd));
    mine.push(await timeToText(roleplay, 'Timeline', cwd));
  }
  const harnessMs = median(overhead);
  return { mine: median(mine) - harnessMs, anchor: median(base) - harnessMs, reference: median(withPlugins) - harnessMs, harnessMs };
}

// ---- 3. headless CPU time streaming ~1 MB against the bare openai package ------------------------------------

const REPLY_CHARS = 42_000;
const CHUNK_CHARS = 8;
const filler = (seed) => {
  const words = ['the', 'user', 'service', 'stores', 'a', 'name', 'and', 'an', 'email,', 'checks', 'it', 'then', 'returns', 'ok.'];
  let text = '';
  for (let i = 0; text.length < REPLY_CHARS; i++) text += `${words[(i * 7 + seed) % words.length]}${i % 16 === 15 ? '\n' : ' '}`;
  return text.slice(0, REPLY_CHARS);
};

/** A zero-delay OpenAI-compatible server: SUCCESS for the sanity check, then lead, assistant, lead + END. */
async function startServer() {
  const bodies = [];
  let streamedChars = 0;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(raw);
    bodies.push(raw);
    const messages = body.messages;
    const last = messages.at(-1)?.content ?? '';
    let text;
    if (/SUCCESS/.test(last) && messages.length <= 3) text = 'SUCCESS';
    else {
      const start = messages.findLastIndex((m) => m.role === 'user' && m.content.startsWith('START CONVERSATION '));
      const turn = messages.slice(start).filter((m) => m.role === 'assistant').length;
      const name = turn % 2 === 0 ? 'Lead' : 'Assistant';
      text = `${name}:\n\n${filler(bodies.length)}${turn >= 2 ? '\n\nEND CONVERSATION' : ''}`;
    }
    streamedChars += text.length;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = { id: `c${bodies.length}`, object: 'chat.completion.chunk', created: 1, model: body.model };
    let out = `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`;
    for (let i = 0; i < text.length; i += CHUNK_CHARS) {
      out += `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: text.slice(i, i + CHUNK_CHARS) }, finish_reason: null }] })}\n\n`;
      if (out.length > 65536) {
        if (!res.write(out)) await new Promise((r) => res.once('drain', r));
        out = '';
      }
    }
    out += `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`;
    if (body.stream_options?.include_usage) {
      out += `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: raw.length >> 2, completion_tokens: text.length >> 2, total_tokens: 0 } })}\n\n`;
    }
    res.end(`${out}data: [DONE]\n\n`);
  });
  servers.add(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    bodies,
    take() {
      const taken = { bodies: bodies.splice(0), chars: streamedChars };
      streamedChars = 0;
      return taken;
    },
    close: () => {
      servers.delete(server);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The anchor: the same requests, sent one after another with the bare openai package, every delta written out. */
function writeAnchorScript(bodiesFile) {
  const file = path.join(tmp, 'anchor.mjs');
  writeFileSync(
    file,
    `import OpenAI from ${JSON.stringify(import.meta.resolve('openai'))};
import { readFileSync } from 'node:fs';
const bodies = JSON.parse(readFileSync(${JSON.stringify(bodiesFile)}, 'utf8'));
const client = new OpenAI({ apiKey: 'x', baseURL: process.env.BENCH_URL, maxRetries: 0 });
for (const raw of bodies) {
  const stream = await client.chat.completions.create(JSON.parse(raw));
  for await (const chunk of stream) {
    const text = chunk.choices?.[0]?.delta?.content;
    if (text) process.stdout.write(text);
  }
}
`,
  );
  return file;
}

async function benchHeadless() {
  const server = await startServer();
  const cwd = mkdtempSync(path.join(tmp, 'headless-'));
  const args = [cli, '--headless', '--base-url', server.url, '-o', path.join(cwd, 'out')];
  const env = { OPENAI_API_KEY: 'x' };
  // One run to record the requests the anchor will replay.
  const first = await run(process.execPath, args, { env, cwd, report: true });
  if (first.code !== 0) throw new Error(`headless run exited ${first.code}: ${first.stderr}`);
  const { bodies, chars } = server.take();
  const bodiesFile = path.join(tmp, 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const anchorScript = writeAnchorScript(bodiesFile);
  const mine = [];
  const base = [];
  try {
    await run(process.execPath, [anchorScript], { env: { BENCH_URL: server.url }, report: true });
    for (let i = 0; i < reps(5); i++) {
      const a = await run(process.execPath, [anchorScript], { env: { BENCH_URL: server.url }, report: true });
      if (a.code !== 0) throw new Error(`the openai anchor exited ${a.code}: ${a.stderr}`);
      base.push(a.stats.cpuMs);
      const b = await run(process.execPath, args, { env, cwd, report: true });
      if (b.code !== 0) throw new Error(`headless run exited ${b.code}: ${b.stderr}`);
      mine.push(b.stats.cpuMs);
      server.take();
    }
  } finally {
    await server.close();
  }
  return { mine: median(mine), anchor: median(base), chars, requests: bodies.length };
}

// ---- 4. TUI render cost per 1,000 streamed tokens: 1,000 messages in the transcript against 10 --------------

async function buildRenderHarness() {
  const entry = path.join(root, 'scripts', `.bench-render-${process.pid}.tsx`);
  writeFileSync(
    entry,
    `import React from 'react';
import { createInterface } from 'node:readline';
import { render } from 'ink-testing-library';
import { App } from '../src/ui/App.js';
import { loadMarkdown } from '../src/ui/markdown.js';
import { EngineStore } from '../src/ui/engineStore.js';

const messages = Number(process.argv[2]);
const tokens = 1000;
const perFlush = 30; // ~1,000 tokens a second at ~30 redraws a second
let emit = () => {};
const source = { subscribe(listener) { emit = listener; return () => {}; } };
const store = new EngineStore(source, 1e9);
let seq = 0;
const send = (body) => emit({ ...body, seq: ++seq, t: seq });
const roles = [{ id: 'cto', name: 'CTO' }, { id: 'programmer', name: 'Programmer' }];
send({ type: 'run.started', sessionId: 'bench', task: 'bench', provider: 'bench', model: 'bench', mode: 'auto', context: 'thread', endpoint: null, format: 'roleplay-journal', version: 2,
  workflow: { description: '', roles, artifacts: [{ id: 'task', name: 'Task' }, { id: 'code', name: 'Code' }],
    phases: [{ id: 'coding', name: 'Coding', conversations: [{ id: 'code', name: 'Code', lead: 'cto', assistant: 'programmer', input: 'task', output: 'code', maxTurns: 2000 }] }] } });
send({ type: 'phase.started', phaseId: 'coding', index: 0 });
send({ type: 'conversation.started', conversationId: 'code', phaseId: 'coding' });
const paragraph = 'The service stores a **name** and an email, checks the address and returns the new user. '.repeat(3);
let turn = 0;
const startTurn = () => {
  const side = turn % 2 ? 'assistant' : 'lead';
  send({ type: 'turn.started', turnId: 't' + ++turn, conversationId: 'code', kind: turn === 1 ? 'start' : 'switch', role: side === 'lead' ? 'cto' : 'programmer', side, index: turn - 1, attempt: 1, model: 'bench', temperature: undefined, request: { base: null, keep: 0, add: [{ role: 'user', content: 'SWITCH' }] }, heard: [] });
  return 't' + turn;
};
for (let i = 0; i < messages; i++) {
  const id = startTurn();
  const text = (i % 2 ? 'Programmer' : 'CTO') + ':\\n\\n' + paragraph + '\\n\\n- one point\\n- another point';
  send({ type: 'token', turnId: id, text });
  send({ type: 'turn.ended', turnId: id, status: 'complete', text, speaker: null, endsConversation: false, durationMs: 1, firstTokenMs: 1 });
}
const engine = { step() {}, setMode() {}, intervene() {}, skipConversation() {}, skipPhase() {}, abort() {}, regenerate() {}, quit() {} };
const tick = () => new Promise((resolve) => setImmediate(resolve));
await loadMarkdown();
const app = render(React.createElement(App, { store, engine, workflow: 'bench', onExit() {} }));
store.flush();
await tick();
const words = ['service', 'stores', 'name', 'email', 'checks', 'address', 'returns', 'user', 'table', 'index', 'query', 'cache', 'retry'];
// One round for each line on stdin: the bench runs this process and its counterpart side by side, a round each in
// turn. Each round's CPU time goes to stdout as "round <ms>".
let round = 0;
for await (const _ of createInterface({ input: process.stdin })) {
  const id = startTurn();
  store.flush();
  await tick();
  const before = process.cpuUsage();
  for (let i = 0; i < tokens; i++) {
    // Different words in every round, so that no cache meets a line it has seen in an earlier round.
    const word = words[(i * 7 + round * 13) % words.length] + round;
    send({ type: 'token', turnId: id, text: i % 12 === 11 ? word + '\\n\\n' : word + ' ' });
    if ((i + 1) % perFlush === 0) {
      store.flush();
      await tick();
    }
  }
  store.flush();
  await tick();
  const used = process.cpuUsage(before);
  send({ type: 'turn.ended', turnId: id, status: 'complete', text: '', speaker: null, endsConversation: false, durationMs: 1, firstTokenMs: 1 });
  const frame = app.lastFrame() ?? '';
  if (!frame.includes(String(round))) throw new Error('the streamed words are not on screen');
  process.stdout.write('round ' + (used.user + used.system) / 1000 + '\\n');
  round++;
}
app.unmount();
process.exit(0);
`,
  );
  const outfile = path.join(tmp, 'render-harness.mjs');
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      jsx: 'automatic',
      // React bound as the bundle binds it.
      plugins: [esmFacades(root)],
      alias: { 'react-devtools-core': path.join(root, 'scripts', 'empty-module.mjs') },
      external: ['jiti', 'typescript'],
      define: { 'process.env.NODE_ENV': '"production"' },
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
      logLevel: 'error',
    });
  } finally {
    rmSync(entry, { force: true });
  }
  return outfile;
}

async function benchRender() {
  const harness = await buildRenderHarness();
  const few = [];
  const many = [];
  // Each TUI in a process of its own (its own heap and garbage collector), both alive at once and taking turns
  // round by round, so that a busy moment of the machine falls on both alike. The first rounds warm the JIT up
  // (their cost falls from round to round): only the later ones count.
  const warmup = 6;
  for (let i = 0; i < reps(3); i++) {
    const pair = [renderHarness(harness, 10), renderHarness(harness, 1000)];
    try {
      for (let round = 0; round < warmup + 10; round++) {
        for (const side of round % 2 ? [...pair].reverse() : pair) {
          const ms = await side.round();
          if (round >= warmup) (side === pair[0] ? few : many).push(ms);
        }
      }
    } finally {
      for (const side of pair) side.end();
    }
  }
  return { mine: median(many), anchor: median(few) };
}

/**
 * A harness process (a render or frame harness, started with `args`): `round()` has it stream one reply and returns
 * its CPU ms for that round.
 */
function harnessProcess(harness, args, what, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, harness, ...args.map(String)], {
    cwd: tmp,
    env: { ...baseEnv, COLUMNS: '120', LINES: '40' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async round() {
      child.stdin.write('go\n');
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error(`${what} ended: ${err.trim()}`);
        if (value.startsWith('round ')) return Number(value.slice(6));
      }
    },
    // Its stdin ends, so it unmounts and exits; one still running when the bench ends is killed with the rest.
    end() {
      child.stdin.end();
    },
  };
}

/** A render harness process with `messages` in its transcript. */
const renderHarness = (harness, messages) => harnessProcess(harness, [messages], `render harness (${messages} messages)`);

// ---- 4b. frame cost while a reply streams: long replies, and the inspector on a large request ----------------

// The sources the frame harness is built from: this tree's, or (`--src=DIR`, a tree with src/ in it, e.g. an
// older commit's `git archive`) another's, to measure the old code path with the same harness.
const srcRoot = path.resolve(process.argv.find((a) => a.startsWith('--src='))?.slice(6) ?? root);

let frameHarnessBuilt = null;
/** The frame harness, bundled once for both rows that use it. */
const buildFrameHarness = () => (frameHarnessBuilt ??= bundleFrameHarness());

async function bundleFrameHarness() {
  const entry = path.join(tmp, 'frame-entry.tsx');
  const from = (file) => JSON.stringify(path.join(srcRoot, 'src', 'ui', file));
  writeFileSync(
    entry,
    `import React from 'react';
import { createInterface } from 'node:readline';
import { render } from 'ink-testing-library';
import { App } from ${from('App.js')};
import { loadMarkdown } from ${from('markdown.js')};
import { EngineStore } from ${from('engineStore.js')};

// argv: 'reply' <latin|cjk|emoji> <chars>: the CPU of a frame while a reply of that many characters streams;
// 'inspector' <request chars>: the same with the prompt inspector open on a request of that many characters.
const [what, a, b] = process.argv.slice(2);
const script = what === 'reply' ? a : 'latin';
const chars = Number(what === 'reply' ? b : 4000);
const requestChars = what === 'inspector' ? Number(a) : 200;
const FRAMES = 12;
let emit = () => {};
const source = { subscribe(listener) { emit = listener; return () => {}; } };
const store = new EngineStore(source, 1e9);
let seq = 0;
const send = (body) => emit({ ...body, seq: ++seq, t: seq });
const roles = [{ id: 'cto', name: 'CTO' }, { id: 'programmer', name: 'Programmer' }];
send({ type: 'run.started', sessionId: 'bench', task: 'bench', provider: 'bench', model: 'bench', mode: 'auto', context: 'thread', endpoint: null, format: 'roleplay-journal', version: 2,
  workflow: { description: '', roles, artifacts: [{ id: 'task', name: 'Task' }, { id: 'code', name: 'Code' }],
    phases: [{ id: 'coding', name: 'Coding', conversations: [{ id: 'code', name: 'Code', lead: 'cto', assistant: 'programmer', input: 'task', output: 'code', maxTurns: 2000 }] }] } });
send({ type: 'phase.started', phaseId: 'coding', index: 0 });
send({ type: 'conversation.started', conversationId: 'code', phaseId: 'coding' });
const WORDS = {
  latin: ['service', 'stores', 'a', '**name**', 'and', 'an', 'email,', 'checks', 'the', '\`address\`', 'then', 'returns', 'ok.'],
  cjk: ['服务', '存储', '用户的', '姓名和', '电子邮件，', '检查', '地址', '然后', '返回', '新用户。', 'データ', '検証'],
  emoji: ['👩‍💻', 'deploys', '🚀', 'the', '🇩🇪', 'build', '👍🏽', 'and', '👨‍👩‍👧‍👦', 'ships', '✨', 'it', '🎉'],
}[script];
const sep = script === 'cjk' ? '' : ' ';
// Paragraphs of ~40 words, with a list and a closed code fence now and then, as replies have.
function textOf(length, salt) {
  let text = 'Programmer:\\n\\n';
  for (let i = 0; text.length < length; i++) {
    text += WORDS[(i * 7 + salt) % WORDS.length] + (i % 40 === 39 ? '\\n\\n' : sep);
    if (i % 400 === 399) text += '- one point ' + salt + '\\n- another point\\n\\n\`\`\`ts\\nconst x = ' + i + ';\\n\`\`\`\\n\\n';
  }
  return text.slice(0, length);
}
let turn = 0;
const request = [{ role: 'system', content: 'You are the programmer.' }];
for (let n = 0; request.reduce((sum, m) => sum + m.content.length, 0) < requestChars; n++) {
  request.push({ role: n % 2 ? 'assistant' : 'user', content: textOf(2000, n) });
}
const startTurn = () => {
  turn++;
  send({ type: 'turn.started', turnId: 't' + turn, conversationId: 'code', kind: turn === 1 ? 'start' : 'switch', role: 'programmer', side: 'assistant', index: turn - 1, attempt: 1, model: 'bench', temperature: undefined,
    request: { base: null, keep: 0, add: request }, heard: [] });
  return 't' + turn;
};
const tick = () => new Promise((resolve) => setImmediate(resolve));
const engine = { step() {}, setMode() {}, intervene() {}, skipConversation() {}, skipPhase() {}, abort() {}, regenerate() {}, quit() {} };
await loadMarkdown();
const app = render(React.createElement(App, { store, engine, workflow: 'bench', onExit() {} }));
store.flush();
await tick();
if (what === 'inspector') {
  startTurn();
  store.flush();
  await tick();
  app.stdin.write('p');
  await tick();
  if (!(app.lastFrame() ?? '').includes('Prompt ·')) throw new Error('the inspector did not open');
}
let round = 0;
for await (const _ of createInterface({ input: process.stdin })) {
  const id = what === 'inspector' ? 't' + turn : startTurn();
  // The reply so far, laid out once before the frames that count.
  send({ type: 'token', turnId: id, text: textOf(chars, round) });
  store.flush();
  await tick();
  // What laying out the reply so far left in the young generation is collected now, not in the frames that count:
  // a reply that long grew over minutes, and its survivors were promoted long ago (without this, the 100K reply's
  // frames paid for scavenging its 100K layout: 7.7 against 6.5 ms a frame for 1K, and 6.7 against 7.1 ms with it).
  globalThis.gc();
  const before = process.cpuUsage();
  for (let f = 0; f < FRAMES; f++) {
    // ~30 tokens a frame (~1,000 a second at ~30 frames a second); a paragraph ends every other frame.
    for (let i = 0; i < 30; i++) send({ type: 'token', turnId: id, text: WORDS[(i + f) % WORDS.length] + sep });
    send({ type: 'token', turnId: id, text: f % 2 ? '\\n\\n' : 'r' + round + 'f' + f + ' ' });
    store.flush();
    await tick();
  }
  const used = process.cpuUsage(before);
  const frame = app.lastFrame() ?? '';
  if (what === 'reply') {
    if (!frame.includes('r' + round + 'f' + (FRAMES - 2))) throw new Error('the streamed words are not on screen: ' + frame.slice(-300));
    send({ type: 'turn.ended', turnId: id, status: 'complete', text: '', speaker: null, endsConversation: false, durationMs: 1, firstTokenMs: 1 });
    // The transcript keeps growing otherwise; only the streaming reply is measured, so each round starts afresh.
    send({ type: 'turn.discarded', turnId: id, reason: 'regenerate' });
    store.flush();
    await tick();
  } else if (!frame.includes('Prompt ·')) throw new Error('the inspector closed');
  process.stdout.write('round ' + (used.user + used.system) / 1000 / FRAMES + '\\n');
  round++;
}
app.unmount();
process.exit(0);
`,
  );
  const outfile = path.join(tmp, 'frame-harness.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    jsx: 'automatic',
    // React bound as the bundle binds it.
    plugins: [esmFacades(root)],
    nodePaths: [path.join(root, 'node_modules')],
    alias: { 'react-devtools-core': path.join(root, 'scripts', 'empty-module.mjs') },
    external: ['jiti', 'typescript'],
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

/**
 * CPU ms per frame for each argument list, each in a process of its own, all alive at once and taking turns round
 * by round (the order turned about every round); the first rounds warm the JIT up and do not count.
 */
async function sideBySide(harness, argLists, { warmup = 3, rounds = 6 } = {}) {
  const sides = argLists.map((args) => frameHarness(harness, args));
  const results = argLists.map(() => []);
  try {
    for (let round = 0; round < warmup + reps(rounds); round++) {
      const order = sides.map((_, i) => i);
      if (round % 2) order.reverse();
      for (const i of order) {
        const ms = await sides[i].round();
        if (round >= warmup) results[i].push(ms);
      }
    }
  } finally {
    for (const side of sides) side.end();
  }
  return results.map(median);
}

const frameHarness = (harness, args) => harnessProcess(harness, args, `frame harness (${args.join(' ')})`, ['--expose-gc']);

const REPLY_SIZES = [1_000, 20_000, 100_000];

async function benchReplyFrames() {
  const harness = await buildFrameHarness();
  const out = {};
  for (const script of ['latin', 'cjk', 'emoji']) {
    log(`  ${script} replies of ${REPLY_SIZES.map((n) => `${n / 1000}K`).join(', ')} characters ...`);
    out[script] = await sideBySide(
      harness,
      REPLY_SIZES.map((n) => ['reply', script, n]),
    );
  }
  return out;
}

async function benchInspectorFrames() {
  const harness = await buildFrameHarness();
  const [small, large] = await sideBySide(harness, [
    ['inspector', 10_000],
    ['inspector', 1_000_000],
  ]);
  return { small, large };
}

// ---- 4c. the real TUI in a pty while a reply streams at a reader's pace: key latency, CPU, bytes a token ------

const PACED_WORDS = ['The', 'service', 'stores', 'a', '**name**', 'and', 'an', 'email,', 'checks', 'the', '`address`', 'and', 'returns', 'ok.'];

/** An OpenAI-compatible server that streams each reply (but the sanity check's) at `rate` tokens a second, a word a token. */
async function startPacedServer(rate, tokensPerReply = 100_000) {
  let sent = 0;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const data = (delta, finish = null) =>
      `data: ${JSON.stringify({ id: 'p', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (/SUCCESS/.test(body.messages.at(-1)?.content ?? '') && body.messages.length <= 3) {
      res.end(`${data({ role: 'assistant', content: 'SUCCESS' })}${data({}, 'stop')}data: [DONE]\n\n`);
      return;
    }
    res.write(data({ role: 'assistant', content: 'Lead:\n\n' }));
    const began = Date.now();
    let i = 0;
    // Every 5 ms, the tokens due by then: the pace holds on average even when a timer fires late.
    const timer = setInterval(() => {
      let out = '';
      for (const due = Math.min(tokensPerReply, Math.floor(((Date.now() - began) * rate) / 1000)); i < due; i++, sent++) {
        out += data({ content: PACED_WORDS[i % PACED_WORDS.length] + (i % 40 === 39 ? '\n\n' : ' ') });
      }
      if (out) res.write(out);
      if (i >= tokensPerReply) {
        clearInterval(timer);
        res.end(`${data({}, 'stop')}data: [DONE]\n\n`);
      }
    }, 5);
    res.on('close', () => clearInterval(timer));
  });
  servers.add(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    tokens: () => sent,
    close: () => {
      servers.delete(server);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/** The TUI (`--auto`, 120x40 pty) against a server streaming at `rate` tokens a second, once its reply streams. */
async function streamingTui(rate) {
  const server = await startPacedServer(rate);
  const cwd = mkdtempSync(path.join(tmp, 'paced-'));
  // The TUI process's pid, for its CPU time in /proc: a preload writes it.
  const pidFile = path.join(cwd, 'pid');
  const preload = path.join(cwd, 'pid.mjs');
  writeFileSync(preload, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\n`);
  const args = [
    process.execPath,
    '--import',
    preload,
    cli,
    '--auto',
    '--base-url',
    server.url,
    '-o',
    path.join(cwd, 'out'),
    'a tool that renames photos',
  ];
  const tui = ptySession(args, { cwd, env: { OPENAI_API_KEY: 'x' } });
  const started = Date.now();
  while (server.tokens() < rate) {
    if (Date.now() - started > 20_000) throw new Error(`the TUI streamed no reply in 20 s: ${tui.text().slice(-400)}`);
    await sleep(50);
  }
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const clockTick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  return {
    tui,
    tokens: server.tokens,
    /** CPU ms (user+sys) the TUI process has used so far. */
    cpuMs() {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTick;
    },
    async close() {
      tui.kill();
      await tui.exited;
      await server.close();
    },
  };
}

/** Milliseconds from a key press (`?`, the help overlay) to the frame that shows it, while a reply streams at 100 tokens/s. */
async function benchKeyLatency() {
  const run = await streamingTui(100);
  const latencies = [];
  try {
    await sleep(1000);
    for (let i = 0; i < reps(24); i++) {
      const from = run.tui.bytes;
      const pressed = run.tui.now();
      run.tui.write('?');
      latencies.push((await run.tui.waitFor('or esc closes', from, 5000)) - pressed);
      run.tui.write('?');
      // Not in step with the frames: the next press falls anywhere in one.
      await sleep(200 + Math.random() * 100);
    }
  } finally {
    await run.close();
  }
  return { p95: percentile(latencies, 95), median: median(latencies), presses: latencies.length };
}

/** CPU share of one core, and bytes written to the terminal a streamed token, while a reply streams at 50 tokens/s. */
async function benchStreamingCost() {
  const run = await streamingTui(50);
  try {
    await sleep(2000);
    const [cpu0, bytes0, tokens0, t0] = [run.cpuMs(), run.tui.bytes, run.tokens(), Date.now()];
    await sleep(quick ? 4000 : 10_000);
    const [cpu1, bytes1, tokens1, t1] = [run.cpuMs(), run.tui.bytes, run.tokens(), Date.now()];
    return { cpuShare: (cpu1 - cpu0) / (t1 - t0), bytesPerToken: (bytes1 - bytes0) / (tokens1 - tokens0), tokens: tokens1 - tokens0 };
  } finally {
    await run.close();
  }
}

// ---- 5. peak RSS of a 1,000-turn demo session ----------------------------------------------------------------

function longWorkflowConfig(conversations) {
  const convs = Array.from({ length: conversations }, (_, i) => ({
    name: `Step ${i + 1}`,
    description: `Work on part ${i + 1} of the task.`,
    lead: 'Lead',
    assistant: 'Helper',
    input: i === 0 ? 'Task' : `Part ${i}`,
    output: `Part ${i + 1}`,
  }));
  return {
    sanityCheck: false,
    workflow: {
      description: 'A long workflow for the benchmark.',
      roles: [
        { name: 'Lead', description: 'You are the lead. You plan the work.' },
        { name: 'Helper', description: 'You are the helper. You do the work.' },
      ],
      artifacts: [{ name: 'Task', description: 'The task.' }, ...convs.map((c) => ({ name: c.output, description: `Part of the result.` }))],
      conversations: convs,
      phases: [{ name: 'Everything', description: 'All of it.', conversations: convs.map((c) => c.name) }],
    },
  };
}

async function benchMemory() {
  const cwd = mkdtempSync(path.join(tmp, 'memory-'));
  // The demo ends a conversation after 2 to 4 turns: 340 conversations are a little over 1,000 turns.
  writeFileSync(path.join(cwd, '.roleplayrc.json'), JSON.stringify(longWorkflowConfig(340)));
  const r = await run(
    process.execPath,
    [cli, '--demo-instant', '--headless', '--context', 'scoped', '-o', path.join(cwd, 'out'), 'a tool that renames photos'],
    {
      cwd,
      report: true,
      timeoutMs: 300_000,
    },
  );
  if (r.code !== 0) throw new Error(`the long demo run exited ${r.code}: ${r.stderr}`);
  const turns = Number(/Run completed: (\d+) turns/.exec(r.tail)?.[1] ?? NaN);
  return { rssMb: r.stats.maxRssKb / 1024, turns };
}

// ---- 6. prompt tokens for the software-company workflow: thread against scoped -------------------------------

async function benchTokens() {
  const totals = {};
  for (const context of ['thread', 'scoped']) {
    const cwd = mkdtempSync(path.join(tmp, `tokens-${context}-`));
    const out = path.join(tmp, `${context}.jsonl`);
    const r = spawnSync(process.execPath, [cli, '--json', '--demo-instant', '--context', context, '-o', path.join(cwd, 'out')], {
      cwd,
      env: { ...baseEnv, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
      maxBuffer: 256 << 20,
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`--json run exited ${r.status}: ${r.stderr}`);
    writeFileSync(out, r.stdout);
    let sum = 0;
    for (const line of r.stdout.toString('utf8').split('\n')) {
      if (!line.includes('"usage"')) continue;
      const event = JSON.parse(line);
      if (event.type === 'usage') sum += event.usage.promptTokens;
    }
    totals[context] = sum;
  }
  return totals;
}
/** The rows of the real TUI in a pty while a reply streams (`--only=streaming`). */
async function addStreamingRows() {
  log('key press to frame while a reply streams at 100 tokens/s ...');
  const k = await benchKeyLatency();
  add(
    'time from a key press to the frame that shows it, while a reply streams at 100 tokens/s (`?`, 120x40 pty, p95)',
    fmtMs(k.p95),
    `the median of ${k.presses} presses`,
    fmtMs(k.median),
    null,
    'at most 50 ms',
    k.p95 <= 50,
  );
  log('TUI CPU and bytes to the terminal while a reply streams at 50 tokens/s ...');
  const c = await benchStreamingCost();
  add(
    'CPU of the TUI process (user+sys) while a reply streams at 50 tokens/s (120x40 pty)',
    `${(c.cpuShare * 100).toFixed(1)} % of one core`,
    '—',
    '—',
    null,
    'at most 15 %',
    c.cpuShare <= 0.15,
  );
  add(
    'bytes written to the terminal per streamed token, the same run',
    `${Math.round(c.bytesPerToken)} B`,
    `over ${c.tokens} tokens`,
    '—',
    null,
    'none (for reference)',
    null,
  );
}

// ---- 7. prompt tokens sent over the Responses API: `context: server` against thread and scoped ---------------
// One local Responses API server (stored responses, previous_response_id) answers the software-company workflow
// in each context; what counts is what the client sends: instructions and input items, chars / 4 as the demo's
// estimate. The server still reads (and an API bills) the stored thread as input: the saving is in what is sent.

async function startResponsesServer() {
  const stored = new Map();
  let sentChars = 0;
  let requests = 0;
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
    sentChars += (body.instructions ?? '').length + input.reduce((n, item) => n + String(item.content ?? '').length, 0);
    requests++;
    const context = [...(body.previous_response_id ? (stored.get(body.previous_response_id) ?? []) : []), ...input];
    const last = context.at(-1)?.content ?? '';
    let text;
    if (/SUCCESS/.test(last) && context.length <= 2) text = 'SUCCESS';
    else {
      const start = context.findLastIndex((m) => m.role === 'user' && String(m.content).startsWith('START CONVERSATION '));
      const turn = context.slice(start).filter((m) => m.role === 'assistant').length;
      text = `${turn % 2 === 0 ? 'Lead' : 'Assistant'}:\n\n${filler(requests).slice(0, 2000)}${turn >= 2 ? '\n\nEND CONVERSATION' : ''}`;
    }
    const id = `resp_${requests}`;
    if (body.store) stored.set(id, [...context, { role: 'assistant', content: text }]);
    const event = (type, payload) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
    const response = { id, object: 'response', status: 'completed', model: body.model, output: [] };
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(
      event('response.created', { sequence_number: 0, response: { ...response, status: 'in_progress' } }) +
        event('response.output_text.delta', { sequence_number: 1, item_id: 'msg', output_index: 0, content_index: 0, delta: text }) +
        event('response.completed', { sequence_number: 2, response: { ...response, usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } }),
    );
  });
  servers.add(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    take() {
      const taken = { tokens: Math.ceil(sentChars / 4), requests };
      sentChars = 0;
      requests = 0;
      return taken;
    },
    close: () => {
      servers.delete(server);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function benchServerContext() {
  const server = await startResponsesServer();
  const sent = {};
  try {
    for (const context of ['thread', 'scoped', 'server']) {
      const cwd = mkdtempSync(path.join(tmp, `responses-${context}-`));
      await run(
        process.execPath,
        [cli, '--headless', '--api', 'responses', '--base-url', server.url, '--context', context, '-o', path.join(cwd, 'out')],
        {
          cwd,
          env: { OPENAI_API_KEY: 'bench', OPENAI_MODEL: '' },
        },
      );
      sent[context] = server.take();
    }
  } finally {
    await server.close();
  }
  return sent;
}

// ---- eval: runs per minute against a local server, and peak RSS at 100 and 1,000 runs (`--only=eval`) ---------

/** A zero-delay server for a one-conversation workflow: Lead asks, Helper answers, Lead ends with END CONVERSATION. */
async function startEvalServer() {
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const turn = body.messages.filter((m) => m.role === 'assistant').length;
    const text = `${turn % 2 === 0 ? 'Lead' : 'Helper'}:\n\nThe plan has three steps: read the photos, sort them by date, rename them.${turn >= 2 ? '\n\nEND CONVERSATION' : ''}`;
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: body.model };
    const chunk = (delta, finish = null) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const usage = `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 200, completion_tokens: 30, total_tokens: 230 } })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(`${chunk({ role: 'assistant', content: '' })}${chunk({ content: text })}${chunk({}, 'stop')}${usage}data: [DONE]\n\n`);
  });
  servers.add(server);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    close: () => {
      servers.delete(server);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** `roleplay eval` of a suite of `runs` three-turn runs, 4 at a time: wall time and peak RSS of the process. */
async function benchEvalSuite(url, runs) {
  const cwd = mkdtempSync(path.join(tmp, `eval-${runs}-`));
  writeFileSync(path.join(cwd, 'team.json'), JSON.stringify({ ...longWorkflowConfig(1), maxTurns: 4 }));
  const suite = [
    'name: bench',
    `repeats: ${runs}`,
    'tasks: [a tool that renames photos]',
    `variants: [{ name: local, config: team.json, baseUrl: "${url}", model: gpt-4o-mini }]`,
    'checks: { endConversation: true, maxTurns: 3, artifacts: [{ artifact: Part 1, contains: three steps }] }',
  ].join('\n');
  writeFileSync(path.join(cwd, 'suite.yaml'), `${suite}\n`);
  // What the process still holds once the runs are over: the heap after a full collection, once the event loop
  // is empty. A collection inside an 'exit' handler counts garbage too: objects a FinalizationRegistry holds until
  // its callback runs, which it cannot there (undici keeps each request's AbortSignal, with its listeners, until
  // then: 800 of them after 1,000 runs, 1-3 MB, depending on when the last collections fell). So: a collection,
  // a turn of the event loop for those callbacks, another collection. 'exit' is the fallback should the process
  // end by process.exit() and never reach 'beforeExit'.
  const heapFile = path.join(cwd, 'heap.json');
  const preload = path.join(cwd, 'heap.mjs');
  writeFileSync(
    preload,
    [
      `import { writeFileSync } from 'node:fs';`,
      `const file = ${JSON.stringify(heapFile)};`,
      `let measured = false;`,
      `const save = () => { measured = true; writeFileSync(file, JSON.stringify(process.memoryUsage().heapUsed)); };`,
      `const turn = () => new Promise((resolve) => setTimeout(resolve, 20));`,
      `process.once('beforeExit', async () => { globalThis.gc(); await turn(); globalThis.gc(); await turn(); globalThis.gc(); save(); });`,
      `process.on('exit', () => { if (!measured) { globalThis.gc(); save(); } });`,
      '',
    ].join('\n'),
  );
  const args = ['--expose-gc', '--import', preload, cli, 'eval', 'suite.yaml', '--concurrency', '4'];
  const r = await run(process.execPath, args, { cwd, report: true, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`eval of ${runs} runs exited ${r.code}: ${r.stderr.slice(-500)}`);
  if (!new RegExp(`100 % \\(${runs}/${runs}\\)`).test(r.stdout)) throw new Error(`eval of ${runs} runs did not pass every run: ${r.stdout}`);
  return { wallMs: r.wallMs, rssMb: r.stats.maxRssKb / 1024, heapMb: Number(readFileSync(heapFile, 'utf8')) / 2 ** 20 };
}

async function addEvalRows() {
  log('eval: 100 and 1,000 runs against a local server ...');
  const server = await startEvalServer();
  try {
    const small = await benchEvalSuite(server.url, 100);
    const large = await benchEvalSuite(server.url, 1000);
    const perMinute = 1000 / (large.wallMs / 60_000);
    add(
      '`roleplay eval` runs per minute, 1,000 three-turn runs 4 at a time against a local zero-delay server',
      `${Math.round(perMinute)} runs/min`,
      '—',
      '—',
      null,
      'none (for reference)',
      null,
    );
    // V8 lets the heap grow with the rate of allocation between full collections, so the peak grows with the length
    // of the eval; what the runs leave behind is the heap after a full collection, the row after it.
    const ratio = large.rssMb / small.rssMb;
    add(
      '`roleplay eval` peak RSS, 1,000 runs',
      `${Math.round(large.rssMb)} MB`,
      'the same suite, 100 runs',
      `${Math.round(small.rssMb)} MB`,
      ratio,
      'at most 1.5x',
      ratio <= 1.5,
    );
    const heapRatio = large.heapMb / small.heapMb;
    add(
      '`roleplay eval` heap in use after its last run (after a full GC), 1,000 runs',
      `${large.heapMb.toFixed(1)} MB`,
      'the same suite, 100 runs',
      `${small.heapMb.toFixed(1)} MB`,
      heapRatio,
      'at most 1.2x',
      heapRatio <= 1.2,
    );
  } finally {
    await server.close();
  }
}

// ---- the table ----------------------------------------------------------------------------------------------

const fmtMs = (ms) => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
const rows = [];
const notes = [];
const add = (figure, value, anchor, anchorValue, ratio, target, ok) =>
  rows.push({
    figure,
    value,
    anchor,
    anchorValue,
    ratio: ratio === null ? '—' : `${ratio.toFixed(2)}x`,
    target,
    ok: ok === null ? '—' : ok ? 'yes' : 'NO',
  });

async function main() {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',');
  const want = (name) => !only || only.includes(name);
  const began = Date.now();
  if (want('version')) {
    log('--version against node -e 0 ...');
    const v = await benchVersion();
    const ratio = v.mine / v.anchor;
    add('`roleplay --version` wall time', fmtMs(v.mine), '`node -e 0`', fmtMs(v.anchor), ratio, 'at most 2x', ratio <= 2);
  }
  if (want('frame')) {
    log('first TUI frame against a bundled Ink hello-world ...');
    const f = await benchFirstFrame();
    const ratio = f.mine / f.anchor;
    notes.push(`The pty harness's own time (script, a shell, stty), taken off both first-frame figures: ${fmtMs(f.harnessMs)}.`);
    add(
      // The harness's own time goes in a note: in the figure it would change the row's JSON name every run.
      "time to the TUI's first frame (`--demo`, 120x40 pty, less the pty harness's own time)",
      fmtMs(f.mine),
      'bundled Ink hello-world',
      fmtMs(f.anchor),
      ratio,
      'at most 300 ms and at most 1x',
      f.mine <= 300 && ratio <= 1,
    );
    const strict = f.mine / f.reference;
    add(
      'the same first frame, against a stricter anchor',
      fmtMs(f.mine),
      "the Ink hello-world with roleplay's dependency patches",
      fmtMs(f.reference),
      strict,
      'none (for reference)',
      null,
    );
  }
  if (want('headless')) {
    log('headless CPU time streaming ~1 MB against the bare openai package ...');
    const h = await benchHeadless();
    const ratio = h.mine / h.anchor;
    add(
      `CPU time (user+sys), \`--headless\` run streaming ${(h.chars / 1e6).toFixed(2)} MB in ${h.requests} replies of ${CHUNK_CHARS}-char chunks`,
      fmtMs(h.mine),
      'same streams with the bare `openai` package',
      fmtMs(h.anchor),
      ratio,
      'at most 1.5x',
      ratio <= 1.5,
    );
  }
  if (want('render')) {
    log('TUI render cost per 1,000 tokens, 1,000 against 10 messages ...');
    const r = await benchRender();
    const ratio = r.mine / r.anchor;
    add(
      'TUI CPU per 1,000 streamed tokens, 1,000 messages in the transcript',
      fmtMs(r.mine),
      'the same with 10 messages',
      fmtMs(r.anchor),
      ratio,
      'at most 1.2x',
      ratio <= 1.2,
    );
  }
  if (want('replies')) {
    log('TUI frame cost while a reply streams, 1K to 100K characters ...');
    const r = await benchReplyFrames();
    const names = { latin: 'Latin', cjk: 'CJK', emoji: 'emoji-rich' };
    for (const [script, [small, middle, large]] of Object.entries(r)) {
      add(
        `TUI CPU per frame, streaming a 20K-character ${names[script]} reply`,
        fmtMs(middle),
        'the same, 1K characters',
        fmtMs(small),
        middle / small,
        'none (for reference)',
        null,
      );
      const ratio = large / small;
      add(
        `TUI CPU per frame, streaming a 100K-character ${names[script]} reply`,
        fmtMs(large),
        'the same, 1K characters',
        fmtMs(small),
        ratio,
        'at most 1.5x',
        ratio <= 1.5,
      );
    }
  }
  if (want('inspector')) {
    log('TUI frame cost with the inspector open, 1 MB against 10 KB request ...');
    const i = await benchInspectorFrames();
    const ratio = i.large / i.small;
    add(
      'TUI CPU per frame while a reply streams, prompt inspector open on a 1 MB request',
      fmtMs(i.large),
      'the same, 10 KB request',
      fmtMs(i.small),
      ratio,
      'at most 1.5x',
      ratio <= 1.5,
    );
  }
  if (want('streaming')) await addStreamingRows();
  if (want('memory')) {
    log('peak RSS of a 1,000-turn demo session ...');
    const m = await benchMemory();
    add(
      `peak RSS, headless demo session of ${m.turns} turns`,
      `${Math.round(m.rssMb)} MB`,
      '—',
      '—',
      null,
      'at most 200 MB',
      m.rssMb <= 200 && m.turns >= 1000,
    );
  }
  if (want('eval')) await addEvalRows();
  if (want('tokens')) {
    log('prompt tokens, thread against scoped ...');
    const t = await benchTokens();
    const ratio = t.thread / t.scoped;
    add(
      'prompt tokens, software-company workflow, `context: thread` (demo, estimated)',
      `${t.thread}`,
      '`context: scoped`',
      `${t.scoped}`,
      ratio,
      'scoped at least 2x fewer',
      ratio >= 2,
    );
  }
  if (want('server-context')) {
    log('prompt tokens sent over the Responses API, server against thread and scoped ...');
    const t = await benchServerContext();
    const label = (against) =>
      `prompt tokens sent, software-company workflow over the Responses API, \`context: server\` against ${against} (${t.server.requests} requests)`;
    add(
      label('thread'),
      `${t.server.tokens}`,
      '`context: thread`',
      `${t.thread.tokens}`,
      t.thread.tokens / t.server.tokens,
      'server at least 5x fewer than thread',
      t.thread.tokens >= 5 * t.server.tokens,
    );
    add(
      label('scoped'),
      `${t.server.tokens}`,
      '`context: scoped`',
      `${t.scoped.tokens}`,
      t.scoped.tokens / t.server.tokens,
      'server fewer than scoped',
      t.server.tokens < t.scoped.tokens,
    );
  }
  if (setStartVars.length > 0) {
    log(`node -e 0 with and without ${setStartVars.join(' and ')} ...`);
    const c = await startVarsCost();
    const them = setStartVars.length > 1 ? 'them' : 'it';
    notes.push(
      `This environment sets ${setStartVars.join(' and ')}, which every node process pays for when it starts: \`node -e 0\` takes ${fmtMs(c.withVars)} with ${them} and ${fmtMs(c.without)} without. The bench runs every process without ${them}; a wall time above is that much longer with ${them} set.`,
    );
  }
  const cpu = os.cpus();
  const lines = [
    `roleplay bench, ${new Date().toISOString().slice(0, 10)}: node ${process.version}, ${os.type()} ${os.release()}, ${cpu.length} x ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB; ${Math.round((Date.now() - began) / 1000)} s`,
    '',
    '| figure | value | anchor | anchor value | ratio | target | holds |',
    '| --- | ---: | --- | ---: | ---: | --- | --- |',
    ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.anchor} | ${r.anchorValue} | ${r.ratio} | ${r.target} | ${r.ok} |`),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ];
  if (process.argv.includes('--json')) {
    // One JSON object a line for each figure: its value as a number with its unit, its target and whether it holds.
    for (const r of rows) {
      const [, value, unit] = /^([\d.]+)\s*(.*)$/.exec(r.value) ?? [null, r.value, ''];
      const name = r.figure
        .replace(/[`'()]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      const holds = r.ok === '—' ? null : r.ok === 'yes';
      process.stdout.write(
        `${JSON.stringify({ name, value: Number(value), unit: unit || 'count', target: r.target, holds, anchor: r.anchor, anchorValue: r.anchorValue, ratio: r.ratio })}\n`,
      );
    }
  } else process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = rows.every((r) => r.ok !== 'NO') ? 0 : 1;
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 2;
});
