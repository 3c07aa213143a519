import { Injectable } from '@nestjs/common';
import type { QueueDefinition } from './queue-definition';

/**
 * The queues this process's modules registered (`QueueModule.register`):
 * what Bull Board shows, what /metrics counts and what the worker's
 * composition root checks for handlers.
 */
@Injectable()
export class QueueRegistry {
  private readonly queues = new Map<string, QueueDefinition>();

  add(definitions: readonly QueueDefinition[]): void {
    for (const d of definitions) {
      const known = this.queues.get(d.name);
      if (known && known !== d) throw new Error(`Queue ${d.name} is declared twice`);
      this.queues.set(d.name, d);
    }
  }

  all(): QueueDefinition[] {
    return [...this.queues.values()];
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  get(name: string): QueueDefinition | undefined {
    return this.queues.get(name);
  }
}
