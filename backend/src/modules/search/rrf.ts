/**
 * Reciprocal-rank fusion, the reference for the SQL in search.sql.ts (which
 * fuses inside PostgreSQL; the integration test checks they agree): each
 * candidate scores Σ 1 / (k + rank) over the lists it is in (ranks from 1),
 * at most `perGroup` candidates of one group (lesson) are kept, best first;
 * ties go to a candidate that matched every query word in full-text (`exact`),
 * then the group name, then the earlier position within the group.
 */
export interface RankedCandidate {
  id: string;
  group: string;
  /** Order within the group, for ties. */
  position: number;
  /** Matched every query word in full-text: wins a tie against a candidate that did not (a pure vector neighbour). */
  exact?: boolean;
}

export interface FusedCandidate extends RankedCandidate {
  score: number;
}

export function reciprocalRankFusion(
  lists: ReadonlyArray<readonly RankedCandidate[]>,
  options: { k?: number; perGroup?: number; limit?: number } = {},
): FusedCandidate[] {
  const k = options.k ?? 60;
  const fused = new Map<string, FusedCandidate>();
  for (const list of lists) {
    list.forEach((candidate, index) => {
      const entry = fused.get(candidate.id) ?? { ...candidate, score: 0 };
      entry.score += 1 / (k + index + 1);
      entry.exact = Boolean(entry.exact || candidate.exact);
      fused.set(candidate.id, entry);
    });
  }
  const ordered = [...fused.values()].sort(
    (a, b) =>
      b.score - a.score ||
      Number(Boolean(b.exact)) - Number(Boolean(a.exact)) ||
      (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) ||
      a.position - b.position,
  );
  const perGroup = new Map<string, number>();
  const kept: FusedCandidate[] = [];
  for (const candidate of ordered) {
    const seen = perGroup.get(candidate.group) ?? 0;
    if (seen >= (options.perGroup ?? Number.POSITIVE_INFINITY)) continue;
    perGroup.set(candidate.group, seen + 1);
    kept.push(candidate);
  }
  return kept.slice(0, options.limit ?? kept.length);
}
