import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { SourceProblem } from '../book-source.types';

/**
 * The author's own code (sidebars.js/ts, docusaurus.config.js/ts) is run in a
 * child Node process, never in the server: with a timeout, no environment
 * (no secrets; no PATH, the Node binary is an absolute path), its folder as
 * the working directory. Node strips TypeScript types itself. The child
 * prints JSON; functions and other non-data are dropped on the way.
 */

/** The author's code gets this long, in its own process. */
export const AUTHOR_CODE_TIMEOUT_MS = 10_000;

export const SIDEBARS_FILES = ['sidebars.ts', 'sidebars.js', 'sidebars.mjs', 'sidebars.cjs', 'sidebars.mts', 'sidebars.cts'];
export const CONFIG_FILES = ['docusaurus.config.ts', 'docusaurus.config.js', 'docusaurus.config.mjs', 'docusaurus.config.cjs', 'docusaurus.config.mts', 'docusaurus.config.cts'];

export type Evaluated = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * A site is often imported without its node_modules: a package the author's
 * code imports but that is not installed (prism-react-renderer, js-yaml, a
 * plugin) is then a stand-in in the child, a do-nothing object, so the rest
 * of the config still evaluates. ESM named imports and `ns.name` uses of a
 * namespace import are read from the importing file to export those names.
 * `then` stays undefined (awaiting a stand-in must not hang). JSON imports
 * need no import attribute, as with Docusaurus's own loader.
 */
const STUB = `new Proxy(function () {}, {
  get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : key === Symbol.iterator ? function* () {} : globalThis.__lecternStub),
  apply: () => globalThis.__lecternStub,
  construct: () => globalThis.__lecternStub,
})`;
const ESM_HOOKS = String.raw`
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const bare = (s) => /^[@a-zA-Z]/.test(s) && !s.startsWith('node:') && !/^[a-zA-Z]+:/.test(s);
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!bare(specifier)) throw error;
    return { url: 'lectern-stub:' + encodeURIComponent(specifier) + '#' + encodeURIComponent(context.parentURL ?? ''), shortCircuit: true };
  }
}
export async function load(url, context, next) {
  // Docusaurus loads its config with jiti, where JSON imports need no attribute.
  if (url.startsWith('file:') && url.endsWith('.json')) return next(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  if (!url.startsWith('lectern-stub:')) return next(url, context);
  const [specifier, parent] = url.slice('lectern-stub:'.length).split('#').map(decodeURIComponent);
  let text = '';
  try { text = parent.startsWith('file:') ? readFileSync(fileURLToPath(parent), 'utf8') : ''; } catch {}
  const quoted = specifier.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&');
  const names = new Set();
  for (const m of text.matchAll(new RegExp('import\\s*(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*[\'"]' + quoted + '[\'"]', 'g')))
    for (const part of m[1].split(',')) { const name = part.trim().split(/\s+as\s+/)[0].replace(/^type\s+/, ''); if (/^[\w$]+$/.test(name)) names.add(name); }
  for (const m of text.matchAll(new RegExp('import\\s*\\*\\s*as\\s*([\\w$]+)\\s*from\\s*[\'"]' + quoted + '[\'"]', 'g')))
    for (const use of text.matchAll(new RegExp('\\b' + m[1] + '\\.([\\w$]+)', 'g'))) names.add(use[1]);
  names.delete('default');
  const source = 'const stub = globalThis.__lecternStub; export default stub;\n' + [...names].map((n) => 'export const ' + n + ' = stub;').join('\n');
  return { format: 'module', source, shortCircuit: true };
}`;

/** The module's default export (awaited, called when it is a function), as JSON data, passed through `pick` (JS source of a function) in the child. */
async function evaluate(dir: string, file: string, pick = '(v) => v', timeoutMs = AUTHOR_CODE_TIMEOUT_MS): Promise<Evaluated> {
  const script = [
    "const { pathToFileURL } = require('node:url');",
    "const Module = require('node:module');",
    `globalThis.__lecternStub = ${STUB};`,
    // CommonJS: a package that is not installed resolves to its own name and loads as the stand-in.
    'const bare = (s) => /^[@a-zA-Z]/.test(s) && !s.startsWith("node:");',
    'const resolveFilename = Module._resolveFilename;',
    'Module._resolveFilename = function (request, ...rest) { try { return resolveFilename.call(this, request, ...rest); } catch (e) { if (bare(request)) return "lectern-stub:" + request; throw e; } };',
    'const load = Module._load;',
    'Module._load = function (request, parent, ...rest) { if (bare(request)) { try { resolveFilename.call(Module, request, parent); } catch { return globalThis.__lecternStub; } } return load.call(this, request, parent, ...rest); };',
    `Module.register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(ESM_HOOKS)}));`,
    `const pick = ${pick};`,
    'import(pathToFileURL(process.argv[1]).href).then(',
    '  async (m) => { let v = m.default ?? m; if (typeof v === "function") v = await v(); process.stdout.write(JSON.stringify(pick(v) ?? null)); },',
    '  (e) => { process.stderr.write(String((e && e.message) || e)); process.exit(2); });',
  ].join('\n');
  const output = await new Promise<{ ok: true; stdout: string } | { ok: false; message: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--no-warnings', '-e', script, join(dir, file)],
      { cwd: dir, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        if (error) {
          const killed = (error as { killed?: boolean }).killed;
          resolve({ ok: false, message: killed ? `did not finish within ${timeoutMs / 1000} s` : stderr.trim().split('\n')[0] || error.message });
        } else resolve({ ok: true, stdout });
      },
    );
  });
  if (!output.ok) return output;
  try {
    return { ok: true, value: JSON.parse(output.stdout) as unknown };
  } catch {
    return { ok: false, message: 'it did not evaluate to plain data' };
  }
}

async function firstFile(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    try {
      if ((await stat(join(dir, name))).isFile()) return name;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

/**
 * The evaluated sidebars file (the config's `sidebarPath`, else `sidebars.*`
 * in the site folder; a `.json` one is read, not run), or undefined (none, or
 * it failed: then a warning, and the autogenerated order is used).
 */
export async function loadSidebars(dir: string, problems: SourceProblem[], timeoutMs = AUTHOR_CODE_TIMEOUT_MS, sidebarPath?: string): Promise<unknown> {
  const file = sidebarPath ?? (await firstFile(dir, SIDEBARS_FILES));
  if (file === undefined) return undefined;
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(await readFile(join(dir, file), 'utf8')) as unknown;
    } catch (error) {
      problems.push({ path: file, message: `could not be read (${error instanceof Error ? error.message : String(error)}); the autogenerated order is used` });
      return undefined;
    }
  }
  const result = await evaluate(dir, file, undefined, timeoutMs);
  if (result.ok) return result.value;
  problems.push({ path: file, message: `could not be evaluated (${result.message}); the autogenerated order is used` });
  return undefined;
}

/** What Lectern reads of docusaurus.config.*: the site's title and tagline, and the docs plugin's folder and exclusions. */
export interface SiteConfig {
  /** The config file's name. */
  file: string;
  /** How it was read: evaluated in the child process, or (when that failed) from its text where the values are literals. */
  source: 'evaluated' | 'text';
  title?: string;
  tagline?: string;
  /** The docs folder (`docs.path`), relative to the site, without `./` or a trailing slash. */
  docsPath?: string;
  /** `docs.exclude` globs. */
  exclude: string[];
  /** `docs.sidebarPath`, relative to the site folder. */
  sidebarPath?: string;
}

/**
 * Runs in the child: the parts of the config Lectern needs, from the classic
 * preset's `docs` options or the `@docusaurus/plugin-content-docs` plugin's
 * (the default instance first).
 */
const PICK_CONFIG = `(config) => {
  const text = (v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const options = [];
  for (const preset of Array.isArray(config.presets) ? config.presets : []) {
    const opts = Array.isArray(preset) ? preset[1] : undefined;
    if (opts && typeof opts === 'object' && opts.docs && typeof opts.docs === 'object') options.push(opts.docs);
  }
  for (const plugin of Array.isArray(config.plugins) ? config.plugins : []) {
    if (Array.isArray(plugin) && /plugin-content-docs$|^content-docs$/.test(String(plugin[0])) && plugin[1] && typeof plugin[1] === 'object') options.push(plugin[1]);
  }
  const docs = options.find((o) => o.id === undefined || o.id === 'default') ?? options[0];
  return {
    title: text(config.title),
    tagline: text(config.tagline),
    docsPath: docs ? text(docs.path) : undefined,
    exclude: docs && Array.isArray(docs.exclude) ? docs.exclude.filter((g) => typeof g === 'string') : [],
    sidebarPath: docs ? text(docs.sidebarPath) : undefined,
  };
}`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const cleanPath = (path: string | undefined): string | undefined => path?.replace(/^\.\//, '').replace(/\/+$/, '') || undefined;
/** A path from the config, relative to the site folder (an absolute one, from `path.resolve(__dirname, …)`, made relative). */
const sitePath = (dir: string, path: string | undefined): string | undefined =>
  path === undefined ? undefined : cleanPath(isAbsolute(path) ? relative(dir, path).split(sep).join('/') : path);

/**
 * Reads the site config by evaluating it in the child process. When that
 * fails (a dependency that is not installed, a syntax error, a timeout), it
 * says so once and reads the values from the file's text where they are
 * written as literals. Undefined when the site has no config file.
 */
export async function loadSiteConfig(dir: string, problems: SourceProblem[], timeoutMs = AUTHOR_CODE_TIMEOUT_MS): Promise<SiteConfig | undefined> {
  const file = await firstFile(dir, CONFIG_FILES);
  if (file === undefined) return undefined;
  const result = await evaluate(dir, file, PICK_CONFIG, timeoutMs);
  if (result.ok && isRecord(result.value)) {
    const value = result.value;
    const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    return {
      file,
      source: 'evaluated',
      title: text(value.title),
      tagline: text(value.tagline),
      docsPath: sitePath(dir, text(value.docsPath)),
      exclude: Array.isArray(value.exclude) ? value.exclude.filter((g): g is string => typeof g === 'string') : [],
      ...(text(value.sidebarPath) !== undefined && { sidebarPath: sitePath(dir, text(value.sidebarPath)) }),
    };
  }
  const reason = result.ok ? 'it did not export a config object' : result.message;
  problems.push({
    path: file,
    message: `could not be evaluated (${reason}); its title, tagline, docs path and docs.exclude are read from the text where they are literals`,
  });
  return { file, source: 'text', ...configFromText(await readFile(join(dir, file), 'utf8')) };
}

/** The fallback: literal values found in the config's text. */
export function configFromText(config: string): Omit<SiteConfig, 'file' | 'source'> {
  const literal = (key: string): string | undefined => new RegExp(`^\\s*${key}\\s*:\\s*(['"\`])(.+?)\\1`, 'm').exec(config)?.[2];
  const docsBlock = bracedBlock(config, /\bdocs\s*:\s*\{/);
  const excludeList = /\bexclude\s*:\s*\[([^\]]*)\]/.exec(docsBlock ?? config)?.[1];
  // `sidebarPath: './sidebars.json'`, `require.resolve('./sidebars.js')`, `path.resolve(__dirname, './sidebars.ts')`.
  const sidebarPath = docsBlock ? /\bsidebarPath\s*:[^\n]*?(['"`])([^'"`]+\.(?:[cm]?[jt]s|json))\1/.exec(docsBlock)?.[2] : undefined;
  return {
    title: literal('title'),
    tagline: literal('tagline'),
    docsPath: cleanPath(docsBlock ? /(?<![\w$])path\s*:\s*(['"`])([^'"`]+)\1/.exec(docsBlock)?.[2] : undefined),
    exclude: excludeList ? [...excludeList.matchAll(/(['"`])([^'"`]+)\1/g)].map((m) => m[2]) : [],
    ...(sidebarPath !== undefined && { sidebarPath: cleanPath(sidebarPath) }),
  };
}

/** The text inside the braces that open where `start` matches (nested braces counted), or undefined. */
function bracedBlock(text: string, start: RegExp): string | undefined {
  const match = start.exec(text);
  if (!match) return undefined;
  const open = match.index + match[0].length;
  let depth = 1;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i);
  }
  return undefined;
}
