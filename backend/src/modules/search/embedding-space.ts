import { createHash } from 'node:crypto';

/** Vectors are comparable only within one model at one size: an embedding space. */
export interface EmbeddingSpace {
  model: string;
  dimensions: number;
}

export function sameSpace(a: EmbeddingSpace, b: EmbeddingSpace): boolean {
  return a.model === b.model && a.dimensions === b.dimensions;
}

/** A short id of a space for job ids and cache keys (model names may hold ':' or '/'). */
export function spaceTag(space: EmbeddingSpace): string {
  return createHash('sha256').update(`${space.model}\n${space.dimensions}`).digest('hex').slice(0, 12);
}

export function describeSpace(space: EmbeddingSpace): string {
  return `${space.model} (${space.dimensions} dimensions)`;
}
