import { cleanCitations, contentWords, lexicalRelevance, standaloneQuery, threadTitle } from './answer-text';

describe('cleanCitations', () => {
  it('keeps markers of given sections, drops the others, and lists the cited numbers in order', () => {
    const { text, cited } = cleanCitations('Nodes talk over topics [2]. Services answer [1, 7]. Made up [9].', new Set([1, 2, 3]));
    expect(text).toBe('Nodes talk over topics [2]. Services answer [1]. Made up.');
    expect(cited).toEqual([2, 1]);
  });

  it('leaves code alone', () => {
    const answer = 'Index it [1]:\n\n```python\nx = values[7]\n```\n\nand `arr[9]` too [4].';
    const { text, cited } = cleanCitations(answer, new Set([1]));
    expect(text).toBe('Index it [1]:\n\n```python\nx = values[7]\n```\n\nand `arr[9]` too.');
    expect(cited).toEqual([1]);
  });
});

describe('standaloneQuery', () => {
  it('a follow-up borrows the words of the previous question', () => {
    expect(standaloneQuery('Why is that?', ['What is a series elastic actuator?'])).toBe('Why is that? series elastic actuator');
  });

  it('a question that stands on its own is kept as it is', () => {
    expect(standaloneQuery('How does Nav2 plan a path for a humanoid?', ['What is URDF?'])).toBe(
      'How does Nav2 plan a path for a humanoid?',
    );
  });
});

describe('lexicalRelevance', () => {
  it('is the share of the query content words found in the section', () => {
    expect(contentWords('What are the sensors of a robot?')).toEqual(['sensor', 'robot']);
    expect(lexicalRelevance('What are the sensors of a robot?', 'Robots sense the world with many sensors.')).toBe(1);
    expect(lexicalRelevance('How do I bake sourdough bread?', 'Robots sense the world with many sensors.')).toBe(0);
  });
});

describe('threadTitle', () => {
  it('one line, bounded', () => {
    expect(threadTitle('  What is\n a node?  ')).toBe('What is a node?');
    expect(threadTitle('x'.repeat(100))).toHaveLength(80);
  });
});
