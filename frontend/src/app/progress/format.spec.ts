import { formatDuration, lessonsOf, resumeLink } from './format';

describe('progress formatting', () => {
  it('words time spent in hours and minutes', () => {
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(7259)).toBe('2 h');
    expect(formatDuration(600)).toBe('10 min');
    expect(formatDuration(59)).toBe('less than a minute');
    expect(formatDuration(0)).toBe('0 min');
    expect(formatDuration(-5)).toBe('0 min');
    expect(formatDuration(36 * 3600 + 60)).toBe('36 h 1 min');
  });

  it('counts lessons', () => {
    expect(lessonsOf(1, 2)).toBe('1 of 2 lessons');
    expect(lessonsOf(0, 1)).toBe('0 of 1 lesson');
  });

  it('links the lesson to resume at its section, when known', () => {
    expect(resumeLink({ lessonSlug: 'a', title: 'A', section: 'intro' })).toEqual({ commands: ['/lessons', 'a'], fragment: 'intro' });
    expect(resumeLink({ lessonSlug: 'a', title: 'A', section: null })).toEqual({ commands: ['/lessons', 'a'], fragment: undefined });
  });
});
