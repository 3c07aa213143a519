import { canonicalJson, sameFields } from './sync-plan';

describe('sameFields', () => {
  it('ignores object key order (jsonb reorders keys)', () => {
    expect(sameFields({ h: [{ level: 2, text: 'A', id: 'a' }] }, { h: [{ id: 'a', text: 'A', level: 2 }] }, ['h'])).toBe(true);
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('sees a changed value, a changed array order and a changed array length', () => {
    expect(sameFields({ a: 'x' }, { a: 'y' }, ['a'])).toBe(false);
    expect(sameFields({ a: [1, 2] }, { a: [2, 1] }, ['a'])).toBe(false);
    expect(sameFields({ a: [1] }, { a: [1, 1] }, ['a'])).toBe(false);
  });

  it('compares only the keys asked for', () => {
    expect(sameFields({ a: 1, b: 2 }, { a: 1, b: 3 }, ['a'])).toBe(true);
  });
});
