// Proves `nx affected` is as narrow as the imports: for a change in a few
// chosen files, the projects Nx lists must be exactly the projects that import
// the changed project, directly or through others (computed here from the
// source files themselves, not from Nx's graph), plus their implicit
// dependencies (project.json). And, by name:
//   - a personalize change does not re-test search (search's tests import no personalize code), and a
//     change to search's own queue (search.jobs.ts) does not re-test personalize;
//   - a content-store change leaves out the projects that do not import the
//     infrastructure (the shared types, migrations, the web app, the book).
// Run by npm test (scripts/test.sh).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CHECKS = [
  {
    file: 'backend/src/modules/personalize/personalize.service.ts',
    mustNotList: ['backend-search'],
  },
  {
    file: 'backend/src/infra/content-store/content-store.ts',
    mustNotList: ['api-types', 'migrations', 'frontend', 'book'],
  },
  {
    // A domain's queue is its own: changing search's jobs re-tests search and what imports it (tutor, the app), not personalize.
    file: 'backend/src/modules/search/search.jobs.ts',
    mustNotList: ['backend-personalize', 'backend-content', 'backend-progress', 'backend-users'],
  },
  {
    // The generic queue code in infra: every project importing infra, nothing else.
    file: 'backend/src/infra/queue/queue-definition.ts',
    mustNotList: ['api-types', 'migrations', 'frontend', 'book'],
  },
];

const nx = (...args) =>
  execFileSync('npx', ['nx', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

// Projects and their roots (only the roots and implicit dependencies are taken from Nx).
const dir = mkdtempSync(join(tmpdir(), 'lectern-graph-'));
let nodes;
try {
  nx('graph', `--file=${join(dir, 'graph.json')}`);
  nodes = JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')).graph.nodes;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const projects = Object.values(nodes).map((n) => ({ name: n.name, root: n.data.root, implicit: n.data.implicitDependencies ?? [] }));
const bySpecificity = [...projects].sort((a, b) => b.root.length - a.root.length);
/** The project owning a file (the one with the longest root containing it). */
const ownerOf = (file) => bySpecificity.find((p) => p.root === '.' || file === p.root || file.startsWith(p.root + '/'))?.name;

// The @lectern/* aliases → the project of the file they point to.
const paths = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths;
const aliasProject = new Map(Object.entries(paths).map(([alias, [target]]) => [alias, ownerOf(relative(ROOT, resolve(ROOT, target)))]));

function* sourceFiles(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

// Who imports whom, from the source: `from '…'`, `import('…')`, `require('…')`.
const importsOf = new Map(projects.map((p) => [p.name, new Set()]));
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
for (const project of projects) {
  const root = join(ROOT, project.root);
  if (project.root === '.' || !statSync(root, { throwIfNoEntry: false })?.isDirectory()) continue;
  for (const path of sourceFiles(root)) {
    const file = relative(ROOT, path).split(sep).join('/');
    const owner = ownerOf(file);
    if (owner !== project.name) continue; // a nested project's file
    for (const [, specifier] of readFileSync(path, 'utf8').matchAll(SPECIFIER)) {
      let target;
      if (specifier.startsWith('.'))
        target = ownerOf(
          relative(ROOT, resolve(dirname(path), specifier))
            .split(sep)
            .join('/'),
        );
      else target = aliasProject.get(specifier);
      if (target && target !== owner) importsOf.get(owner).add(target);
    }
  }
  for (const dependency of project.implicit) importsOf.get(project.name).add(dependency);
}

/** The changed project and every project depending on it, directly or not. */
function dependentsOf(changed) {
  const found = new Set([changed]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [project, deps] of importsOf) {
      if (found.has(project)) continue;
      if ([...deps].some((d) => found.has(d))) {
        found.add(project);
        grew = true;
      }
    }
  }
  return found;
}

let failed = false;
for (const check of CHECKS) {
  const listed = nx('show', 'projects', '--affected', `--files=${check.file}`).split('\n').filter(Boolean).sort();
  const expected = [...dependentsOf(ownerOf(check.file))].sort();
  const problems = [];
  if (JSON.stringify(listed) !== JSON.stringify(expected)) {
    const extra = listed.filter((p) => !expected.includes(p));
    const missing = expected.filter((p) => !listed.includes(p));
    problems.push(
      `nx lists ${extra.length ? `more than the imports (${extra.join(', ')})` : ''}${extra.length && missing.length ? ' and ' : ''}${missing.length ? `less than the imports (missing ${missing.join(', ')})` : ''}`,
    );
  }
  const wrong = listed.filter((p) => check.mustNotList.includes(p));
  if (wrong.length) problems.push(`it lists ${wrong.join(', ')}`);
  if (problems.length) {
    failed = true;
    console.error(`nx affected FAILED for a change in ${check.file}: ${problems.join('; ')}`);
  } else {
    console.log(`ok: a change in ${check.file} affects ${listed.join(', ')} (exactly its importers; not ${check.mustNotList.join(', ')})`);
  }
}
if (!failed) console.log('nx affected is as narrow as the imports.');
process.exit(failed ? 1 : 0);
