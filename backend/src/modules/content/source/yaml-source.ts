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
      problems: doc.errors.map((error) => ({
        line: error.linePos ? error.linePos[0].line + firstLine - 1 : undefined,
        message: `YAML syntax error: ${shortYamlMessage(error.message)}`,
      })),
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
