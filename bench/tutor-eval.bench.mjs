// Tutor quality on the sample book: citation precision and recall, "not covered"
// accuracy and mean latency to the first word, over
// backend/src/modules/tutor/eval/questions.json (40 covered questions with the
// lessons a good answer must cite, 10 the book does not cover).
//
//   npm run bench -- tutor-eval [--json] [--provider env]
//
// A fresh database, migrated and synced with the sample book by the built CLI,
// search chunks embedded by `search reindex --inline`, then `tutor eval`. By
// default the LLM is the repository's fake OpenAI server (deterministic answers
// citing the sections it is given, sometimes a section it was not given:
// this measures retrieval, the relevance floor and citation clean-up, not
// the writing). `--provider env` uses OPENAI_API_KEY, OPENAI_BASE_URL,
// OPENAI_MODEL and OPENAI_EMBEDDING_MODEL from your environment.
import Redis from 'ioredis';
import { evaluationProvider, freshDatabase, lecternEnv, run } from './lib.mjs';

const json = process.argv.includes('--json');
const provider = process.argv.includes('--provider') ? process.argv[process.argv.indexOf('--provider') + 1] : 'fake';
if (provider !== 'fake' && provider !== 'env') throw new Error('--provider takes fake or env');

const clean = (text) => text.replace(/^.*DeprecationWarning.*\n|^.*trace-deprecation.*\n/gm, '');
const db = await freshDatabase('lectern_bench_tutor_eval');
let evaluation;
let env;
try {
  evaluation = await evaluationProvider(provider, [
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'OPENAI_MODEL',
    'OPENAI_EMBEDDING_MODEL',
    'EMBEDDING_DIMENSIONS',
  ]);
  const { llm } = evaluation;
  if (provider === 'env' && !llm.OPENAI_API_KEY && !llm.OPENAI_BASE_URL)
    throw new Error('--provider env needs OPENAI_API_KEY or OPENAI_BASE_URL in the environment');
  env = lecternEnv(db.url, { ...llm, LLM_DAILY_TOKEN_BUDGET: '0' });
  await run('dist/backend/cli.js', ['migrate'], env);
  await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
  await run('dist/backend/cli.js', ['search', 'reindex', '--inline'], env);
  const report = await run('dist/backend/cli.js', ['tutor', 'eval', ...(json ? ['--json'] : [])], env);
  process.stdout.write(clean(report));
  if (!json && provider === 'fake') {
    console.log('  LLM: the fake server (it cites what it is given), so precision and recall measure retrieval and the relevance floor;');
    console.log('  run with --provider env and a real model to measure the answers themselves.');
  }
} finally {
  evaluation?.stop();
  await db.drop();
  if (env) {
    const redis = new Redis(env.REDIS_URL);
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}
