/** What the engine derives from the config for others to read: the workflow outline and a turn's facts. */
import type { Conversation, ResolvedConfig, Workflow } from '../config/resolve.js';
import type { TurnMeta } from '../providers/types.js';
import type { Side, TurnKind, WorkflowOutline } from './events.js';
import { roleName } from './requestBuilder.js';

export function workflowOutline(workflow: Workflow): WorkflowOutline {
  return {
    description: workflow.description,
    roles: workflow.roles.map(({ id, name }) => ({ id, name })),
    artifacts: workflow.artifacts.map(({ id, name }) => ({ id, name })),
    phases: workflow.phases.map((phase) => ({
      id: phase.id,
      name: phase.name,
      conversations: phase.conversations.flatMap((id) => {
        const c = workflow.conversations.find((x) => x.id === id);
        return c ? [{ id, name: c.name, lead: c.lead, assistant: c.assistant, input: c.input, output: c.output, maxTurns: c.maxTurns }] : [];
      }),
    })),
  };
}

/** The facts about a turn that the demo model writes from. */
export function turnMeta(args: {
  config: ResolvedConfig;
  task: string;
  produced: ReadonlyMap<string, { text: string }>;
  customer: readonly string[];
  kind: TurnKind;
  conversation: Conversation | undefined;
  side: Side | undefined;
  index: number;
}): TurnMeta {
  const { config, task, produced, customer, kind, conversation, side, index } = args;
  const { workflow } = config;
  const meta: TurnMeta = { kind, task, workflowDescription: workflow.description, customer: [...customer] };
  if (!conversation || !side) return meta;
  const speakerId = side === 'lead' ? conversation.lead : conversation.assistant;
  const partnerId = side === 'lead' ? conversation.assistant : conversation.lead;
  const speaker = workflow.roles.find((r) => r.id === speakerId);
  const input = workflow.artifacts.find((a) => a.id === conversation.input);
  const output = workflow.artifacts.find((a) => a.id === conversation.output);
  // An input no conversation produces (the preset's Task) is the task itself.
  const producedByConversation = workflow.conversations.some((c) => c.output === conversation.input);
  meta.speaker = { name: speaker?.name ?? speakerId, description: speaker?.description ?? '', side };
  meta.partner = { name: roleName(workflow, partnerId), side: side === 'lead' ? 'assistant' : 'lead' };
  meta.conversation = { name: conversation.name, description: conversation.description, turnIndex: index };
  meta.input = {
    name: input?.name ?? conversation.input,
    description: input?.description ?? '',
    text: produced.get(conversation.input)?.text ?? (producedByConversation ? undefined : task),
  };
  meta.output = { name: output?.name ?? conversation.output, description: output?.description ?? '' };
  return meta;
}

/** Why a reloaded config cannot replace the running one: its workflow has another shape. */
export function structuralChange(before: Workflow, after: Workflow): string | undefined {
  const ids = (list: Array<{ id: string }>) => list.map((x) => x.id).join(',');
  if (ids(before.roles) !== ids(after.roles)) return 'the roles changed';
  if (ids(before.artifacts) !== ids(after.artifacts)) return 'the artifacts changed';
  if (ids(before.phases) !== ids(after.phases)) return 'the phases changed';
  for (const [i, phase] of before.phases.entries()) {
    if (phase.conversations.join(',') !== after.phases[i]?.conversations.join(',')) return `the conversations of phase "${phase.name}" changed`;
  }
  for (const conv of before.conversations) {
    const next = after.conversations.find((c) => c.id === conv.id);
    if (!next || next.lead !== conv.lead || next.assistant !== conv.assistant || next.input !== conv.input || next.output !== conv.output) {
      return `conversation "${conv.name}" changed its roles or artifacts`;
    }
  }
  return undefined;
}

/** Names the parts of the config that differ, for the user to see what a reload changed. */
export function changedParts(before: ResolvedConfig, after: ResolvedConfig): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of Object.keys(after.prompts) as Array<keyof ResolvedConfig['prompts']>) {
    if (before.prompts[key] !== after.prompts[key]) out.push(`prompts.${key}`);
  }
  for (const role of after.workflow.roles) {
    const old = before.workflow.roles.find((r) => r.id === role.id);
    if (!same(old, role)) out.push(`role ${role.name}`);
  }
  for (const conv of after.workflow.conversations) {
    const old = before.workflow.conversations.find((c) => c.id === conv.id);
    if (!same(old, conv)) out.push(`conversation ${conv.name}`);
  }
  for (const key of ['model', 'temperature', 'maxTurns', 'sanityCheck', 'retry', 'breakpoints', 'task', 'context'] as const) {
    if (!same(before[key], after[key])) out.push(key);
  }
  if (!same(before.workflow.description, after.workflow.description)) out.push('workflow.description');
  return out;
}
