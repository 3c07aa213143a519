import { isNode, LineCounter, parseDocument } from 'yaml';

/**
 * YAML parsing that keeps line numbers, so problems in a manifest or a front
 * matter block can point at the line they are on.
 */

export type YamlPath = readonly (string | number)[];

export interface YamlLineProblem {
  line?: number;
  message: string;
}

export type ParsedYaml =
  | {
      ok: true;
      value: unknown;
      /** The line (in the file) of the value at `path`, or of its nearest ancestor present in the document. */
      lineOf(path: YamlPath): number | undefined;
    }
  | { ok: false; problems: YamlLineProblem[] };

/**
 * Parses one YAML document. `firstLine` is the file line the text starts on
 * (front matter starts on line 2), so every line reported is a file line.
 */
export function parseYaml(text: string, firstLine = 1): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const toFileLine = (offset: number): number => lineCounter.linePos(offset).line + firstLine - 1;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const line = error.linePos ? openingLine(text, error.linePos[0].line, error.message) : undefined;
        return { line: line !== undefined ? line + firstLine - 1 : undefined, message: `YAML syntax error: ${shortYamlMessage(error.message)}` };
      }),
    };
  }
  return {
    ok: true,
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    lineOf(path: YamlPath): number | undefined {
      for (let depth = path.length; depth >= 0; depth--) {
        const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
        if (isNode(node) && node.range) return toFileLine(node.range[0]);
      }
      return undefined;
    },
  };
}

/**
 * An unclosed `[`, `{` or quote is noticed on a later line; point at the line
 * that opened it instead (the nearest line above with more openers than closers).
 */
function openingLine(text: string, errorLine: number, message: string): number {
  const pair = /^Flow sequence/.test(message) ? ['[', ']'] : /^Flow (?:map\b|mapping)/.test(message) ? ['{', '}'] : /^Missing closing "/.test(message) ? ['"', '"'] : undefined;
  if (!pair) return errorLine;
  const lines = text.split('\n');
  for (let line = Math.min(errorLine, lines.length); line >= 1; line--) {
    const source = lines[line - 1];
    const opens = source.split(pair[0]).length - 1;
    const unbalanced = pair[0] === pair[1] ? opens % 2 === 1 : opens > source.split(pair[1]).length - 1;
    if (unbalanced) return line;
  }
  return errorLine;
}

/** The `yaml` package's pretty messages carry a position and a source excerpt; keep the sentence. */
function shortYamlMessage(message: string): string {
  return message
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

/** `parts[1].chapters[0].title`, for messages. */
export function formatYamlPath(path: YamlPath): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
