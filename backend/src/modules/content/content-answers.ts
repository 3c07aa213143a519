import type { LessonDto } from '@lectern/api-types';
import type { ReadyAnswer } from '@lectern/infra';
import type { ContentService } from './content.service';
import { etagMatches } from './etag';

const JSON_TYPE = 'application/json; charset=utf-8';
const MARKDOWN_TYPE = 'text/markdown; charset=utf-8';
/** Content-addressed answers: what is at the URL never changes. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** An HTTP answer of the public book's hot reads: what ContentController and ContentFastPath both send (no body on a 304). */
export interface ContentAnswer extends ReadyAnswer {
  status: 200 | 304;
}

type IfNoneMatch = string | string[] | undefined;

/** GET /api/content/book: the tree, serialized and encoded once per book version (ETag; 304). */
export async function bookAnswer(content: ContentService, ifNoneMatch: IfNoneMatch): Promise<ContentAnswer> {
  const { treeJson, etag } = await content.snapshot();
  const headers = { etag, 'cache-control': 'no-cache' };
  if (etagMatches(ifNoneMatch, etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, 'content-type': JSON_TYPE }, body: treeJson };
}

/** GET /api/content/lessons/:slug: the lesson's metadata (404 from the service when there is no such lesson). */
export async function lessonAnswer(content: ContentService, slug: string): Promise<ContentAnswer> {
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: await content.lessonJson(slug) };
}

/** GET /api/content/lessons/:slug/content: the lesson's Markdown; its ETag is its content hash (304). */
export async function lessonContentAnswer(content: ContentService, slug: string, ifNoneMatch: IfNoneMatch): Promise<ContentAnswer> {
  const lesson = await content.lesson(slug);
  const etag = `"${lesson.contentHash}"`;
  const headers = { etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  if (etagMatches(ifNoneMatch, etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, 'content-type': MARKDOWN_TYPE }, body: await content.textBytesOf(lesson) };
}

/** GET /api/content/text/:hash.md: a text of the current book by its SHA-256 (404 from the service otherwise). */
export async function textAnswer(content: ContentService, lesson: Pick<LessonDto, 'slug' | 'contentHash'>): Promise<ContentAnswer> {
  return {
    status: 200,
    headers: {
      'content-type': MARKDOWN_TYPE,
      'cache-control': IMMUTABLE,
      etag: `"${lesson.contentHash}"`,
      'x-content-type-options': 'nosniff',
    },
    body: await content.textBytesOf(lesson),
  };
}
