import { createHash } from 'node:crypto';
import type { PersonalizePayload } from '@lectern/infra';

/** The cache key of one rewrite; also the payload of the job that writes it. */
export type PersonalizeKey = PersonalizePayload;

/**
 * The job id for a key: derived from the whole key, so concurrent requests
 * for the same rewrite join one job (and one LLM call). No ':' (BullMQ forbids it).
 */
export function personalizeJobId(key: PersonalizeKey): string {
  const digest = createHash('sha256')
    .update([key.lessonSlug, key.contentHash, key.preferencesHash, String(key.promptVersion), key.model].join('\n'))
    .digest('hex');
  return `rewrite-${digest.slice(0, 40)}`;
}
