/**
 * An offline, deterministic model. It writes role-played replies from the workflow itself, so the whole
 * product can be tried, demoed and tested with no key and no network.
 */
import type { ModelRequest, Provider, StreamChunk, TurnMeta } from './types.js';

export interface DemoProviderOptions {
  /** Milliseconds between streamed words; 0 streams at once. */
  tokenDelayMs?: number;
  /** Milliseconds before the first word, like a real model thinking. */
  firstTokenDelayMs?: number;
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const pick = <T>(items: readonly T[], seed: number): T => items[seed % items.length] as T;

const firstSentence = (text: string) =>
  (
    text
      .replace(/\s+/g, ' ')
      .trim()
      .match(/^[^.!?]*[.!?]?/)?.[0] ?? ''
  ).trim();
const brief = (text: string, words = 24) => {
  const parts = text
    .replace(/[#*`>]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .split(' ');
  return parts.length > words ? `${parts.slice(0, words).join(' ')} ...` : parts.join(' ');
};

/** How many replies a conversation takes in the demo: 2 to 4, fixed for a given task and conversation. */
function demoTurns(conversationName: string, task: string): number {
  return 2 + (hash(`${conversationName}\u0000${task}`) % 3);
}

const QUESTIONS: Array<(m: TurnMeta) => string> = [
  (m) => `Before we commit to anything: what does "${brief(m.task, 12)}" mean for the ${m.output?.name ?? 'result'} we owe?`,
  (m) => `Which part of the ${m.input?.name ?? 'input'} do you see as the biggest risk here?`,
  (m) => `Can we agree on the scope first, so the ${m.output?.name ?? 'output'} stays small and testable?`,
  () => `What would you cut if we had half the time?`,
];

const ANSWERS: Array<(m: TurnMeta) => string> = [
  (m) =>
    `From my side as ${m.speaker?.name}: ${firstSentence(m.speaker?.description ?? '').replace(/^You are/, 'I am')} I would keep the ${m.output?.name ?? 'output'} focused on the task and nothing more.`,
  (m) => `The ${m.input?.name ?? 'input'} gives us enough to start. The open point is how we handle errors and edge cases.`,
  () => `I agree with the direction. Let us write it down plainly so the next conversation can build on it.`,
  () => `I would split it in two steps: the smallest version that works, then the polish.`,
];

function artifactBody(m: TurnMeta): string {
  const name = m.output?.name ?? 'Result';
  const subject = brief(m.task, 16);
  const lines = [`# ${name}`, '', firstSentence(m.output?.description ?? ''), '', `For the task: ${subject}`, ''];
  if (/code/i.test(name)) {
    lines.push(
      '```python',
      'from dataclasses import dataclass',
      '',
      '@dataclass',
      'class User:',
      '    name: str',
      '    email: str',
      '',
      'def create_user(name: str, email: str) -> User:',
      '    if "@" not in email:',
      '        raise ValueError("invalid email")',
      '    return User(name=name.strip(), email=email.lower())',
      '```',
      '',
    );
  }
  lines.push(
    '## Agreed points',
    `- Built on the ${m.input?.name ?? 'input'}: ${brief(m.input?.text ?? m.input?.description ?? '', 14)}`,
    `- Scope: ${firstSentence(m.conversation?.description ?? '')}`,
    '- Open questions are listed for the next conversation.',
  );
  if (m.customer.length) lines.push(`- The customer asked: "${brief(m.customer.join(' '), 20)}" and this is covered.`);
  return lines.join('\n');
}

/** The full text of one demo reply, before it is streamed. */
function demoReply(meta: TurnMeta): string {
  if (meta.kind === 'sanity' || !meta.conversation || !meta.speaker) return 'SUCCESS';
  const speaker = meta.speaker.name;
  const partner = meta.partner?.name ?? 'team';
  const turns = demoTurns(meta.conversation.name, meta.task);
  const index = meta.conversation.turnIndex;
  const seed = hash(`${meta.conversation.name}${index}${meta.task}`);
  const parts: string[] = [`${speaker}:`, ''];
  if (meta.customer.length) {
    parts.push(`Thank you for stepping in. You said: "${brief(meta.customer.join(' '), 30)}" We take that on board.`, '');
  }
  if (index >= turns - 1) {
    // As the seed's instructions ask: the last message holds only the output, then the marker.
    parts.push(artifactBody(meta), '', 'END CONVERSATION');
  } else if (index === 0) {
    parts.push(
      `${partner}, let us start "${meta.conversation.name}". ${firstSentence(meta.conversation.description)}`,
      '',
      `Our input is the ${meta.input?.name ?? 'task'}: ${brief((meta.input?.text ?? meta.task).replace(/^#.*$/m, ''))}`,
      '',
      pick(QUESTIONS, seed)(meta),
    );
  } else {
    parts.push(pick(ANSWERS, seed)(meta), '', pick(QUESTIONS, seed >>> 3)(meta));
  }
  return parts.join('\n');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class DemoProvider implements Provider {
  readonly label = 'demo';

  constructor(private readonly options: DemoProviderOptions = {}) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    const delay = this.options.tokenDelayMs ?? 30;
    const text = demoReply(request.meta);
    if (delay > 0) await sleep(this.options.firstTokenDelayMs ?? 400, signal);
    // Words with their trailing space, like the pieces a real model streams.
    for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
      if (signal.aborted) throw signal.reason;
      if (delay > 0) await sleep(delay, signal);
      yield { type: 'delta', text: piece };
    }
  }
}
