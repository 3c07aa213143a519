import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { infraTestConfig } from '../config/infra-test-config';
import { RedisScript } from './redis-script';

describe('RedisScript (real Redis)', () => {
  const config = infraTestConfig(`lectern-test-script-${process.pid}`);
  const redis = new Redis(config.REDIS_URL);
  // A script of its own (a random comment), so that no other test's flush or load decides what the server knows.
  const script = new RedisScript<[string, string]>(`-- ${randomUUID()}\nreturn {KEYS[1], ARGV[1]}`, 1);
  afterAll(() => redis.quit());

  it('runs a script the server does not know by sending it, then by its SHA alone', async () => {
    expect(await redis.script('EXISTS', script.sha)).toEqual([0]);
    const sent: string[] = [];
    const original = redis.sendCommand.bind(redis);
    const spy = jest.spyOn(redis, 'sendCommand').mockImplementation((command, ...rest) => {
      sent.push(command.name);
      return original(command, ...rest);
    });
    try {
      expect(await script.run(redis, 'the-key', 42)).toEqual(['the-key', '42']);
      expect(await redis.script('EXISTS', script.sha)).toEqual([1]);
      expect(await script.run(redis, 'another', 'x')).toEqual(['another', 'x']);
    } finally {
      spy.mockRestore();
    }
    expect(sent).toEqual(['evalsha', 'eval', 'script', 'evalsha']);
  });

  it('passes on a script error', async () => {
    const broken = new RedisScript(`-- ${randomUUID()}\nreturn redis.call('INCR', KEYS[1], 'too', 'many')`, 1);
    await expect(broken.run(redis, `${config.QUEUE_PREFIX}:x`)).rejects.toThrow(/wrong number of arg/i);
  });
});
