// Syntax highlighting with highlight.js core and the few languages lessons
// use. Loaded lazily (dynamic import from MarkdownRenderer) in its own chunk.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import cpp from 'highlight.js/lib/languages/cpp';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

hljs.registerLanguage('python', python);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('xml', xml);
hljs.registerLanguage('json', json);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('cpp', cpp);
// Fence names lessons use that the grammars above do not already alias.
hljs.registerAliases(['shell', 'console', 'terminal', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['urdf', 'sdf', 'xacro', 'launch', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });

/** Highlighted HTML for `code`, or null when the language is not one we load. */
export type Highlighter = (code: string, language: string) => string | null;

export const highlight: Highlighter = (code, language) => {
  const name = language.toLowerCase();
  if (!name || !hljs.getLanguage(name)) return null;
  return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
};
