/**
 * A request as text a person edits, and back: each message under a line `--- #n role ---`, its content as it is.
 * A content line that would read as such a line gets one more backslash in front (and loses it again), so any
 * request round-trips exactly. The numbers are only for reading: messages may be added, dropped or moved.
 */
import type { ChatMessage } from '../../providers/types.js';

const MARKER = /^--- #\d* ?(system|user|assistant) ---$/;
const ESCAPED = /^\\*--- #/;
const ROLES = new Set(['system', 'user', 'assistant']);

export function requestToText(messages: readonly ChatMessage[]): string {
  return messages
    .map((m, i) => {
      const content = m.content
        .split('\n')
        .map((line) => (ESCAPED.test(line) ? `\\${line}` : line))
        .join('\n');
      return `--- #${i + 1} ${m.role} ---\n${content}\n`;
    })
    .join('');
}

export type ParsedRequest = { ok: true; messages: ChatMessage[] } | { ok: false; message: string };

export function textToRequest(text: string): ParsedRequest {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // The file's own last line break (editors add one) is not content.
  if (lines.at(-1) === '') lines.pop();
  const messages: ChatMessage[] = [];
  let current: { role: ChatMessage['role']; lines: string[] } | null = null;
  for (const [i, line] of lines.entries()) {
    const marker = /^--- #\d* ?(\S+) ---$/.exec(line);
    if (marker) {
      const role = marker[1] ?? '';
      if (!ROLES.has(role) || !MARKER.test(line))
        return { ok: false, message: `line ${i + 1}: "${role}" is not a role: use system, user or assistant` };
      if (current) messages.push({ role: current.role, content: current.lines.join('\n') });
      current = { role: role as ChatMessage['role'], lines: [] };
      continue;
    }
    if (!current) {
      if (line.trim() === '') continue;
      return { ok: false, message: `line ${i + 1}: text before the first "--- #1 system ---" line` };
    }
    current.lines.push(/^\\+--- #/.test(line) ? line.slice(1) : line);
  }
  if (current) messages.push({ role: current.role, content: current.lines.join('\n') });
  if (!messages.length) return { ok: false, message: 'the request has no message left: a request needs at least one' };
  return { ok: true, messages };
}
