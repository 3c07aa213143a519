/**
 * The "significant" lines of a code block: what must survive a rewrite. The
 * prompt lets the model add comments to code (and translate or reword the
 * comments already there), so comments are removed by the syntax of the
 * fence's language before comparing, then each line is whitespace-normalised
 * and blank lines are dropped.
 *
 * Comment syntax by language:
 * - `#` — python (anywhere outside a string); bash/sh/shell, yaml, toml,
 *   dockerfile, cmake, make, ruby, r, perl, powershell, ROS msg/srv/action
 *   files (only at the start of a word, so `$#` or `${#a}` stay code);
 * - `//` and `/* … *\/` — javascript/typescript, c/cpp, java, c#, go, rust,
 *   kotlin, swift, scala, dart, glsl, cuda, protobuf, jsonc;
 * - `<!-- … -->` — xml, html, urdf, sdf, xacro, launch, svg, markdown;
 * - `--` — sql (also `/* … *\/`), lua.
 * Quotes are tracked per line so a comment marker inside a string literal is
 * code. Any other language (text, json, console output …) has no comments:
 * every non-blank line is significant.
 */

interface CommentSyntax {
  lineMarkers: readonly string[];
  blocks: ReadonlyArray<readonly [open: string, close: string]>;
  /** Line markers count only at the start of the line or after whitespace. */
  markerNeedsSpaceBefore: boolean;
  quotes: readonly string[];
}

const HASH_ANYWHERE: CommentSyntax = { lineMarkers: ['#'], blocks: [], markerNeedsSpaceBefore: false, quotes: ['"', "'"] };
const HASH_WORD: CommentSyntax = { lineMarkers: ['#'], blocks: [], markerNeedsSpaceBefore: true, quotes: ['"', "'"] };
const SLASH: CommentSyntax = { lineMarkers: ['//'], blocks: [['/*', '*/']], markerNeedsSpaceBefore: false, quotes: ['"', "'", '`'] };
const MARKUP: CommentSyntax = { lineMarkers: [], blocks: [['<!--', '-->']], markerNeedsSpaceBefore: false, quotes: [] };
const SQL: CommentSyntax = { lineMarkers: ['--'], blocks: [['/*', '*/']], markerNeedsSpaceBefore: false, quotes: ['"', "'"] };
const LUA: CommentSyntax = { lineMarkers: ['--'], blocks: [], markerNeedsSpaceBefore: false, quotes: ['"', "'"] };

/** Aliases that name the same language, so ```py and ```python match. */
const ALIASES: Readonly<Record<string, string>> = {
  py: 'python',
  python3: 'python',
  py3: 'python',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  yml: 'yaml',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'typescript',
  'c++': 'cpp',
  cc: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  cs: 'csharp',
  'c#': 'csharp',
  rs: 'rust',
  kt: 'kotlin',
  md: 'markdown',
  htm: 'html',
  docker: 'dockerfile',
  make: 'makefile',
  ps1: 'powershell',
  rb: 'ruby',
  cu: 'cuda',
  protobuf: 'proto',
};

const SYNTAX_BY_LANGUAGE: Readonly<Record<string, CommentSyntax>> = {
  python: HASH_ANYWHERE,
  ...Object.fromEntries(
    ['bash', 'yaml', 'toml', 'dockerfile', 'cmake', 'makefile', 'ruby', 'r', 'perl', 'powershell', 'msg', 'srv', 'action'].map(
      (lang) => [lang, HASH_WORD] as const,
    ),
  ),
  ...Object.fromEntries(
    [
      'javascript',
      'typescript',
      'jsx',
      'tsx',
      'c',
      'cpp',
      'java',
      'csharp',
      'go',
      'rust',
      'kotlin',
      'swift',
      'scala',
      'dart',
      'glsl',
      'hlsl',
      'cuda',
      'proto',
      'jsonc',
      'json5',
    ].map((lang) => [lang, SLASH] as const),
  ),
  ...Object.fromEntries(['xml', 'html', 'urdf', 'sdf', 'xacro', 'launch', 'svg', 'markdown'].map((lang) => [lang, MARKUP] as const)),
  sql: SQL,
  lua: LUA,
};

/** The canonical name of a fence language tag ('' stays ''). */
export function canonicalLanguage(lang: string): string {
  const lower = lang.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Zero-width characters and Unicode direction marks (a model writing Urdu may sprinkle them). */
const INVISIBLES = /[\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/** Invisible characters removed, whitespace runs collapsed, trimmed. */
export function normaliseWhitespace(text: string): string {
  return text.replace(INVISIBLES, '').replace(/\s+/g, ' ').trim();
}

function stripComments(lines: readonly string[], syntax: CommentSyntax): string[] {
  const out: string[] = [];
  let inBlock: string | undefined; // the closing delimiter of an open block comment
  for (const line of lines) {
    let code = '';
    let quote: string | undefined;
    let i = 0;
    scanning: while (i < line.length) {
      if (inBlock !== undefined) {
        const end = line.indexOf(inBlock, i);
        if (end < 0) break;
        i = end + inBlock.length;
        inBlock = undefined;
        code += ' ';
        continue;
      }
      const ch = line[i];
      if (quote !== undefined) {
        code += ch;
        if (ch === '\\' && i + 1 < line.length) {
          code += line[i + 1];
          i += 2;
          continue;
        }
        if (ch === quote) quote = undefined;
        i++;
        continue;
      }
      if (syntax.quotes.includes(ch)) {
        quote = ch;
        code += ch;
        i++;
        continue;
      }
      for (const [open, close] of syntax.blocks) {
        if (line.startsWith(open, i)) {
          inBlock = close;
          i += open.length;
          continue scanning;
        }
      }
      for (const marker of syntax.lineMarkers) {
        if (line.startsWith(marker, i) && (!syntax.markerNeedsSpaceBefore || i === 0 || /\s/.test(line[i - 1]))) {
          break scanning;
        }
      }
      code += ch;
      i++;
    }
    out.push(code);
  }
  return out;
}

/** The block's lines without comments, whitespace-normalised, blank lines dropped. */
export function significantCodeLines(lang: string, lines: readonly string[]): string[] {
  const syntax = SYNTAX_BY_LANGUAGE[canonicalLanguage(lang)];
  const code = syntax === undefined ? [...lines] : stripComments(lines, syntax);
  return code.map(normaliseWhitespace).filter((line) => line !== '');
}
