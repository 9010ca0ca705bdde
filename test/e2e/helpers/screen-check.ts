// One check per screen the end-to-end tests reach: a full-page screenshot into artifacts/screenshots/ (kept
// as CI artefacts; scripts/test.sh prints where) and an axe-core accessibility scan of the page as it stands.
// A serious or critical violation fails the test with the rule, its help text and the elements it names;
// every finding (minor and moderate too) is written next to the screenshot as NAME.axe.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = join('artifacts', 'screenshots');

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

let axeSource: string | null = null;

/** axe-core's browser build, read once per test file. */
function axeScript(): string {
  if (axeSource === null) axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** Saves a full-page screenshot as artifacts/screenshots/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // A generous limit: right after a reload on a loaded machine, a full-page capture of a page that is training
  // on SwiftShader can take well over Playwright's default 30 s.
  await page.screenshot({ path, fullPage: true, timeout: 180_000 });
  return path;
}

/**
 * Scans the page with axe-core (WCAG 2.x A and AA rules and best practices) and returns every violation.
 * axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern,
 * so the app's policy stays as strict as in production.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeScript());
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

/** One line per serious or critical violation: rule, impact, help and up to three of the elements. */
export function describeViolations(violations: readonly AxeViolation[]): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`);
}

/** A line when the frontier plot's validation-error tick labels repeat (two ticks that read the same mislead). */
async function repeatedTickLabels(page: Page): Promise<string[]> {
  const labels = await page.locator('[data-testid="pareto-plot"] [data-testid="y-tick"]').allTextContents();
  return new Set(labels).size === labels.length ? [] : [`frontier plot: validation-error tick labels repeat: ${labels.join(', ')}`];
}

/**
 * The screen check: screenshot + axe scan, findings written to artifacts/screenshots/NAME.axe.json, and the
 * frontier plot's tick labels checked for repeats. Returns the serious and critical violations and repeated
 * labels described (empty when the screen passes); callers expect it to be [].
 */
export async function checkScreen(page: Page, name: string): Promise<string[]> {
  await screenshot(page, name);
  const violations = await axeScan(page);
  writeFileSync(join(SCREENSHOT_DIR, `${name}.axe.json`), JSON.stringify({ screen: name, url: page.url(), violations }, null, 2));
  return [...describeViolations(violations), ...(await repeatedTickLabels(page))];
}
