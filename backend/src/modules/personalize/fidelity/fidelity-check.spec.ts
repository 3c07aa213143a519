import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { urduise } from './corpus/corpus';
import { checkFidelity, normaliseRewrite } from './index';

const CONTENT_ROOT = join(__dirname, '../../../../../content');

function lessonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return lessonFiles(path);
    return /\.mdx?$/.test(entry.name) ? [path] : [];
  });
}

const LESSONS = lessonFiles(CONTENT_ROOT).map((path) => [relative(CONTENT_ROOT, path), readFileSync(path, 'utf8')] as const);
const ROS_LESSON = readFileSync(join(CONTENT_ROOT, 'part-2/ch04-ros2-architecture/01-nodes-topics-services-actions.md'), 'utf8');

/** Comment syntax to add to a code line, by fence language (undefined: the language has no comments). */
function commentFor(lang: string): ((text: string) => string) | undefined {
  if (['python', 'bash', 'yaml', 'sh'].includes(lang)) return (text) => `# ${text}`;
  if (['xml', 'html', 'urdf', 'sdf'].includes(lang)) return (text) => `<!-- ${text} -->`;
  if (['csharp', 'cpp', 'c', 'js', 'ts', 'java'].includes(lang)) return (text) => `// ${text}`;
  return undefined;
}

/**
 * What a good rewrite does to a lesson: a paragraph of explanation after every
 * heading, a comment line before every fenced code block's first line, and an
 * analogy at the end. Everything the check guards is kept.
 */
function enrich(markdown: string): string {
  const out: string[] = [];
  let fence: { marker: string; lang: string; first: boolean } | undefined;
  for (const line of markdown.split('\n')) {
    if (fence) {
      if (line.trim() === fence.marker) {
        fence = undefined;
      } else if (fence.first) {
        fence.first = false;
        const comment = commentFor(fence.lang);
        if (comment) out.push(comment('Explained for you: this is where the example starts.'));
      }
      out.push(line);
      continue;
    }
    const open = /^(`{3,}|~{3,})(\w*)/.exec(line);
    if (open) {
      fence = { marker: open[1], lang: open[2], first: true };
      out.push(line);
      continue;
    }
    out.push(line);
    if (/^#{2,3} /.test(line)) {
      out.push('', 'In simpler words: this section explains one idea step by step, with an everyday example you can picture.');
    }
  }
  out.push('', 'Think of the robot as a person: its sensors are its senses and its actuators are its muscles.');
  return out.join('\n');
}

describe('checkFidelity on the real lessons', () => {
  it('finds the lessons', () => {
    expect(LESSONS.length).toBeGreaterThan(20);
  });

  it.each(LESSONS)('identity passes: %s', (_path, text) => {
    const result = checkFidelity(text, text);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.metrics.lengthRatio).toBe(1);
    expect(result.metrics.codeBlocks.found).toBe(result.metrics.codeBlocks.expected);
    expect(result.metrics.links.found).toBe(result.metrics.links.expected);
    expect(result.metrics.headings.found).toBe(result.metrics.headings.expected);
    // The same text as an "Urdu rewrite" is English: rejected for that reason alone.
    expect(checkFidelity(text, text, { language: 'ur' }).failures).toEqual([expect.stringMatching(/^the rewrite is not in Urdu/)]);
  });

  it.each(LESSONS)('a rewrite that adds explanations and code comments passes: %s', (_path, text) => {
    const result = checkFidelity(text, enrich(text));
    expect(result.failures).toEqual([]);
    expect(result.metrics.lengthRatio).toBeGreaterThan(1);
  });

  it.each(LESSONS)('an Urdu rewrite with translated headings passes: %s', (_path, text) => {
    const result = checkFidelity(text, urduise(text), { language: 'ur' });
    expect(result.failures).toEqual([]);
    expect(result.metrics.headings.found).toBe(result.metrics.headings.expected);
  });

  it('counts what the ROS 2 lesson contains', () => {
    const { metrics } = checkFidelity(ROS_LESSON, ROS_LESSON);
    expect(metrics.codeBlocks).toEqual({ expected: 4, found: 4 });
    expect(metrics.headings).toEqual({ expected: 8, found: 8 });
    expect(metrics.links).toEqual({ expected: 2, found: 2 });
  });
});

describe('checkFidelity failures', () => {
  it('a dropped code block', () => {
    const serviceBlock = /```python\nfrom std_srvs[\s\S]*?```\n/.exec(ROS_LESSON)?.[0] ?? '';
    expect(serviceBlock).not.toBe('');
    const result = checkFidelity(ROS_LESSON, ROS_LESSON.replace(serviceBlock, ''));
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual(['code block 2 (python) is missing or changed: line "from std_srvs.srv import SetBool" not found']);
    expect(result.metrics.codeBlocks).toEqual({ expected: 4, found: 3 });
  });

  it('a block whose language has no block in the rewrite', () => {
    const result = checkFidelity(ROS_LESSON, ROS_LESSON.replace('```text', '```plaintext'));
    expect(result.failures).toEqual(['code block 3 (text) is missing or changed']);
  });

  it('a changed code line', () => {
    const result = checkFidelity(ROS_LESSON, ROS_LESSON.replace('self.count = 0', 'self.count = 1'));
    expect(result.failures).toEqual(['code block 1 (python) is missing or changed: line "self.count = 0" not found']);
  });

  it('reordered code lines', () => {
    const result = checkFidelity(
      ROS_LESSON,
      ROS_LESSON.replace('import rclpy\nfrom rclpy.node import Node', 'from rclpy.node import Node\nimport rclpy'),
    );
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatch(/^code block 1 \(python\) is missing or changed/);
  });

  it('a dropped link', () => {
    const result = checkFidelity(
      ROS_LESSON,
      ROS_LESSON.replace('[docs.ros.org](https://docs.ros.org/en/jazzy/Concepts.html)', 'docs.ros.org'),
    );
    expect(result.failures).toEqual(['link https://docs.ros.org/en/jazzy/Concepts.html is missing']);
    expect(result.metrics.links).toEqual({ expected: 2, found: 1 });
  });

  it('a dropped heading', () => {
    const result = checkFidelity(ROS_LESSON, ROS_LESSON.replace('## Key takeaways\n', 'Key takeaways:\n'));
    expect(result.failures).toEqual(["heading 'Key takeaways' (level 2) is missing"]);
    expect(result.metrics.headings).toEqual({ expected: 8, found: 7 });
  });

  it('a paraphrased heading in the same place is kept (position), whatever its level', () => {
    const result = checkFidelity(ROS_LESSON, ROS_LESSON.replace('## Inspecting a running graph', '### Bonus material'));
    expect(result.failures).toEqual([]);
    expect(result.metrics.headings).toEqual({ expected: 8, found: 8 });
  });

  it('too short', () => {
    const result = checkFidelity(ROS_LESSON, ROS_LESSON.slice(0, Math.round(ROS_LESSON.length * 0.23)));
    expect(result.passed).toBe(false);
    expect(result.failures).toContainEqual(expect.stringMatching(/^rewrite is \d+% of the original's length \(minimum 50%\)$/));
    const prose = 'A robot senses, thinks and acts. '.repeat(30);
    expect(checkFidelity(prose, prose.slice(0, Math.round(prose.length * 0.23))).failures).toEqual([
      "rewrite is 23% of the original's length (minimum 50%)",
    ]);
    expect(checkFidelity(prose, prose.slice(0, Math.round(prose.length * 0.55))).failures).toEqual([]);
  });

  it('too long', () => {
    const padding = '\n\nAnd one more time, in other words, the same idea explained again at great length.'.repeat(200);
    const result = checkFidelity(ROS_LESSON, ROS_LESSON + padding);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatch(/^rewrite is \d+% of the original's length \(maximum 300%\)$/);
    expect(result.metrics.lengthRatio).toBeGreaterThan(3);
  });

  it.each([
    'Sure, here is the rewritten lesson:',
    'Certainly! I adapted the lesson for you.',
    "Here's the personalized version of the lesson:",
    'Here is the lesson, rewritten for a beginner.',
    "I've rewritten the lesson for an undergraduate.",
    'یقیناً، یہ رہا آپ کا سبق:',
  ])('a preamble: %s', (preamble) => {
    const result = checkFidelity(ROS_LESSON, `${preamble}\n\n${ROS_LESSON}`);
    expect(result.failures).toEqual(['the answer has a preamble']);
  });

  it('does not take a lesson that opens like a preamble for one', () => {
    const lesson = 'Here is a question worth asking: what is a robot?\n\n## Robots\n\nA robot senses, thinks and acts.';
    expect(checkFidelity(lesson, lesson).passed).toBe(true);
    expect(checkFidelity(ROS_LESSON, `**Certainly robots** are many processes.\n\n${ROS_LESSON}`).passed).toBe(true);
  });

  it.each(['', '   \n\n  '])('an empty rewrite (%j)', (empty) => {
    const result = checkFidelity(ROS_LESSON, empty);
    expect(result).toMatchObject({ passed: false, failures: ['the rewrite is empty'] });
    expect(result.metrics.lengthRatio).toBe(0);
    expect(result.metrics.codeBlocks).toEqual({ expected: 4, found: 0 });
  });

  it('reports several failures at once', () => {
    const rewrite = ROS_LESSON.replace('self.count = 0', 'self.count = 1').replace(
      '(https://docs.ros.org/en/jazzy/Concepts.html)',
      '(https://example.com)',
    );
    expect(checkFidelity(ROS_LESSON, rewrite).failures).toEqual([
      'code block 1 (python) is missing or changed: line "self.count = 0" not found',
      'link https://docs.ros.org/en/jazzy/Concepts.html is missing',
      'the rewrite links to sites the lesson does not link to: example.com',
    ]);
  });
});

describe('checkFidelity: headings', () => {
  const original = ['## Sensors and senses', '', 'Text.', '', '### The IMU', '', 'More text.', '', '## Key takeaways', '', '- one'].join(
    '\n',
  );

  it('Urdu: translated headings with the same count per level pass', () => {
    const rewrite = ['## سینسر اور حواس', '', 'متن۔', '', '### IMU کا تعارف', '', 'مزید متن۔', '', '## اہم نکات', '', '- ایک'].join('\n');
    const result = checkFidelity(original, rewrite, { language: 'ur' });
    expect(result.failures).toEqual([]);
    expect(result.metrics.headings).toEqual({ expected: 3, found: 3 });
  });

  it('Urdu: a missing heading fails (headings are matched by position)', () => {
    const rewrite = ['## سینسر اور حواس', '', 'متن۔ مزید متن۔ مزید متن۔', '', '## اہم نکات', '', '- ایک'].join('\n');
    expect(checkFidelity(original, rewrite, { language: 'ur' }).failures).toEqual(["heading 'Key takeaways' (level 2) is missing"]);
  });

  it('English: lenient about wording, plurals and added headings', () => {
    const rewrite = [
      '## Sensor and Senses',
      '',
      'Text, with more explanation.',
      '',
      '### The IMU (inertial measurement unit)',
      '',
      '### An extra sub-heading',
      '',
      'More text.',
      '',
      '## Key takeaways for you',
      '',
      '- one',
    ].join('\n');
    expect(checkFidelity(original, rewrite).failures).toEqual([]);
  });

  it('a `# comment` inside a code fence is not a heading, before or after', () => {
    const withCode = [
      '## Setup',
      '',
      '```python',
      '# not a heading',
      'import rclpy',
      '```',
      '',
      '~~~bash',
      '# also not a heading',
      'ros2 node list',
      '~~~',
      '',
      'Done.',
    ].join('\n');
    const result = checkFidelity(withCode, withCode);
    expect(result.metrics.headings).toEqual({ expected: 1, found: 1 });
    // The rewrite may drop or reword the comment: comments are not code.
    const rewrite = withCode.replace('# not a heading', '# import the ROS 2 client library').replace('# also not a heading\n', '');
    expect(checkFidelity(withCode, rewrite).failures).toEqual([]);
    // A rewrite that hides a required heading inside code does not keep it.
    const hidden = [
      '```text',
      '## Setup',
      '```',
      '',
      '```python',
      'import rclpy',
      '```',
      '',
      '```bash',
      'ros2 node list',
      '```',
      '',
      'Done. Done.',
    ].join('\n');
    expect(checkFidelity(withCode, hidden).failures).toEqual(["heading 'Setup' (level 2) is missing"]);
  });
});

describe('checkFidelity: code blocks', () => {
  it('accepts added comments, trailing comments and changed comments by language', () => {
    const original = [
      '```python',
      'x = 1  # the count',
      'print("# not a comment")',
      '```',
      '```cpp',
      'int main() {',
      '  return 0; // done',
      '}',
      '```',
      '```xml',
      '<robot name="h1">',
      '  <!-- the base -->',
      '  <link name="base_link"/>',
      '</robot>',
      '```',
      '```sql',
      'SELECT 1;',
      '```',
      '```bash',
      'echo $# items   # count',
      '```',
    ].join('\n');
    const rewrite = [
      '```python',
      '# Set up a counter.',
      'x = 1    # start counting at one',
      'print("# not a comment")  # prints a literal hash',
      '```',
      '```cpp',
      '/* The entry point',
      '   of every C++ program. */',
      'int main() {  // begins here',
      '  return 0;',
      '}',
      '```',
      '```xml',
      '<!-- A robot',
      '     description. -->',
      '<robot name="h1">',
      '  <link name="base_link"/>  <!-- the root link -->',
      '</robot>',
      '```',
      '```sql',
      '-- one row',
      'SELECT 1; -- trivially',
      '```',
      '```sh',
      'echo $# items',
      '```',
    ].join('\n');
    expect(checkFidelity(original, rewrite).failures).toEqual([]);
  });

  it('does not take a string containing a comment marker for a comment', () => {
    const original = '```python\nprint("# hello")\n```';
    expect(checkFidelity(original, '```python\nprint("# goodbye")\n```').failures).toEqual([
      'code block 1 (python) is missing or changed: line "print("# hello")" not found',
    ]);
  });

  it('requires the same language tag (aliases allowed) and accepts a tag on an untagged block', () => {
    const original = '```python\nimport rclpy\n```\n\n```\n$ ros2 run demo talker\n```';
    expect(checkFidelity(original, '```py\nimport rclpy\n```\n\n```console\n$ ros2 run demo talker\n```').failures).toEqual([]);
    expect(checkFidelity(original, '```bash\nimport rclpy\n```\n\n```\n$ ros2 run demo talker\n```').failures).toEqual([
      'code block 1 (python) is missing or changed',
    ]);
  });

  it('handles ~~~ fences and fences of more than three backticks', () => {
    const original = [
      '## Writing docs',
      '',
      '````markdown',
      '## Not a heading either',
      '```python',
      'import rclpy',
      '```',
      'See [this](https://not.a.link.example).',
      '````',
      '',
      '~~~yaml',
      'rate: 10   # Hz',
      '~~~',
    ].join('\n');
    const result = checkFidelity(original, original);
    expect(result.metrics).toMatchObject({
      codeBlocks: { expected: 2, found: 2 },
      headings: { expected: 1, found: 1 },
      links: { expected: 0, found: 0 },
    });
    const rewrite = original
      .replace('````markdown', '`````md')
      .replace('````\n', '`````\n')
      .replace('rate: 10   # Hz', '# publishing rate\nrate: 10');
    expect(checkFidelity(original, rewrite).failures).toEqual([]);
    expect(checkFidelity(original, original.replace('```python\nimport rclpy', '```python\nimport rospy')).failures).toEqual([
      'code block 1 (markdown) is missing or changed: line "import rclpy" not found',
    ]);
  });

  it('ignores whitespace differences and zero-width or direction marks in code', () => {
    const original = '```python\nfor i in range(3):\n    print(i)\n```';
    expect(checkFidelity(original, '```python\nfor i in  range(3):\n\n        print(i)\u200E\n```').failures).toEqual([]);
  });
});

describe('checkFidelity: links', () => {
  it('compares targets, not link text, across link forms', () => {
    const original = [
      'Read the [ROS docs](https://docs.ros.org) and [the next lesson](/lessons/ch04-nodes#qos).',
      'Source: <https://github.com/openai/whisper>.',
      '![A humanoid](/img/h1.png "H1")',
      'Also [Wiki](https://en.wikipedia.org/wiki/Robot_(disambiguation)) and [ref][r].',
      '',
      '[r]: https://gazebosim.org/docs',
    ].join('\n');
    const rewrite = [
      '[دستاویزات](https://docs.ros.org/) دیکھیں، اور [اگلا سبق](/lessons/ch04-nodes#qos).',
      'Source: [whisper](https://github.com/openai/whisper).',
      '![ایک ہیومنائیڈ](/img/h1.png)',
      'Also https://en.wikipedia.org/wiki/Robot_(disambiguation), and <https://gazebosim.org/docs>.',
    ].join('\n');
    const result = checkFidelity(original, rewrite, { language: 'ur' });
    expect(result.failures).toEqual([]);
    expect(result.metrics.links).toEqual({ expected: 5, found: 5 });
    expect(result.metrics.images).toEqual({ expected: 1, found: 1 });
  });

  it('does not count links in inline code or fenced code, in the original or the rewrite', () => {
    const original =
      'Run `curl [x](https://a.example)` first.\n\n```bash\ncurl https://b.example\n```\n\nSee [docs](https://docs.ros.org).';
    expect(checkFidelity(original, original).metrics.links).toEqual({ expected: 1, found: 1 });
    const rewrite =
      'Run `curl [x](https://a.example)` first.\n\n```bash\ncurl https://b.example\n```\n\nSee `[docs](https://docs.ros.org)`.';
    expect(checkFidelity(original, rewrite).failures).toEqual(['link https://docs.ros.org is missing']);
  });
});

describe('normaliseRewrite', () => {
  const lesson = '## Nodes\n\n```python\nimport rclpy\n```\n\nText.';

  it.each([
    ['```markdown', '```'],
    ['```md', '```'],
    ['```Markdown', '```'],
    ['~~~markdown', '~~~'],
    ['````markdown', '````'],
  ])('strips a wrapping %s fence', (open, close) => {
    expect(normaliseRewrite(`\n${open}\n${lesson}\n${close}\n`).text).toBe(lesson);
  });

  it('normalises newlines and trims', () => {
    expect(normaliseRewrite(`  \r\n${lesson.replace(/\n/g, '\r\n')}\r\n\r\n`).text).toBe(lesson);
  });

  it('leaves unwrapped answers and other fences alone', () => {
    expect(normaliseRewrite(lesson).text).toBe(lesson);
    const python = '```python\nimport rclpy\n```';
    expect(normaliseRewrite(python).text).toBe(python);
    expect(normaliseRewrite('```markdown\nunclosed').text).toBe('```markdown\nunclosed');
  });

  it('strips echoed lesson markers around the whole answer', () => {
    expect(normaliseRewrite(`<<<LESSON\n${lesson}\nLESSON>>>`).text).toBe(lesson);
  });

  it('makes a fenced answer pass the check', () => {
    expect(checkFidelity(ROS_LESSON, normaliseRewrite(`\`\`\`markdown\n${ROS_LESSON}\n\`\`\``).text).passed).toBe(true);
  });
});

describe('normaliseRewrite: chatty opening line', () => {
  it.each([
    ['Here is this lesson, adapted for you.'],
    ["Sure! Here's the rewritten lesson:"],
    ["I've adapted the lesson for a beginner."],
    ['**Here is your personalized lesson:**'],
    ['یہ رہا آپ کے لیے ڈھالا گیا سبق:'],
  ])('removes one opening line %j and records it', (line) => {
    const cleaned = normaliseRewrite(`${line}\n\n${ROS_LESSON}`, ROS_LESSON);
    expect(cleaned.removed).toEqual(['chatty-opening']);
    expect(checkFidelity(ROS_LESSON, cleaned.text).passed).toBe(true);
  });

  it('removes a chatty line and a wrapping fence together, in either order', () => {
    expect(normaliseRewrite(`Here is this lesson, adapted for you.\n\n\`\`\`markdown\n${ROS_LESSON}\n\`\`\``, ROS_LESSON)).toEqual({
      text: ROS_LESSON.trim(),
      removed: ['chatty-opening', 'wrapping-fence'],
    });
    expect(normaliseRewrite(`\`\`\`markdown\nHere is this lesson, adapted for you.\n\n${ROS_LESSON}\n\`\`\``, ROS_LESSON).removed).toEqual([
      'wrapping-fence',
      'chatty-opening',
    ]);
  });

  it('keeps a casual opening that is part of the lesson, and a line the lesson itself opens with', () => {
    const casual = `Alright, let's see how the ROS 2 graph fits together.\n\n${ROS_LESSON}`;
    expect(normaliseRewrite(casual, ROS_LESSON).removed).toEqual([]);
    expect(checkFidelity(ROS_LESSON, casual).failures).toEqual([]);
    const own = 'Here is the lesson plan: nodes first.\n\nText.';
    expect(normaliseRewrite(own, own)).toEqual({ text: own, removed: [] });
  });

  it('a second chatty line is left, and the check rejects it', () => {
    const cleaned = normaliseRewrite(`Sure!\n\nHere is this lesson, adapted for you.\n\n${ROS_LESSON}`, ROS_LESSON);
    expect(cleaned.removed).toEqual(['chatty-opening']);
    expect(checkFidelity(ROS_LESSON, cleaned.text).failures).toEqual(['the answer has a preamble']);
  });
});

describe('checkFidelity: active content (a hostile rewrite)', () => {
  const original = [
    '## Sensors',
    '',
    'See [the docs](https://docs.ros.org/en/jazzy/) and ![IMU](/img/imu.png).',
    '',
    'A 17-bit encoder.',
  ].join('\n');

  it.each<[string, string, RegExp]>([
    [
      'a tracking image (Markdown)',
      '![](https://px.tracker.example/p.gif)',
      /adds an image the lesson does not have \(https:\/\/px\.tracker/,
    ],
    ['a tracking image (HTML)', '<img src="https://px.tracker.example/p.gif" width="1">', /adds an image the lesson does not have/],
    ['a password field', 'Session expired: re-enter your password.\n\n<input type="password" name="pw">', /adds a password field/],
    ['a button', '<button onclick="steal()">Continue</button>', /adds a button/],
    ['a form field', '<textarea name="notes"></textarea>', /adds a form field \(<textarea>\)/],
    ['an iframe', '<iframe src="https://videos.example/embed/1"></iframe>', /adds an embedded page \(<iframe>\)/],
    ['a script', '<script>alert(1)</script>', /adds a script/],
    [
      'a link to a new site',
      'Buy kits at [our store](https://cheap-robots.example/deal).',
      /links to sites the lesson does not link to: cheap-robots\.example/,
    ],
    [
      'a bare URL to a new site',
      'More at https://cheap-robots.example/deal today.',
      /links to sites the lesson does not link to: cheap-robots\.example/,
    ],
    ['a javascript: link', 'For more practice, [click](javascript:alert(1)).', /links to sites the lesson does not link to: javascript:/],
  ])('fails a rewrite that adds %s', (_label, addition, reason) => {
    const result = checkFidelity(original, `${original}\n\n${addition}\n`);
    expect(result.passed).toBe(false);
    expect(result.failures).toContainEqual(expect.stringMatching(reason));
  });

  it('accepts links to the sites the lesson already links to, relative links and the same image', () => {
    const rewrite = `${original}\n\nAlso see [concepts](https://docs.ros.org/en/jazzy/Concepts.html), [the next lesson](02-next.md) and ![IMU again](/img/imu.png).`;
    expect(checkFidelity(original, rewrite).failures).toEqual([]);
  });
});

describe('checkFidelity: facts', () => {
  const SENSE = readFileSync(join(CONTENT_ROOT, 'part-1/ch02-sensors-actuators-body-plan/01-how-robots-sense.md'), 'utf8');

  it.each<[string, (text: string) => string, RegExp]>([
    ['17-bit → 16-bit', (t) => t.replace('17-bit', '16-bit'), /numbers missing or changed: "17-bit"/],
    ['30° → 3°', (t) => t.replace('ends near 30°', 'ends near 3°'), /numbers missing or changed: "30°"/],
    ['Hz → kHz', (t) => t.replace('500 Hz–7 kHz', '500 kHz–7 kHz'), /numbers missing or changed: "500 Hz"/],
    [
      'a formula in inline code',
      (t) => t.replace('`dt * alpha / (1 - alpha)`', '`dt * alpha / (1 + alpha)`'),
      /inline code missing or changed: `dt \* alpha \/ \(1 - alpha\)`/,
    ],
    [
      'a deleted table',
      (t) => t.replace(/\| Sensor \|[\s\S]*?\| Tactile skin[^\n]*\n/, ''),
      /the rewrite's tables have 0 rows, the lesson's 11/,
    ],
    ['a deleted :::tip box', (t) => t.replace(/:::tip[\s\S]*?:::\n/, ''), /a :::tip box is missing/],
    [
      'an inserted code line',
      (t) => t.replace('gyro_only += rate * dt', 'gyro_only += rate * dt\n    gyro_only *= 0.99'),
      /code block 1 \(python\) has a line that is not in the lesson: "gyro_only \*= 0\.99"/,
    ],
  ])('catches %s', (_label, mutate, reason) => {
    const result = checkFidelity(SENSE, mutate(SENSE));
    expect(result.passed).toBe(false);
    expect(result.failures).toContainEqual(expect.stringMatching(reason));
  });

  it('accepts a code block split into two consecutive steps', () => {
    const split = SENSE.replace(
      '\nfor _ in range(int(60 / dt)):',
      '```\n\nThen the loop, one step per sample:\n\n```python\nfor _ in range(int(60 / dt)):',
    );
    const result = checkFidelity(SENSE, split);
    expect(result.failures).toEqual([]);
    expect(result.metrics.codeBlocks).toEqual({ expected: 1, found: 1 });
  });

  it('an Urdu rewrite left in English fails', () => {
    const result = checkFidelity(SENSE, urduise(SENSE, new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])), { language: 'ur' });
    expect(result.failures).toContainEqual(expect.stringMatching(/^the rewrite is not in Urdu|^paragraphs are still in English/));
    expect(checkFidelity(SENSE, urduise(SENSE), { language: 'ur' }).failures).toEqual([]);
  });
});
