import type { PreferredLanguage } from '@lectern/api-types';

/** Tokens of the instructions and profile around the lesson in the prompt (generous). */
const PROMPT_OVERHEAD_TOKENS = 1_500;

/**
 * The most tokens one rewrite call may use, reserved from the daily budget
 * before it is queued and before the call: the prompt (the lesson, about 4
 * characters a token, plus the instructions) and a completion up to the
 * longest rewrite the fidelity check accepts (3× the original; Urdu text
 * takes about twice the tokens). Sent as max_tokens too, so a call cannot
 * spend more than was reserved.
 */
export function rewriteTokenBounds(markdownLength: number, language: PreferredLanguage | string): { prompt: number; completion: number } {
  const lessonTokens = Math.ceil(markdownLength / 4);
  return {
    prompt: lessonTokens + PROMPT_OVERHEAD_TOKENS,
    completion: Math.max(1_024, lessonTokens * (language === 'ur' ? 6 : 3) + 256),
  };
}

export function estimateRewriteTokens(markdownLength: number, language: PreferredLanguage | string): number {
  const { prompt, completion } = rewriteTokenBounds(markdownLength, language);
  return prompt + completion;
}
