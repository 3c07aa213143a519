import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BookSourceError, type ReadBookResult, type SourceBook, type SourceProblem } from './book-source.types';
import { findDocsRoot, readDocusaurusBook } from './docusaurus-format';
import { loadSiteConfig } from './docusaurus/author-code';
import { MANIFEST_FILES, readLecternBook } from './lectern-format';
import { assertValidBook, formatProblems } from './validate-book';

/**
 * Reads a book from a folder, whichever format it is in:
 * - `book.yaml` / `book.yml` at the root → Lectern's own format;
 * - else a Docusaurus docs tree: a `docs/` folder with Markdown in it, or the
 *   folder itself holding `.md`/`.mdx` files with `_category_.json|yml` files
 *   or front matter.
 * The book is then validated as a whole (validate-book.ts); a book-level
 * problem throws a BookSourceError and nothing is imported (the error lists
 * the book-level problems first, then those found in single files). Problems confined
 * to one file come back in `problems`; that file is skipped or, for a broken
 * link, imported as written.
 */
export async function readBook(dir: string): Promise<ReadBookResult> {
  if (!(await isDirectory(dir))) throw new BookSourceError(`Book folder "${dir}" does not exist or is not a folder`);

  for (const manifest of MANIFEST_FILES) {
    if (await isFile(join(dir, manifest))) {
      const { book, problems } = await readLecternBook(dir, manifest);
      assertValid(book, manifest, problems);
      return { format: 'lectern', book, problems: sortProblems(problems) };
    }
  }

  const siteProblems: SourceProblem[] = [];
  const site = await loadSiteConfig(dir, siteProblems);
  const docsRoot = await findDocsRoot(dir, site);
  if (docsRoot !== undefined) {
    const { book, problems } = await readDocusaurusBook(dir, docsRoot, site, siteProblems);
    assertValid(book, docsRoot || '.', problems);
    return { format: 'docusaurus', book, problems: sortProblems(problems) };
  }

  throw new BookSourceError(
    `"${dir}" is not a book folder: looked for ${MANIFEST_FILES.join(' or ')} (Lectern format) and for a Docusaurus docs tree ` +
      '(a docs/ folder with .md/.mdx files, or .md/.mdx files with _category_.json/_category_.yml or front matter), and found neither',
  );
}

/**
 * Validates the whole book. When it fails, the problems found while reading
 * the files (a skipped lesson often explains a missing reference) are added
 * to the error after the book-level ones.
 */
function assertValid(book: SourceBook, bookPath: string, fileProblems: readonly SourceProblem[]): void {
  try {
    assertValidBook(book, { bookPath });
  } catch (error) {
    if (!(error instanceof BookSourceError) || fileProblems.length === 0) throw error;
    const sorted = sortProblems(fileProblems);
    throw new BookSourceError(`${error.message}\nAlso found while reading the files:\n${formatProblems(sorted)}`, [...error.problems, ...sorted]);
  }
}

/** By path, then line (problems without a line first). */
function sortProblems(problems: readonly SourceProblem[]): SourceProblem[] {
  return [...problems].sort((a, b) => a.path.localeCompare(b.path) || (a.line ?? 0) - (b.line ?? 0));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
