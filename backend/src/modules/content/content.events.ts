/**
 * Domain events of the content module, emitted after a sync commits. Other
 * modules (personalization, search) listen with `@OnEvent(...)`; the payloads
 * carry slugs and hashes only.
 */
export const LESSON_CHANGED = 'content.lesson.changed';
export const LESSON_REMOVED = 'content.lesson.removed';
/** A sync committed a change of any kind (the book's contentVersion moved); emitted before the lesson events. */
export const BOOK_CHANGED = 'content.book.changed';

export interface BookChangedEvent {
  bookSlug: string;
}

export interface LessonChangedEvent {
  slug: string;
  kind: 'added' | 'changed';
  /** The hash before this sync; null for an added lesson. */
  previousHash: string | null;
  contentHash: string;
  /** True when only metadata (title, layer, goals, …) changed, not the text. */
  metadataOnly: boolean;
}

export interface LessonRemovedEvent {
  slug: string;
  contentHash: string;
}
