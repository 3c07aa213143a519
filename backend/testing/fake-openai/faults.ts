/**
 * The fake's fault modes: how a behaviour (`status`, `hang`, `slow-stream`,
 * the unfaithful rewrites, ...) is armed and counted down, OpenAI's error
 * bodies, and the abortable waits behind hangs and slow streams.
 *
 * Node built-ins only and erasable TypeScript (see fake-openai-server.ts), so
 * `main.ts` and the browser tests run it under Node's type stripping; imports
 * between these files name the `.ts` file for that reason.
 */
import type { FakeBehaviour, FakeErrorStatus, FakeRewriteMode } from './types.ts';

export interface ActiveBehaviour {
  behaviour: FakeBehaviour;
  /** Failures left for a `status` behaviour with `times`; null = unlimited / not applicable. */
  remaining: number | null;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class HttpProblem extends Error {
  readonly status: number;
  readonly body: OpenAIErrorBody;
  constructor(status: number, message: string, type: string, code: string | null = null, param: string | null = null) {
    super(message);
    this.status = status;
    this.body = { error: { message, type, param, code } };
  }
}

export function invalid(message: string, param: string | null = null): HttpProblem {
  return new HttpProblem(400, message, 'invalid_request_error', null, param);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function activate(behaviour: FakeBehaviour): ActiveBehaviour {
  if (behaviour.kind === 'status' && behaviour.times !== undefined) {
    if (behaviour.times <= 0) return { behaviour: normalLike(behaviour), remaining: null };
    return { behaviour, remaining: behaviour.times };
  }
  return { behaviour, remaining: null };
}

export function normalLike(behaviour: FakeBehaviour): FakeBehaviour {
  return behaviour.delayMs === undefined ? { kind: 'normal' } : { kind: 'normal', delayMs: behaviour.delayMs };
}

export function rewriteMode(behaviour: FakeBehaviour): FakeRewriteMode {
  switch (behaviour.kind) {
    case 'drop-code-block':
    case 'hostile':
    case 'truncate':
    case 'chatty':
    case 'fenced':
      return behaviour.kind;
    default:
      return 'normal';
  }
}

export const STATUS_ERRORS: Readonly<Record<FakeErrorStatus, { message: string; type: string; code: string | null }>> = {
  429: {
    message: 'Rate limit reached for requests (fake OpenAI server). Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that! (fake OpenAI server)',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later. (fake OpenAI server)',
    type: 'server_error',
    code: 'service_unavailable',
  },
};
