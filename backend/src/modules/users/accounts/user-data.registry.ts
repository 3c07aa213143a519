import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What one domain keeps about a learner, and how it follows the learner
 * through the account lifecycle. Every domain with per-learner tables
 * registers one (in its module's onModuleInit, through UserDataRegistry), so
 * export, merge and delete cover it without the users module knowing its
 * tables. All three run inside the caller's transaction (`manager`).
 *
 * Registered today: `answers` (onboarding) and `progress`. The tutor's threads
 * and personalization feedback register theirs the same way.
 */
export interface UserDataProvider {
  /** Key of this domain's section in the export, e.g. `progress`, `threads`, `feedback`. */
  readonly name: string;
  /** The learner's data in this domain, as plain JSON. */
  export(userId: string, manager: EntityManager): Promise<unknown>;
  /**
   * Moves an anonymous learner's data into an account that is signing in, by
   * the domain's rules (progress: furthest state and larger time win; answers:
   * the account's win; threads: moved over). Must be idempotent. Whatever is
   * left under `fromUserId` is removed by `delete` right after.
   */
  merge(fromUserId: string, intoUserId: string, manager: EntityManager): Promise<void>;
  /** Removes everything of the learner's in this domain (before the user row itself goes). */
  delete(userId: string, manager: EntityManager): Promise<void>;
}

/** The registered UserDataProviders, in registration order. */
@Injectable()
export class UserDataRegistry {
  private readonly providers = new Map<string, UserDataProvider>();

  register(provider: UserDataProvider): void {
    if (['account', 'sessions', 'exportedAt'].includes(provider.name)) throw new Error(`"${provider.name}" is reserved in the export`);
    const existing = this.providers.get(provider.name);
    if (existing && existing !== provider) throw new Error(`Two user-data providers are named "${provider.name}"`);
    this.providers.set(provider.name, provider);
  }

  all(): UserDataProvider[] {
    return [...this.providers.values()];
  }
}
