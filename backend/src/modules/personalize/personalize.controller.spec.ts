import { plainRequestSlug } from './personalize.controller';

describe('plainRequestSlug (the bodies the fast path takes as they are)', () => {
  it('takes a plain body with a valid lesson slug alone', () => {
    expect(plainRequestSlug({ lessonSlug: 'the-embodiment-hypothesis' })).toBe('the-embodiment-hypothesis');
    expect(plainRequestSlug(JSON.parse('{"lessonSlug":"a1-b2"}'))).toBe('a1-b2');
  });

  it.each([
    ['no body', undefined],
    ['null', null],
    ['an array', ['the-embodiment-hypothesis']],
    ['a string', 'the-embodiment-hypothesis'],
    ['another field too', { lessonSlug: 'a', content: 'x' }],
    ['no slug', {}],
    ['a number', { lessonSlug: 1 }],
    ['upper case', { lessonSlug: 'The-Lesson' }],
    ['a path', { lessonSlug: '../etc/passwd' }],
    ['a trailing dash', { lessonSlug: 'lesson-' }],
    ['161 characters', { lessonSlug: 'a'.repeat(161) }],
    ['an object with another prototype', Object.assign(Object.create({ inherited: true }), { lessonSlug: 'a' })],
  ])('leaves %s to the validation pipe', (_name, body) => {
    expect(plainRequestSlug(body)).toBeUndefined();
  });

  it('takes the longest slug the DTO allows', () => {
    expect(plainRequestSlug({ lessonSlug: 'a'.repeat(160) })).toBe('a'.repeat(160));
  });
});
