// Launches Debian's Chromium headless with WebGPU enabled (SwiftShader on machines without a GPU) and
// collects page errors and worker console output so a failing test says what the page saw.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { screenshot } from './screen-check.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export interface Session {
  context: BrowserContext;
  page: Page;
  logs: string[];
  close(): Promise<void>;
}

/**
 * A persistent context (its own profile folder), so IndexedDB survives reloads within one test. `extraArgs`
 * are added to Chromium's command line (the download test maps the dataset hosts to a local server with them).
 */
export async function openSession(baseUrl: string, extraArgs: string[] = []): Promise<Session> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'petridish-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    acceptDownloads: true,
    viewport: { width: 1360, height: 860 },
    baseURL: baseUrl,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  const attach = (p: Page): void => {
    p.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    p.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    p.on('worker', (w) => w.on('console', (m) => logs.push(`[worker ${m.type()}] ${m.text()}`)));
  };
  attach(page);
  context.on('page', attach);
  return { context, page, logs, close: () => context.close() };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Saves a full-page screenshot as a test artefact: artifacts/screenshots/NAME.png (see screen-check.ts). */
export function saveScreenshot(page: Page, name: string): Promise<string> {
  return screenshot(page, name);
}

export function saveLogs(name: string, logs: string[]): void {
  mkdirSync('test-results', { recursive: true });
  writeFileSync(join('test-results', `${name}.log`), logs.join('\n'));
}
