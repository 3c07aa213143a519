import { batchByTokens } from './batching';
import { reciprocalRankFusion } from './rrf';
import { candidatesFor, fallbackQuery, hnswSettingsSql, searchSql, VECTOR_COLUMN_DIMENSIONS, vectorLiteral } from './search.sql';

describe('reciprocal-rank fusion', () => {
  const c = (id: string, group = id, position = 0) => ({ id, group, position });

  it('scores Σ 1/(k + rank) over the lists a candidate is in', () => {
    const fused = reciprocalRankFusion(
      [
        [c('a'), c('b')],
        [c('b'), c('c')],
      ],
      { k: 60 },
    );
    expect(fused.map((f) => [f.id, f.score])).toEqual([
      ['b', 1 / 62 + 1 / 61],
      ['a', 1 / 61],
      ['c', 1 / 62],
    ]);
  });

  it('lets agreement beat a single first place', () => {
    const fused = reciprocalRankFusion([
      [c('solo'), c('both')],
      [c('x'), c('both')],
    ]);
    expect(fused[0].id).toBe('both');
  });

  it('keeps at most perGroup candidates of a group, then the limit', () => {
    const list = [c('a1', 'a', 1), c('a2', 'a', 2), c('a3', 'a', 3), c('b1', 'b', 1)];
    expect(reciprocalRankFusion([list], { perGroup: 2 }).map((f) => f.id)).toEqual(['a1', 'a2', 'b1']);
    expect(reciprocalRankFusion([list], { perGroup: 2, limit: 2 }).map((f) => f.id)).toEqual(['a1', 'a2']);
  });

  it('breaks ties by group, then position (as the SQL does)', () => {
    const fused = reciprocalRankFusion([
      [c('z', 'z'), c('a2', 'a', 2)],
      [c('a2', 'a', 2), c('z', 'z')],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['a2', 'z']);
  });

  it('breaks a tie toward a candidate matching every query word in full-text', () => {
    // A new section found by full-text only, tied with the top vector neighbour.
    const fused = reciprocalRankFusion([[{ ...c('new', 'z-lesson'), exact: true }], [c('box', 'a-lesson')]]);
    expect(fused.map((f) => [f.id, f.score])).toEqual([
      ['new', 1 / 61],
      ['box', 1 / 61],
    ]);
  });

  it('lets a higher score beat an exact match', () => {
    const fused = reciprocalRankFusion([
      [{ ...c('exact'), exact: true }, c('both')],
      [c('both'), c('x')],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['both', 'exact', 'x']);
  });

  it('is empty for no candidates', () => {
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});

describe('embedding batches', () => {
  const limits = { maxTokens: 100, maxInputs: 3 };

  it.each([
    [[], []],
    [[10, 20, 30], [[10, 20, 30]]],
    [
      [10, 20, 30, 40],
      [[10, 20, 30], [40]],
    ],
    [
      [60, 50, 40, 10],
      [[60], [50, 40, 10]],
    ],
    [
      [150, 10],
      [[150], [10]],
    ],
    [
      [100, 1],
      [[100], [1]],
    ],
  ])('%j → %j', (sizes, batches) => {
    expect(batchByTokens(sizes, (n) => n, limits)).toEqual(batches);
  });
});

describe('search SQL', () => {
  it.each([
    ['how do robots keep their balance', true],
    ['open-vocabulary detector', true],
    ['"digital twin"', false],
    ['robot -wheels', false],
    ['gazebo or unity', false],
    ['sensor-fusion or', false],
    ['robot orders', true],
  ])('fallbackQuery(%j) keeps the any-word fallback: %s', (query, kept) => {
    expect(fallbackQuery(query)).toBe(kept ? query : null);
  });

  it('pads vectors to the column size with zeros and refuses larger ones', () => {
    const literal = vectorLiteral([0.5, -1]);
    expect(literal.startsWith('[0.5,-1,0,0')).toBe(true);
    expect(literal.split(',')).toHaveLength(VECTOR_COLUMN_DIMENSIONS);
    expect(() => vectorLiteral(new Array<number>(VECTOR_COLUMN_DIMENSIONS + 1).fill(0))).toThrow(/does not fit/);
  });

  it('asks each side for enough candidates and sets ef_search to match', () => {
    expect([1, 10, 50].map(candidatesFor)).toEqual([40, 40, 200]);
    expect(hnswSettingsSql(200)).toBe('SET LOCAL hnsw.ef_search = 200; SET LOCAL hnsw.iterative_scan = relaxed_order');
    expect(hnswSettingsSql(5)).toContain('ef_search = 100;');
  });

  it('binds every user value as a parameter', () => {
    for (const hybrid of [false, true]) {
      const sql = searchSql(hybrid);
      expect(sql).toContain("websearch_to_tsquery('english', $1)");
      expect([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])).reduce((a, b) => Math.max(a, b), 0)).toBe(hybrid ? 9 : 6);
    }
    expect(searchSql(true)).toContain('e.embedding <=> $7::vector');
    expect(searchSql(false)).not.toContain('chunk_embeddings');
  });
});
