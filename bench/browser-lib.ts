// Shared by the Playwright benches: serve dist/ with vite's preview (as the e2e tests do) and open headless
// Chromium with the e2e flags (WebGPU on; SwiftShader where there is no GPU).
import { existsSync } from 'node:fs';
import { preview, type PreviewServer } from 'vite';
import { openSession, type Session } from '../test/e2e/helpers/browser.ts';

export interface Served {
  baseUrl: string;
  session: Session;
  close(): Promise<void>;
}

export async function serveAndOpen(): Promise<Served> {
  if (!existsSync('dist/index.html') || !existsSync('dist/bench.html')) {
    throw new Error('dist/ is missing or lacks bench.html: run `npx vite build` first');
  }
  const server: PreviewServer = await preview({ preview: { port: 0, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  const baseUrl = url.replace('localhost', '127.0.0.1');
  const session = await openSession(baseUrl);
  return { baseUrl, session, close: async () => {
    await session.close();
    await server.close();
  } };
}

/** Chromium's version string, for the figures' machine line. */
export function browserVersion(s: Session): string {
  return s.context.browser()?.version() ?? 'chromium (persistent context)';
}
