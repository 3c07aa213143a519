/**
 * Splits items into request batches of at most `maxInputs` items and
 * `maxTokens` tokens, keeping their order. An item larger than `maxTokens` on
 * its own goes alone (callers truncate inputs to the provider's per-input limit).
 */
export function batchByTokens<T>(
  items: readonly T[],
  tokensOf: (item: T) => number,
  limits: { maxTokens: number; maxInputs: number },
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const size = tokensOf(item);
    if (current.length > 0 && (tokens + size > limits.maxTokens || current.length >= limits.maxInputs)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(item);
    tokens += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
