import type { LessonEntity } from '../entities/lesson.entity';

/** What a sync found for each lesson, compared with what is stored. */
export interface SyncSummary {
  added: string[];
  changed: string[];
  unchanged: string[];
  removed: string[];
  /** Files that were skipped or imported with a warning: path, line, message. */
  problems: Array<{ path: string; line?: number; message: string }>;
  /** Images and files the lessons refer to, found in the book (content-addressed; missing ones are in `problems`). */
  assets: number;
  /** Structural changes, one line each: parts and chapters added, renamed, moved or removed. */
  structure: string[];
  /** Rows inserted, updated or deleted, and new objects in the content store: 0 for a no-change re-sync. */
  writes: number;
  format: 'lectern' | 'docusaurus';
  bookSlug: string;
  durationMs: number;
}

/** The stored fields a sync compares; a difference in any of them rewrites the row. */
export type LessonFields = Pick<
  LessonEntity,
  | 'slug'
  | 'bookId'
  | 'title'
  | 'chapterId'
  | 'position'
  | 'type'
  | 'layer'
  | 'estimatedMinutes'
  | 'prerequisites'
  | 'goals'
  | 'contentHash'
  | 'storageKey'
  | 'wordCount'
  | 'headings'
  | 'sourcePath'
  | 'groups'
>;

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order, so plain JSON.stringify would see false changes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Field-by-field equality of plain values (arrays and objects compared by content). */
export function sameFields<T extends object>(stored: T, wanted: T, keys: ReadonlyArray<keyof T>): boolean {
  return keys.every((key) => canonicalJson(stored[key]) === canonicalJson(wanted[key]));
}

export function emptySummary(format: SyncSummary['format'], bookSlug: string): SyncSummary {
  return { added: [], changed: [], unchanged: [], removed: [], problems: [], assets: 0, structure: [], writes: 0, format, bookSlug, durationMs: 0 };
}
