/**
 * The one place where the messages of a request are put together, so that what each turn sent can be
 * recorded exactly and shown later.
 */
import { renderTemplate } from '../config/prompts.js';
import type { Conversation, ResolvedConfig, Workflow } from '../config/resolve.js';
import type { ChatMessage } from '../providers/types.js';

/** One message of the conversation thread, tagged with what produced it so a turn can be taken back. */
export interface ThreadEntry {
  role: 'user' | 'assistant';
  content: string;
  conversationId: string | null;
  /** Set for a turn's prompt and reply; unset for customer messages. */
  turnId?: string;
  /** What the customer said, for a customer message (the content is the filled-in template). */
  customer?: string;
}

const describe = (kind: string, fields: Array<[string, string]>) =>
  `('${kind}' ${fields.map(([k, v]) => `${k}:[${v}]`).join(', ')})`;

/**
 * The message that introduces the company and the task. With `scope`, a conversation of the `scoped` context,
 * it lists only what that conversation needs: its two roles, its input and output, itself and its phase. The
 * whole workflow in every request would cost as many tokens as a long thread.
 */
export function initialMessage(config: ResolvedConfig, task: string, scope?: Conversation): string {
  const workflow = scope ? scopedWorkflow(config.workflow, scope) : config.workflow;
  const byId = <T extends { id: string; name: string }>(list: T[], id: string) =>
    list.find((item) => item.id === id)?.name ?? id;
  return renderTemplate(config.prompts.initial, {
    roles: workflow.roles.map((r) => describe('role', [['name', r.name], ['description', r.description]])).join('\n'),
    artifacts: workflow.artifacts
      .map((a) => describe('artifact', [['name', a.name], ['description', a.description]]))
      .join('\n'),
    conversations: workflow.conversations
      .map((c) =>
        describe('conversation', [
          ['name', c.name],
          ['description', c.description],
          ['lead name', byId(workflow.roles, c.lead)],
          ['assistant name', byId(workflow.roles, c.assistant)],
          ['input name', byId(workflow.artifacts, c.input)],
          ['output name', byId(workflow.artifacts, c.output)],
        ]),
      )
      .join('\n'),
    phases: workflow.phases
      .map((p) =>
        describe('workflow', [
          ['name', p.name],
          ['description', p.description],
          ['conversation names', p.conversations.map((id) => byId(workflow.conversations, id)).join(',')],
        ]),
      )
      .join('\n'),
    description: workflow.description,
    task,
  });
}

function scopedWorkflow(workflow: Workflow, c: Conversation): Workflow {
  return {
    ...workflow,
    roles: workflow.roles.filter((r) => r.id === c.lead || r.id === c.assistant),
    artifacts: workflow.artifacts.filter((a) => a.id === c.input || a.id === c.output),
    conversations: [c],
    phases: workflow.phases.filter((p) => p.conversations.includes(c.id)).map((p) => ({ ...p, conversations: [c.id] })),
  };
}

export function artifactsMessage(
  config: ResolvedConfig,
  produced: ReadonlyMap<string, { text: string }>,
): string | undefined {
  if (produced.size === 0) return undefined;
  const sections = config.workflow.artifacts
    .filter((a) => produced.has(a.id))
    .map((a) => `### ${a.name}\n\n${produced.get(a.id)?.text ?? ''}`);
  return renderTemplate(config.prompts.artifacts, { artifacts: sections.join('\n\n') });
}

export function turnPrompt(
  config: ResolvedConfig,
  kind: 'sanity' | 'start' | 'switch',
  conversation: Conversation | undefined,
  speakerId: string | undefined,
): string {
  if (kind === 'sanity' || !conversation) return config.prompts.sanity;
  const name = (list: Array<{ id: string; name: string }>, id: string) => list.find((x) => x.id === id)?.name ?? id;
  const { roles, artifacts } = config.workflow;
  if (kind === 'start') {
    return renderTemplate(config.prompts.start, {
      conversation: conversation.name,
      lead: name(roles, conversation.lead),
      assistant: name(roles, conversation.assistant),
      input: name(artifacts, conversation.input),
      output: name(artifacts, conversation.output),
    });
  }
  return renderTemplate(config.prompts.switch, {
    conversation: conversation.name,
    speaker: speakerId ? name(roles, speakerId) : '',
  });
}

export function customerMessage(config: ResolvedConfig, text: string, conversation: Conversation | undefined): string {
  return renderTemplate(config.prompts.customer, { message: text, conversation: conversation?.name ?? '' });
}

/**
 * The messages for one turn. `thread` keeps the seed's single growing thread. `scoped` starts every
 * conversation afresh from the initial message plus the artifacts produced so far; pass the conversation's
 * own initial message (`initialMessage(config, task, conversation)`) as `initial` then.
 */
export function buildMessages(args: {
  config: ResolvedConfig;
  initial: string;
  thread: readonly ThreadEntry[];
  conversationId: string | null;
  produced: ReadonlyMap<string, { text: string }>;
  prompt: string;
}): ChatMessage[] {
  const { config, initial, thread, conversationId, produced, prompt } = args;
  const messages: ChatMessage[] = [
    { role: 'system', content: config.prompts.system },
    { role: 'user', content: initial },
  ];
  if (config.context === 'scoped' && conversationId !== null) {
    const summary = artifactsMessage(config, produced);
    if (summary) messages.push({ role: 'user', content: summary });
    for (const entry of thread) {
      if (entry.conversationId === conversationId) messages.push({ role: entry.role, content: entry.content });
    }
  } else {
    for (const entry of thread) messages.push({ role: entry.role, content: entry.content });
  }
  messages.push({ role: 'user', content: prompt });
  return messages;
}

export function roleName(workflow: Workflow, id: string): string {
  return workflow.roles.find((r) => r.id === id)?.name ?? id;
}
