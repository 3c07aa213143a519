import { imageOrigins } from './image-origins';

describe('imageOrigins', () => {
  it('finds the origins of absolute Markdown, HTML and reference images, once each, sorted', () => {
    const markdown = [
      '![a](https://B.example.org/a.png "title")',
      '![b](<https://b.example.org/b.png>)',
      '<img alt="c" src="http://c.example.com:8080/c.jpg">',
      '![d][ref]',
      '',
      '[ref]: https://d.example.net/d.gif',
    ].join('\n');
    expect(imageOrigins(markdown)).toEqual(['http://c.example.com:8080', 'https://b.example.org', 'https://d.example.net']);
  });

  it('ignores relative images, links that are not images, and other schemes', () => {
    const markdown = [
      '![local](./img/robot.png)',
      '![root](/assets/robot.png)',
      '[a link](https://links.example.org/page)',
      '![data](data:image/png;base64,AAAA)',
      '![js](javascript:alert(1))',
    ].join('\n');
    expect(imageOrigins(markdown)).toEqual([]);
  });
});
