/**
 * `text.startsWith(prefix)`, for long strings. V8 compares `startsWith` character by character, but two flat
 * strings with `===` at memory speed: at 100 K characters (a long streaming reply, checked every frame) that is
 * 0.1-0.5 ms against a few microseconds.
 */
export function startsWith(text: string, prefix: string): boolean {
  return text.length >= prefix.length && text.slice(0, prefix.length) === prefix;
}
