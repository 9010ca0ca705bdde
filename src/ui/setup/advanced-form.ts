// The advanced settings as the form holds them (text fields) and their conversion to preset overrides; a bad
// value throws an error that names the field, like makePreset does for the recipe fields.
import type { PresetOverrides } from '../../core/presets.ts';
import type { SearchPreset } from '../../core/training/training-config.ts';

export interface AdvancedForm {
  eps: string;
  maxPoolSize: string;
  /** Million multiply-adds; blank = no limit. */
  maxMadd: string;
  /** Minutes; blank = no limit. */
  maxMinutes: string;
  seedEpochs: string;
  searchEpochs: string;
  postEpochs: string;
  batchSize: string;
  /** Blank = every example. */
  examplesPerClass: string;
  /** λ of the L1 penalty on α in the search phase (0 = off). */
  l1Alpha: string;
  /** Operations kept when a candidate is finalised. */
  topK: string;
  /** Test examples per model; blank = the whole test split. */
  testExamples: string;
}

const blankIfNull = (v: number | null, scale = 1): string => (v === null ? '' : String(v / scale));

export function formFromPreset(p: SearchPreset): AdvancedForm {
  return {
    eps: String(p.eps),
    maxPoolSize: blankIfNull(p.maxPoolSize),
    maxMadd: blankIfNull(p.maxMadd, 1e6),
    maxMinutes: blankIfNull(p.maxSeconds, 60),
    seedEpochs: String(p.seedTrain.epochs),
    searchEpochs: String(p.search.epochs),
    postEpochs: String(p.postTrain.epochs),
    batchSize: String(p.seedTrain.batchSize),
    examplesPerClass: blankIfNull(p.examplesPerClass),
    l1Alpha: String(p.l1Alpha),
    topK: String(p.topK),
    testExamples: blankIfNull(p.testExamples),
  };
}

type Want = 'int' | 'positive' | 'nonnegative';
const EXPECTED: Record<Want, string> = { int: 'an integer ≥ 1', positive: 'a number > 0', nonnegative: 'a number ≥ 0' };

function num(field: string, text: string, want: Want): number {
  const v = Number(text.trim());
  const inRange = want === 'nonnegative' ? v >= 0 : v > 0;
  const ok = text.trim() !== '' && Number.isFinite(v) && inRange && (want !== 'int' || Number.isInteger(v));
  if (!ok) throw new Error(`preset.${field}: ${JSON.stringify(text)} is invalid, expected ${EXPECTED[want]}`);
  return v;
}

const optional = (field: string, text: string, want: Want, scale = 1): number | null =>
  text.trim() === '' ? null : num(field, text, want) * scale;

/** Overrides for makePreset; the batch size applies to every phase. */
export function overridesFromForm(f: AdvancedForm): PresetOverrides {
  const eps = num('eps', f.eps, 'positive');
  if (eps >= 1) throw new Error(`preset.eps: ${eps} is invalid, expected a fraction below 1 (0.025 = 2.5 %)`);
  const batchSize = num('batchSize', f.batchSize, 'int');
  return {
    eps,
    maxPoolSize: optional('maxPoolSize', f.maxPoolSize, 'int'),
    maxMadd: optional('maxMadd', f.maxMadd, 'positive', 1e6),
    maxSeconds: optional('maxSeconds', f.maxMinutes, 'positive', 60),
    examplesPerClass: optional('examplesPerClass', f.examplesPerClass, 'int'),
    l1Alpha: num('l1Alpha', f.l1Alpha, 'nonnegative'),
    topK: num('topK', f.topK, 'int'),
    testExamples: optional('testExamples', f.testExamples, 'int'),
    seedTrain: { epochs: Number(f.seedEpochs), batchSize },
    search: { epochs: Number(f.searchEpochs), batchSize },
    postTrain: { epochs: Number(f.postEpochs), batchSize },
  };
}
