/**
 * The prompt templates. The defaults are the seed notebook's own texts, with `{{placeholders}}` where the
 * notebook used f-strings, and with the notebook's bug fixed: its artifacts section listed the roles.
 */
export const PROMPT_VARIABLES = {
  system: [],
  initial: ['roles', 'artifacts', 'conversations', 'phases', 'description', 'task'],
  sanity: [],
  start: ['conversation', 'lead', 'assistant', 'input', 'output'],
  switch: ['conversation', 'speaker'],
  customer: ['message', 'conversation'],
  artifacts: ['artifacts'],
} as const;

export type PromptName = keyof typeof PROMPT_VARIABLES;
export type Prompts = Record<PromptName, string>;

export const DEFAULT_PROMPTS: Prompts = {
  system: `You are roleplaying multiple people in a workflow, e.g. a company working on things in a process.
In every response you represent only a single person.
The roleplay is structured in phases and each phase has a conversation.
Each conversation always has a lead and an assistant role you are to impersonate.
Each conversation has an input type and an output type you will try to create.
Use all existing inputs and outputs created to properly create the respective output.

In my initial message I will provide instructions that are to be handled by the workflow based on the input of the conversation.
I provide you with descriptions of the conversations and the phases they belong to so that you know what to do.
When I say "START CONVERSATION <Conversation Name>" you will impersonate the lead of the conversation.
You will read the existing thread and everything it it carefully.
You will find an input per description. You answer to the provided assistant in respect to the roles and inputs described.

When I say "SWITCH" you will impersonate the assistant and answer to the lead.
When I say "SWITCH" again you will impersonate the lead again and answer to the assistant.
Each impersonation can explain things or ask questions.
If you feel like you are done, your message will only contain the conversation's desired
output and end with "END CONVERSATION".

Always start your responses with the name of the role, e.g.:

\`\`\`
CEO:

<the message>
\`\`\`

\`\`\`
CPO:

<the message>
\`\`\``,
  initial: `These are the roles you are to impersonate:
{{roles}}

These are the artifacts that are referenced as inputs and outputs in conversations:
{{artifacts}}

These are the conversations you are to hold. They are referenced in phases:
{{conversations}}

These are the phases you are going through:
{{phases}}

Here is a general description of the workflow for context:
{{description}}

This is the instruction you will handle with the workflow:
({{task}})`,
  sanity: `Answer with only "SUCCESS" if you understood everything and with only "FAILURE" if you didn't.`,
  start: `START CONVERSATION {{conversation}}`,
  switch: `SWITCH`,
  customer: `The customer steps into the conversation and says:

{{message}}

The next speaker answers the customer first, then goes on with the conversation.`,
  artifacts: `These are the artifacts produced so far:

{{artifacts}}`,
};

/** Fills `{{name}}` placeholders. Unknown names are rejected when the config loads, so none reach here. */
export function renderTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}
