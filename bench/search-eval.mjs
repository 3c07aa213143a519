// Search quality on the sample book: recall@5 and MRR of full-text and of
// hybrid search over backend/src/modules/search/eval/queries.json.
//
//   npm run bench -- search-eval [--json] [--provider env]
//
// Builds nothing itself (npm run bench builds the backend first): a fresh
// database, migrated and synced with the sample book by the built CLI, chunks
// embedded by `search reindex --inline`, then `search eval`. By default the
// embeddings come from the repository's fake OpenAI server, whose vectors are
// bag-of-words hashes: "hybrid" then measures the plumbing and a second
// lexical signal, not semantics. `--provider env` uses the OPENAI_API_KEY,
// OPENAI_BASE_URL and OPENAI_EMBEDDING_MODEL of your environment instead
// (a real embedding model, which is what paraphrased questions need).
import Redis from 'ioredis';
import { evaluationProvider, freshDatabase, lecternEnv, run } from './lib.mjs';

const json = process.argv.includes('--json');
const provider = process.argv.includes('--provider') ? process.argv[process.argv.indexOf('--provider') + 1] : 'fake';
if (provider !== 'fake' && provider !== 'env') throw new Error('--provider takes fake or env');

const db = await freshDatabase('lectern_bench_search_eval');
let evaluation;
let env;
try {
  evaluation = await evaluationProvider(provider, ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_EMBEDDING_MODEL', 'EMBEDDING_DIMENSIONS']);
  const { llm } = evaluation;
  if (provider === 'env' && !llm.OPENAI_API_KEY && !llm.OPENAI_BASE_URL)
    throw new Error('--provider env needs OPENAI_API_KEY or OPENAI_BASE_URL in the environment');
  env = lecternEnv(db.url, { ...llm, LLM_DAILY_TOKEN_BUDGET: '0' });
  await run('dist/backend/cli.js', ['migrate'], env);
  await run('dist/backend/cli.js', ['content', 'sync', 'content', '--json'], env);
  const indexed = await run('dist/backend/cli.js', ['search', 'reindex', '--inline'], env);
  if (!json) process.stdout.write(indexed.replace(/^.*DeprecationWarning.*\n|^.*trace-deprecation.*\n/gm, ''));
  const report = await run('dist/backend/cli.js', ['search', 'eval', ...(json ? ['--json'] : [])], env);
  process.stdout.write(report.replace(/^.*DeprecationWarning.*\n|^.*trace-deprecation.*\n/gm, ''));
  if (!json && provider === 'fake') {
    console.log('  Embeddings: the fake server (bag-of-words hashing), so hybrid adds a second lexical ranking, not meaning;');
    console.log('  run with --provider env and a real embedding model to measure semantic gains on the paraphrase queries.');
  }
} finally {
  evaluation?.stop();
  await db.drop();
  // The sync queued embedding jobs no worker ran (reindex --inline did the work): drop this run's queue keys.
  if (env) {
    const redis = new Redis(env.REDIS_URL);
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}
