import type { BookDto } from '@lectern/api-types';
import { llmsTxt, robotsTxt, sitemapXml } from './machine-readable';

const lesson = (slug: string, title: string, position: number) => ({ slug, title, position, type: 'lesson' as const, layer: 'L1', estimatedMinutes: 7 });
const tree = {
  slug: 'b',
  title: 'Robots & <Minds>',
  description: 'A book\nabout bodies.',
  version: '1',
  layers: [],
  glossary: [],
  parts: [
    {
      number: 1,
      slug: 'p1',
      title: 'First',
      implicit: false,
      overview: null,
      layer: 'L1',
      weeks: null,
      transitionCheck: null,
      chapters: [
        {
          number: 1,
          localNumber: 1,
          slug: 'c1',
          title: 'Bodies [and] minds',
          partNumber: 1,
          prerequisites: [],
          overview: null,
          lessons: [lesson('b-lesson', 'Second [b]', 2), lesson('a-lesson', 'First & foremost', 1)],
          groups: [],
        },
      ],
    },
  ],
} as unknown as BookDto;

describe('machine-readable views of the book', () => {
  it('sitemap: escaped absolute URLs, lessons in reading order', () => {
    const xml = sitemapXml('https://x.org', tree);
    expect([...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])).toEqual([
      'https://x.org/',
      'https://x.org/book',
      'https://x.org/lessons/a-lesson',
      'https://x.org/lessons/b-lesson',
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it('llms.txt: title, one-line summary, a section per part, links to the Markdown with brackets escaped', () => {
    const text = llmsTxt('https://x.org', tree);
    const lines = text.split('\n');
    expect(lines[0]).toBe('# Robots & <Minds>');
    expect(lines[2]).toBe('> A book about bodies.');
    expect(text).toContain('## Part 1: First');
    expect(text).toContain('- [Second \\[b\\]](https://x.org/lessons/b-lesson.md): chapter 1, Bodies \\[and\\] minds; lesson, about 7 min');
  });

  it('robots.txt names the sitemap on the same origin', () => {
    expect(robotsTxt('https://x.org')).toContain('Sitemap: https://x.org/sitemap.xml');
  });
});
