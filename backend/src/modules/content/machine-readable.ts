import type { BookDto } from '@lectern/api-types';

/**
 * The book for programs: sitemap.xml, robots.txt and llms.txt, built from the
 * book tree and the public origin the request came to (absolute URLs are
 * what these formats need).
 */

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/** Markdown link text: brackets and backslashes escaped, one line. */
const linkText = (text: string): string => text.replace(/\s+/g, ' ').replace(/[\\[\]]/g, (c) => `\\${c}`);

/** Every public page a search engine should index: the home page, the book and each lesson in reading order. */
export function sitemapXml(origin: string, tree: BookDto): string {
  const urls = [`${origin}/`, `${origin}/book`, ...lessonSlugs(tree).map((slug) => `${origin}/lessons/${encodeURIComponent(slug)}`)];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...urls.map((url) => `  <url><loc>${xml(url)}</loc></url>`),
    '</urlset>',
    '',
  ].join('\n');
}

/** The learner's own pages and the API stay out of search engines; the book, its lessons and their Markdown are in. */
export function robotsTxt(origin: string): string {
  return [
    'User-agent: *',
    'Allow: /',
    'Disallow: /api/',
    'Allow: /api/content/text/',
    'Disallow: /onboarding',
    'Disallow: /progress',
    'Disallow: /profile',
    'Disallow: /sign-in',
    'Disallow: /sign-up',
    'Disallow: /forgot-password',
    'Disallow: /reset-password',
    '',
    `Sitemap: ${origin}/sitemap.xml`,
    '',
  ].join('\n');
}

/**
 * The book's outline for language models (https://llmstxt.org): the title,
 * its description as the summary, then one section per part with each
 * chapter's lessons linked to their Markdown.
 */
export function llmsTxt(origin: string, tree: BookDto): string {
  const lines = [`# ${tree.title}`, ''];
  if (tree.description) lines.push(`> ${tree.description.replace(/\s+/g, ' ').trim()}`, '');
  lines.push(
    `Each lesson is Markdown at \`${origin}/lessons/{slug}.md\`; the reader's page is \`${origin}/lessons/{slug}\`. The whole outline as JSON: \`${origin}/api/content/book\`.`,
    '',
  );
  for (const part of tree.parts) {
    lines.push(`## Part ${part.number}: ${part.title}`, '');
    for (const chapter of part.chapters) {
      for (const lesson of chapter.lessons) {
        lines.push(
          `- [${linkText(lesson.title)}](${origin}/lessons/${encodeURIComponent(lesson.slug)}.md): chapter ${chapter.number}, ${linkText(chapter.title)}; ${lesson.type}, about ${lesson.estimatedMinutes} min`,
        );
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

function lessonSlugs(tree: BookDto): string[] {
  return tree.parts.flatMap((p) => p.chapters.flatMap((c) => c.lessons)).sort((a, b) => a.position - b.position).map((l) => l.slug);
}
