import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readyBatches } from './ready-batches.js';

/** Yields `groups` in turn: the items of one group at once, a timer (I/O) between groups. */
async function* grouped(groups: number[][], signal?: AbortSignal): AsyncGenerator<number> {
  for (const group of groups) {
    await sleep(5, undefined, { signal }).catch(() => undefined);
    if (signal?.aborted) return;
    for (const item of group) yield item;
  }
}

describe('readyBatches', () => {
  it('groups what the source holds without waiting, and splits at each wait', async () => {
    const seen: number[][] = [];
    for await (const batch of readyBatches(grouped([[1, 2, 3], [4], [5, 6]]), 100)) seen.push(batch);
    expect(seen).toEqual([[1, 2, 3], [4], [5, 6]]);
  });

  it('never makes a batch larger than max', async () => {
    const seen: number[][] = [];
    for await (const batch of readyBatches(grouped([[1, 2, 3, 4, 5]]), 2)) seen.push(batch);
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('lets the caller leave while the source is mid-read, and closes the source once its signal ends the read', async () => {
    const ctl = new AbortController();
    let closed = false;
    async function* source() {
      try {
        yield* grouped([[1], [2]], ctl.signal);
        await sleep(60_000, undefined, { signal: ctl.signal }).catch(() => undefined);
      } finally {
        closed = true;
      }
    }
    const seen: number[][] = [];
    for await (const batch of readyBatches(source(), 10)) {
      seen.push(batch);
      if (seen.length === 2) break; // the source is now waiting for its next group
    }
    expect(seen).toEqual([[1], [2]]);
    await sleep(20);
    expect(closed).toBe(false); // still reading: leaving did not wait for it

    ctl.abort();
    await sleep(20);
    expect(closed).toBe(true);
  });
});
