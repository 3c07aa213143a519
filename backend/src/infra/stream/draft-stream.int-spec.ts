import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/app-config';
import { DraftStreamService, type DraftEvent } from './draft-stream.service';

describe('DraftStreamService (real Redis)', () => {
  // The config layer reads the environment (the run's REDIS_URL, else its default); the
  // key prefix is this run's own, and the other required settings are placeholders it never uses.
  const config = loadConfig(undefined, {
    NODE_ENV: 'test',
    QUEUE_PREFIX: `lectern-test-drafts-${process.pid}`,
    DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
    TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
    ADMIN_TOKEN: 'test-admin-token-0123456789',
  });
  const redis = new Redis(config.REDIS_URL);
  const drafts = new DraftStreamService(config, redis);
  afterAll(() => redis.quit());

  async function collect(key: string, signal?: AbortSignal, onEvent?: (e: DraftEvent) => void): Promise<DraftEvent[]> {
    const events: DraftEvent[] = [];
    for await (const event of drafts.read(key, signal)) {
      events.push(event);
      onEvent?.(event);
    }
    return events;
  }

  it('a reader gets what was written before it came, then follows until the final event', async () => {
    const key = randomUUID();
    await drafts.append(key, 'delta', { text: 'Hello' });
    let appended = false;
    const reading = collect(key, undefined, (event) => {
      if (!appended && event.event === 'delta') {
        appended = true;
        void drafts.append(key, 'delta', { text: ' world' }).then(() => drafts.close(key, 'done', { ok: true }));
      }
    });
    const events = await reading;
    expect(events).toEqual([
      { event: 'delta', data: { text: 'Hello' } },
      { event: 'delta', data: { text: ' world' } },
      { event: 'done', data: { ok: true } },
    ]);
    // A late reader replays everything, and every key expires.
    expect(await collect(key)).toEqual(events);
    expect(await redis.ttl(drafts.keyOf(key))).toBeGreaterThan(0);
  });

  it('an abort ends a reader that is waiting for more', async () => {
    const key = randomUUID();
    await drafts.append(key, 'delta', { text: 'a' });
    const controller = new AbortController();
    const reading = collect(key, controller.signal, () => controller.abort());
    expect(await reading).toEqual([{ event: 'delta', data: { text: 'a' } }]);
  });
});
