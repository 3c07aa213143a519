import { snippetHtml } from './snippet';

/** What a browser makes of the HTML: its elements and text. */
function parse(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

describe('snippetHtml', () => {
  it('keeps the server’s <mark> highlights and its escaped text', () => {
    const html = snippetHtml('A <mark>robot</mark> keeps 1 &lt; 2 &amp; &quot;balance&quot; &#39;ok&#39;');
    expect(html).toBe('A <mark>robot</mark> keeps 1 &lt; 2 &amp; &quot;balance&quot; &#39;ok&#39;');
    const dom = parse(html);
    expect(dom.textContent).toBe('A robot keeps 1 < 2 & "balance" \'ok\'');
    expect(Array.from(dom.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['robot']);
  });

  it('escapes every other tag, so markup can only show as text', () => {
    const dom = parse(snippetHtml('<img src=x onerror="alert(1)"><mark>robot</mark><script>alert(2)</script><b>bold</b>'));
    expect(dom.querySelector('img, script, b')).toBeNull();
    expect(Array.from(dom.children).map((c) => c.tagName)).toEqual(['MARK']);
    expect(dom.textContent).toBe('<img src=x onerror="alert(1)">robot<script>alert(2)</script><b>bold</b>');
  });

  it('does not let escaped markup turn back into tags', () => {
    const dom = parse(snippetHtml('&lt;img src=x onerror=alert(1)&gt; and &#60;script&#62;'));
    expect(dom.children).toHaveLength(0);
    expect(dom.textContent).toBe('<img src=x onerror=alert(1)> and <script>');
  });

  it('keeps only bare marks: attributes, other casing tricks and unbalanced tags are neutralised', () => {
    const dom = parse(snippetHtml('<mark onclick="x()">a</mark> <MARK>b</MARK> </mark>c <mark>d <mark>e'));
    expect(Array.from(dom.querySelectorAll('mark')).map((m) => [m.textContent, m.attributes.length])).toEqual([
      ['b', 0],
      ['d e', 0],
    ]);
    expect(dom.textContent).toBe('<mark onclick="x()">a b c d e');
    expect(snippetHtml('<mark>open')).toBe('<mark>open</mark>');
  });

  it('leaves unknown entities visible as written', () => {
    expect(parse(snippetHtml('a &nbsp; b &#xFFFFFF;')).textContent).toBe('a &nbsp; b &#xFFFFFF;');
  });
});
