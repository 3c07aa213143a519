/**
 * Scrolls to the element with this id and moves focus there (so keyboard and
 * screen-reader users continue from it). False when there is no such element.
 */
export function revealAnchor(doc: Document, id: string): boolean {
  const target = id ? doc.getElementById(id) : null;
  if (!target) return false;
  // Optional call: jsdom has no scrollIntoView.
  target.scrollIntoView?.({ block: 'start' });
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
  return true;
}

/** The fragment of a `#…` href, decoded (`#caf%C3%A9` → `café`). */
export function fragmentOf(href: string): string {
  const raw = href.replace(/^#/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
