// Applied to each server-rendered page (ssr.ts) before it is cached. Two changes to the
// built page that put a server-rendered lesson on a phone's screen sooner:
//
// 1. The global stylesheet is inlined. A linked one is a second request the
//    first paint waits for (one more round trip on a mobile network); it is a
//    few kB, and `style-src` already allows inline styles (Angular inlines the
//    components' styles into the rendered page).
// 2. The app starts after the first paint. Module scripts run once the page
//    is parsed, and when they are already downloaded (they are preloaded) the
//    browser runs them, and with them hydration, before it paints anything:
//    on a slow phone the text, which is all in the HTML, waited for hundreds
//    of milliseconds of JavaScript. The app is now imported from the second
//    frame's callback, once the frame that paints the page has been shown; a
//    timer starts it anyway where no frame comes (a hidden tab). Clicks made before
//    hydration are replayed (withEventReplay), as before. Its chunks are
//    preloaded from then on too (the same script adds their modulepreload
//    links, so they still load side by side with main, not after it): until
//    the page is painted, its own images have the network to themselves.

/** After this long the app starts even if no frame was painted (a tab opened in the background). */
export const START_WITHOUT_PAINT_MS = 500;

/** `<link rel="stylesheet" href="styles-HASH.css">` as Angular's build writes it. */
const STYLESHEET = /<link rel="stylesheet" href="(styles-[0-9A-Za-z_-]+\.css)"\s*\/?>/;
/** `<link rel="modulepreload" href="chunk-HASH.js">` as Angular's build writes it. */
const MODULE_PRELOAD = /<link rel="modulepreload" href="([0-9A-Za-z_-]+\.js)">/g;
/** `<script src="main-HASH.js" type="module"></script>` as Angular's build writes it. */
const MAIN_SCRIPT = /<script src="(main-[0-9A-Za-z_-]+\.js)" type="module"><\/script>/;

/**
 * `html` with its stylesheet inlined (when `readStylesheet` has the file) and
 * its app started after the first paint. A page without either is returned
 * unchanged (a build that writes them differently only loses the speed-up).
 */
export function finishPage(html: string, readStylesheet: (file: string) => string | undefined): string {
  let page = html;
  const link = STYLESHEET.exec(page);
  const css = link ? readStylesheet(link[1]) : undefined;
  // `</style` inside the CSS would end the element early; a minified stylesheet never has it, but stay safe.
  if (link && css !== undefined && !/<\/style/i.test(css)) page = page.replace(link[0], () => `<style>${css}</style>`);
  const main = MAIN_SCRIPT.exec(page);
  if (main) {
    const preloads = [...page.matchAll(MODULE_PRELOAD)].map((m) => m[1]);
    page = page.replace(MODULE_PRELOAD, '');
    page = page.replace(main[0], () => `<script type="module">${startAfterPaint(main[1], preloads)}</script>`);
  }
  return page;
}

/**
 * The inline module that preloads `preloads` and imports `file` after the
 * first paint, once (its SHA-256 joins the page's CSP, as every inline
 * script's does).
 */
export function startAfterPaint(file: string, preloads: readonly string[] = []): string {
  return [
    'let started=false;',
    'const start=()=>{',
    'if(started)return;started=true;',
    `for(const href of ${JSON.stringify(preloads)}){const link=document.createElement("link");link.rel="modulepreload";link.href=href;document.head.append(link)}`,
    `import(${JSON.stringify(`./${file}`)})`,
    '};',
    `requestAnimationFrame(()=>requestAnimationFrame(start));setTimeout(start,${START_WITHOUT_PAINT_MS});`,
  ].join('');
}
