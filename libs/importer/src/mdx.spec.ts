import { degradeMdx } from './mdx';

const lines = (...l: string[]): string => l.join('\n');

describe('degradeMdx', () => {
  it('drops single- and multi-line import and export blocks', () => {
    const mdx = lines(
      "import Tabs from '@theme/Tabs';",
      'import {',
      '  A,',
      '  B,',
      "} from '@site/src/components';",
      "import '@site/src/css/extra.css';",
      '',
      'export const meta = {',
      "  title: 'x',",
      '};',
      '',
      'export default function Layout({ children }) { return children; }',
      '',
      'Text stays.',
    );
    expect(degradeMdx(mdx)).toBe('Text stays.');
  });

  it('keeps prose lines that merely start with the words import or export', () => {
    const mdx = lines('Some prose,', 'import this sentence continues.', '', 'export controls matter here.');
    expect(degradeMdx(mdx)).toBe(mdx);
  });

  it('turns Tabs into bold labels and dedents their content', () => {
    const mdx = lines(
      '<Tabs groupId="os">',
      '  <TabItem value="linux" label="Linux" default>',
      '    Run this:',
      '',
      '    ```bash',
      '    sudo apt install ros-jazzy-desktop',
      '      # indented inside the code',
      '    ```',
      '  </TabItem>',
      "  <TabItem value={'mac'}>",
      '    Use a virtual machine.',
      '  </TabItem>',
      '</Tabs>',
    );
    expect(degradeMdx(mdx)).toBe(
      lines(
        '**Linux**',
        '',
        'Run this:',
        '',
        '```bash',
        'sudo apt install ros-jazzy-desktop',
        '  # indented inside the code',
        '```',
        '',
        '**mac**',
        '',
        'Use a virtual machine.',
        '',
      ),
    );
  });

  it('drops self-closing components and keeps the inner text of paired ones', () => {
    const mdx = lines(
      'Before <Highlight color="#25c2a0">important</Highlight> after.',
      '',
      '<DocCardList />',
      '',
      '<Figure',
      '  src="/img/a.png"',
      '  caption={`A ${"caption"}`}',
      '  onClick={() => { alert("hi > there"); }}',
      '/>',
      '',
      '<Callout kind="x">',
      'Inner **markdown** stays.',
      '</Callout>',
      '',
      'Fragments <>go</> away.',
    );
    expect(degradeMdx(mdx)).toBe(lines('Before important after.', '', 'Inner **markdown** stays.', '', 'Fragments go away.'));
  });

  it('turns <Admonition> into a ::: block and keeps ::: admonitions as written', () => {
    const mdx = lines(
      '<Admonition type="tip" title="Careful">',
      'Go slowly.',
      '</Admonition>',
      '',
      ':::tip[Title in brackets]',
      'a',
      ':::',
      '',
      ':::warning Title after a space',
      'b',
      ':::',
      '',
      ':::note',
      'c',
      ':::',
      '',
      ':::info',
      'd',
      ':::',
      '',
      ':::danger',
      'e',
      ':::',
    );
    expect(degradeMdx(mdx)).toBe(lines(':::tip[Careful]', 'Go slowly.', ':::', '', ...mdx.split('\n').slice(4)));
  });

  it('removes MDX comments and keeps lowercase HTML such as <details>', () => {
    const mdx = lines('{/* editors only */}', '', '<details>', '<summary>Why?</summary>', '', 'Because.', '', '</details>', '', 'Line<br />break');
    expect(degradeMdx(mdx)).toBe(lines('<details>', '<summary>Why?</summary>', '', 'Because.', '', '</details>', '', 'Line<br />break'));
  });

  it('never touches fenced code or inline code', () => {
    const fence = lines(
      '```jsx',
      "import x from 'y';",
      'export const z = 1;',
      '',
      '<Tag>',
      '  <TabItem value="kept" />',
      '</Tag>',
      '{/* kept */}',
      '```',
    );
    const mdx = lines('Inline `<Tabs>` and `import a from "b"` stay.', '', fence, '', '~~~', '<Foo />', '~~~');
    expect(degradeMdx(mdx)).toBe(mdx);
  });

  it('leaves a lone < in prose alone', () => {
    const mdx = 'If a < b and C > d, then <3 is a heart.';
    expect(degradeMdx(mdx)).toBe(mdx);
  });
});
