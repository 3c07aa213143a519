import { personalizeJobId } from './personalize-key';

const key = { lessonSlug: 'a', contentHash: 'c'.repeat(64), preferencesHash: 'p'.repeat(64), promptVersion: 1, model: 'gpt-4o-mini' };

describe('personalizeJobId', () => {
  it('is the same for the same key and has no colon', () => {
    expect(personalizeJobId({ ...key })).toBe(personalizeJobId(key));
    expect(personalizeJobId(key)).toMatch(/^rewrite-[0-9a-f]{40}$/);
  });

  it.each(['lessonSlug', 'contentHash', 'preferencesHash', 'promptVersion', 'model'] as const)('changes with %s', (field) => {
    const changed = { ...key, [field]: field === 'promptVersion' ? 2 : `${String(key[field])}x` };
    expect(personalizeJobId(changed)).not.toBe(personalizeJobId(key));
  });

  it('does not confuse field boundaries', () => {
    expect(personalizeJobId({ ...key, lessonSlug: 'ab', model: 'x' })).not.toBe(personalizeJobId({ ...key, lessonSlug: 'a', model: 'bx' }));
  });
});

describe('personalizeJobId with a variant', () => {
  it("keeps the shared row's id for an empty variant and gives a learner's variant its own", () => {
    expect(personalizeJobId({ ...key, variant: '' })).toBe(personalizeJobId(key));
    expect(personalizeJobId({ ...key, variant: 'v1' })).not.toBe(personalizeJobId(key));
    expect(personalizeJobId({ ...key, variant: 'v1' })).not.toBe(personalizeJobId({ ...key, variant: 'v2' }));
  });
});
