import { formatSse } from './sse';

describe('formatSse', () => {
  it('one event: its name, its data as JSON, a blank line', () => {
    expect(formatSse({ event: 'delta', data: { text: 'a\nb' } })).toBe('event: delta\ndata: {"text":"a\\nb"}\n\n');
  });

  it('an event name cannot break the framing', () => {
    expect(formatSse({ event: 'done\ndata: x', data: null })).toBe('event: donedata: x\ndata: null\n\n');
  });
});
