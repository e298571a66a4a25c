/**
 * A token count estimated from text, for servers that send no usage and for text still streaming: about four
 * characters a token for English with OpenAI's tokenizers. Always shown marked "~".
 */
export function estimateTokens(text: string | number): number {
  return Math.ceil((typeof text === 'number' ? text : text.length) / 4);
}
