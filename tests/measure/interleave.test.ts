import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { interleaveGroups, measureInterleaved, type Steppable } from '../../src/measure/interleave.js';
import type { Result } from '../../src/measure/result.js';

/** A measurement that takes `blocks` steps, logging each one; `failAt`: the step at which it ends errored. */
function steps(name: string, blocks: number, log: string[], opts: { failAt?: number; onStep?: () => void } = {}): Steppable {
  let taken = 0;
  let final: Result | null = null;
  const end = (status: Result['status']): void => void (final = { id: name, status } as Result);
  return {
    get done() {
      return final !== null;
    },
    get outcome() {
      if (!final) throw new Error('not finished');
      return final;
    },
    async step() {
      taken++;
      log.push(`${name}${taken}`);
      opts.onStep?.();
      if (taken === opts.failAt) end('errored');
      else if (taken === blocks) end('completed');
    },
    abandon() {
      if (!final) end('aborted');
      return final!;
    },
  };
}

describe('interleaveGroups', () => {
  const item = (device: string, memoryBytes: number, name: string) => ({ device, memoryBytes, name });
  const names = (groups: Array<Array<{ name: string }>>): string[][] => groups.map((g) => g.map((i) => i.name));

  it("groups each device's consecutive results, one group per device", () => {
    const items = [item('cpu0', 10, 'a'), item('cpu0', 10, 'b'), item('webgpu0', 10, 'c'), item('webgpu0', 10, 'd'), item('cpu0', 10, 'e')];
    expect(names(interleaveGroups(items, 1000, true))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it("closes a group before the inputs it holds would pass half the host's available memory", () => {
    const items = [item('cpu0', 30, 'a'), item('cpu0', 20, 'b'), item('cpu0', 10, 'c'), item('cpu0', 40, 'd')];
    // 30 + 20 = 50 ≤ 100 / 2; + 10 would be 60; 10 + 40 = 50.
    expect(names(interleaveGroups(items, 100, true))).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('measures every result in a stretch of its own when interleaving is off', () => {
    const items = [item('cpu0', 1, 'a'), item('cpu0', 1, 'b')];
    expect(names(interleaveGroups(items, 1000, false))).toEqual([['a'], ['b']]);
  });
});

describe('measureInterleaved', () => {
  it('takes one step of every unfinished result per round, in a random order that the seed repeats', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const log: string[] = [];
      await measureInterleaved([steps('a', 3, log), steps('b', 5, log), steps('c', 3, log)], new Rng(seed), new AbortController().signal);
      return log;
    };
    const log = await run(1);
    // Rounds 1–3 hold one step of each; rounds 4–5 only b's.
    for (const r of [0, 1, 2]) expect(log.slice(3 * r, 3 * r + 3).sort()).toEqual([`a${r + 1}`, `b${r + 1}`, `c${r + 1}`]);
    expect(log.slice(9)).toEqual(['b4', 'b5']);
    expect(await run(1)).toEqual(log);
    // Over a few seeds the rounds' orders differ (a fixed rotation would give one order).
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) orders.add((await run(seed)).slice(0, 3).map((s) => s[0]).join(''));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('returns the results in the given order, reports each as it ends, and lets a failed result drop out', async () => {
    const log: string[] = [];
    const done: string[] = [];
    const results = await measureInterleaved([steps('a', 4, log, { failAt: 2 }), steps('b', 3, log)], new Rng(3), new AbortController().signal, {
      onDone: (i, r) => done.push(`${i}:${r.status}`),
    });
    expect(results.map((r) => `${r.id}:${r.status}`)).toEqual(['a:errored', 'b:completed']);
    expect(done).toEqual(['0:errored', '1:completed']);
    expect(log.filter((s) => s.startsWith('a'))).toEqual(['a1', 'a2']);
  });

  it('says which step is a result’s first', async () => {
    const firsts: string[] = [];
    await measureInterleaved([steps('a', 2, []), steps('b', 2, [])], new Rng(1), new AbortController().signal, { onStep: (i, first) => firsts.push(`${i}${first ? '+' : '-'}`) });
    expect(firsts.filter((s) => s.endsWith('+')).sort()).toEqual(['0+', '1+']);
    expect(firsts).toHaveLength(4);
  });

  it('once interrupted starts no further step and marks the unfinished aborted', async () => {
    const controller = new AbortController();
    const log: string[] = [];
    const stopAfterFour = (): void => {
      if (log.length === 4) controller.abort();
    };
    const results = await measureInterleaved([steps('a', 2, log, { onStep: stopAfterFour }), steps('b', 9, log, { onStep: stopAfterFour })], new Rng(1), controller.signal);
    expect(log).toHaveLength(4);
    expect(results.map((r) => r.status)).toEqual(['completed', 'aborted']);
  });
});
