/** Seeded samples for the statistics tests: mulberry32 (a small public-domain PRNG) and Box–Muller. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalSample(random: () => number, n: number, mean: number, sd: number): number[] {
  return Array.from({ length: n }, () => {
    const u = 1 - random();
    const v = random();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });
}

/** Small integer counts (many ties), as error counts per scrape look. */
export function countSample(random: () => number, n: number, max: number): number[] {
  return Array.from({ length: n }, () => Math.floor(random() * (max + 1)));
}
