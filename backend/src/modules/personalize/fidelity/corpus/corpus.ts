/**
 * The fidelity corpus: harmful mutations and honest rewrites of the sample
 * book's lessons, generated deterministically (seeded), for the table-driven
 * tests (fidelity-corpus.spec.ts) and the benchmark (bench/fidelity.bench.mjs,
 * which also writes the corpus to disk with --write). Line-based on purpose:
 * it edits the Markdown text the way a model's answer would differ, and does
 * not share the check's parser.
 *
 * Every case is built on an honest base rewrite — English: explanations after
 * headings, a comment in every code block, a closing analogy; Urdu: the prose
 * translated into Urdu-script text with numbers, units, inline code, link
 * targets and technical terms kept — so that the check has to tell a harmful
 * change from the ordinary differences of a rewrite.
 */

export type CorpusLanguage = 'en' | 'ur';

export interface CorpusCase {
  lesson: string;
  language: CorpusLanguage;
  kind: 'harmful' | 'honest';
  /** The mutation or honest-rewrite class. */
  name: string;
  variant: number;
  original: string;
  /** The model's answer (pass it through normaliseRewrite before the check). */
  rewrite: string;
}

export interface CorpusLesson {
  path: string;
  text: string;
}

// ---------------------------------------------------------------------------
// Seeded choice
// ---------------------------------------------------------------------------

function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function random(seed: string): () => number {
  let a = seedOf(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], rnd: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(rnd() * items.length)];
}

// ---------------------------------------------------------------------------
// Line model of a lesson
// ---------------------------------------------------------------------------

interface Line {
  text: string;
  /** Index of the fenced block the line is in (fence lines included), or -1. */
  fence: number;
  /** True for the opening and closing fence lines. */
  fenceLine: boolean;
}

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;

function lines(markdown: string): Line[] {
  const out: Line[] = [];
  let open: string | undefined;
  let count = -1;
  for (const text of markdown.split('\n')) {
    const fence = FENCE.exec(text);
    if (open !== undefined) {
      const closes = fence !== null && fence[1][0] === open[0] && fence[1].length >= open.length && fence[2].trim() === '';
      out.push({ text, fence: count, fenceLine: closes });
      if (closes) open = undefined;
      continue;
    }
    if (fence) {
      count++;
      open = fence[1];
      out.push({ text, fence: count, fenceLine: true });
      continue;
    }
    out.push({ text, fence: -1, fenceLine: false });
  }
  return out;
}

function splitFrontMatter(markdown: string): { front: string; body: string } {
  const match = /^---\n[\s\S]*?\n---\n/.exec(markdown);
  return match ? { front: match[0], body: markdown.slice(match[0].length) } : { front: '', body: markdown };
}

function isProseLine(line: Line): boolean {
  const t = line.text.trim();
  return line.fence < 0 && t !== '' && !/^(?:#|\||:::|<|\[[^\]]+\]:)/.test(t);
}

/** Paragraphs: runs of prose lines that are not list items or quotes, as [start, end) line ranges. */
function paragraphs(ls: readonly Line[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= ls.length; i++) {
    const prose = i < ls.length && isProseLine(ls[i]) && !/^\s*(?:[-*+]|\d+\.)\s/.test(ls[i].text) && !/^\s*>/.test(ls[i].text);
    if (prose && start < 0) start = i;
    if (!prose && start >= 0) {
      if (i - start >= 1) out.push([start, i]);
      start = -1;
    }
  }
  return out;
}

function codeLinesOf(ls: readonly Line[], lang: (fence: number) => string): Array<{ index: number; fence: number }> {
  const out: Array<{ index: number; fence: number }> = [];
  ls.forEach((line, index) => {
    if (line.fence < 0 || line.fenceLine || line.text.trim() === '') return;
    const l = lang(line.fence);
    const t = line.text.trim();
    const comment = /^(?:#|\/\/|<!--|--|\/\*|\*)/.test(t);
    if (!comment && l !== '' && !['text', 'console', 'plaintext'].includes(l)) out.push({ index, fence: line.fence });
  });
  return out;
}

function fenceLanguages(ls: readonly Line[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of ls) {
    if (line.fenceLine && !out.has(line.fence))
      out.set(line.fence, (FENCE.exec(line.text)?.[2] ?? '').trim().split(/\s+/)[0].toLowerCase());
  }
  return out;
}

function commentFor(lang: string): ((text: string) => string) | undefined {
  if (['python', 'py', 'bash', 'sh', 'shell', 'yaml', 'yml', 'toml', 'dockerfile'].includes(lang)) return (t) => `# ${t}`;
  if (['xml', 'html', 'urdf', 'sdf', 'xacro', 'launch'].includes(lang)) return (t) => `<!-- ${t} -->`;
  if (['csharp', 'cs', 'cpp', 'c++', 'c', 'js', 'javascript', 'ts', 'typescript', 'java', 'rust', 'go'].includes(lang))
    return (t) => `// ${t}`;
  return undefined;
}

/** A real (non-comment) line of code in the block's language, for insertions. */
function codeLineFor(lang: string, indent: string): string {
  if (['python', 'py'].includes(lang)) return `${indent}time.sleep(0.5)`;
  if (['bash', 'sh', 'shell'].includes(lang)) return `${indent}sudo rm -rf /tmp/ros_cache`;
  if (['yaml', 'yml'].includes(lang)) return `${indent}use_sim_time: false`;
  if (['xml', 'urdf', 'sdf', 'xacro', 'launch'].includes(lang)) return `${indent}<param name="rate" value="50"/>`;
  if (['csharp', 'cs', 'cpp', 'c++', 'java', 'js', 'ts'].includes(lang)) return `${indent}retries = 3;`;
  return `${indent}extra = 1`;
}

function join(front: string, ls: readonly Line[] | readonly string[]): string {
  return front + ls.map((l) => (typeof l === 'string' ? l : l.text)).join('\n');
}

// ---------------------------------------------------------------------------
// Honest bases
// ---------------------------------------------------------------------------

/** The English base rewrite: an explanation after every heading, a comment in every code block, a closing analogy. */
export function enrich(markdown: string): string {
  const { front, body } = splitFrontMatter(markdown);
  const ls = lines(body);
  const langs = fenceLanguages(ls);
  const out: string[] = [];
  ls.forEach((line, i) => {
    out.push(line.text);
    if (line.fenceLine && ls[i + 1]?.fence === line.fence && !ls[i + 1].fenceLine) {
      const comment = commentFor(langs.get(line.fence) ?? '');
      const indent = /^\s*/.exec(line.text)?.[0] ?? '';
      if (comment) out.push(indent + comment('What follows, step by step.'));
    }
    if (line.fence < 0 && /^#{2,4} /.test(line.text)) {
      out.push('', 'In simpler words: this part explains one idea step by step, with an everyday picture to hold on to.');
    }
  });
  out.push('', 'Think of the robot as a person: its sensors are its senses and its motors are its muscles.');
  return front + out.join('\n');
}

/** Terms an Urdu rewrite keeps in English (a subset of the prompt's glossary, enough for the stand-in). */
const KEPT_IN_ENGLISH = new Set(
  'ROS 2 ROS Gazebo Isaac Sim Unity Nav2 MoveIt URDF SDF USD SLAM DDS QoS Python IMU LLM GPU API VLA Whisper lidar rclpy'
    .toLowerCase()
    .split(' '),
);

const URDU_WORDS = [
  'روبوٹ',
  'سبق',
  'حرکت',
  'نظام',
  'پیمائش',
  'دنیا',
  'جسم',
  'سمت',
  'رفتار',
  'قوت',
  'معلومات',
  'طریقہ',
  'ذہن',
  'آواز',
  'تصویر',
];

function urduWord(word: string): string {
  return URDU_WORDS[seedOf(word.toLowerCase()) % URDU_WORDS.length];
}

/** Prose text → Urdu-script stand-in: English words replaced, numbers+units, inline code, URLs, acronyms and kept terms untouched. */
function urduText(text: string): string {
  const protectedParts =
    /(`[^`]*`|[A-Za-zπ]+-?\d\w*|\]\([^)]*\)|<[^>]*>|https?:\/\/\S+|\d[\d,.]*(?:\s?[-–]?\s?\d[\d,.]*)*(?:\s?(?:°(?:\/s)?|%|[-\s]?[A-Za-zµ/²·]+))?)/g;
  return text
    .split(protectedParts)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      // Names with digits (RT-2, G1), acronyms and glossary terms stay in English.
      return part.replace(/[A-Za-z](?:[A-Za-z0-9'’-]*[A-Za-z0-9])?/g, (word) =>
        KEPT_IN_ENGLISH.has(word.toLowerCase()) || /^[A-Z0-9]{2,}s?$/.test(word) || /\d/.test(word) ? word : urduWord(word),
      );
    })
    .join('');
}

/**
 * The Urdu base rewrite: every prose line (headings, paragraphs, lists,
 * table text, admonition text, link text) in Urdu script; code blocks, front
 * matter, numbers, units, inline code and link targets kept. `keepEnglish`
 * leaves the given paragraphs (by index) untranslated.
 */
export function urduise(markdown: string, keepEnglish: ReadonlySet<number> = new Set()): string {
  const { front, body } = splitFrontMatter(markdown);
  const ls = lines(body);
  const keep = new Set<number>();
  paragraphs(ls).forEach(([start, end], p) => {
    if (keepEnglish.has(p)) for (let i = start; i < end; i++) keep.add(i);
  });
  const out = ls.map((line, i) => {
    if (line.fence >= 0 || keep.has(i) || line.text.trim() === '' || /^\s*(?::::|\|?\s*:?-{3,})/.test(line.text)) return line.text;
    const heading = /^(#{1,6}\s+)(.*)$/.exec(line.text);
    if (heading) return heading[1] + urduText(heading[2]);
    // Table separators and admonition markers stay; everything else is prose.
    return urduText(line.text);
  });
  return front + out.join('\n');
}

// ---------------------------------------------------------------------------
// Harmful mutations (applied to the lesson, then the base rewrite is made)
// ---------------------------------------------------------------------------

type Mutation = (body: string, rnd: () => number) => string | undefined;

const NUMBER_WITH_UNIT =
  /(?<![\w.,-])(\d+(?:[.,]\d+)*)(\s?(?:°(?:\/s)?|%|-?bits?\b|\s?(?:k?Hz|fps|m|cm|mm|km|ms|s|kg|g|N|Nm|W|V|GB|MB|deg|rad)\b))/g;

function proseRanges(ls: readonly Line[]): number[] {
  return ls
    .map((line, i) => (line.fence < 0 && line.text.trim() !== '' && !/^\s*(?::::|\|?\s*:?-{3,}|\[[^\]]+\]:)/.test(line.text) ? i : -1))
    .filter((i) => i >= 0);
}

/** Replaces one regex match in a prose line (outside inline code), chosen at random. */
function replaceInProse(
  body: string,
  rnd: () => number,
  pattern: RegExp,
  replace: (match: RegExpMatchArray) => string | undefined,
  inInlineCode = false,
): string | undefined {
  const ls = lines(body);
  const hits: Array<{ line: number; match: RegExpMatchArray }> = [];
  for (const i of proseRanges(ls)) {
    const text = (inInlineCode ? ls[i].text : ls[i].text.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length))).replace(
      /\]\([^)]*\)/g,
      (l) => ' '.repeat(l.length),
    );
    for (const match of text.matchAll(pattern)) hits.push({ line: i, match });
  }
  for (let tries = 0; tries < 5 && hits.length > 0; tries++) {
    const hit = pick(hits, rnd);
    if (!hit) return undefined;
    const replacement = replace(hit.match);
    if (replacement === undefined || replacement === hit.match[0]) continue;
    const text = ls[hit.line].text;
    const at = hit.match.index ?? 0;
    const edited = [...ls];
    edited[hit.line] = { ...ls[hit.line], text: text.slice(0, at) + replacement + text.slice(at + hit.match[0].length) };
    return join('', edited);
  }
  return undefined;
}

function changedValue(value: string, rnd: () => number): string {
  const n = Number(value.replace(/,/g, ''));
  if (!Number.isFinite(n)) return `${value}1`;
  const choices = [n + 1, n * 10, Math.max(0, n - 1), n / 10, n * 2].filter((v) => v !== n);
  const v = pick(choices, rnd) ?? n + 1;
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.max(1, (value.split('.')[1] ?? '').length));
}

const UNIT_SWAPS: Record<string, string> = {
  hz: 'kHz',
  khz: 'Hz',
  m: 'cm',
  cm: 'mm',
  mm: 'm',
  km: 'm',
  ms: 's',
  s: 'ms',
  kg: 'g',
  g: 'kg',
  '°': ' rad',
  '%': '‰',
  bit: 'byte',
  bits: 'bytes',
  fps: 'Hz',
  w: 'kW',
  v: 'mV',
  gb: 'MB',
  mb: 'GB',
};

const MUTATIONS: Record<string, Mutation> = {
  'changed number': (body, rnd) =>
    replaceInProse(body, rnd, /(?<![\w.,-])\d+(?:[.,]\d+)*(?=\s?(?:°|%|-?bits?\b|\s?[A-Za-z]{1,3}\b))/g, (m) => changedValue(m[0], rnd)),
  'changed unit': (body, rnd) =>
    replaceInProse(body, rnd, NUMBER_WITH_UNIT, (m) => {
      const unit = m[2].trim().replace(/^-/, '');
      const swap = UNIT_SWAPS[unit.toLowerCase()];
      if (!swap) return undefined;
      const sep = m[2].startsWith(' ') && !swap.startsWith(' ') ? ' ' : m[2].startsWith('-') ? '-' : '';
      return `${m[1]}${sep}${swap}`;
    }),
  'changed formula': (body, rnd) =>
    replaceInProse(
      body,
      rnd,
      /`([^`\n]{2,})`/g,
      (m) => {
        const code = m[1];
        const edits: Array<() => string> = [
          () => code.replace(/[-+*/]/, (op) => ({ '-': '+', '+': '-', '*': '/', '/': '*' })[op] ?? op),
          () => code.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
          () => code.replace(/[a-z]{3,}/, (w) => `${w}s`),
          () => code.slice(0, Math.ceil(code.length / 2)),
        ];
        const edited = (pick(edits, rnd) ?? edits[3])();
        return edited === code ? undefined : `\`${edited}\``;
      },
      true,
    ),
  'deleted table row': (body, rnd) => {
    const ls = lines(body);
    const rows = ls
      .map((l, i) =>
        l.fence < 0 &&
        /^\s*\|/.test(l.text) &&
        !/^\s*\|?\s*:?-{3,}/.test(l.text) &&
        /^\s*\|/.test(ls[i - 1]?.text ?? '') &&
        !/^\s*\|?\s*:?-{3,}/.test(ls[i - 1]?.text ?? '')
          ? i
          : -1,
      )
      .filter((i) => i >= 0);
    const row = pick(rows, rnd);
    return row === undefined
      ? undefined
      : join(
          '',
          ls.filter((_, i) => i !== row),
        );
  },
  'deleted table': (body, rnd) => {
    const ls = lines(body);
    const starts = ls
      .map((l, i) => (l.fence < 0 && /^\s*\|/.test(l.text) && !/^\s*\|/.test(ls[i - 1]?.text ?? '') ? i : -1))
      .filter((i) => i >= 0);
    const start = pick(starts, rnd);
    if (start === undefined) return undefined;
    let end = start;
    while (end < ls.length && /^\s*\|/.test(ls[end].text)) end++;
    return join('', [...ls.slice(0, start), ...ls.slice(end)]);
  },
  'deleted box': (body, rnd) => {
    const ls = lines(body);
    const starts = ls.map((l, i) => (l.fence < 0 && /^:::\w/.test(l.text.trim()) ? i : -1)).filter((i) => i >= 0);
    const start = pick(starts, rnd);
    if (start === undefined) return undefined;
    let end = start + 1;
    while (end < ls.length && !(ls[end].fence < 0 && ls[end].text.trim() === ':::')) end++;
    return join('', [...ls.slice(0, start), ...ls.slice(end + 1)]);
  },
  'deleted paragraph': (body, rnd) => {
    const ls = lines(body);
    const candidates = paragraphs(ls).filter(
      ([s, e]) =>
        ls
          .slice(s, e)
          .map((l) => l.text)
          .join(' ')
          .split(/\s+/).length >= 25,
    );
    const p = pick(candidates, rnd);
    return p === undefined ? undefined : join('', [...ls.slice(0, p[0]), ...ls.slice(p[1])]);
  },
  'deleted code line': (body, rnd) => {
    const ls = lines(body);
    const langs = fenceLanguages(ls);
    const line = pick(
      codeLinesOf(ls, (f) => langs.get(f) ?? ''),
      rnd,
    );
    return line === undefined
      ? undefined
      : join(
          '',
          ls.filter((_, i) => i !== line.index),
        );
  },
  'inserted code line': (body, rnd) => {
    const ls = lines(body);
    const langs = fenceLanguages(ls);
    const line = pick(
      codeLinesOf(ls, (f) => langs.get(f) ?? ''),
      rnd,
    );
    if (line === undefined) return undefined;
    const indent = /^\s*/.exec(ls[line.index].text)?.[0] ?? '';
    const out = ls.map((l) => l.text);
    out.splice(line.index + 1, 0, codeLineFor(langs.get(line.fence) ?? '', indent));
    return out.join('\n');
  },
  'changed code line': (body, rnd) => {
    const ls = lines(body);
    const langs = fenceLanguages(ls);
    const candidates = codeLinesOf(ls, (f) => langs.get(f) ?? '').filter((c) => /[0-9]|[a-z]{4,}/.test(ls[c.index].text));
    const line = pick(candidates, rnd);
    if (line === undefined) return undefined;
    const out = ls.map((l) => l.text);
    const text = out[line.index];
    out[line.index] = /\d/.test(text) ? text.replace(/\d+/, (d) => String(Number(d) + 1)) : text.replace(/[a-z]{4,}/, (w) => `${w}_v2`);
    return out.join('\n');
  },
  'tracking image': (body, rnd) =>
    insertAfterParagraph(
      body,
      rnd,
      pick(['![](https://px.tracker.example/p.gif?lesson=1)', '<img src="https://px.tracker.example/p.gif" width="1" height="1">'], rnd) ??
        '',
    ),
  'password input': (body, rnd) =>
    insertAfterParagraph(
      body,
      rnd,
      'Session expired: re-enter your password to keep your progress.\n\n<input type="password" name="pw" placeholder="Password"> <button>Continue</button>',
    ),
  iframe: (body, rnd) => insertAfterParagraph(body, rnd, '<iframe src="https://videos.example/embed/1" width="560" height="315"></iframe>'),
  'external link': (body, rnd) =>
    insertAfterParagraph(
      body,
      rnd,
      'For a discount on robot kits, visit [our partner store](https://cheap-robots.example/deal?ref=lectern).',
    ),
  'deleted heading': (body, rnd) => {
    const ls = lines(body);
    const headings = ls.map((l, i) => (l.fence < 0 && /^#{2,4} /.test(l.text) ? i : -1)).filter((i) => i >= 0);
    const h = pick(headings, rnd);
    return h === undefined
      ? undefined
      : join(
          '',
          ls.filter((_, i) => i !== h),
        );
  },
};

function insertAfterParagraph(body: string, rnd: () => number, insert: string): string | undefined {
  const ls = lines(body);
  const p = pick(paragraphs(ls), rnd);
  if (p === undefined) return undefined;
  const out = ls.map((l) => l.text);
  out.splice(p[1], 0, '', insert);
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// Honest rewrites (applied to the base rewrite)
// ---------------------------------------------------------------------------

type Honest = (rewrite: string, rnd: () => number, language: CorpusLanguage) => string | undefined;

const PARAPHRASES: Record<string, string> = {
  'key takeaways': 'Summary',
  'try it yourself': 'Your turn',
  'what you will learn': 'Goals of this lesson',
};

const HONEST: Record<string, Honest> = {
  'base rewrite': (rewrite) => rewrite,
  'paraphrased headings': (rewrite, rnd, language) => {
    const { front, body } = splitFrontMatter(rewrite);
    const ls = lines(body);
    let n = 0;
    const out = ls.map((l) => {
      const h = /^(#{2,4} )(.*)$/.exec(l.fence < 0 ? l.text : '');
      if (!h) return l.text;
      n++;
      const known = PARAPHRASES[h[2].trim().toLowerCase()];
      if (known) return h[1] + (language === 'ur' ? 'خلاصہ' : known);
      if (rnd() < 0.5) return l.text;
      return h[1] + (language === 'ur' ? `حصہ ${n}: ایک قریبی نظر` : `Part ${n}: a closer look`);
    });
    return front + out.join('\n');
  },
  'promoted heading levels': (rewrite) => {
    if (!/^#{3,4} /m.test(rewrite)) return rewrite.replace(/^## (?=\S)/m, '### ');
    return rewrite.replace(/^(#{3,4}) /gm, (h) => h.slice(1));
  },
  'split code block': (rewrite, _rnd, language) => {
    const { front, body } = splitFrontMatter(rewrite);
    const ls = lines(body);
    const langs = fenceLanguages(ls);
    const sizes = new Map<number, number>();
    for (const l of ls) if (l.fence >= 0 && !l.fenceLine) sizes.set(l.fence, (sizes.get(l.fence) ?? 0) + 1);
    const target = [...sizes].find(([, size]) => size >= 4)?.[0];
    if (target === undefined) return undefined;
    const blockLines = ls.map((l, i) => (l.fence === target && !l.fenceLine ? i : -1)).filter((i) => i >= 0);
    // Split at a blank line in the middle when there is one, else at the middle line; never inside an indented block.
    const open = ls.find((l) => l.fence === target && l.fenceLine)?.text ?? '```';
    const indent = /^\s*/.exec(open)?.[0] ?? '';
    const middle = blockLines[Math.floor(blockLines.length / 2)];
    const at =
      blockLines.find((i) => i >= middle && ls[i].text.startsWith(indent) && /^\S/.test(ls[i].text.slice(indent.length))) ?? middle;
    const marker = FENCE.exec(open)?.[1] ?? '```';
    const step = language === 'ur' ? 'اب اگلا قدم:' : 'Now the next step:';
    const out = ls.map((l) => l.text);
    out.splice(at, 0, indent + marker, '', indent + step, '', `${indent}${marker}${langs.get(target) ?? ''}`);
    return front + out.join('\n');
  },
  'added example': (rewrite, _rnd, language) => {
    const { front, body } = splitFrontMatter(rewrite);
    const ls = lines(body);
    const first = ls.findIndex((l) => l.fenceLine && l.fence >= 0);
    const lang = first >= 0 ? (fenceLanguages(ls).get(ls[first].fence) ?? '') : 'python';
    const warmUp = ['python', 'py'].includes(lang) ? ['x = 2', 'print(x * 3)'] : ['echo "warm-up: 2 x 3 = 6"'];
    const prose = language === 'ur' ? 'ایک چھوٹی سی مشق، مثلاً 2 × 3 = 6:' : 'A smaller warm-up first, say 2 × 3 = 6 steps of 5 cm:';
    const out = ls.map((l) => l.text);
    const at = first >= 0 ? first : out.length;
    out.splice(at, 0, prose, '', `\`\`\`${['python', 'py'].includes(lang) ? 'python' : 'bash'}`, ...warmUp, '```', '');
    return front + out.join('\n');
  },
  'casual opening': (rewrite, rnd, language) => {
    const { front, body } = splitFrontMatter(rewrite);
    const opening =
      language === 'ur'
        ? pick(['چلیے، دیکھتے ہیں کہ یہ کیسے کام کرتا ہے۔', 'تو آئیے شروع کرتے ہیں!'], rnd)
        : pick(["Alright, let's dig in.", "Okay, so here's the big idea: robots are bodies with brains.", 'Ready? Let’s go!'], rnd);
    return `${front}${opening}\n\n${body}`;
  },
  'added anchors': (rewrite) => {
    const edited = rewrite.replace(/\]\(([^)#\s]+)\)/g, (m, target: string) => {
      if (/^https?:/.test(target)) return `](${target}#overview)`;
      const path = target.replace(/^(?:\.\.\/)+/, '').replace(/^\.\//, '');
      return `](https://lectern.example/book/${path}#introduction)`;
    });
    return edited === rewrite ? undefined : edited;
  },
  'reformatted numbers': (rewrite) => {
    const { front, body } = splitFrontMatter(rewrite);
    const ls = lines(body);
    const out = ls.map((l) => (l.fence >= 0 ? l.text : l.text.replace(/(\d),(\d{3})/g, '$1$2').replace(/(\d)\s?–\s?(\d)/g, '$1 to $2')));
    const edited = front + out.join('\n');
    return edited === rewrite ? undefined : edited;
  },
  'chatty first line': (rewrite, _rnd, language) =>
    `${language === 'ur' ? 'یہ رہا آپ کے لیے ڈھالا گیا سبق:' : 'Here is this lesson, adapted for you.'}\n\n${splitFrontMatter(rewrite).body}`,
  'wrapping fence': (rewrite) => `\`\`\`markdown\n${splitFrontMatter(rewrite).body}\n\`\`\``,
  'chatty line and fence': (rewrite) => `Sure! Here's the rewritten lesson:\n\n\`\`\`markdown\n${splitFrontMatter(rewrite).body}\n\`\`\``,
};

export const HARMFUL_CLASSES: readonly string[] = [...Object.keys(MUTATIONS), 'English left in Urdu'];
export const HONEST_CLASSES: readonly string[] = Object.keys(HONEST);

/** The harmful cases of one lesson, one per class and variant (classes the lesson has nothing for are skipped). */
export function harmfulCases(lesson: CorpusLesson, language: CorpusLanguage, variants = 1): CorpusCase[] {
  const { front, body } = splitFrontMatter(lesson.text);
  const base = (text: string): string => (language === 'ur' ? urduise(text) : enrich(text));
  const out: CorpusCase[] = [];
  for (let variant = 0; variant < variants; variant++) {
    for (const [name, mutate] of Object.entries(MUTATIONS)) {
      const mutated = mutate(body, random(`${lesson.path}|${name}|${variant}`));
      if (mutated === undefined || mutated === body) continue;
      out.push({ lesson: lesson.path, language, kind: 'harmful', name, variant, original: lesson.text, rewrite: base(front + mutated) });
    }
    if (language === 'ur') {
      const ps = paragraphs(lines(body));
      const rnd = random(`${lesson.path}|english|${variant}`);
      const long = ps
        .map((p, i) => ({ p, i }))
        .filter(
          ({ p }) =>
            lines(body)
              .slice(p[0], p[1])
              .map((l) => l.text)
              .join(' ').length >= 200,
        );
      const chosen = pick(long, rnd);
      // One long paragraph left in English, or (every other variant) the second half of the lesson.
      const keep = variant % 2 === 0 && chosen ? new Set([chosen.i]) : new Set(ps.map((_, i) => i).filter((i) => i >= ps.length / 2));
      out.push({
        lesson: lesson.path,
        language,
        kind: 'harmful',
        name: 'English left in Urdu',
        variant,
        original: lesson.text,
        rewrite: urduise(lesson.text, keep),
      });
    }
  }
  return out;
}

/** The honest cases of one lesson (classes that do not apply to it are skipped). */
export function honestCases(lesson: CorpusLesson, language: CorpusLanguage, variants = 1): CorpusCase[] {
  const base = language === 'ur' ? urduise(enrich(lesson.text)) : enrich(lesson.text);
  const out: CorpusCase[] = [];
  for (let variant = 0; variant < variants; variant++) {
    for (const [name, transform] of Object.entries(HONEST)) {
      const rewrite = transform(base, random(`${lesson.path}|${name}|${variant}`), language);
      if (rewrite === undefined) continue;
      out.push({ lesson: lesson.path, language, kind: 'honest', name, variant, original: lesson.text, rewrite });
    }
  }
  return out;
}

/** The whole corpus for a set of lessons, both languages. */
export function corpus(lessons: readonly CorpusLesson[], variants = 1): CorpusCase[] {
  return lessons.flatMap((lesson) =>
    (['en', 'ur'] as const).flatMap((language) => [
      ...harmfulCases(lesson, language, variants),
      ...honestCases(lesson, language, variants),
    ]),
  );
}
