import * as z from 'zod';

/** One message of a chat request, as providers send it and the journal records it. */
export const ChatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
