// `npm run bench -- search-eval` runs bench/<name>.bench.mjs: this is that name for bench/search-eval.mjs.
await import('./search-eval.mjs');
