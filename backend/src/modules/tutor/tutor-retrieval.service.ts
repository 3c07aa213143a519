import { Injectable } from '@nestjs/common';
import { SEARCH_QUERY_MAX_LENGTH, type SearchMode, type TutorCitation } from '@lectern/api-types';
import { ContentService } from '@lectern/content';
import { chunkLesson, SearchService, type LessonChunk } from '@lectern/search';
import { contentWords, lexicalRelevance } from './answer-text';

/** A section must contain at least this share of the query's content words to be given to the model. */
export const RELEVANCE_FLOOR = 0.5;
/** Sections given to the model at most. */
export const MAX_SECTIONS = 4;
/** Characters of one section given to the model. */
export const SECTION_MAX_CHARS = 1_500;
/** Search results looked at. */
const SEARCH_RESULTS = 10;
/** Ordering bonus of the thread's lesson (never enough to pass the floor on its own). */
const CURRENT_LESSON_BONUS = 0.15;

export interface RetrievedSection {
  n: number;
  lessonSlug: string;
  lessonTitle: string;
  heading: string;
  anchor: string;
  text: string;
  relevance: number;
  /** The section of the learner's selection (given whatever its relevance). */
  selected: boolean;
}

export interface Retrieval {
  query: string;
  mode: SearchMode;
  covered: boolean;
  sections: RetrievedSection[];
}

export interface RetrievalRequest {
  /** The standalone query (follow-ups already rewritten). */
  query: string;
  /** The thread's lesson: its sections rank first among equals. */
  lessonSlug?: string | null;
  selection?: { lessonSlug: string; text: string; anchor?: string } | null;
}

export function citationOf(section: RetrievedSection): TutorCitation {
  const flat = section.text.replace(/\s+/g, ' ').trim();
  return {
    n: section.n,
    lessonSlug: section.lessonSlug,
    lessonTitle: section.lessonTitle,
    heading: section.heading,
    anchor: section.anchor,
    snippet: flat.length > 200 ? `${flat.slice(0, 199)}…` : flat,
  };
}

/**
 * Finds the sections of the book that answer a question, through the search
 * module (hybrid when embeddings exist, full-text otherwise). Search ranks
 * passages relative to each other; whether the book covers the question at
 * all is decided here by a relevance floor: the share of the query's content
 * words a section contains. The selection's own section is always given.
 */
@Injectable()
export class TutorRetrievalService {
  constructor(
    private readonly search: SearchService,
    private readonly content: ContentService,
  ) {}

  async retrieve(request: RetrievalRequest): Promise<Retrieval> {
    const query = (request.selection ? `${request.query} ${request.selection.text.slice(0, 300)}` : request.query)
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, SEARCH_QUERY_MAX_LENGTH);
    const response =
      contentWords(query).length > 0
        ? await this.search.search({ query, limit: SEARCH_RESULTS })
        : { mode: 'fulltext' as const, results: [] };
    // Every lesson needed (the selection's and the results'), looked up in one batch.
    const lessonChunks = await this.chunksOf([
      ...(request.selection ? [request.selection.lessonSlug] : []),
      ...response.results.map((r) => r.lessonSlug),
    ]);

    const picked: Array<Omit<RetrievedSection, 'n'>> = [];
    const seen = new Set<string>();
    const add = (section: Omit<RetrievedSection, 'n'>): void => {
      const key = `${section.lessonSlug}#${section.anchor}`;
      if (seen.has(key)) return;
      seen.add(key);
      picked.push(section);
    };

    if (request.selection) {
      const lesson = lessonChunks.get(request.selection.lessonSlug);
      if (lesson) {
        const chunk = selectionChunk(lesson.chunks, request.selection.text, request.selection.anchor);
        if (chunk) {
          add({
            ...sectionFrom(request.selection.lessonSlug, lesson.title, lesson.chunks, chunk.anchor, chunk.heading),
            relevance: 1,
            selected: true,
          });
        }
      }
    }

    const candidates: Array<Omit<RetrievedSection, 'n'> & { order: number }> = [];
    for (const [order, result] of response.results.entries()) {
      const lesson = lessonChunks.get(result.lessonSlug);
      if (!lesson) continue;
      const section = sectionFrom(result.lessonSlug, lesson.title, lesson.chunks, result.anchor, result.heading);
      const relevance = lexicalRelevance(request.query, `${section.lessonTitle} ${section.heading} ${section.text}`);
      candidates.push({ ...section, relevance, selected: false, order });
    }
    const bonus = (c: { lessonSlug: string }) => (request.lessonSlug && c.lessonSlug === request.lessonSlug ? CURRENT_LESSON_BONUS : 0);
    candidates
      .filter((c) => c.relevance >= RELEVANCE_FLOOR)
      .sort((a, b) => b.relevance + bonus(b) - (a.relevance + bonus(a)) || a.order - b.order)
      .forEach(({ order: _order, ...section }) => {
        if (picked.length < MAX_SECTIONS) add(section);
      });

    return {
      query,
      mode: response.mode,
      covered: picked.length > 0,
      sections: picked.map((section, i) => ({ ...section, n: i + 1 })),
    };
  }

  /** Title and chunks of each lesson, with one look-up of the book; a lesson not in the book, or whose text cannot be read, is left out. */
  private async chunksOf(slugs: readonly string[]): Promise<Map<string, { title: string; chunks: LessonChunk[] }>> {
    const lessons = await this.content.lessonsBySlug(slugs);
    const found = new Map<string, { title: string; chunks: LessonChunk[] }>();
    await Promise.all(
      [...lessons.values()].map(async (lesson) => {
        const markdown = await this.content.textOf(lesson).catch(() => null);
        if (markdown !== null) found.set(lesson.slug, { title: lesson.title, chunks: chunkLesson(markdown, lesson.title) });
      }),
    );
    return found;
  }
}

/** The whole section under a heading (its chunks joined, overlap and all), bounded. */
function sectionFrom(
  lessonSlug: string,
  lessonTitle: string,
  chunks: LessonChunk[],
  anchor: string,
  heading: string,
): Omit<RetrievedSection, 'n' | 'relevance' | 'selected'> {
  const parts = chunks.filter((c) => c.anchor === anchor);
  let text = '';
  for (const part of parts) {
    if (text.length >= SECTION_MAX_CHARS) break;
    text += (text ? '\n' : '') + part.text;
  }
  if (text.length > SECTION_MAX_CHARS) text = `${text.slice(0, SECTION_MAX_CHARS - 1)}…`;
  return { lessonSlug, lessonTitle, heading: parts[0]?.heading ?? heading, anchor, text };
}

function squash(text: string): string {
  return text
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
}

/** The chunk holding the selected text (its first words), else the chunk of the given anchor, else the lesson's first. */
function selectionChunk(chunks: LessonChunk[], text: string, anchor?: string): LessonChunk | undefined {
  const probe = squash(text).split(' ').slice(0, 12).join(' ');
  return (
    (probe ? chunks.find((c) => squash(c.text).includes(probe)) : undefined) ??
    (anchor !== undefined ? chunks.find((c) => c.anchor === anchor) : undefined) ??
    chunks[0]
  );
}
