/**
 * Pure helpers of the tutor: citation markers in answers, follow-up questions
 * turned into standalone search queries, and the lexical relevance that
 * decides whether the book covers a question.
 */

/** `[n]` markers, also `[1, 2]` and `[1][2]`; not inside code. */
const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/** Splits Markdown into code (fenced blocks, inline spans) and prose, so markers in code are left alone. */
function splitCode(text: string): Array<{ code: boolean; text: string }> {
  const parts: Array<{ code: boolean; text: string }> = [];
  const pattern = /(```[\s\S]*?(?:```|$)|~~~[\s\S]*?(?:~~~|$)|`[^`\n]+`)/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) parts.push({ code: false, text: text.slice(at, match.index) });
    parts.push({ code: true, text: match[0] });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ code: false, text: text.slice(at) });
  return parts;
}

/**
 * Removes markers that point at no given section (a `[1, 7]` with only 1
 * given becomes `[1]`), tidies the space they leave, and answers the cited
 * numbers in order of first use.
 */
export function cleanCitations(answer: string, given: ReadonlySet<number>): { text: string; cited: number[] } {
  const cited: number[] = [];
  const out = splitCode(answer).map((part) => {
    if (part.code) return part.text;
    return part.text
      .replace(MARKER, (_m, list: string) => {
        const kept = list
          .split(',')
          .map((n) => Number(n.trim()))
          .filter((n) => given.has(n));
        for (const n of kept) if (!cited.includes(n)) cited.push(n);
        return kept.map((n) => `[${n}]`).join('');
      })
      .replace(/[ \t]+([.,;:!?؟۔])/g, '$1')
      .replace(/[ \t]{2,}/g, ' ');
  });
  return { text: out.join('').trim(), cited };
}

const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for from has have in is it its of on or that the this to was were will with ' +
    'you your we our they their he she his her them what which who how when where why can could would should ' +
    'do does did not no so than then there these those into about over under also just more most very me my i ' +
    'explain tell please give some any one use used using does doing done get make book lesson chapter section ' +
    'difference between mean means meaning work works example examples thing things way ways'
  ).split(' '),
);

/** Lower-cased content words of a text (stop words dropped, simple plural folding). */
export function contentWords(text: string, folded = true): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
  return words
    .map((w) => w.replace(/['’]s$/, ''))
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w))
    .map((w) => (folded ? fold(w) : w));
}

function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * The share (0..1) of the query's distinct content words found in the
 * section's text (a word matches a section word it starts, or that starts it,
 * when both are at least 5 letters: "sense" ~ "sensing" is not, "sensor" ~
 * "sensors" is).
 */
export function lexicalRelevance(query: string, sectionText: string): number {
  const wanted = [...new Set(contentWords(query))];
  if (wanted.length === 0) return 0;
  const have = new Set(contentWords(sectionText));
  const found = wanted.filter((w) => {
    if (have.has(w)) return true;
    if (w.length < 5) return false;
    for (const h of have) if (h.length >= 5 && h.startsWith(w.slice(0, 5)) && (h.startsWith(w) || w.startsWith(h))) return true;
    return false;
  });
  return found.length / wanted.length;
}

const FOLLOW_UP = /^(and|but|so|also|what about|how about|why|then)\b|\b(it|its|this|that|these|those|they|them|there|he|she|one)\b/i;

/**
 * A standalone search query for a question asked in a thread: a follow-up
 * ("why is that?", "and in simulation?") borrows the content words of the
 * learner's previous questions (most recent first) until it has enough to
 * search on. A question with enough words of its own stays as it is.
 */
export function standaloneQuery(question: string, previousQuestions: readonly string[], maxBorrowed = 8): string {
  const own = contentWords(question);
  const isFollowUp = FOLLOW_UP.test(question.trim()) || own.length < 3;
  if (!isFollowUp || previousQuestions.length === 0) return question.trim();
  const borrowed: string[] = [];
  for (const previous of [...previousQuestions].reverse()) {
    // The words as written (a search query), not their folded forms.
    for (const word of contentWords(previous, false)) {
      if (!own.includes(word) && !borrowed.includes(word)) borrowed.push(word);
      if (borrowed.length >= maxBorrowed) break;
    }
    if (borrowed.length >= maxBorrowed || own.length + borrowed.length >= 4) break;
  }
  return [question.trim(), ...borrowed].join(' ');
}

/** A thread title from its first question: one line, at most `max` characters. */
export function threadTitle(question: string, max = 80): string {
  const line = question.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line || 'New thread';
}
