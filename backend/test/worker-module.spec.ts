import { QueueRegistry } from '@lectern/infra';
import { CONFIG_SLICES } from '../src/config-slices';
import { EveryQueueHasAHandler, JOB_BINDINGS } from '../src/worker.module';
import { CONTENT_QUEUE } from '@lectern/content';
import { PERSONALIZE_QUEUE } from '@lectern/personalize';
import { INDEX_QUEUE } from '@lectern/search';
import { TUTOR_QUEUE } from '@lectern/tutor';
import { defineQueue, DEFAULT_RETENTION } from '@lectern/infra';

describe("the worker's composition root", () => {
  const registryOf = (...queues: Parameters<QueueRegistry['add']>[0]) => {
    const registry = new QueueRegistry();
    registry.add(queues);
    return registry;
  };

  it('binds a handler to every queue the domains declare', () => {
    expect(JOB_BINDINGS.map((b) => b.queue.name).sort()).toEqual(['content', 'index', 'personalize', 'tutor']);
    expect(() =>
      new EveryQueueHasAHandler(registryOf(CONTENT_QUEUE, PERSONALIZE_QUEUE, INDEX_QUEUE, TUTOR_QUEUE)).onModuleInit(),
    ).not.toThrow();
  });

  it('refuses to start when a registered queue has no handler', () => {
    const orphan = defineQueue<{ ping: Record<string, never> }>('orphan', {
      attempts: 1,
      backoffMs: 1_000,
      lockDurationMs: 10_000,
      concurrency: 1,
      maxStalledCount: 1,
      callsLlm: false,
      ...DEFAULT_RETENTION,
    });
    expect(() => new EveryQueueHasAHandler(registryOf(CONTENT_QUEUE, orphan)).onModuleInit()).toThrow(
      'No handler for queue(s): orphan; refusing to start',
    );
  });

  it('validates every domain settings slice at start-up', () => {
    expect(CONFIG_SLICES.map((c) => c.name).sort()).toEqual([
      'ContentConfig',
      'PersonalizeConfig',
      'SearchConfig',
      'TutorConfig',
      'UsersConfig',
    ]);
  });
});
