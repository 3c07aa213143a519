import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { infraTestConfig } from '../config/infra-test-config';
import { RateCounter } from './rate-limit';

describe('RateCounter (real Redis)', () => {
  const config = infraTestConfig(`lectern-test-rate-${process.pid}`);
  const redis = new Redis(config.REDIS_URL);
  const counter = new RateCounter(config, redis);
  const MINUTE_MS = 60_000;
  /** The start of a fixed one-minute window well away from now, so the test's clock is its own. */
  const windowStart = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS + 1_000 * MINUTE_MS;
  let now = windowStart;

  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => redis.quit());

  it('counts the events of the last window for one client, and no other', async () => {
    const who = randomUUID();
    now = windowStart + 10_000;
    expect((await counter.hit('test', who, 60)).count).toBe(1);
    expect((await counter.hit('test', who, 60)).count).toBe(2);
    expect((await counter.hit('test', randomUUID(), 60)).count).toBe(1);
    const peeked = await counter.peek('test', who, 60);
    expect(peeked.count).toBe(2);
    expect(peeked.retryAfterSeconds).toBe(50);
  });

  it('a burst just before a window boundary still counts just after it (no double limit at :59 and :00)', async () => {
    const who = randomUUID();
    now = windowStart + 59_500;
    await counter.hit('test', who, 60);
    await counter.hit('test', who, 60);
    now = windowStart + MINUTE_MS + 500;
    const after = await counter.hit('test', who, 60);
    // A fixed window would say 1 here; the sliding window still sees the two of a second ago.
    expect(after.count).toBeGreaterThan(2);
    expect(after.count).toBeLessThanOrEqual(3);
  });

  it('events older than the window fade out as the window slides past them', async () => {
    const who = randomUUID();
    now = windowStart + 1_000;
    for (let i = 0; i < 4; i++) await counter.hit('test', who, 60);
    now = windowStart + MINUTE_MS + 45_000;
    // A quarter of the previous window is still covered: 4 × 0.25 = 1.
    expect((await counter.peek('test', who, 60)).count).toBeCloseTo(1, 5);
    now = windowStart + 2 * MINUTE_MS + 1_000;
    expect((await counter.peek('test', who, 60)).count).toBe(0);
  });

  it('keeps each window two windows long, and still counts after the server forgot its script', async () => {
    const who = randomUUID();
    now = windowStart + 5_000;
    await counter.hit('test', who, 60);
    const key = `${config.QUEUE_PREFIX}:rl:test:${who}:${Math.floor(now / MINUTE_MS)}`;
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    // A key left without an expiry (written by anything else) gets one on the next hit.
    await redis.persist(key);
    await counter.hit('test', who, 60);
    expect(await redis.ttl(key)).toBeGreaterThan(100);
    await redis.script('FLUSH');
    expect((await counter.hit('test', who, 60)).count).toBe(3);
  });
});
