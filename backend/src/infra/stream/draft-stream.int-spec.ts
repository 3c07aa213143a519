import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { infraTestConfig } from '../config/infra-test-config';
import { DraftStreamService, type DraftEvent } from './draft-stream.service';

describe('DraftStreamService (real Redis)', () => {
  const config = infraTestConfig(`lectern-test-drafts-${process.pid}`);
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
