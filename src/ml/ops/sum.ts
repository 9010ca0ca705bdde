// Summing many tensors: WebGPU's AddN binds every input as a storage buffer, and a default device allows
// only 8 per shader stage, so a candidate's 20-odd branch terms are summed in small groups.

import * as tf from '@tensorflow/tfjs';

const MAX_ADDN_INPUTS = 6;

export function sumAll<T extends tf.Tensor>(terms: T[]): T {
  if (terms.length === 0) throw new Error('sumAll: nothing to sum');
  let level: tf.Tensor[] = terms;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += MAX_ADDN_INPUTS) {
      const group = level.slice(i, i + MAX_ADDN_INPUTS);
      next.push(group.length === 1 ? (group[0] as tf.Tensor) : tf.addN(group));
    }
    level = next;
  }
  return level[0] as T;
}
