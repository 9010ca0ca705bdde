// The browser bench's dedicated worker: selects one TF.js backend the way the app's trainer worker does and
// runs the same throughput + utilisation measurement as bench/throughput/throughput.ts, so browser and Node agree.
import * as Comlink from 'comlink';
import { validateDesc } from '../../../src/core/space/validate-desc.ts';
import { selectBackend } from '../../../src/ml/backend.ts';
import type { BackendName } from '../../../src/ml/backend-types.ts';
import grownJson from '../../reference-archs/grown.json';
import seedJson from '../../reference-archs/seed.json';
import { defaultSizes, measureBackend, type BackendMeasurement, type Sizes } from '../measure.ts';

export interface BenchWorkerApi {
  measure(backend: BackendName, sizes: Partial<Sizes>): Promise<BackendMeasurement & { log: string[] }>;
}

const api: BenchWorkerApi = {
  async measure(backend, sizes) {
    const info = await selectBackend({ order: [backend] });
    const a = info.adapter;
    const label = a ? `${backend} (${[a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'adapter'})` : backend;
    const archs = { seed: validateDesc(seedJson), grown: validateDesc(grownJson) };
    const log: string[] = [];
    const out = await measureBackend(label, archs, { ...defaultSizes(backend), ...sizes }, (line) => log.push(line));
    return { ...out, log };
  },
};

Comlink.expose(api);
