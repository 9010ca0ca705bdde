import { defineConfig } from 'vitest/config';

// End-to-end tests: the production build served by `vite preview`, driven in Debian's headless Chromium.
// WebGPU runs on SwiftShader here (slow but real), so the limits are generous and files run one at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 900_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
    globalSetup: ['test/e2e/helpers/global-setup.ts'],
  },
});
