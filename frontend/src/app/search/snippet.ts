const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Undoes the escaping of text (named basics and numeric references); anything else stays as written. */
function unescapeHtml(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi, (match, dec?: string, hex?: string, name?: string) => {
    if (name) return NAMED_ENTITIES[name.toLowerCase()];
    const code = dec ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}

/**
 * A search result's snippet as HTML that can hold nothing but text and
 * `<mark>` elements. The server already escapes the text and only adds bare
 * `<mark>`/`</mark>` tags; this does not rely on it: the text between the
 * tags is read as escaped text (so `&lt;` stays a visible "<") and escaped
 * again, so any other markup (`<img onerror=…>`, `<script>`, attributes on a
 * mark) can only show as text. Marks are kept balanced.
 */
export function snippetHtml(snippet: string): string {
  let html = '';
  let open = false;
  for (const part of snippet.split(/(<\/?mark>)/i)) {
    const tag = part.toLowerCase();
    if (tag === '<mark>') {
      if (!open) html += '<mark>';
      open = true;
    } else if (tag === '</mark>') {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += escapeHtml(unescapeHtml(part));
    }
  }
  return open ? `${html}</mark>` : html;
}
