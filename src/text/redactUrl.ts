/**
 * A URL as it may be shown or written: without the credentials a base URL can carry (`user:password@`, or a key
 * in its query such as Azure's `api-key`, Gemini's `key`, `token`, `sig`). Each is replaced by `***`, so the URL
 * still says which server it is and that it had them.
 */
const SECRET_PARAM = /^(?:api[-_]?key|key|token|access[-_]?token|auth|authorization|password|secret|sig|signature|code|x-api-key)$/i;

export const REDACTED = '***';

export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not a URL: still take out anything shaped like `scheme://user:password@`.
    return value.replace(/(\/\/)[^/@\s]*@/g, `$1${REDACTED}@`);
  }
  let changed = false;
  if (url.username || url.password) {
    url.username = url.username ? REDACTED : '';
    url.password = url.password ? REDACTED : '';
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      url.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  // An unchanged URL is given back as it was written (new URL() would add a trailing slash to a bare host).
  return changed ? url.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED) : value;
}

/** Every URL inside a text (an error message, a note), redacted. */
export function redactUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+/g, (url) => redactUrl(url));
}
