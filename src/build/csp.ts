// The Content-Security-Policy of the production build: no eval, no remote scripts, and connections only to
// the app's own origin plus the public dataset hosts a user can choose to download from.
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
