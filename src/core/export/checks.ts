// Consistency checks of a frontier export that a field-by-field schema cannot express: unique ids, parents,
// hull and ε-band lists that agree with the points' flags, and descriptions that fit the dataset.

import type { FrontierExport } from './format.ts';
import { DescError, validateDesc } from '../space/validate-desc.ts';

function checkIds(exp: FrontierExport, ids: ReadonlySet<string>, problems: string[]): void {
  const seen = new Set<string>();
  exp.points.forEach((p, i) => {
    if (seen.has(p.id)) problems.push(`points[${i}].id: "${p.id}" appears more than once`);
    seen.add(p.id);
    if (p.parentId !== null && !ids.has(p.parentId)) {
      problems.push(`points[${i}].parentId: "${p.parentId}" is not the id of any point in the file`);
    }
  });
}

function checkMembership(exp: FrontierExport, ids: ReadonlySet<string>, problems: string[]): void {
  const lists = { hull: exp.hull, epsBand: exp.epsBand } as const;
  for (const [name, list] of Object.entries(lists)) {
    list.forEach((id, k) => {
      if (!ids.has(id)) problems.push(`${name}[${k}]: "${id}" is not the id of any point in the file`);
    });
  }
  const hull = new Set(exp.hull);
  const band = new Set(exp.epsBand);
  exp.points.forEach((p, i) => {
    if (p.onHull !== hull.has(p.id)) problems.push(`points[${i}].onHull: ${p.onHull} disagrees with the hull list`);
    if (p.inEpsBand !== band.has(p.id)) {
      problems.push(`points[${i}].inEpsBand: ${p.inEpsBand} disagrees with the epsBand list`);
    }
    if (p.onHull && !p.inEpsBand) problems.push(`points[${i}]: a hull point must also be in the ε-band`);
  });
  for (const [name, id] of Object.entries(exp.best)) {
    if (id !== null && !ids.has(id)) problems.push(`best.${name}: "${id}" is not the id of any point in the file`);
  }
}

/** The full check (ops of the space, strides, shapes), beyond what the structural schema sees. */
function semanticProblem(desc: unknown): string | null {
  try {
    validateDesc(desc);
    return null;
  } catch (e) {
    if (e instanceof DescError) return e.message;
    return `(check failed) ${e instanceof Error ? e.message : String(e)}`;
  }
}

function checkDescs(exp: FrontierExport, problems: string[]): void {
  const { shape, numClasses } = exp.dataset;
  exp.points.forEach((p, i) => {
    const { input } = p.desc;
    if (input.height !== shape.height || input.width !== shape.width || input.channels !== shape.channels) {
      problems.push(
        `points[${i}].desc.input: ${input.height}×${input.width}×${input.channels} does not match the dataset's ` +
          `${shape.height}×${shape.width}×${shape.channels}`,
      );
    }
    if (p.desc.numClasses !== numClasses) {
      problems.push(`points[${i}].desc.numClasses: ${p.desc.numClasses}, but the dataset has ${numClasses} classes`);
    }
    const semantic = semanticProblem(p.desc);
    if (semantic) problems.push(`points[${i}].desc.${semantic}`);
  });
}

/** Every inconsistency found, as `path: problem` lines; empty when the file holds together. */
export function checkFrontierConsistency(exp: FrontierExport): string[] {
  const problems: string[] = [];
  const ids = new Set(exp.points.map((p) => p.id));
  checkIds(exp, ids, problems);
  checkMembership(exp, ids, problems);
  checkDescs(exp, problems);
  return problems;
}
