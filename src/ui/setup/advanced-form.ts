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

type Want = 'int' | 'positive' | 'nonnegative' | 'fraction';
const EXPECTED: Record<Want, string> = { int: 'an integer ≥ 1', positive: 'a number > 0', nonnegative: 'a number ≥ 0', fraction: 'a fraction below 1 (0.025 = 2.5 %)' };
/** The same, in words for the page. */
const EXPECTED_WORDS: Record<Want, string> = {
  int: 'a whole number of at least 1',
  positive: 'a number above 0',
  nonnegative: 'a number of 0 or more',
  fraction: 'a number above 0 and below 1 (0.025 means 2.5 %)',
};

interface Rule {
  want: Want;
  /** Blank means "no limit" / "all" instead of an error. */
  optional: boolean;
  /** The preset field it sets, for the error a program gets. */
  presetField: string;
}

const RULES: Record<keyof AdvancedForm, Rule> = {
  eps: { want: 'fraction', optional: false, presetField: 'eps' },
  maxPoolSize: { want: 'int', optional: true, presetField: 'maxPoolSize' },
  maxMadd: { want: 'positive', optional: true, presetField: 'maxMadd' },
  maxMinutes: { want: 'positive', optional: true, presetField: 'maxSeconds' },
  seedEpochs: { want: 'int', optional: false, presetField: 'seedTrain.epochs' },
  searchEpochs: { want: 'int', optional: false, presetField: 'search.epochs' },
  postEpochs: { want: 'int', optional: false, presetField: 'postTrain.epochs' },
  batchSize: { want: 'int', optional: false, presetField: 'batchSize' },
  examplesPerClass: { want: 'int', optional: true, presetField: 'examplesPerClass' },
  l1Alpha: { want: 'nonnegative', optional: false, presetField: 'l1Alpha' },
  topK: { want: 'int', optional: false, presetField: 'topK' },
  testExamples: { want: 'int', optional: true, presetField: 'testExamples' },
};

/** The value of a form field, or why it is not one: null when blank and optional. */
function parseField(text: string, rule: Rule): { value: number | null } | { bad: string } {
  const t = text.trim();
  if (t === '') return rule.optional ? { value: null } : { bad: '' };
  const v = Number(t);
  const inRange = rule.want === 'nonnegative' ? v >= 0 : rule.want === 'fraction' ? v > 0 && v < 1 : v > 0;
  const ok = Number.isFinite(v) && inRange && (rule.want !== 'int' || Number.isInteger(v));
  return ok ? { value: v } : { bad: t };
}

/** Every field's problem in words, by field ("“-1” is not a number above 0 and below 1 …"); empty when all are good. */
export type FormErrors = Partial<Record<keyof AdvancedForm, string>>;

/**
 * Checks every field of the form (not only the first bad one) and returns the overrides for makePreset, or
 * null with each bad field's problem in words. The batch size applies to every phase; a blank optional field
 * means no limit (or every example).
 */
export function checkForm(f: AdvancedForm): { overrides: PresetOverrides | null; errors: FormErrors } {
  const errors: FormErrors = {};
  const values = {} as Record<keyof AdvancedForm, number | null>;
  for (const key of Object.keys(RULES) as (keyof AdvancedForm)[]) {
    const rule = RULES[key];
    const r = parseField(f[key], rule);
    if ('bad' in r) {
      errors[key] = r.bad === '' ? `Enter ${EXPECTED_WORDS[rule.want]}.` : `“${r.bad}” is not ${EXPECTED_WORDS[rule.want]}.`;
      values[key] = null;
    } else values[key] = r.value;
  }
  if (Object.keys(errors).length > 0) return { overrides: null, errors };
  const v = (k: keyof AdvancedForm): number => values[k] as number;
  const scaled = (k: keyof AdvancedForm, scale: number): number | null => (values[k] === null ? null : v(k) * scale);
  const batchSize = v('batchSize');
  return {
    errors,
    overrides: {
      eps: v('eps'),
      maxPoolSize: values.maxPoolSize,
      maxMadd: scaled('maxMadd', 1e6),
      maxSeconds: scaled('maxMinutes', 60),
      examplesPerClass: values.examplesPerClass,
      l1Alpha: v('l1Alpha'),
      topK: v('topK'),
      testExamples: values.testExamples,
      seedTrain: { epochs: v('seedEpochs'), batchSize },
      search: { epochs: v('searchEpochs'), batchSize },
      postTrain: { epochs: v('postEpochs'), batchSize },
    },
  };
}

/**
 * Overrides for makePreset, for a program: throws naming the first bad field by its preset name
 * (`preset.eps: "-1" is invalid, expected …`). The page uses checkForm, which reports every field in words.
 */
export function overridesFromForm(f: AdvancedForm): PresetOverrides {
  const { overrides } = checkForm(f);
  if (overrides) return overrides;
  for (const key of Object.keys(RULES) as (keyof AdvancedForm)[]) {
    const rule = RULES[key];
    if ('bad' in parseField(f[key], rule)) throw new Error(`preset.${rule.presetField}: ${JSON.stringify(f[key])} is invalid, expected ${EXPECTED[rule.want]}`);
  }
  throw new Error('the advanced settings are invalid');
}
