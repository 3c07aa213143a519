import { TestBed } from '@angular/core/testing';
import { MarkdownRenderer } from './markdown-renderer.service';
import type { RenderOptions } from './sanitized-html';

describe('MarkdownRenderer', () => {
  async function render(markdown: string, options?: RenderOptions): Promise<HTMLElement> {
    const html = await TestBed.inject(MarkdownRenderer).render(markdown, options);
    const root = document.createElement('div');
    root.innerHTML = html;
    return root;
  }

  it('renders GitHub-flavoured tables, wrapped so wide ones scroll', async () => {
    const root = await render('| Quantity | Verdict |\n|---|:---:|\n| IMU rate | plausible |\n');
    const table = root.querySelector('.table-scroll > table');
    expect(table).not.toBeNull();
    expect(Array.from(table?.querySelectorAll('th') ?? []).map((th) => th.textContent)).toEqual(['Quantity', 'Verdict']);
    expect(table?.querySelector('tbody td')?.textContent).toBe('IMU rate');
  });

  it('highlights fenced code, keeps it left-to-right and gives it a Copy button', async () => {
    const root = await render('```python\nimport math\ndef area(r):\n    return math.pi * r ** 2\n```\n\n```unknownlang\n<b>x</b>\n```\n');
    const [python, unknown] = Array.from(root.querySelectorAll('pre code'));
    expect(python.classList).toContain('hljs');
    expect(python.classList).toContain('language-python');
    expect(python.querySelector('.hljs-keyword')?.textContent).toBe('import');
    expect(python.getAttribute('dir')).toBe('ltr');
    expect(python.closest('pre')?.getAttribute('dir')).toBe('ltr');
    expect(python.textContent).toContain('return math.pi * r ** 2');
    // A language we do not load is shown escaped, not highlighted.
    expect(unknown.classList).toContain('language-unknownlang');
    expect(unknown.textContent).toContain('<b>x</b>');
    expect(unknown.querySelector('b')).toBeNull();
    const buttons = root.querySelectorAll('[data-testid="copy-code"]');
    expect(buttons).toHaveLength(2);
    expect(buttons[0].tagName).toBe('BUTTON');
    expect(buttons[0].getAttribute('type')).toBe('button');
  });

  it('renders imported code blocks with their title and highlighted lines, spans closed per line', async () => {
    const root = await render('```python title="spin.py" {2-3}\nx = 1\ns = """a\nb"""\ny = 2\n```\n');
    expect(root.querySelector('.code-title')?.textContent).toBe('spin.py');
    expect(root.querySelector('pre code')?.classList).toContain('language-python');
    const marked = Array.from(root.querySelectorAll('pre code .code-line.highlighted')).map((line) => line.textContent);
    expect(marked).toEqual(['s = """a', 'b"""']);
    expect(root.querySelector('pre code')?.textContent).toBe('x = 1\ns = """a\nb"""\ny = 2\n');
  });

  it("turns the importer's tab blocks into tabs, sections get their label, placeholders stay inert text", async () => {
    const root = await render(
      [
        '<div data-lx="tabs" data-label="Install">',
        '',
        '<div data-lx="tab" data-label="Linux &lt;b&gt;">',
        '',
        'apt **install**',
        '',
        '</div>',
        '',
        '<div data-lx="tab" data-label="macOS">',
        '',
        'brew',
        '',
        '</div>',
        '',
        '</div>',
        '',
        '<div data-lx="section" data-label="Notes">',
        '',
        'Read me.',
        '',
        '</div>',
        '',
        '<div data-lx="component" data-name="Quiz" onclick="alert(1)"><span data-lx="component-name">Quiz</span> Check</div>',
      ].join('\n'),
    );
    const tabs = Array.from(root.querySelectorAll('[role="tab"]'));
    expect(tabs.map((t) => t.textContent)).toEqual(['Linux <b>', 'macOS']);
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['true', 'false']);
    const panels = Array.from(root.querySelectorAll<HTMLElement>('[role="tabpanel"]'));
    expect(panels.map((p) => p.hidden)).toEqual([false, true]);
    expect(panels[0].querySelector('strong')?.textContent).toBe('install');
    expect(tabs[1].getAttribute('aria-controls')).toBe(panels[1].id);
    expect(root.querySelector('.lx-tabs-label')?.textContent).toBe('Install');
    expect(root.querySelector('.lx-section .lx-section-label')?.textContent).toBe('Notes');
    const quiz = root.querySelector('[data-lx="component"]');
    expect(quiz?.textContent).toBe('Quiz Check');
    expect(quiz?.getAttribute('onclick')).toBeNull();
  });

  it('keeps inline code left-to-right', async () => {
    const root = await render('Run `ros2 launch` now.');
    expect(root.querySelector('p code')?.getAttribute('dir')).toBe('ltr');
  });

  it('renders Docusaurus admonitions with their titles', async () => {
    const root = await render(
      [
        ':::note',
        'Plain **note**.',
        ':::',
        '',
        ':::tip[Pro tip]',
        '- one',
        '- two',
        ':::',
        '',
        ':::danger Hot surface',
        'Careful.',
        ':::',
        '',
      ].join('\n'),
    );
    const asides = Array.from(root.querySelectorAll('aside'));
    expect(asides.map((a) => a.className)).toEqual([
      'admonition admonition-note',
      'admonition admonition-tip',
      'admonition admonition-danger',
    ]);
    expect(asides.every((a) => a.getAttribute('role') === 'note')).toBe(true);
    expect(asides.map((a) => a.querySelector('.admonition-title')?.textContent)).toEqual(['Note', 'Pro tip', 'Hot surface']);
    expect(asides[0].querySelector('strong')?.textContent).toBe('note');
    expect(asides[1].querySelectorAll('li')).toHaveLength(2);
    expect(root.textContent).not.toContain(':::');
  });

  it('gives headings the server ids in order, then GitHub-style slugs, with a # link', async () => {
    const root = await render(
      '## Setup & Install\n\n### Setup & Install\n\n## Extra: `ros2` topics!\n\n## Extra: `ros2` topics!\n\n## Custom {#my-id}\n',
      {
        headingIds: ['server-one', 'server-two'],
      },
    );
    const headings = Array.from(root.querySelectorAll('h2, h3'));
    expect(headings.map((h) => h.id)).toEqual(['server-one', 'server-two', 'extra-ros2-topics', 'extra-ros2-topics-1', 'my-id']);
    const anchor = headings[0].querySelector('a.heading-anchor');
    expect(anchor?.getAttribute('href')).toBe('#server-one');
    expect(anchor?.textContent).toBe('#');
    expect(headings[4].textContent).not.toContain('{#');
  });

  it('keeps heading ids that happen to be names of document properties', async () => {
    const root = await render('## Images\n\n## Title\n', { headingIds: ['images', 'title'] });
    expect(Array.from(root.querySelectorAll('h2')).map((h) => h.id)).toEqual(['images', 'title']);
  });

  it('prefixes ids and in-page links for a second document on the page', async () => {
    const root = await render('## Intro\n\nBack to [intro](#intro).', { idPrefix: 'personalized-' });
    expect(root.querySelector('h2')?.id).toBe('personalized-intro');
    expect(root.querySelector('p a')?.getAttribute('href')).toBe('#personalized-intro');
  });

  it('links lessons in-app and opens external links in a new tab, safely', async () => {
    const root = await render(
      '[next](/lessons/lab-try-with-ai#steps) · [ROS](https://docs.ros.org/en/) · [mail](mailto:team@example.org) · [here](#two)',
    );
    const [internal, external, mail, hash] = Array.from(root.querySelectorAll('a'));
    expect(internal.getAttribute('href')).toBe('/lessons/lab-try-with-ai#steps');
    expect(internal.hasAttribute('target')).toBe(false);
    expect(external.getAttribute('href')).toBe('https://docs.ros.org/en/');
    expect(external.getAttribute('target')).toBe('_blank');
    expect(external.getAttribute('rel')).toBe('noopener noreferrer');
    expect(mail.getAttribute('href')).toBe('mailto:team@example.org');
    expect(mail.hasAttribute('target')).toBe(false);
    expect(hash.getAttribute('href')).toBe('#two');
  });

  it('loads images lazily and keeps their alt text', async () => {
    const root = await render('![A humanoid robot](/img/humanoid.png)\n\n<img src="/img/b.png">');
    const [first, second] = Array.from(root.querySelectorAll('img'));
    expect(first.getAttribute('alt')).toBe('A humanoid robot');
    expect(first.getAttribute('loading')).toBe('lazy');
    expect(second.getAttribute('alt')).toBe('');
  });

  it("refuses external images a rewrite adds that the original lesson does not have; keeps the original's and the app's own", async () => {
    const renderer = TestBed.inject(MarkdownRenderer);
    const original = '![Diagram](https://images.example.org/diagram.png)\n\n![Local](/img/local.png)';
    const allowed = await renderer.externalImageSources(original);
    expect(allowed).toEqual(['https://images.example.org/diagram.png']);
    const root = await render(
      [
        '![Diagram](https://images.example.org/diagram.png)',
        '![Local](/img/local.png)',
        '![Pixel](https://tracker.example.com/p.gif?u=1)',
        '<img src="https://images.example.org/other.png" srcset="https://tracker.example.com/big.gif 2x" alt="Other">',
      ].join('\n\n'),
      { allowedImageSources: allowed },
    );
    const [diagram, local, pixel, other] = Array.from(root.querySelectorAll('img'));
    expect(diagram.getAttribute('src')).toBe('https://images.example.org/diagram.png');
    expect(local.getAttribute('src')).toBe('/img/local.png');
    for (const blocked of [pixel, other]) {
      expect(blocked.hasAttribute('src')).toBe(false);
      expect(blocked.hasAttribute('srcset')).toBe(false);
      expect(blocked.hasAttribute('data-blocked-image')).toBe(true);
    }
    expect(pixel.getAttribute('alt')).toBe('Pixel');
    // Without the option (the original lesson itself) external images are shown.
    const plain = await render('![Pixel](https://tracker.example.com/p.gif)');
    expect(plain.querySelector('img')?.getAttribute('src')).toBe('https://tracker.example.com/p.gif');
  });

  it('renders hostile Markdown inert', async () => {
    const hostile = [
      '<script>alert("x")</script>',
      '<img src="x" onerror="alert(1)">',
      '[click](javascript:alert(1))',
      '[click2](JaVaScRiPt&#58;alert(1))',
      '<a href="  javascript:alert(1)">raw</a>',
      '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
      '<iframe src="https://evil.example"></iframe>',
      '<object data="x.swf"></object><embed src="x.swf">',
      '<form action="https://evil.example"><button formaction="javascript:alert(1)">go</button></form>',
      '<div style="background:url(javascript:alert(1)); width: expression(alert(1))">styled</div>',
      '<style>body { background: url(javascript:alert(1)) }</style>',
      '<svg onload="alert(1)"><script>alert(1)</script></svg>',
      '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
      '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
      '<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">',
      '```html\n<script>alert("in code is fine: escaped")</script>\n```',
    ].join('\n\n');
    const html = await TestBed.inject(MarkdownRenderer).render(hostile);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/<(iframe|object|embed|form|style|svg|meta|base)\b/i);
    expect(html).not.toMatch(/expression\(/i);
    expect(html).not.toMatch(/data:/i);

    const root = await render(hostile);
    const elements = Array.from(root.querySelectorAll('*'));
    expect(elements.flatMap((el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on') || a.name === 'style'))).toEqual([]);
    expect(elements.map((el) => el.getAttribute('href') ?? '').filter((href) => !/^(https?:|mailto:|#|\/|$)/.test(href))).toEqual([]);
    // The code sample is still shown, as text.
    expect(root.querySelector('pre code')?.textContent).toContain('<script>alert("in code is fine: escaped")</script>');
  });
});
