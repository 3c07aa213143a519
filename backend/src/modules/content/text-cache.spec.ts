import { TextCache } from './text-cache';

describe('TextCache', () => {
  it('keeps texts by hash within its size, dropping the least recently used first', () => {
    const cache = new TextCache(40); // 20 UTF-16 code units
    cache.set('a', 'a'.repeat(8));
    cache.set('b', 'b'.repeat(8));
    expect(cache.get('a')).toBe('a'.repeat(8)); // a is now the most recently used
    cache.set('c', 'c'.repeat(8)); // 24 units > 20: b goes, not a
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('a'.repeat(8));
    expect(cache.get('c')).toBe('c'.repeat(8));
    expect(cache.usedBytes).toBe(32);
    expect(cache.size).toBe(2);
  });

  it('never keeps a text larger than the whole cache, and replacing a hash does not count it twice', () => {
    const cache = new TextCache(10);
    cache.set('big', 'x'.repeat(6));
    expect(cache.get('big')).toBeUndefined();
    cache.set('h', 'abc');
    cache.set('h', 'abc');
    expect(cache.usedBytes).toBe(6);
  });

  it('keeps a text’s UTF-8 bytes once asked for, counted in its size, and drops them with the text', () => {
    const cache = new TextCache(40);
    cache.set('a', 'é'.repeat(4)); // 8 bytes as UTF-16 code units × 2, 8 as UTF-8
    const bytes = cache.bytes('a');
    expect(bytes?.toString('utf8')).toBe('é'.repeat(4));
    expect(cache.bytes('a')).toBe(bytes); // encoded once
    expect(cache.usedBytes).toBe(16);
    cache.set('b', 'b'.repeat(12)); // 24 more: 40 in all, still fits
    expect(cache.usedBytes).toBe(40);
    cache.set('c', 'c'); // over: a (least recently used) goes, bytes and all
    expect(cache.bytes('a')).toBeUndefined();
    expect(cache.usedBytes).toBe(26);
    expect(cache.bytes('missing')).toBeUndefined();
  });
});
