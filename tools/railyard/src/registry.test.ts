import { CATEGORIES } from '@railyard/contracts';
import { describe, expect, it } from 'vitest';
import { AGGREGATES } from './registry.js';

describe('the category registry', () => {
  it('has a CLI fold for every category of the contracts, upcasting with the category’s own catalogue', () => {
    const missing = CATEGORIES.filter(({ category }) => !AGGREGATES.has(category));
    expect(missing.map((c) => `${c.category} (owned by ${c.owner}: add its fold to its aggregates.ts)`)).toEqual([]);
    for (const { category, catalogue } of CATEGORIES) {
      const fold = AGGREGATES.get(category);
      if (fold) expect(fold.catalogue, `the fold of ${category}`).toBe(catalogue);
    }
  });

  it('has no fold for a category the contracts do not know', () => {
    const known = new Set(CATEGORIES.map((c) => c.category as string));
    expect([...AGGREGATES.keys()].filter((category) => !known.has(category))).toEqual([]);
  });

  it('gives every category a catalogue whose keys are its events’ types', () => {
    for (const { category, catalogue } of CATEGORIES) {
      expect(Object.keys(catalogue).length, category).toBeGreaterThan(0);
      for (const [key, definition] of Object.entries(catalogue)) expect(definition.type, category).toBe(key);
    }
  });
});
