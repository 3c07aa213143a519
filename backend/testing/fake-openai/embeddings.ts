/**
 * The fake's embeddings: bag-of-words feature hashing (texts sharing words
 * are close, in any requested dimension), and the parsing of embedding inputs.
 *
 * Node built-ins only and erasable TypeScript (see fake-openai-server.ts), so
 * `main.ts` and the browser tests run it under Node's type stripping; imports
 * between these files name the `.ts` file for that reason.
 */
import { invalid } from './faults.ts';
import { DEFAULT_DIMENSIONS, MAX_EMBEDDING_INPUTS } from './types.ts';

// ---------------------------------------------------------------------------
// Embeddings: bag-of-words feature hashing
// ---------------------------------------------------------------------------

const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from has have in is it its of on or that the this to was were will with ' +
    'you your we our they their he she his her them it’s what which who how when where why can could would should ' +
    'do does did not no so than then there these those into about over under also just more most very'
  ).split(' '),
);

export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

function featureWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const content = words.filter((word) => !STOP_WORDS.has(word));
  return (content.length > 0 ? content : words).map(stem);
}

/**
 * A deterministic embedding: lower-cased words (stop words dropped, plurals
 * folded) hashed into `dimensions` signed buckets with sub-linear term
 * frequency, L2-normalised, rounded to float32. Texts sharing words have a
 * high cosine similarity; unrelated texts are near 0.
 */
export function fakeEmbedding(text: string, dimensions: number = DEFAULT_DIMENSIONS): number[] {
  const vector = new Float64Array(dimensions);
  const counts = new Map<string, number>();
  for (const word of featureWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  for (const [word, count] of counts) {
    const bucket = fnv1a(word) % dimensions;
    const sign = (fnv1a(word, 0x9747b28c) & 1) === 1 ? 1 : -1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * (1 + Math.log(count));
  }
  let norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  if (norm === 0) {
    vector[fnv1a(text) % dimensions] = 1;
    norm = 1;
  }
  return Array.from(vector, (value) => Math.fround(value / norm));
}

/** Cosine similarity of two vectors of the same length. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Little-endian float32 bytes, base64-encoded (what `encoding_format: 'base64'` returns). */
export function embeddingToBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/** The inverse of `embeddingToBase64`. */
export function embeddingFromBase64(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  const out: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) out.push(bytes.readFloatLE(offset));
  return out;
}

export function parseEmbeddingInputs(value: unknown): string[] {
  const problem = invalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input');
  const tokens = (item: unknown[]): string => item.map((token) => String(token)).join(' ');
  let inputs: string[];
  if (typeof value === 'string') inputs = [value];
  else if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number')) inputs = [tokens(value)];
  else if (Array.isArray(value)) {
    inputs = value.map((item) => {
      if (typeof item === 'string') return item;
      if (Array.isArray(item) && item.every((token) => typeof token === 'number')) return tokens(item);
      throw problem;
    });
  } else throw problem;
  if (inputs.length === 0 || inputs.length > MAX_EMBEDDING_INPUTS || inputs.some((input) => input === '')) throw problem;
  return inputs;
}
