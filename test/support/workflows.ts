import type { WorkflowInput } from '../../src/config/schema.js';

/**
 * The smallest workflow: two roles, one conversation (Planning: Boss leads, Helper assists, Idea -> Plan) in
 * one phase. Tests override a conversation's or the phase's fields to make one thing wrong or different.
 */
export function twoPersonWorkflow(conversation: Record<string, unknown> = {}, phase: Record<string, unknown> = {}) {
  return {
    description: 'two people',
    roles: [
      { name: 'Boss', description: 'leads' },
      { name: 'Helper', description: 'helps' },
    ],
    artifacts: [
      { name: 'Idea', description: 'in' },
      { name: 'Plan', description: 'out' },
    ],
    conversations: [{ name: 'Planning', description: 'plan it', lead: 'Boss', assistant: 'Helper', input: 'Idea', output: 'Plan', ...conversation }],
    phases: [{ name: 'Only', description: 'the phase', conversations: ['Planning'], ...phase }],
  } satisfies WorkflowInput;
}
