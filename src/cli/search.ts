// Entry point of `npm run search -- …`: the headless runner (see run-cli.ts); exits 1 with the message on error.

import { runSearchCli } from './run-cli.ts';

runSearchCli(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`\nsearch failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
