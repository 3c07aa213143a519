import type { LayerDto, LessonType } from '@lectern/api-types';

export interface LayerBadge {
  id: string;
  /** "L2 · Simulation and digital twins" (just "L2" when the book does not name it). */
  text: string;
}

/**
 * The badges for a layer value: one for `L2`, one per level for a part that
 * spans levels (`L2-L3`), in the book's order; none in a book without layers
 * (null).
 */
export function layerBadges(layer: string | null, layers: readonly LayerDto[]): LayerBadge[] {
  if (layer === null) return [];
  const ids = layer
    .split('-')
    .map((id) => id.trim())
    .filter(Boolean);
  let span = ids;
  if (ids.length === 2) {
    const from = layers.findIndex((l) => l.id === ids[0]);
    const to = layers.findIndex((l) => l.id === ids[1]);
    if (from >= 0 && to > from) span = layers.slice(from, to + 1).map((l) => l.id);
  }
  return span.map((id) => {
    const label = layers.find((l) => l.id === id)?.label;
    return { id, text: label ? `${id} · ${label}` : id };
  });
}

/** "Lab" and "Summary" get a badge; plain lessons do not. */
export function typeLabel(type: LessonType): string | null {
  switch (type) {
    case 'lab':
      return 'Lab';
    case 'summary':
      return 'Summary';
    case 'lesson':
      return null;
  }
}

/** "career_change" → "Career change". */
export function goalLabel(goal: string): string {
  const words = goal.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
