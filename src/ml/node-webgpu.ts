// Node only (tests, the headless runner): makes the TF.js WebGPU backend available through Dawn (the npm
// `webgpu` package). Call before anything imports @tensorflow/tfjs-backend-webgpu.

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_VULKAN = '/usr/lib/chromium/libvulkan.so.1';
const RTLD_NODELETE = 0x1000;

let pending: Promise<boolean> | null = null;
let failure: string | null = null;

/** Why the last `enableNodeWebgpu` returned false; null if it succeeded or was not called. */
export function nodeWebgpuFailureReason(): string | null {
  return failure;
}

/**
 * Chromium's SwiftShader ships its own Vulkan loader, and Debian may have none system-wide. LD_LIBRARY_PATH
 * is read only at process start, so the loader is preloaded instead: once loaded (and pinned with
 * RTLD_NODELETE), Dawn's dlopen("libvulkan.so.1") finds it by soname. Node complains that it is not an
 * addon; that error is expected.
 */
async function useSwiftshader(): Promise<void> {
  const fs = await import('node:fs');
  const os = await import('node:os');
  if (!fs.existsSync(SWIFTSHADER_ICD) || process.env.VK_ICD_FILENAMES) return;
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  if (!fs.existsSync(CHROMIUM_VULKAN)) return;
  const flags = os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  try {
    process.dlopen({ exports: {} }, CHROMIUM_VULKAN, flags);
  } catch {
    // "Module did not self-register": the library is loaded all the same.
  }
}

async function enable(): Promise<boolean> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    failure = 'not running in Node';
    return false;
  }
  await useSwiftshader();
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const g = globalThis as { navigator?: object };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    failure = `Dawn found no WebGPU adapter (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'})`;
    return false;
  }
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  failure = null;
  return true;
}

/** Sets up Dawn's globals and `navigator.gpu`, then imports the TF.js WebGPU backend; false when no adapter. */
export function enableNodeWebgpu(): Promise<boolean> {
  pending ??= enable().catch((err: unknown) => {
    failure = `enabling WebGPU in Node failed: ${err instanceof Error ? err.message : String(err)}`;
    return false;
  });
  return pending;
}
