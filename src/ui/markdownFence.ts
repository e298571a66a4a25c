/** A code fence's opening or closing line, as markdownRender.ts and markdownStream.ts follow them. */
export const FENCE = /^ {0,3}(```|~~~)\s*([\w+#.-]*)/;
