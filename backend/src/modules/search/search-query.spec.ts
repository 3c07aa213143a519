import { SEARCH_QUERY_MAX_LENGTH } from '@lectern/api-types';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SearchRequestDto } from './dto/search.dto';
import { MARK_END, MARK_START } from './search.sql';
import { hasSearchableText, normalizeQuery, renderSnippet } from './search.service';

/** What the global validation pipe does with a body (first error per field). */
function validate(body: Record<string, unknown>): { dto: SearchRequestDto; errors: Record<string, string> } {
  const dto = plainToInstance(SearchRequestDto, body, { enableImplicitConversion: false });
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  return { dto, errors: Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})[0]])) };
}

describe('SearchRequestDto', () => {
  it.each([
    [{ query: '' }, { query: 'query must not be empty' }],
    [{ query: ' \n\t ' }, { query: 'query must not be empty' }],
    [{ query: 'x'.repeat(SEARCH_QUERY_MAX_LENGTH + 1) }, { query: 'query must be at most 500 characters' }],
    [{}, { query: 'query must be a string' }],
    [{ query: ['a'] }, { query: 'query must be a string' }],
    [{ query: 'ok', limit: 0 }, { limit: 'limit must be between 1 and 50' }],
    [{ query: 'ok', limit: 51 }, { limit: 'limit must be between 1 and 50' }],
    [{ query: 'ok', limit: 2.5 }, { limit: 'limit must be a whole number' }],
    [{ query: 'ok', limit: '10' }, { limit: 'limit must be a whole number' }],
    [{ query: 'ok', layer: 'L0' }, { layer: 'layer must be one of L1, L2, L3, L4, L5' }],
    [{ query: 'ok', layer: 'l1' }, { layer: 'layer must be one of L1, L2, L3, L4, L5' }],
    [{ query: 'ok', partSlug: 'Part One' }, { partSlug: 'partSlug must be a part slug (lowercase letters, digits and dashes)' }],
    [{ query: 'ok', partSlug: "a'; --" }, { partSlug: 'partSlug must be a part slug (lowercase letters, digits and dashes)' }],
    [{ query: 'ok', partSlug: 'a'.repeat(121) }, { partSlug: 'partSlug is at most 120 characters' }],
    [{ query: 'ok', extra: 1 }, { extra: 'property extra should not exist' }],
  ])('rejects %j', (body, expected) => {
    expect(validate(body).errors).toEqual(expected);
  });

  it.each([
    [{ query: 'robot' }],
    [{ query: `  ${'x'.repeat(SEARCH_QUERY_MAX_LENGTH)}  ` }],
    [{ query: '🤖'.repeat(SEARCH_QUERY_MAX_LENGTH) }],
    [{ query: '!!!' }],
    [{ query: 'ROS 2 روبوٹ', limit: 1, layer: 'L5', partSlug: 'capstone-project' }],
    [{ query: 'x', limit: 50 }],
  ])('accepts %j (trimmed)', (body) => {
    const { dto, errors } = validate(body);
    expect(errors).toEqual({});
    expect(dto.query).toBe(String(body.query).trim());
  });
});

describe('query handling', () => {
  it.each([
    ['  robot   arm\n', 'robot arm'],
    ['robot\u0000arm', 'robot arm'],
    ['\t\u0007x\u007f', 'x'],
    ['روبوٹ  ROS', 'روبوٹ ROS'],
  ])('normalizeQuery(%j) = %j', (raw, normalized) => expect(normalizeQuery(raw)).toBe(normalized));

  it.each([
    ['robot', true],
    ['R2', true],
    ['2', true],
    ['روبوٹ', true],
    ['日本', true],
    ['!!!', false],
    ['🤖🦾', false],
    ['— … ? ;', false],
    ["'; --", false],
    ['', false],
  ])('hasSearchableText(%j) = %s', (query, expected) => expect(hasSearchableText(query)).toBe(expected));

  it('renders snippets as safe HTML: everything escaped, then the match sentinels turned into <mark>', () => {
    expect(renderSnippet(`a <script>alert("x")</script> & ${MARK_START}robot${MARK_END}'s\n\n arm`)).toBe(
      'a &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>robot</mark>&#39;s arm',
    );
    expect(renderSnippet('<mark>not ours</mark>')).toBe('&lt;mark&gt;not ours&lt;/mark&gt;');
  });
});
