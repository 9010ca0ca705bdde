// One trainer thread of the headless runner (`--workers N`, N ≥ 2): a worker_threads entry point that picks
// the same TF.js backend as the main thread, holds its own copy of the dataset, and runs the jobs the main
// thread hands it one at a time through src/ml/run-job.ts, the code the page's trainer worker runs. Only
// plain data crosses: the job, its starting weights, progress, the result and the trained weights.

import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { runJob } from '../ml/train/run-job.ts';
import { chooseNodeBackend } from './backend.ts';
import type { ThreadInit, ThreadReply, ThreadRequest } from './thread-protocol.ts';

const port = parentPort;
if (!port) throw new Error('thread-worker.ts runs only as a worker thread');
const init = workerData as ThreadInit;
const cancelled = new Set<string>();
const cancelFlag = new Int32Array(init.cancelFlag);
const ready = chooseNodeBackend(init.backend);

function send(reply: ThreadReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(reply, transfer);
}

async function run(req: Extract<ThreadRequest, { type: 'run' }>): Promise<void> {
  const { job } = req;
  await ready;
  const before = tf.memory();
  let batches = 0;
  try {
    const out = await runJob({
      job, preset: init.preset, dataset: init.dataset, initWeights: req.initWeights, parentDesc: req.parentDesc,
      shouldStop: () => {
        batches++;
        if (req.crashAfterBatches !== undefined && batches > req.crashAfterBatches) {
          // Test hook: an uncaught error in the thread's global scope, as a real crash would be; a microtask,
          // so it happens while this job still runs (a timer could fire after the job has ended).
          queueMicrotask(() => {
            throw new Error(`injected crash in job ${job.id}`);
          });
          return false;
        }
        return Atomics.load(cancelFlag, 0) === 1 || cancelled.has(job.id);
      },
      onProgress: (p) => send({ type: 'progress', jobId: job.id, progress: p }),
    });
    const after = tf.memory();
    send({ type: 'done', jobId: job.id, result: out.result, weights: out.weights, tensorsBefore: before.numTensors,
      tensorsAfter: after.numTensors, bytesBefore: before.numBytes, bytesAfter: after.numBytes }, [out.weights.data.buffer as ArrayBuffer]);
  } catch (e) {
    const after = tf.memory();
    send({ type: 'failed', jobId: job.id, error: { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) },
      cancelled: Atomics.load(cancelFlag, 0) === 1 || cancelled.has(job.id), tensorsBefore: before.numTensors, tensorsAfter: after.numTensors, bytesBefore: before.numBytes, bytesAfter: after.numBytes });
  } finally {
    cancelled.delete(job.id);
  }
}

port.on('message', (req: ThreadRequest) => {
  if (req.type === 'cancel') cancelled.add(req.jobId);
  else if (req.type === 'memory') send({ type: 'memory', ...tf.memory() });
  else void run(req);
});

ready.then(
  (info) => send({ type: 'ready', backend: info.backend }),
  (e: unknown) => {
    // A thread without its backend cannot run anything: fail loudly so the pool reports it by name.
    throw e instanceof Error ? e : new Error(String(e));
  },
);
