import path from 'node:path';

/** A path as messages show it: relative to `cwd` when it is inside it, else as given. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
