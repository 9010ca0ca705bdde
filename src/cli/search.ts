// Entry point of `npm run search -- …`: the headless runner (see run-cli.ts); `--help` prints the usage and
// exits 0; exits 1 with the message on error; exits 2 when the search ran but trained no model (the export
// is still written, with no points), so a script does not go on as if it had a frontier.

import { USAGE, wantsHelp } from './args.ts';
import { exitCodeOf, runSearchCli } from './run-cli.ts';

const argv = process.argv.slice(2);
if (wantsHelp(argv)) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

// The budget counts from the process's start (performance.timeOrigin), module loading included.
runSearchCli(argv, process.stderr, Math.round(performance.timeOrigin)).then(
  (outcome) => process.exit(exitCodeOf(outcome)),
  (e: unknown) => {
    process.stderr.write(`\nsearch failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
