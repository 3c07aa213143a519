import { highlightTerms, searchTerms } from './highlight-terms';

function lesson(html: string): HTMLElement {
  const container = document.createElement('div');
  container.innerHTML = html;
  return container;
}

const marked = (marks: HTMLElement[]) => marks.map((m) => m.textContent);

describe('searchTerms', () => {
  it('keeps the words worth marking, stems their common endings, once each', () => {
    expect(searchTerms('How does a robot keep its balance?')).toEqual(['robot', 'keep', 'balance']);
    expect(searchTerms('Balancing robots, balanced ROBOTS')).toEqual(['balanc', 'robot']);
    expect(searchTerms('3D sensors in ROS 2')).toEqual(['3d', 'sensor', 'ros']);
    expect(searchTerms('  ?! ')).toEqual([]);
  });
});

describe('highlightTerms', () => {
  const HTML =
    '<p>Robots sense the world.</p>' +
    '<h2 id="sensors">Sensors</h2><p>A robot reads its sensors.</p><h3 id="imu">IMU</h3><p>The IMU of a robot drifts.</p>' +
    '<div class="code-block"><button class="copy-code">Copy robot</button><pre><code>robot.read()</code></pre></div>' +
    '<h2 id="actuators">Actuators</h2><p>Robotics moves robots.</p>';

  it('marks the words in the section the result points at, sub-sections included, nowhere else', () => {
    const root = lesson(HTML);
    const marks = highlightTerms(root, searchTerms('robot'), 'sensors');
    expect(marked(marks)).toEqual(['robot', 'robot', 'robot']);
    expect(marks.every((m) => m.tagName === 'MARK' && m.classList.contains('search-hit'))).toBe(true);
    expect(root.querySelector('.copy-code')?.textContent).toBe('Copy robot'); // buttons are left alone
    expect(root.querySelector('pre code mark')?.textContent).toBe('robot'); // code is text too
    expect(root.querySelector('#actuators + p mark')).toBeNull();
    expect(root.firstElementChild?.querySelector('mark')).toBeNull();
    // The text reads the same: only elements were added.
    expect(root.textContent).toBe(lesson(HTML).textContent);
  });

  it('marks the introduction when the result has no section, and words that start with a term', () => {
    const root = lesson(HTML);
    expect(marked(highlightTerms(root, searchTerms('robot'), null))).toEqual(['Robots']);
    const actuators = lesson(HTML);
    expect(marked(highlightTerms(actuators, searchTerms('robot'), 'actuators'))).toEqual(['Robotics', 'robots']);
  });

  it('falls back to the whole lesson when the section has none of the words', () => {
    const root = lesson(HTML);
    expect(marked(highlightTerms(root, searchTerms('drift'), 'actuators'))).toEqual(['drifts']);
  });

  it('marks nothing for no terms, and reads markup-like text as text', () => {
    const root = lesson('<p>&lt;script&gt;robot&lt;/script&gt;</p>');
    expect(highlightTerms(root, [], null)).toEqual([]);
    expect(marked(highlightTerms(root, searchTerms('script'), null))).toEqual(['script', 'script']);
    expect(root.querySelector('script')).toBeNull();
    expect(root.textContent).toBe('<script>robot</script>');
  });
});
