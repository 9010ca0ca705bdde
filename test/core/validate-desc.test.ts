import { describe, expect, it } from 'vitest';
import { countCost } from '../../src/core/cost/cost.ts';
import { finalizeCandidate, insertCandidate } from '../../src/core/space/grow.ts';
import type { ModelDesc } from '../../src/core/space/model-desc.ts';
import { makePreset } from '../../src/core/presets.ts';
import { createRng } from '../../src/core/rng.ts';
import type { Rng } from '../../src/core/rng.ts';
import { seedDescs } from '../../src/core/space/seeds.ts';
import { DescError, validateDesc } from '../../src/core/space/validate-desc.ts';
import { threeCellDesc, tinyDesc } from './desc-fixtures.ts';

type Mut = (d: unknown) => void;
type Bag = Record<string, unknown>;

/** The value at a dotted path such as `cells.normal.nodes[0].edges` in raw JSON. */
function get(root: unknown, path: string): unknown {
  return path
    .split(/[.[\]]+/)
    .filter(Boolean)
    .reduce<unknown>((x, k) => (x as Bag)[k], root);
}

function set(root: unknown, path: string, value: unknown): void {
  const i = path.search(/[.[][^.[]*$/);
  const key = path.slice(i + 1).replace(']', '');
  (get(root, i < 0 ? '' : path.slice(0, i)) as Bag)[key] = value;
}

const list = (root: unknown, path: string): Bag[] => get(root, path) as Bag[];

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** A 3-node canonical seed, grown and finalised once: sum, multi and candidate nodes all present. */
function richDesc(): ModelDesc {
  const seed = seedDescs(makePreset('paper'), { height: 32, width: 32, channels: 3 }, 10).find(
    (s) => s.macro.nodes === 3 && s.macro.cells === 5 && s.macro.reductions === 2,
  );
  if (!seed) throw new Error('missing seed');
  const g = insertCandidate(seed.desc, 'canonical');
  const zeros = (k: 'normal' | 'reduction') => {
    const c = g.cells[k].nodes.find((n) => n.kind === 'candidate');
    return c && c.kind === 'candidate' ? c.inputs.map(() => c.primitives.map((_, p) => p / 10)) : [];
  };
  return insertCandidate(finalizeCandidate(g, { normal: zeros('normal'), reduction: zeros('reduction') }, 3).desc, 'canonical');
}

function expectDescError(d: unknown, path: string, message?: RegExp): void {
  let err: unknown = null;
  try {
    validateDesc(d);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DescError);
  expect((err as DescError).path).toBe(path);
  if (message) expect((err as DescError).message).toMatch(message);
}

const cases: [string, () => unknown, Mut | null, string, RegExp?][] = [
  ['not an object', () => 42, null, 'desc'],
  ['bad version', tinyDesc, (d) => set(d, 'version', 2), 'version'],
  ['unknown space', tinyDesc, (d) => set(d, 'space', 'darts'), 'space', /"canonical", "ecv2022"/],
  ['zero height', tinyDesc, (d) => set(d, 'input.height', 0), 'input.height', /0 is out of range/],
  ['string channels', tinyDesc, (d) => set(d, 'input.channels', '3'), 'input.channels', /not an integer/],
  ['one class', tinyDesc, (d) => set(d, 'numClasses', 1), 'numClasses'],
  ['fractional C', tinyDesc, (d) => set(d, 'initNodeChannels', 2.5), 'initNodeChannels'],
  ['stem stride 3', tinyDesc, (d) => set(d, 'stemStride', 3), 'stemStride'],
  ['n < 2R+1', threeCellDesc, (d) => set(d, 'nReductions', 2), 'nCells', /need nCells ≥ 2·nReductions\+1 = 5/],
  ['missing cells', tinyDesc, (d) => delete (d as Bag).cells, 'cells', /not an object/],
  ['nodes not an array', tinyDesc, (d) => set(d, 'cells.normal.nodes', {}), 'cells.normal.nodes'],
  ['empty template', tinyDesc, (d) => set(d, 'cells.normal.nodes', []), 'cells.normal.nodes', /expected 1\.\./],
  ['unknown node kind', tinyDesc, (d) => set(d, 'cells.normal.nodes[0].kind', 'concat'), 'cells.normal.nodes[0].kind'],
  ['bad node id', tinyDesc, (d) => set(d, 'cells.normal.nodes[0].id', 'cell/x'), 'cells.normal.nodes[0].id'],
  ['no edges', tinyDesc, (d) => set(d, 'cells.normal.nodes[0].edges', []), 'cells.normal.nodes[0].edges'],
  [
    'input not earlier',
    richDesc,
    (d) => set(d, 'cells.normal.nodes[2]', { kind: 'sum', id: 'p1', edges: [{ input: 5, op: 'max_pool_3x3', stride: 1 }] }),
    'cells.normal.nodes[2].edges[0].input',
    /^cells\.normal\.nodes\[2\]\.edges\[0\]\.input: 5 is not an earlier state \(0\.\.3\)$/,
  ],
  ['negative input', tinyDesc, (d) => set(d, 'cells.normal.nodes[0].edges[1].input', -1), 'cells.normal.nodes[0].edges[1].input'],
  ['unknown op', tinyDesc, (d) => set(d, 'cells.normal.nodes[0].edges[0].op', 'conv_7x7'), 'cells.normal.nodes[0].edges[0].op'],
  ['mbconv in canonical', tinyDesc, (d) => set(d, 'cells.normal.nodes[0].edges[0].op', 'mbconv_r2'), 'cells.normal.nodes[0].edges[0].op'],
  [
    'stride 1 from s0 in a reduction cell',
    threeCellDesc,
    (d) => set(d, 'cells.reduction.nodes[0].edges[0].stride', 1),
    'cells.reduction.nodes[0].edges[0].stride',
    /from s0 in a reduction cell needs stride 2/,
  ],
  ['stride 2 in a normal cell', tinyDesc, (d) => set(d, 'cells.normal.nodes[0].edges[0].stride', 2), 'cells.normal.nodes[0].edges[0].stride'],
  [
    'node counts differ',
    tinyDesc,
    (d) => list(d, 'cells.reduction.nodes').push({ ...clone(list(d, 'cells.reduction.nodes')[0]), id: 'n1' }),
    'cells.reduction.nodes',
    /same count/,
  ],
  [
    'duplicate node id',
    tinyDesc,
    (d) => {
      list(d, 'cells.normal.nodes').push(clone(list(d, 'cells.normal.nodes')[0] as Bag));
      list(d, 'cells.reduction.nodes').push({ ...clone(list(d, 'cells.reduction.nodes')[0]), id: 'n1' });
    },
    'cells.normal.nodes[1].id',
    /n0 is used by more than one node/,
  ],
  ['candidate strides length', richDesc, (d) => (get(d, 'cells.normal.nodes[3].strides') as unknown[]).pop(), 'cells.normal.nodes[3].strides'],
  ['candidate repeats an input', richDesc, (d) => set(d, 'cells.normal.nodes[3].inputs[1]', 0), 'cells.normal.nodes[3].inputs[1]'],
  ['candidate repeats a primitive', richDesc, (d) => set(d, 'cells.normal.nodes[3].primitives[1]', 'max_pool_3x3'), 'cells.normal.nodes[3].primitives[1]'],
  [
    'two candidates',
    richDesc,
    (d) => {
      for (const k of ['normal', 'reduction']) {
        const nodes = list(d, `cells.${k}.nodes`);
        nodes.splice(3, 0, { ...clone(nodes[3]), id: 'p9' });
      }
    },
    'cells.normal.nodes',
    /at most 1/,
  ],
  ['candidate in one template only', richDesc, (d) => set(d, 'cells.reduction.nodes[3]', { ...list(d, 'cells.reduction.nodes')[2], id: 'p2' }), 'cells.reduction.nodes', /has no candidate/],
  ['multi repeats a choice', richDesc, (d) => set(d, 'cells.normal.nodes[2].choices[1]', { ...list(d, 'cells.normal.nodes[2].choices')[0] }), 'cells.normal.nodes[2].choices[1]'],
  ['multi alpha not finite', richDesc, (d) => set(d, 'cells.normal.nodes[2].choices[0].alpha', Number.POSITIVE_INFINITY), 'cells.normal.nodes[2].choices[0].alpha'],
  [
    'input too small for the reductions',
    threeCellDesc,
    (d) => Object.assign(get(d, 'input') as Bag, { height: 1, width: 5 }),
    'input',
    /1×5 shrinks to 1×5 before reduction cell 1/,
  ],
  ['input too small for a stride-2 stem', tinyDesc, (d) => Object.assign(d as Bag, { stemStride: 2, input: { height: 1, width: 1, channels: 1 } }), 'input'],
];

describe('validateDesc', () => {
  it.each(cases.map(([name, make, mutate, path, message]) => ({ name, make, mutate, path, message })))(
    '$name → $path',
    ({ make, mutate, path, message }) => {
    const d = clone(make()) as unknown;
    if (mutate) mutate(d);
    expectDescError(d, path, message);
    },
  );

  it('accepts seeds, grown and finalised descriptions and returns a clean copy', () => {
    const rich = richDesc();
    expect(validateDesc(rich)).toEqual(rich);
    const extra = { ...tinyDesc(), note: 'dropped' };
    expect(validateDesc(extra)).toEqual(tinyDesc());
    // An odd C is fine: FactorizedReduce only ever sees the doubled C of a reduction or later cell.
    expect(validateDesc({ ...threeCellDesc(), initNodeChannels: 3 }).initNodeChannels).toBe(3);
  });

  it('fuzz: random mutations of valid descriptions give a DescError or a valid, costable description', () => {
    const rng = createRng(1234);
    const bases = [tinyDesc(), threeCellDesc(), richDesc(), insertCandidate(tinyDesc('ecv2022'), 'ecv2022')];
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const d = clone(rng.pick(bases)) as unknown;
      const n = 1 + rng.int(3);
      for (let m = 0; m < n; m++) mutateOnce(d, rng);
      try {
        const ok = validateDesc(d);
        expect(validateDesc(clone(ok))).toEqual(ok);
        expect(Number.isFinite(countCost(ok).madd)).toBe(true);
      } catch (e) {
        if (!(e instanceof DescError)) throw new Error(`non-DescError for ${JSON.stringify(d)}: ${String(e)}`);
        expect(e.message.startsWith(`${e.path}: `)).toBe(true);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(1500);
  });
});

const ODD_VALUES: unknown[] = [null, undefined, -1, 0, 1, 2, 3, 5, 1.5, Number.NaN, 1e9, '', 'x', 'n0', 'p1', 'none', 'sep_conv_3x3', 'mbconv_r1', 'sum', 'multi', 'candidate', true, [], {}, [0, 1]];

/** Replaces, deletes or duplicates one random value somewhere in the JSON tree. */
function mutateOnce(root: unknown, rng: Rng): void {
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach((v, i) => (slots.push([x, i]), walk(v)));
    else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) (slots.push([x as Record<string, unknown>, k]), walk(v));
  };
  walk(root);
  if (slots.length === 0) return;
  const [parent, key] = rng.pick(slots);
  const action = rng.int(4);
  if (Array.isArray(parent)) {
    const i = key as number;
    if (action === 0) parent.splice(i, 1);
    else if (action === 1) parent.push(clone(parent[i]));
    else parent[i] = rng.pick(ODD_VALUES);
  } else if (action === 0) {
    delete parent[key as string];
  } else {
    parent[key as string] = rng.pick(ODD_VALUES);
  }
}
