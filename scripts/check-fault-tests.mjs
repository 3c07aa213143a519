// Fails the run when a fault test did not really run. The integration tier
// writes Jest's JSON results to test-results/integration/ (nx.json, target
// `integration`); this reads them all and fails when
//   - any integration test was skipped, pending or todo (a fault test that
//     skips itself where a binary is missing would otherwise pass silently), or
//   - a fault-test file is absent from the results or has no passing test.
//
//   node scripts/check-fault-tests.mjs [--dir test-results/integration]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Whole-process fault tests: servers stopped and restarted, a worker killed. */
export const FAULT_TEST_FILES = [
  'backend/test/postgres-restart.int-spec.ts',
  'backend/test/redis-outage.int-spec.ts',
  'backend/test/worker-failover.int-spec.ts',
];

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const dirIndex = args.indexOf('--dir');
const dir = resolve(dirIndex >= 0 ? args[dirIndex + 1] : join(ROOT, 'test-results/integration'));

const problems = [];
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
if (files.length === 0) problems.push(`no integration results in ${dir} (did the integration tier run?)`);

const passedByFile = new Map();
for (const file of files) {
  const results = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const suite of results.testResults ?? []) {
    const path = relative(ROOT, suite.name);
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'passed') passedByFile.set(path, (passedByFile.get(path) ?? 0) + 1);
      else if (test.status !== 'failed') problems.push(`${path}: "${test.fullName}" was ${test.status}, not run`);
    }
  }
}
for (const path of FAULT_TEST_FILES) {
  if (!passedByFile.get(path))
    problems.push(`${path}: the fault test did not pass (no passing test in the results: it failed, or did not run)`);
}

if (problems.length > 0) {
  console.error(`Fault-test check FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
const total = [...passedByFile.values()].reduce((a, b) => a + b, 0);
console.log(`Fault tests ran: ${FAULT_TEST_FILES.length} fault-test files passed, no integration test skipped (${total} passed in all).`);
