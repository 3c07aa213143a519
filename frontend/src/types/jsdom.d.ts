// The part of jsdom's API the server-side render uses (app/ssr/markdown-window.ts); jsdom ships no types.
declare module 'jsdom' {
  export class JSDOM {
    constructor(html?: string, options?: { url?: string });
    readonly window: unknown;
  }
}
