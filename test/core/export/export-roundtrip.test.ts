// Every export the app writes imports: frontier exports of runs with edge-case values (ties in MAdd, one-ulp
// error differences, errors of 0 and 1, empty histories, extreme finite numbers, awkward names, lineage
// chains) are written to JSON text and read back equal; a pool the importer would refuse is refused at the
// write, naming the field.

import { describe, expect, it } from 'vitest';
import { FrontierFormatError, buildFrontierExport, parseFrontierExport } from '../../../src/core/export/format.ts';
import type { EpochMetrics, PoolPoint } from '../../../src/core/search-types.ts';
import { createRng, type Rng } from '../../../src/core/rng.ts';
import { makePoint, makeRunInfo, tinyDesc } from '../frontier-fixtures.ts';

const bits = new DataView(new ArrayBuffer(8));
function ulpAbove(v: number): number {
  bits.setFloat64(0, v);
  bits.setBigUint64(0, bits.getBigUint64(0) + 1n);
  return bits.getFloat64(0);
}

const NUMBERS = [0, 1, 0.5, 0.1 + 0.2, 1e-300, 5e-324, 1e300, Number.MAX_VALUE, 123456789.123];
const NAMES = ['', 'plain', 'quotes " and \\ backslash', 'line\nbreak, comma', 'ünïcödé ✓ 🧫', '<script>'];

function randomHistory(rng: Rng): EpochMetrics[] {
  return Array.from({ length: rng.int(4) }, (_, e) => ({ epoch: e + 1, trainLoss: rng.pick(NUMBERS), trainAcc: rng.pick([0, 1, 0.37]),
    valLoss: rng.pick(NUMBERS), valAcc: rng.pick([0, 1, 0.37]), lr: rng.pick(NUMBERS), seconds: rng.pick(NUMBERS) }));
}

function randomPool(rng: Rng): PoolPoint[] {
  const pool: PoolPoint[] = [];
  const n = rng.int(9);
  for (let k = 0; k < n; k++) {
    const prev = pool.length > 0 ? rng.pick(pool) : null;
    const madd = prev && rng.next() < 0.3 ? prev.madd : rng.pick([0, 1, 5e5, 2e8, 1e12]);
    const error = prev && rng.next() < 0.3 ? Math.min(1, ulpAbove(prev.error)) : rng.pick([0, 1, 0.1, 0.2, 1 - 1e-16]);
    const grown = prev !== null && rng.next() < 0.5;
    pool.push(makePoint(`p${k}`, madd, error, {
      stage: grown ? 'search_trained' : 'seed_trained',
      parentId: grown ? prev.id : null,
      desc: tinyDesc(1 + rng.int(2)),
      history: randomHistory(rng),
      samplingCount: rng.int(1000),
      createdAt: rng.pick([0, 1000, 1000, 1.7e12]) + k,
      choices: grown ? { normal: [{ input: 0, op: 'skip_connect', stride: 1, alpha: rng.pick([-3, 1e-30, 0.5]) }], reduction: [] } : null,
      ...(rng.next() < 0.5 ? { inheritance: { inherited: rng.int(1000), fresh: rng.int(1000) } } : {}),
    }));
  }
  return pool;
}

describe('frontier exports of edge-case runs', () => {
  it('300 random runs from a fixed seed: the JSON text the app writes imports, equal to what was built', () => {
    const rng = createRng(4242);
    for (let trial = 0; trial < 300; trial++) {
      const points = randomPool(rng);
      const run = makeRunInfo({ name: rng.pick(NAMES), status: rng.pick(['running', 'paused', 'finished', 'stopped', 'imported'] as const),
        budgetMadd: rng.pick([null, 1, 2e8]), workers: 1 + rng.int(4) });
      const exp = buildFrontierExport({ run, points, exportedAt: rng.pick([0, Date.UTC(2026, 10, 29)]), appVersion: '0.1.0' });
      const text = JSON.stringify(exp, null, 2);
      expect(parseFrontierExport(text), text).toEqual(exp);
      expect(exp.points).toHaveLength(points.length);
    }
  });

  it('refuses to write a pool the importer would refuse, naming the field', () => {
    const good = makePoint('a', 100, 0.2);
    const bad = makePoint('b', 200, 0.1, { history: [{ ...good.history[0]!, valLoss: Number.NaN }] });
    const err = (() => {
      try {
        buildFrontierExport({ run: makeRunInfo(), points: [good, bad], exportedAt: 0, appVersion: 'x' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(FrontierFormatError);
    expect((err as Error).message).toMatch(/^The export of run "first run" would not import, so it was not written: points\[1\]\.history\[0\]\.valLoss/);
    const orphan = makePoint('c', 300, 0.05, { parentId: 'gone' });
    expect(() => buildFrontierExport({ run: makeRunInfo(), points: [good, orphan], exportedAt: 0, appVersion: 'x' }))
      .toThrow(/points\[1\]\.parentId: "gone" is not the id of any point/);
  });
});
