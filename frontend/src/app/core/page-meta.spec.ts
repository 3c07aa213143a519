import { DOCUMENT } from '@angular/common';
import { REQUEST_CONTEXT } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { PageMeta, describeMarkdown } from './page-meta';

describe('describeMarkdown', () => {
  it('takes the first paragraph of prose, as plain text', () => {
    const markdown = [
      '## Why sensors',
      '',
      '```python',
      'print("not prose")',
      '```',
      '',
      ':::tip',
      'Not this either.',
      ':::',
      '',
      'A robot **senses** the world through [its sensors](../ch02/sensors.md) and `ROS 2` topics.',
      '',
      'Second paragraph.',
    ].join('\n');
    expect(describeMarkdown(markdown, 'fallback')).toBe('A robot senses the world through its sensors and ROS 2 topics.');
  });

  it('cuts a long paragraph at a word, with an ellipsis, within the limit', () => {
    const description = describeMarkdown(`${'word '.repeat(60)}end.`, 'fallback', 40);
    expect(description.length).toBeLessThanOrEqual(40);
    expect(description).toMatch(/^word( word)*…$/);
  });

  it('falls back when there is no prose', () => {
    expect(describeMarkdown('## Only a heading\n\n- a list', 'The fallback.')).toBe('The fallback.');
  });
});

describe('PageMeta', () => {
  it('sets the title, description, canonical URL and Open Graph tags, once each, with the origin the page was asked at', () => {
    TestBed.configureTestingModule({
      providers: [{ provide: REQUEST_CONTEXT, useValue: { origin: 'https://lectern.example', fetchApi: () => Promise.reject(new Error()) } }],
    });
    const meta = TestBed.inject(PageMeta);
    const document = TestBed.inject(DOCUMENT);
    meta.set({ title: 'First', description: 'One.', path: '/lessons/first', type: 'article' });
    meta.set({ title: 'How Robots Sense', description: 'Sensors.', path: '/lessons/how-robots-sense', type: 'article' });

    expect(document.title).toBe('How Robots Sense · Lectern');
    const content = (selector: string) => Array.from(document.head.querySelectorAll(selector)).map((e) => e.getAttribute('content'));
    expect(content('meta[name="description"]')).toEqual(['Sensors.']);
    expect(content('meta[property="og:title"]')).toEqual(['How Robots Sense']);
    expect(content('meta[property="og:type"]')).toEqual(['article']);
    expect(content('meta[property="og:url"]')).toEqual(['https://lectern.example/lessons/how-robots-sense']);
    const canonical = Array.from(document.head.querySelectorAll('link[rel="canonical"]')).map((e) => e.getAttribute('href'));
    expect(canonical).toEqual(['https://lectern.example/lessons/how-robots-sense']);
  });
});
