import { createHash } from 'node:crypto';
import type { PersonalizePayload } from './personalize.jobs';

/** The cache key of one rewrite; also the payload of the job that writes it. */
export type PersonalizeKey = PersonalizePayload;

/** The key with its variant spelled out ('' = the shared row): a missing property would match any row in findOneBy. */
export function fullKey(key: PersonalizeKey): Required<PersonalizeKey> {
  return { ...key, variant: key.variant ?? '' };
}

/**
 * The job id for a key: derived from the whole key, so concurrent requests
 * for the same rewrite join one job (and one LLM call). No ':' (BullMQ forbids it).
 */
export function personalizeJobId(key: PersonalizeKey): string {
  const parts = [key.lessonSlug, key.contentHash, key.preferencesHash, String(key.promptVersion), key.model];
  // A learner's own variant is part of the key; the shared row ('') keeps the ids it always had.
  if (key.variant) parts.push(key.variant);
  const digest = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `rewrite-${digest.slice(0, 40)}`;
}
