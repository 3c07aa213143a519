// Completes package-lock.json with the optional platform packages that the
// npm registry reachable here cannot describe.
//
// Why: packages such as msgpackr-extract, sass-embedded, rolldown and
// unrs-resolver ship one optional binary package per platform. The registry
// these machines reach lacks some other platforms' builds of the newest
// versions (e.g. @msgpackr-extract/msgpackr-extract-darwin-arm64@3.0.7 is a
// 404 here), so `npm install` writes a lockfile without them, and `npm ci`
// then refuses it ("Missing: … from lock file"). Each such package is added
// here as an optional entry with its exact version and the platform (os/cpu/
// libc) its name declares, so `npm ci` accepts the lockfile and skips the
// entries that are not for this machine. On a machine of that platform npm
// fetches the exact version as usual.
//
// Run after changing dependencies: `node scripts/lib/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'riscv64', 'ppc64', 's390x', 'loong64', 'mips64el', 'wasm32'];

// Fallback packages for "any other platform", as their own manifests declare them.
const CATCH_ALL = {
  'sass-embedded-all-unknown': { cpu: ['!arm', '!arm64', '!riscv64', '!x64'] },
  'sass-embedded-unknown-all': { os: ['!android', '!darwin', '!linux', '!win32'] },
};

function platformOf(name) {
  if (CATCH_ALL[name]) return CATCH_ALL[name];
  const tokens = name.split('/').pop().split('-');
  const os = tokens.find((t) => OS.includes(t));
  const cpu =
    tokens.find((t) => CPU.includes(t)) ??
    (tokens.includes('gnueabihf') || tokens.includes('musleabihf') || tokens.includes('eabi') ? 'arm' : undefined);
  const libc = tokens.some((t) => t.startsWith('musl'))
    ? 'musl'
    : tokens.some((t) => t.startsWith('gnu')) && os === 'linux'
      ? 'glibc'
      : undefined;
  if (cpu === 'wasm32') return { cpu: ['wasm32'] };
  if (!os && !cpu) return null;
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}), ...(libc ? { libc: [libc] } : {}) };
}

function resolveLocation(from, name, version) {
  // Node's lookup: the nearest node_modules/<name> walking up from the dependent.
  // If that one is another version, the right one belongs beside the dependent.
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) {
      return packages[candidate].version === version
        ? { found: true, location: candidate }
        : { found: false, location: `${from}/node_modules/${name}` };
    }
    if (!dir) return { found: false, location: `node_modules/${name}` };
    const idx = dir.lastIndexOf('/node_modules/');
    dir = idx === -1 ? '' : dir.slice(0, idx);
  }
}

let added = 0;
for (const [location, pkg] of Object.entries({ ...packages })) {
  for (const [name, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const { found, location: target } = resolveLocation(location, name, spec);
    if (found) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue; // only exact-pinned platform binaries
    packages[target] = { version: spec, optional: true, ...platform, ...(pkg.dev ? { dev: true } : {}) };
    added += 1;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added ? `Added ${added} optional platform package(s) to ${path}.` : `${path} already lists every optional platform package.`);
