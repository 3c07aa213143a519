/**
 * A tokenizer-free token estimate, deliberately on the high side so batches
 * stay inside the provider's limits: about 4 characters a token for ASCII
 * (OpenAI's rule of thumb for English and code) and 1.5 characters a token
 * for everything else (Urdu, accented Latin, CJK and emoji take more tokens
 * per character in BPE vocabularies).
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) ascii += 1;
    else other += 1;
  }
  return Math.ceil(ascii / 4 + other / 1.5);
}

/** The longest prefix of `text` whose estimate is at most `maxTokens` (cut at a space when one is near). */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimateTokens(text.slice(0, mid)) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  // Never end on half of a surrogate pair.
  const cut = /[\uD800-\uDBFF]$/.test(text.slice(0, low)) ? text.slice(0, low - 1) : text.slice(0, low);
  const space = cut.lastIndexOf(' ');
  return space > low * 0.8 ? cut.slice(0, space) : cut;
}
