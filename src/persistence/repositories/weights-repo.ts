// Trained weights, in their own store keyed by weightsKey, so pool listings never load them.

import type { NamedWeights } from '../../core/weights.ts';
import type { PetridishDb } from '../database/db.ts';
import { weightsRecordSchema, type ReadOne, type StoredWeights, type WeightsRecord } from '../database/records.ts';
import { readOne, writeTx } from './repo-helpers.ts';

/** A copy whose buffer holds exactly the weights: storing a view would clone (and keep) its whole buffer. */
export function compactWeights(w: NamedWeights): StoredWeights {
  const tight = w.data.byteOffset === 0 && w.data.byteLength === w.data.buffer.byteLength;
  return { specs: w.specs.map((s) => ({ ...s, shape: [...s.shape] })), data: tight ? w.data : w.data.slice() };
}

export function weightsRecord(runId: string, w: NamedWeights): WeightsRecord {
  return { runId, ...compactWeights(w) };
}

export async function putWeights(db: PetridishDb, key: string, runId: string, weights: NamedWeights): Promise<void> {
  const tx = db.transaction('weights', 'readwrite');
  await writeTx(tx, `weights ${key}`, () => tx.store.put(weightsRecord(runId, weights), key));
}

export async function getWeights(db: PetridishDb, key: string): Promise<ReadOne<NamedWeights>> {
  const read = await readOne('weights', key, weightsRecordSchema, () => db.get('weights', key));
  const record = read.record ? { specs: read.record.specs, data: read.record.data } : null;
  return { record, problems: read.problems };
}
