// Prints one line per screen the end-to-end tests scanned with axe-core (the NAME.axe.json files that
// test/e2e/helpers/screen-check.ts writes): how many violations of each impact, and the rules.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'artifacts/screenshots';
const files = readdirSync(dir).filter((f) => f.endsWith('.axe.json')).sort();
if (files.length === 0) console.log('   no accessibility scans were written');
for (const f of files) {
  const { screen, violations } = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const byImpact = {};
  for (const v of violations) byImpact[v.impact ?? 'unknown'] = (byImpact[v.impact ?? 'unknown'] ?? 0) + 1;
  const counts = ['critical', 'serious', 'moderate', 'minor'].map((k) => `${byImpact[k] ?? 0} ${k}`).join(', ');
  const rules = violations.map((v) => `${v.id} (${v.impact})`).join(' ');
  console.log(`   axe ${screen}: ${counts}${rules ? ` — ${rules}` : ''}`);
}
