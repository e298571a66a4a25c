/**
 * The seed's turn protocol, read from model text: the role header ("CTO:") a reply starts with, and the
 * END CONVERSATION marker that closes a conversation. Models decorate both with markdown; we tolerate it.
 */

// Markdown that models wrap around the marker: bold, italics, code, a heading or a quote, then punctuation.
const OPEN = String.raw`(?:[#>]+[ \t]*)?[*_~\x60]{0,3}`;
const CLOSE = String.raw`[.!:;]*[*_~\x60]{0,3}[.!:;]*`;
const WORDS = String.raw`END[ \t_-]*CONVERSATION`;

/**
 * The upper-case marker anywhere in the reply, as the seed's `"END CONVERSATION" in response` did. Its
 * decoration is only taken along when it starts a word, so "**bold**END" keeps its "**".
 */
const STRICT_MARKER = new RegExp(String.raw`(?:(?<=^|\s)${OPEN})?${WORDS}${CLOSE}`, 'gm');
/** Any case, but only on a line of its own, so prose like "before we end conversation..." never ends one. */
const LOOSE_MARKER = new RegExp(String.raw`^[ \t]*${OPEN}${WORDS}${CLOSE}[ \t]*$`, 'gim');

/** The sanity check passed: its answer says SUCCESS (the prompt asks for only "SUCCESS" or only "FAILURE"). */
export function sanityPassed(answer: string): boolean {
  return /SUCCESS/i.test(answer) && !/FAILURE/i.test(answer);
}

export function hasEndMarker(text: string): boolean {
  return /END[ \t_-]*CONVERSATION/.test(text) || new RegExp(LOOSE_MARKER.source, 'im').test(text);
}

export function stripEndMarker(text: string): string {
  return text.replace(LOOSE_MARKER, '').replace(STRICT_MARKER, '').trim();
}

export interface RoleHeader {
  /** The name as the model wrote it. */
  speaker: string;
  /** The reply without the header line. */
  body: string;
}

const HEADER = /^[\s>#*_\x60]*([A-Za-z][\w .'&()/-]{0,40}?)[\s*_\x60]*:[\s*_\x60]*(?:\n|$)/;
const INLINE_HEADER = /^[\s>#*_\x60]*([A-Za-z][\w .'&()/-]{0,40}?)[*_\x60]*:[*_\x60]*[ \t]+/;

/** Reads the role header a reply starts with: "CTO:" on its own line, or "CTO: text" inline. */
export function parseRoleHeader(text: string, knownNames: readonly string[] = []): RoleHeader | undefined {
  const own = HEADER.exec(text);
  // "Here is the plan for you:" is a sentence, not a speaker.
  if (own?.[1] && own[1].trim().split(/\s+/).length <= 3) return { speaker: own[1].trim(), body: text.slice(own[0].length).trim() };
  const inline = INLINE_HEADER.exec(text);
  const name = inline?.[1]?.trim();
  // Inline "Word: text" is only a header when the word is a name we know, not "Note: ...".
  if (inline && name && knownNames.some((known) => known.toLowerCase() === name.toLowerCase())) {
    return { speaker: name, body: text.slice(inline[0].length).trim() };
  }
  return undefined;
}

export function sameSpeaker(speaker: string, expected: { name: string; id: string }): boolean {
  const s = speaker.trim().toLowerCase();
  return s === expected.name.toLowerCase() || s === expected.id.toLowerCase();
}

/** The output artifact: the final reply without its role header and without the marker. */
export function extractArtifact(text: string, knownNames: readonly string[]): string {
  const header = parseRoleHeader(text, knownNames);
  return stripEndMarker(header ? header.body : text);
}
