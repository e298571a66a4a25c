/**
 * The one place where the messages of a request are put together, so that what each turn sent can be
 * recorded exactly and shown later.
 */
import { renderTemplate } from '../config/prompts.js';
import type { Conversation, ResolvedConfig, Workflow } from '../config/resolve.js';
import type { ChatMessage } from '../providers/types.js';
import { nextStep, type TurnAt } from './position.js';
import { waitingCustomers, type SessionModel } from './sessionModel.js';
import { customerContent } from './thread.js';

const describe = (kind: string, fields: Array<[string, string]>) => `('${kind}' ${fields.map(([k, v]) => `${k}:[${v}]`).join(', ')})`;

/**
 * The message that introduces the company and the task. With `scope`, a conversation of the `scoped` context,
 * it lists only what that conversation needs: its two roles, its input and output, itself and its phase. The
 * whole workflow in every request would cost as many tokens as a long thread.
 */
function initialMessage(config: ResolvedConfig, task: string, scope?: Conversation): string {
  const workflow = scope ? scopedWorkflow(config.workflow, scope) : config.workflow;
  const byId = <T extends { id: string; name: string }>(list: T[], id: string) => list.find((item) => item.id === id)?.name ?? id;
  return renderTemplate(config.prompts.initial, {
    roles: workflow.roles
      .map((r) =>
        describe('role', [
          ['name', r.name],
          ['description', r.description],
        ]),
      )
      .join('\n'),
    artifacts: workflow.artifacts
      .map((a) =>
        describe('artifact', [
          ['name', a.name],
          ['description', a.description],
        ]),
      )
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

function artifactsMessage(config: ResolvedConfig, produced: ReadonlyMap<string, { text: string }>): string | undefined {
  if (produced.size === 0) return undefined;
  const sections = config.workflow.artifacts.filter((a) => produced.has(a.id)).map((a) => `### ${a.name}\n\n${produced.get(a.id)?.text ?? ''}`);
  return renderTemplate(config.prompts.artifacts, { artifacts: sections.join('\n\n') });
}

function turnPrompt(
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

/** What a turn sends: the messages, its prompt, and the customer messages it delivers for the first time. */
export interface BuiltRequest {
  messages: ChatMessage[];
  prompt: string;
  heard: string[];
}

/**
 * The messages for one turn, from the session as it stands. `thread` context keeps the seed's single growing
 * thread; `scoped` starts every conversation afresh from its own initial message plus the artifacts produced so
 * far. Customer messages that no turn has heard yet come right before the prompt (the sanity check hears none).
 */
export function requestFor(model: SessionModel, config: ResolvedConfig, task: string, turn: TurnAt): BuiltRequest {
  const { conversation } = turn;
  const prompt = turnPrompt(config, turn.kind, conversation, turn.role ?? undefined);
  const scoped = config.context === 'scoped' && conversation !== undefined;
  const messages: ChatMessage[] = [
    { role: 'system', content: config.prompts.system },
    { role: 'user', content: initialMessage(config, task, scoped ? conversation : undefined) },
  ];
  if (scoped) {
    const summary = artifactsMessage(config, model.produced);
    if (summary) messages.push({ role: 'user', content: summary });
    for (const entry of model.thread) {
      if (entry.conversationId === conversation.id) messages.push({ role: entry.role, content: entry.content });
    }
  } else {
    for (const entry of model.thread) messages.push({ role: entry.role, content: entry.content });
  }
  const heard = turn.kind === 'sanity' ? [] : waitingCustomers(model);
  for (const record of heard) messages.push({ role: 'user', content: customerContent(config, record.text, conversation) });
  messages.push({ role: 'user', content: prompt });
  return { messages, prompt, heard: heard.map((r) => r.id) };
}

/** The request the run would send next, or undefined when no turn is left: what a resume must send too. */
export function nextRequest(model: SessionModel, task: string): BuiltRequest | undefined {
  if (!model.config || model.finished?.status === 'completed') return undefined;
  const step = nextStep(model, model.config);
  return step.kind === 'turn' ? requestFor(model, model.config, task, step.turn) : undefined;
}

export function roleName(workflow: Workflow, id: string): string {
  return workflow.roles.find((r) => r.id === id)?.name ?? id;
}
