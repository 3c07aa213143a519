/**
 * The fake's chat answers: deterministic lesson rewrites (what a compliant
 * model writes, or an unfaithful one for the rewrite fault modes), Urdu, and
 * the parsing and streaming of chat messages.
 *
 * Node built-ins only and erasable TypeScript (see fake-openai-server.ts), so
 * `main.ts` and the browser tests run it under Node's type stripping; imports
 * between these files name the `.ts` file for that reason.
 */
import { createHash } from 'node:crypto';
import { fnv1a } from './embeddings.ts';
import { invalid } from './faults.ts';
import { DEFAULT_LESSON_END_MARKER, DEFAULT_LESSON_START_MARKER, WORDS_PER_STREAM_CHUNK } from './types.ts';
import type { FakeChatMessage, FakeRewriteMode } from './types.ts';

// ---------------------------------------------------------------------------
// Deterministic text helpers (exported so tests can predict answers)
// ---------------------------------------------------------------------------

/** OpenAI-ish token estimate: one token per four characters, rounded up. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The lesson between the markers (the last start marker before the last end marker), or null. */
export function findLesson(
  text: string,
  startMarker: string = DEFAULT_LESSON_START_MARKER,
  endMarker: string = DEFAULT_LESSON_END_MARKER,
): { lesson: string; before: string; after: string } | null {
  const end = text.lastIndexOf(endMarker);
  if (end < 0) return null;
  const start = text.lastIndexOf(startMarker, end - startMarker.length);
  if (start < 0) return null;
  const inner = text.slice(start + startMarker.length, end);
  const lesson = inner.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n[ \t]*$/, '');
  return { lesson, before: text.slice(0, start), after: text.slice(end + endMarker.length) };
}

type LineKind = 'text' | 'heading' | 'code';

interface LineInfo {
  kind: LineKind;
  /** Index of the fenced code block the line belongs to (fence lines included), or -1. */
  fence: number;
}

const FENCE_LINE = /^[ \t]*(?:>[ \t]?)*(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;

/** Classifies Markdown lines: heading lines (ATX, or a setext underline), fenced code, the rest. */
function classifyLines(lines: readonly string[]): LineInfo[] {
  const info: LineInfo[] = [];
  let open: { char: string; length: number } | null = null;
  let fenceCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const fence = FENCE_LINE.exec(line);
    const marker = fence?.[1] ?? '';
    const rest = fence?.[2] ?? '';
    if (open) {
      info.push({ kind: 'code', fence: fenceCount - 1 });
      if (fence && marker[0] === open.char && marker.length >= open.length && rest.trim() === '') open = null;
      continue;
    }
    if (fence && !(marker[0] === '`' && rest.includes('`'))) {
      open = { char: marker[0] ?? '`', length: marker.length };
      info.push({ kind: 'code', fence: fenceCount });
      fenceCount += 1;
      continue;
    }
    const previous = info[i - 1];
    const previousLine = (lines[i - 1] ?? '').trim();
    const setext = SETEXT_UNDERLINE.test(line) && previous?.kind === 'text' && previousLine !== '';
    info.push({ kind: ATX_HEADING.test(line) || setext ? 'heading' : 'text', fence: -1 });
  }
  return info;
}

const ADAPTATION_NOTES: readonly string[] = [
  'This part starts from a concrete, hands-on example before the theory.',
  'Key ideas are summarised first, then explained step by step.',
  'New terms are defined in plain language where they first appear.',
  'Each step is linked back to what you already know.',
  'The explanation focuses on why each step matters in practice.',
  'A short recap closes this part so you can check your understanding.',
];

/** The profile-dependent paragraph inserted after heading number `section` (1-based; 0 = no heading). */
export function adaptationNote(profileTag: string, section: number): string {
  const seed = Number.parseInt(profileTag.slice(0, 6) || '0', 16) || 0;
  const note = ADAPTATION_NOTES[(seed + section) % ADAPTATION_NOTES.length] ?? '';
  return `> *Adapted for you:* ${note} (profile ${profileTag}, part ${section})`;
}

/** What the `hostile` behaviour injects into a rewrite. */
export const HOSTILE_MARKDOWN: readonly string[] = [
  '<script>alert(1)</script>',
  '',
  '<img src=x onerror="alert(1)">',
  '',
  'For more practice, [click](javascript:alert(1)).',
];

/** Short tag of a profile: the first 8 hex digits of its SHA-256. */
export function profileTagOf(profileKey: string): string {
  return sha256Hex(profileKey).slice(0, 8);
}

/**
 * The fake "personalized" lesson: the lesson with an adaptation note after
 * every heading (or one at the top when it has none); headings, fenced code
 * blocks and links are kept byte for byte. Deterministic in its inputs.
 */
export function fakeRewrite(lesson: string, profileKey: string, mode: FakeRewriteMode = 'normal'): string {
  if (mode === 'truncate') return lesson.slice(0, Math.ceil(lesson.length * 0.1));
  if (mode === 'chatty') return `Here is this lesson, adapted for you.\n\n${fakeRewrite(lesson, profileKey)}`;
  if (mode === 'fenced') return `\`\`\`markdown\n${fakeRewrite(lesson, profileKey)}\n\`\`\``;
  if (URDU_PROFILE.test(profileKey)) return fakeUrdu(fakeRewrite(lesson, profileKey.replace(URDU_PROFILE, ''), mode));
  const tag = profileTagOf(profileKey);
  const lines = lesson.split('\n');
  const info = classifyLines(lines);
  const out: string[] = [];
  let section = 0;
  let hostileDone = mode !== 'hostile';
  if (!info.some((line) => line.kind === 'heading')) {
    out.push(adaptationNote(tag, 0), '');
    if (!hostileDone) out.push(...HOSTILE_MARKDOWN, '');
    hostileDone = true;
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const kind = info[i]?.kind ?? 'text';
    if (mode === 'drop-code-block' && info[i]?.fence === 0) continue;
    out.push(line);
    if (kind !== 'heading') continue;
    section += 1;
    out.push('', adaptationNote(tag, section));
    if (!hostileDone) {
      out.push('', ...HOSTILE_MARKDOWN);
      hostileDone = true;
    }
    const next = lines[i + 1];
    if (next !== undefined && next.trim() !== '') out.push('');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// Urdu: what a compliant model does for `preferredLanguage: ur`
// ---------------------------------------------------------------------------

const URDU_PROFILE = /preferredLanguage:\s*ur\b/;
const URDU_WORDS: readonly string[] = ['روبوٹ', 'سبق', 'حرکت', 'نظام', 'پیمائش', 'دنیا', 'جسم', 'سمت', 'رفتار', 'قوت', 'معلومات', 'طریقہ'];
/** Parts of a prose line an Urdu rewrite keeps as they are. */
const URDU_KEPT =
  /(`[^`]*`|\]\([^)]*\)|<[^>]*>|https?:\/\/\S+|[A-Za-z]+-?\d\w*|\d[\d,.]*(?:\s?[-–]?\s?\d[\d,.]*)*(?:\s?(?:°(?:\/s)?|%|[-\s]?[A-Za-zµ/²·]+))?)/g;

function urduLine(line: string): string {
  return line
    .split(URDU_KEPT)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/[A-Za-z](?:[A-Za-z0-9'’-]*[A-Za-z0-9])?/g, (word) =>
            /^[A-Z0-9]{2,}s?$/.test(word) || /\d/.test(word) ? word : (URDU_WORDS[fnv1a(word.toLowerCase()) % URDU_WORDS.length] ?? word),
          ),
    )
    .join('');
}

/** The prose of a Markdown text in Urdu script: code, admonition markers, table rules and what URDU_KEPT matches stay. */
export function fakeUrdu(markdown: string): string {
  const lines = markdown.split('\n');
  const info = classifyLines(lines);
  return lines.map((line, i) => (info[i]?.kind === 'code' || /^\s*(?::::|\|?\s*:?-{3,})/.test(line) ? line : urduLine(line))).join('\n');
}

/** The default chat answer (before any custom responder). */
export function fakeChatAnswer(
  messages: readonly FakeChatMessage[],
  mode: FakeRewriteMode = 'normal',
  startMarker: string = DEFAULT_LESSON_START_MARKER,
  endMarker: string = DEFAULT_LESSON_END_MARKER,
): string {
  // A continuation: the lesson in an earlier user message, the answer so far after it.
  const lessonAt = messages.findLastIndex((m) => m.role === 'user' && findLesson(m.content, startMarker, endMarker) !== null);
  const soFar = lessonAt >= 0 ? messages.slice(lessonAt + 1).find((m) => m.role === 'assistant') : undefined;
  if (soFar) {
    const full = fakeChatAnswer(messages.slice(0, lessonAt + 1), mode, startMarker, endMarker);
    return full.startsWith(soFar.content) ? full.slice(soFar.content.length) : full.slice(Math.min(soFar.content.length, full.length));
  }
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const found = lastUser ? findLesson(lastUser.content, startMarker, endMarker) : null;
  if (!lastUser || !found) {
    const hash = sha256Hex(JSON.stringify(messages.map((m) => [m.role, m.content]))).slice(0, 12);
    const echo = (lastUser?.content ?? '').replace(/\s+/g, ' ').trim().slice(0, 160);
    return `Fake OpenAI answer ${hash}.${echo ? ` You said: "${echo}"` : ''}`;
  }
  // The "profile" is everything in the prompt but the lesson: the system prompt and the instructions around it.
  const system = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => message.content)
    .join('\n');
  return fakeRewrite(found.lesson, `${system}\n${found.before}\n${found.after}`, mode);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
  }
  return '';
}

export function parseMessages(value: unknown): FakeChatMessage[] {
  if (!isArray(value) || value.length === 0) throw invalid("'messages' must be a non-empty array.", 'messages');
  return value.map((message, index) => {
    if (!isRecord(message) || typeof message['role'] !== 'string') {
      throw invalid(`Invalid value for 'messages[${index}]': a message needs a 'role'.`, `messages[${index}]`);
    }
    return { role: message['role'], content: contentText(message['content']) };
  });
}

export function streamPieces(content: string): string[] {
  const words = content.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_STREAM_CHUNK) {
    pieces.push(words.slice(i, i + WORDS_PER_STREAM_CHUNK).join(''));
  }
  return pieces;
}
