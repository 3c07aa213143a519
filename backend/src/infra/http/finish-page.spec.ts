import { finishPage, START_WITHOUT_PAINT_MS } from './finish-page';

/** The tail of a page as Angular's build writes it (index.server.html). */
const BUILT = [
  '<html><head><script>var theme = 1;</script>',
  '<link rel="stylesheet" href="styles-AEVG2KEV.css"></head>',
  '<body><lx-root><main id="main"><p>Text</p></main></lx-root>',
  '<link rel="modulepreload" href="chunk-BNwob-45.js"><link rel="modulepreload" href="chunk-DSNmCAVN.js">',
  '<script src="main-XLPR4H3D.js" type="module"></script></body></html>',
].join('');

const CSS = ':root{--bg:#fff}body{margin:0}';

const inlineModules = (html: string): string[] => [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map((m) => m[1]);

/**
 * Runs the page's start-up script against a stand-in browser: frames and
 * timers run when the test says so; `import()` and appended links are recorded.
 */
function runStartScript(script: string) {
  const frames: Array<() => void> = [];
  const timers: Array<{ at: number; run: () => void }> = [];
  const loaded: string[] = [];
  const preloaded: string[] = [];
  const document = {
    createElement: () => ({ rel: '', href: '' }),
    head: { append: (link: { rel: string; href: string }) => preloaded.push(`${link.rel} ${link.href}`) },
  };
  // `import(` is a keyword form, not a function: the stand-in takes its place.
  const body = script.replace(/\bimport\(/g, 'load(');
  expect(body).not.toBe(script);
  new Function('requestAnimationFrame', 'setTimeout', 'document', 'load', body)(
    (callback: () => void) => frames.push(callback),
    (callback: () => void, ms = 0) => timers.push({ at: ms, run: callback }),
    document,
    (specifier: string) => loaded.push(specifier),
  );
  return {
    loaded,
    preloaded,
    /** The browser renders a frame (the callbacks asked for before it run first). */
    paint() {
      frames.splice(0).forEach((f) => f());
    },
    /** Runs the timers due by `upTo` ms. */
    runTimers(upTo: number) {
      for (const t of timers.splice(0).sort((a, b) => a.at - b.at)) {
        if (t.at <= upTo) t.run();
        else timers.push(t);
      }
    },
  };
}

describe('finishing a server-rendered page', () => {
  it('inlines the global stylesheet in place of its link', () => {
    const asked: string[] = [];
    const page = finishPage(BUILT, (file) => (asked.push(file), CSS));
    expect(asked).toEqual(['styles-AEVG2KEV.css']);
    expect(page).not.toContain('<link rel="stylesheet"');
    expect(page).toContain(`<style>${CSS}</style></head>`);
  });

  it('keeps the link when the stylesheet cannot be read, or could close its own element', () => {
    expect(finishPage(BUILT, () => undefined)).toContain('<link rel="stylesheet" href="styles-AEVG2KEV.css">');
    expect(finishPage(BUILT, () => 'a{}</style><script>alert(1)</script>')).toContain('<link rel="stylesheet" href="styles-AEVG2KEV.css">');
  });

  it('replaces the main script and the preload links with one inline module; the rest of the page is untouched', () => {
    const page = finishPage(BUILT, () => CSS);
    expect(page).not.toMatch(/<script src=|<link rel="modulepreload"/);
    expect(inlineModules(page)).toHaveLength(1);
    expect(page).toContain('<script>var theme = 1;</script>');
    expect(page).toContain('<lx-root><main id="main"><p>Text</p></main></lx-root>');
  });

  it('starts the app once the first frame is painted (in the next one): preloads its chunks, then imports main, once', () => {
    const [script] = inlineModules(finishPage(BUILT, () => CSS));
    const browser = runStartScript(script);
    browser.runTimers(0);
    expect(browser.loaded).toEqual([]); // nothing before the frame
    browser.paint();
    browser.runTimers(0);
    expect(browser.loaded).toEqual([]); // the first frame, the one that paints the page, only asks for the next
    browser.paint();
    expect(browser.preloaded).toEqual(['modulepreload chunk-BNwob-45.js', 'modulepreload chunk-DSNmCAVN.js']);
    expect(browser.loaded).toEqual(['./main-XLPR4H3D.js']);
    browser.runTimers(START_WITHOUT_PAINT_MS);
    expect(browser.loaded).toHaveLength(1);
    expect(browser.preloaded).toHaveLength(2);
  });

  it('starts the app anyway when no frame comes (a tab opened in the background)', () => {
    const [script] = inlineModules(finishPage(BUILT, () => CSS));
    const browser = runStartScript(script);
    browser.runTimers(START_WITHOUT_PAINT_MS - 1);
    expect(browser.loaded).toEqual([]);
    browser.runTimers(START_WITHOUT_PAINT_MS);
    expect(browser.loaded).toEqual(['./main-XLPR4H3D.js']);
  });

  it('leaves a page without the built main script as it is (apart from the stylesheet)', () => {
    const page = '<html><head></head><body><script src="/other.js"></script></body></html>';
    expect(finishPage(page, () => CSS)).toBe(page);
  });
});
