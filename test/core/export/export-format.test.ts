import { describe, expect, it } from 'vitest';
import {
  FRONTIER_SCHEMA_VERSION,
  FrontierFormatError,
  buildFrontierExport,
  csvField,
  frontierToCsv,
  parseFrontierExport,
  poolToCsv,
  type FrontierExport,
} from '../../../src/core/export/format.ts';
import { makePoint, makeRunInfo } from '../frontier-fixtures.ts';

const choices = {
  normal: [{ input: 0, op: 'sep_conv_3x3' as const, stride: 1 as const, alpha: 0.7 }],
  reduction: [{ input: 1, op: 'avg_pool_3x3' as const, stride: 2 as const, alpha: -0.4 }],
};

const tested = (testAcc: number) => ({ testAcc, testCount: 50, testSource: 'test' as const });
const pool = [
  makePoint('c', 300, 0.25, tested(0.7)),
  makePoint('a', 100, 0.3, tested(0.68)),
  makePoint('b', 200, 0.2),
  makePoint('d', 400, 0.1, { stage: 'search_trained', parentId: 'b', choices, macro: { cells: 3, reductions: 1, nodes: 2 }, ...tested(0.88) }),
  makePoint('e', 300, 0.152, { parentId: 'a', createdAt: 5000, ...tested(0.8) }),
];

function build(): FrontierExport {
  return buildFrontierExport({ run: makeRunInfo(), points: pool, exportedAt: Date.UTC(2025, 0, 2), appVersion: '0.1.0' });
}

function broken(edit: (x: Record<string, unknown> & FrontierExport) => void): unknown {
  const copy = JSON.parse(JSON.stringify(build())) as Record<string, unknown> & FrontierExport;
  edit(copy);
  return copy;
}

function parseError(json: unknown): string {
  try {
    parseFrontierExport(json);
  } catch (e) {
    expect(e).toBeInstanceOf(FrontierFormatError);
    return (e as Error).message;
  }
  throw new Error('expected parseFrontierExport to fail');
}

describe('buildFrontierExport', () => {
  it('holds every point with its hull and ε-band membership and the best models', () => {
    const exp = build();
    expect(exp.schemaVersion).toBe(FRONTIER_SCHEMA_VERSION);
    expect(exp.exportedAt).toBe('2025-01-02T00:00:00.000Z');
    expect(exp.points.map((p) => p.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(exp.hull).toEqual(['a', 'b', 'd']);
    expect(exp.epsBand).toEqual(['a', 'b', 'e', 'd']);
    const byId = new Map(exp.points.map((p) => [p.id, p]));
    expect(byId.get('c')).toMatchObject({ onHull: false, inEpsBand: false });
    expect(byId.get('e')).toMatchObject({ onHull: false, inEpsBand: true, parentId: 'a' });
    expect(byId.get('d')).toMatchObject({ onHull: true, stage: 'search_trained', choices, macro: { nodes: 2 } });
    expect(exp.best).toEqual({ lowestError: 'd', lowestErrorUnderBudget: 'b' });
    expect(exp.dataset.id).toBe('mnist-8');
    expect(exp.run.preset.eps).toBe(0.025);
    expect(JSON.stringify(exp)).not.toContain('weightsKey');
    expect(byId.get('d')).toMatchObject({ testAcc: 0.88, testCount: 50, testSource: 'test' });
    expect(byId.get('b')).toMatchObject({ testAcc: null, testCount: null, testSource: null });
  });

  it('chooses nothing by test accuracy: other test accuracies give the same hull, band and best', () => {
    const other = pool.map((p, i) => ({ ...p, testAcc: [0.99, 0.01, 0.5, 0.02, 0.97][i] as number, testCount: 50, testSource: 'test' as const }));
    const exp = build();
    const alt = buildFrontierExport({ run: makeRunInfo(), points: other, exportedAt: Date.UTC(2025, 0, 2), appVersion: '0.1.0' });
    expect([alt.hull, alt.epsBand, alt.best]).toEqual([exp.hull, exp.epsBand, exp.best]);
    expect(alt.points.map((p) => [p.onHull, p.inEpsBand])).toEqual(exp.points.map((p) => [p.onHull, p.inEpsBand]));
  });

  it('handles an empty pool', () => {
    const exp = buildFrontierExport({ run: makeRunInfo(), points: [], exportedAt: 0, appVersion: 'x' });
    expect(exp).toMatchObject({ points: [], hull: [], epsBand: [], best: { lowestError: null } });
    expect(parseFrontierExport(JSON.stringify(exp))).toEqual(exp);
  });
});

describe('parseFrontierExport', () => {
  it('round-trips through JSON text', () => {
    const exp = build();
    const text = JSON.stringify(exp);
    expect(parseFrontierExport(text)).toEqual(exp);
    expect(parseFrontierExport(JSON.parse(text))).toEqual(exp);
  });

  it('names the bad field path', () => {
    expect(parseError(broken((x) => ((x.points[2] as { madd: unknown }).madd = 'lots')))).toMatch(/points\[2\]\.madd/);
    expect(
      parseError(broken((x) => ((x.points[3]!.desc.cells.normal.nodes[0] as { kind: string }).kind = 'conv'))),
    ).toMatch(/points\[3\]\.desc\.cells\.normal\.nodes\[0\]\.kind/);
    expect(parseError(broken((x) => ((x.run.preset as { eps: unknown }).eps = -1)))).toMatch(/run\.preset\.eps/);
    expect(parseError(broken((x) => delete (x.dataset as Partial<typeof x.dataset>).shape))).toMatch(/dataset\.shape/);
    expect(parseError(broken((x) => ((x.points[0] as { error: number }).error = 1.5)))).toMatch(/points\[0\]\.error/);
  });

  it('rejects files that are not exports, or newer ones', () => {
    expect(parseError('{not json')).toMatch(/not JSON/);
    expect(parseError([1, 2])).toMatch(/expected a JSON object, got an array/);
    expect(parseError(broken((x) => (x.format = 'something-else' as 'petridish-frontier')))).toMatch(/^.*format: expected "petridish-frontier"/);
    expect(parseError(broken((x) => (x.schemaVersion = 3 as 2)))).toMatch(/schemaVersion: 3 is newer than this app reads \(2\)/);
    expect(parseError(broken((x) => ((x.points[0] as { testAcc: unknown }).testAcc = 1.2)))).toMatch(/points\[0\]\.testAcc/);
  });

  it('imports a version 1 file (from before test accuracy): no test accuracy, testExamples null', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../fixtures/frontier-v1.json', import.meta.url), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ schemaVersion: 1 });
    expect(text).not.toContain('testAcc');
    const exp = parseFrontierExport(text);
    expect(exp.schemaVersion).toBe(1);
    expect(exp.run.preset.testExamples).toBeNull();
    expect(exp.points.map((p) => [p.id, p.error, p.testAcc])).toEqual([['p1', 0.31, undefined], ['p2', 0.24, undefined]]);
    expect(frontierToCsv(exp).split('\r\n')[1]).toBe('p1,,job-p1,seed_trained,3,1,1,1200000,120000,0.31,,,1,0,true,true,2025-01-04T14:13:20.000Z');
  });

  it('rejects inconsistent ids, flags and descriptions', () => {
    expect(parseError(broken((x) => (x.points[4]!.parentId = 'ghost')))).toMatch(/points\[4\]\.parentId: "ghost"/);
    expect(parseError(broken((x) => (x.points[1]!.id = 'a')))).toMatch(/points\[1\]\.id: "a" appears more than once/);
    expect(parseError(broken((x) => x.hull.push('nobody')))).toMatch(/hull\[3\]: "nobody"/);
    expect(parseError(broken((x) => (x.points[2]!.inEpsBand = true)))).toMatch(/points\[2\]\.inEpsBand/);
    expect(parseError(broken((x) => (x.best.lowestError = 'zz')))).toMatch(/best\.lowestError/);
    expect(parseError(broken((x) => (x.points[0]!.desc.numClasses = 3)))).toMatch(/points\[0\]\.desc\.numClasses/);
  });

  it('applies the full description check', () => {
    const bad = broken((x) => {
      const node = x.points[1]!.desc.cells.reduction.nodes[0] as { edges: { stride: number }[] };
      node.edges[0]!.stride = 1;
    });
    expect(parseError(bad)).toMatch(/points\[1\]\.desc\.cells\.reduction\.nodes\[0\]\.edges\[0\]\.stride: 1 but/);
  });
});

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('writes numbers without floating-point noise, keeping integers and 12 significant digits', () => {
    expect(1 - 0.69).toBe(0.31000000000000005);
    expect(csvField(1 - 0.69)).toBe('0.31');
    expect(csvField(0.1 + 0.2)).toBe('0.3');
    expect(csvField(169190)).toBe('169190');
    expect(csvField(0.123456789012345)).toBe('0.123456789012');
    expect(csvField(1e-7)).toBe('1e-7');
  });

  it('writes one row per point with hull and band flags', () => {
    const odd = makePoint('x,"1"', 50, 0.5, { parentId: null });
    const csv = poolToCsv([odd, ...pool], { hull: ['x,"1"'], epsBand: ['x,"1"', 'e'] });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'id,parent_id,job_id,stage,cells,reductions,nodes,madd,params,error,test_acc,test_count,epochs,sampling_count,on_hull,in_eps_band,created_at',
    );
    expect(lines[1]).toBe(`"x,""1""",,"job-x,""1""",seed_trained,3,1,1,50,5,0.5,,,1,0,true,true,${new Date(1050).toISOString()}`);
    expect(lines[5]).toMatch(/^d,b,job-d,search_trained,3,1,2,400,40,0\.1,0\.88,50,1,/);
    expect(lines[6]).toMatch(/^e,a,job-e,seed_trained,.*,false,true,/);
    expect(lines).toHaveLength(pool.length + 3);
    expect(lines.at(-1)).toBe('');
  });

  it('marks the export hull and band', () => {
    const rows = frontierToCsv(build()).trim().split('\r\n').slice(1);
    const flags = rows.map((r) => r.split(',').slice(-3, -1).join(' '));
    expect(flags).toEqual(['true true', 'true true', 'false false', 'true true', 'false true']);
  });
});

describe('docs/export-format.md', () => {
  it('its example parses and its CSV is what poolToCsv writes', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/export-format.md', import.meta.url), 'utf8');
    const json = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    const csv = /Its CSV:\n\n```\n([\s\S]*?)\n```/.exec(doc)?.[1];
    const exp = parseFrontierExport(json ?? '');
    expect(exp.points.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(frontierToCsv(exp).trimEnd().split('\r\n')).toEqual(csv?.split('\n'));
  });

  it('reports a wrong node kind as the docs show', () => {
    const exp = JSON.parse(JSON.stringify(build())) as FrontierExport;
    (exp.points[3]!.desc.cells.normal.nodes[0] as { kind: string }).kind = 'conv';
    expect(parseError(exp)).toContain('points[3].desc.cells.normal.nodes[0].kind: Invalid discriminator value. Expected \'sum\' | \'candidate\' | \'multi\'');
  });
});
