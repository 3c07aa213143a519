#!/usr/bin/env node
// Runs after the Angular build (frontend:build, after frontend:bundle): marks
// the scripts every page runs at start-up (the page's main script and the
// chunks it preloads, read from the built index) with V8's explicit compile
// hint, `//# allFunctionsCalledOnLoad` on their first line. Chrome then
// compiles all their functions while it streams the file, on a background
// thread, instead of one by one on the main thread the first time each is
// called, which is most of the long tasks a phone sees while the app starts
// and hydrates. Other browsers read a comment. Route and lazy chunks are left
// alone: much of their code never runs on a given page.
//
//   node frontend/build/compile-hints.mjs dist/frontend/browser
//
// Idempotent (a marked file is left as it is). A file's source map, when there
// is one, moves down the added line.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HINT = '//# allFunctionsCalledOnLoad';

/** The start-up scripts of the built index in `dir`: what it preloads and its main module, in page order. */
export function startupScripts(dir) {
  const index = ['index.csr.html', 'index.html'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!index) throw new Error(`No built index (index.csr.html or index.html) in ${dir}`);
  const html = readFileSync(index, 'utf8');
  const names = [
    ...[...html.matchAll(/<link rel="modulepreload" href="([^"/]+\.js)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<script src="([^"/]+\.js)" type="module"/g)].map((m) => m[1]),
  ];
  return [...new Set(names)];
}

/** Marks each start-up script in `dir`; returns the names newly marked. */
export function addCompileHints(dir) {
  const marked = [];
  for (const name of startupScripts(dir)) {
    const file = join(dir, name);
    const code = readFileSync(file, 'utf8');
    if (code.startsWith(HINT)) continue;
    writeFileSync(file, `${HINT}\n${code}`);
    const map = `${file}.map`;
    if (existsSync(map)) {
      const json = JSON.parse(readFileSync(map, 'utf8'));
      json.mappings = `;${json.mappings}`;
      writeFileSync(map, JSON.stringify(json));
    }
    marked.push(name);
  }
  return marked;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node frontend/build/compile-hints.mjs <browser build dir>');
    process.exit(2);
  }
  const marked = addCompileHints(dir);
  console.log(`compile hints: ${marked.length ? marked.join(', ') : 'every start-up script was already marked'}`);
}
