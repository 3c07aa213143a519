import { enableCompileCache } from 'node:module';

/**
 * Imported first by every entry point (api, worker, CLI), before anything
 * else is loaded: Node caches the code it compiles for the bundle and the
 * node_modules it requires on disk, so the next start of any of the three
 * skips most of the compiling (seconds on a loaded machine). The cache lives
 * in the OS temp dir (node-compile-cache), or NODE_COMPILE_CACHE; it is keyed
 * by file content and Node version, so a rebuild or upgrade just misses.
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off (bench/startup.bench.mjs compares).
 */
enableCompileCache();
