import { Injectable, OnModuleInit } from '@nestjs/common';
import { UserDataRegistry, type UserDataProvider } from '@lectern/users';
import type { EntityManager } from 'typeorm';

/**
 * A learner's tutor threads in the account lifecycle: exported with their
 * messages and citations, moved over whole when an anonymous learner signs in
 * (threads are never combined, so merging twice changes nothing), and deleted
 * with the learner (messages go with their thread).
 */
@Injectable()
export class TutorUserData implements UserDataProvider, OnModuleInit {
  readonly name = 'threads';

  constructor(private readonly registry: UserDataRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async export(userId: string, manager: EntityManager): Promise<unknown> {
    const threads = (await manager.query(
      `SELECT id, title, lesson_slug, created_at, updated_at FROM tutor_threads WHERE user_id = $1 ORDER BY updated_at DESC`,
      [userId],
    )) as Array<Record<string, unknown>>;
    if (threads.length === 0) return [];
    const messages = (await manager.query(
      `SELECT id, thread_id, role, content, status, action, selection, citations, created_at
       FROM tutor_messages WHERE thread_id = ANY($1::uuid[]) ORDER BY created_at`,
      [threads.map((t) => t['id'])],
    )) as Array<Record<string, unknown>>;
    return threads.map((t) => ({
      id: t['id'],
      title: t['title'],
      lessonSlug: t['lesson_slug'],
      createdAt: t['created_at'],
      updatedAt: t['updated_at'],
      messages: messages
        .filter((m) => m['thread_id'] === t['id'])
        .map((m) => ({
          id: m['id'],
          role: m['role'],
          content: m['content'],
          status: m['status'],
          action: m['action'],
          selection: m['selection'],
          citations: m['citations'],
          createdAt: m['created_at'],
        })),
    }));
  }

  async merge(fromUserId: string, intoUserId: string, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE tutor_threads SET user_id = $2 WHERE user_id = $1', [fromUserId, intoUserId]);
  }

  async delete(userId: string, manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM tutor_threads WHERE user_id = $1', [userId]);
  }
}
