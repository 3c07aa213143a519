import { etagMatches } from './etag';

describe('etagMatches', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abd"', false],
    ['abc', false],
  ])('If-None-Match %p → %p', (header, expected) => {
    expect(etagMatches(header, '"abc"')).toBe(expected);
  });
});
