/** Heading id prefixes of the other renderings of a lesson (Personalized, its draft). */
const RENDERING_PREFIXES = ['personalized-', 'draft-'] as const;

/** The lesson's own anchor of a heading id of any rendering (`personalized-joints` → `joints`). */
export function canonicalAnchor(id: string): string {
  for (const prefix of RENDERING_PREFIXES) if (id.startsWith(prefix)) return id.slice(prefix.length);
  return id;
}

/** Below the sticky header and the lesson's view switch: a heading whose top is above this line (px from the viewport top) has been reached. */
export const SPY_OFFSET_PX = 120;

/**
 * The heading being read in `root`: the last `h2`/`h3` whose top has passed
 * the line `offset` pixels below the top of the viewport; at the bottom of
 * the page, the last heading. Null above the first heading.
 */
export function currentHeading(root: HTMLElement | null, offset = SPY_OFFSET_PX): HTMLElement | null {
  if (!root) return null;
  const headings = Array.from(root.querySelectorAll<HTMLElement>('h2[id], h3[id]'));
  if (headings.length === 0) return null;
  const view = root.ownerDocument.defaultView;
  const scroller = root.ownerDocument.scrollingElement;
  if (view && scroller && scroller.scrollHeight > view.innerHeight && view.scrollY + view.innerHeight >= scroller.scrollHeight - 2) {
    const last = headings.at(-1) ?? null;
    if (last && last.getBoundingClientRect().top < view.innerHeight) return last;
  }
  let current: HTMLElement | null = null;
  for (const heading of headings) {
    if (heading.getBoundingClientRect().top > offset) break;
    current = heading;
  }
  return current;
}
