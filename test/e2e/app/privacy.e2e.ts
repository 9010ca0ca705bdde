// Private by construction: during a tiny search every request the page and its workers make stays on the
// app's origin (data: and blob: allowed), and the served Content-Security-Policy blocks eval.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openSession, saveLogs, type Session } from '../helpers/browser.ts';
import { checkScreen } from '../helpers/screen-check.ts';

describe('privacy', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(inject('baseUrl'));
  });
  afterAll(async () => {
    saveLogs('privacy', s.logs);
    await s.close();
  });

  it('keeps every request on the app origin and serves a CSP that blocks eval', async () => {
    const { page, context } = s;
    const origin = new URL(inject('baseUrl')).origin;
    const urls = new Set<string>();
    page.on('request', (r) => urls.add(r.url()));
    context.on('request', (r) => urls.add(r.url()));
    const response = await page.goto('/?backends=webgpu&maxPoolSize=2');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval/);
    // Playwright's own evaluate bypasses CSP, so the page gets a script of its own that tries eval: the policy
    // must refuse it and report the violation.
    const outcome = await page.evaluate(() => new Promise<{ ran: boolean; directive: string }>((resolve) => {
      const w = window as unknown as { evalRan?: boolean };
      document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: w.evalRan === true, directive: e.effectiveDirective }), { once: true });
      const el = document.createElement('script');
      el.textContent = "window.evalRan = eval('true')";
      document.head.append(el);
      setTimeout(() => resolve({ ran: w.evalRan === true, directive: 'none' }), 2000);
    }));
    expect(outcome).toEqual({ ran: false, directive: 'script-src-elem' });

    await page.getByTestId('preset-select').selectOption('tiny');
    await page.getByTestId('start-button').click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 600_000, interval: 1000 }).toMatch(/finished/);
    expect(await checkScreen(page, 'privacy-finished')).toEqual([]);
    expect(urls.size).toBeGreaterThan(3);
    const foreign = [...urls].filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
    expect(foreign).toEqual([]);
  });
});
