import type { ConnectionOptions } from 'bullmq';

/**
 * BullMQ connection options for a redis:// URL. Producers (the api) fail a
 * command quickly when Redis is away so requests never hang; workers use
 * blocking commands and must retry forever (BullMQ requires
 * maxRetriesPerRequest null for them).
 */
export function bullConnection(url: string, role: 'producer' | 'worker'): ConnectionOptions {
  return { url, connectTimeout: 2_000, maxRetriesPerRequest: role === 'worker' ? null : 1 };
}
