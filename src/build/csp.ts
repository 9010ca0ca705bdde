// The Content-Security-Policy of the production build: no eval, no remote scripts, and connections only to
// the app's own origin plus the public dataset hosts a user can choose to download from (src/data/sources/downloads.ts):
// raw.githubusercontent.com (Fashion-MNIST), www.cs.toronto.edu (CIFAR-10's archive) and storage.googleapis.com
// (the TF.js CIFAR-10 sprite, fetched only when the Toronto host cannot be reached). The app has no setting that
// sends a download anywhere else; the end-to-end test answers for these hosts by mapping their names to a local
// server in its own Chromium (test/e2e/data/downloads.e2e.ts).
export const DATASET_HOSTS = [
  'https://storage.googleapis.com',
  'https://www.cs.toronto.edu',
  'https://raw.githubusercontent.com',
];

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  `connect-src 'self' ${DATASET_HOSTS.join(' ')}`,
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');
