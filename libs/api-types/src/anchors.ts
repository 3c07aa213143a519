// Heading anchor ids are part of the contract: the server stores them with a
// lesson's headings and search results link to `/lessons/<slug>#<anchor>`, and
// the web app gives the rendered headings the same ids. One implementation,
// shared by both, so the two can never disagree.

/**
 * GitHub's heading slug (as github-slugger computes it): lowercase; every
 * character that is not a letter, mark, number, connector (`_`), space or `-`
 * removed; each space → `-`. Unicode letters are kept (`Привет мир` →
 * `привет-мир`).
 */
export function slugifyHeading(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Dedupes anchor ids within one document the way GitHub does: `intro`, `intro-1`, `intro-2`. */
export class HeadingSlugger {
  private readonly occurrences = new Map<string, number>();

  slug(text: string): string {
    return this.claim(slugifyHeading(text));
  }

  /** Registers an id (an explicit `{#id}`, a server-given or a computed slug), deduping it. */
  claim(base: string): string {
    let id = base;
    while (this.occurrences.has(id)) {
      const count = (this.occurrences.get(base) ?? 0) + 1;
      this.occurrences.set(base, count);
      id = `${base}-${count}`;
    }
    this.occurrences.set(id, 0);
    return id;
  }
}
