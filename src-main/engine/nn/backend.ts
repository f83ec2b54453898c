/**
 * Picks the TensorFlow.js backend, best first: tfjs-node-gpu (CUDA),
 * tfjs-node, WebGPU (Dawn through the `webgpu` package), WASM (SIMD), plain
 * CPU. The native packages are optional: they are loaded at run time only if
 * present, never listed in package.json. Every call returns a report of what
 * trains and why each better backend was not used.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LatheError } from '../../../src-shared/errors.ts';
import { NN_BACKEND_SETTINGS } from '../../../src-shared/ml/nn.ts';
import type { NnBackend, NnBackendReport, NnBackendSetting } from '../../../src-shared/ml/nn.ts';
import { registerWasmTrainingKernels } from './wasm-kernels.ts';

type Attempt = { ok: true; detail: string } | { ok: false; reason: string };

const INSTALL_HINT: Record<'tensorflow-gpu' | 'tensorflow' | 'webgpu', string> = {
  'tensorflow-gpu':
    '@tensorflow/tfjs-node-gpu is not installed: install it with `npm install @tensorflow/tfjs-node-gpu` on a machine with CUDA 11.8 + cuDNN 8 (Linux x64)',
  tensorflow:
    '@tensorflow/tfjs-node is not installed: install it with `npm install @tensorflow/tfjs-node` (it downloads libtensorflow for Linux x64, macOS or Windows x64)',
  webgpu:
    'the `webgpu` package (Dawn for Node) is not installed: install it with `npm install webgpu @tensorflow/tfjs-backend-webgpu` on a machine with a Vulkan, Metal or D3D12 GPU',
};

function isModuleMissing(e: unknown, pkg: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = err?.code;
  const msg = typeof err?.message === 'string' ? err.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && msg.includes(pkg);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** import() of an optional package; the name is a variable so bundlers and tsc leave it alone. */
async function importOptional(pkg: string): Promise<unknown> {
  return import(/* @vite-ignore */ pkg);
}

/** tfjs logs noisy hints ("install our node backend") while a backend starts; keep the console clean. */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  const log = console.log;
  console.warn = () => {};
  console.log = () => {};
  try {
    return await f();
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

async function activate(name: string): Promise<boolean> {
  try {
    const ok = await quietly(() => tf.setBackend(name));
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

async function tryTensorflow(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node', which: 'tensorflow-gpu' | 'tensorflow'): Promise<Attempt> {
  if (tf.findBackend('tensorflow') && loadedNative !== which) {
    // One native binding per process: the other one is already loaded.
    return { ok: false, reason: `${loadedNative === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'} is already loaded in this process` };
  }
  try {
    await quietly(() => importOptional(pkg));
  } catch (e) {
    if (isModuleMissing(e, pkg)) return { ok: false, reason: INSTALL_HINT[which] };
    return { ok: false, reason: `${pkg} is installed but failed to load: ${messageOf(e)}` };
  }
  if (!tf.findBackend('tensorflow')) {
    return { ok: false, reason: `${pkg} loaded but registered no 'tensorflow' backend with this copy of @tensorflow/tfjs (versions differ? install the same version as @tensorflow/tfjs 4.22)` };
  }
  loadedNative = which;
  if (!(await activate('tensorflow'))) return { ok: false, reason: `${pkg} loaded but its backend failed to start` };
  if (which === 'tensorflow-gpu') {
    const binding = (tf.backend() as unknown as { isUsingGpuDevice?: boolean | (() => boolean) }).isUsingGpuDevice;
    const gpu = typeof binding === 'function' ? binding() : binding;
    if (gpu === false) return { ok: false, reason: '@tensorflow/tfjs-node-gpu is installed but found no CUDA device (it would run on the CPU)' };
    return { ok: true, detail: 'TensorFlow C library with CUDA (tfjs-node-gpu)' };
  }
  return { ok: true, detail: 'TensorFlow C library on the CPU (tfjs-node)' };
}

async function tryWebgpu(): Promise<Attempt> {
  let dawn: { create?: (flags: string[]) => { requestAdapter(): Promise<unknown> }; globals?: Record<string, unknown> };
  try {
    dawn = (await importOptional('webgpu')) as typeof dawn;
  } catch (e) {
    if (isModuleMissing(e, 'webgpu')) return { ok: false, reason: INSTALL_HINT.webgpu };
    return { ok: false, reason: `the webgpu package is installed but failed to load: ${messageOf(e)}` };
  }
  if (typeof dawn.create !== 'function') return { ok: false, reason: 'the webgpu package has no create() (an unexpected version)' };
  let adapter: unknown;
  let gpu: { requestAdapter(): Promise<unknown> };
  try {
    Object.assign(globalThis, dawn.globals ?? {});
    gpu = dawn.create([]);
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, reason: `WebGPU failed to start: ${messageOf(e)}` };
  }
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter found (no GPU, or no Vulkan/Metal/D3D12 driver)' };
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  try {
    (g.navigator as { gpu?: unknown }).gpu = gpu;
  } catch {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  try {
    await importOptional('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    if (isModuleMissing(e, '@tensorflow/tfjs-backend-webgpu')) {
      return { ok: false, reason: 'a WebGPU adapter was found but @tensorflow/tfjs-backend-webgpu is not installed: install it with `npm install @tensorflow/tfjs-backend-webgpu@4.22`' };
    }
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${messageOf(e)}` };
  }
  if (!(await activate('webgpu'))) return { ok: false, reason: 'a WebGPU adapter was found but the TensorFlow.js WebGPU backend failed to start' };
  return { ok: true, detail: 'WebGPU through Dawn' };
}

/** Where the .wasm files are: LATHE_TFJS_WASM_DIR, else next to the installed package. */
export function wasmDir(): string | null {
  const env = process.env.LATHE_TFJS_WASM_DIR;
  const candidates: string[] = [];
  if (env) candidates.push(env);
  try {
    const req = createRequire(import.meta.url);
    // The package's main file lives in dist/ (or dist/…); walk up to the folder holding the .wasm.
    let d = dirname(req.resolve('@tensorflow/tfjs-backend-wasm'));
    for (let i = 0; i < 4; i++, d = dirname(d)) {
      candidates.push(d, join(d, 'dist'));
    }
  } catch {
    // not resolvable: only the env candidate
  }
  return candidates.find((d) => existsSync(join(d, 'tfjs-backend-wasm-simd.wasm')) || existsSync(join(d, 'tfjs-backend-wasm.wasm'))) ?? null;
}

let wasmPathsSet = false;

async function tryWasm(): Promise<Attempt> {
  if (!wasmPathsSet) {
    const dir = wasmDir();
    if (!dir) return { ok: false, reason: 'the .wasm files of @tensorflow/tfjs-backend-wasm were not found (set LATHE_TFJS_WASM_DIR to their folder)' };
    setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
    registerWasmTrainingKernels();
    wasmPathsSet = true;
  }
  if (!(await activate('wasm'))) return { ok: false, reason: 'the WebAssembly backend failed to start' };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return { ok: true, detail: `WebAssembly${simd ? ' with SIMD' : ' without SIMD'}, ${threads ? 'multi-threaded' : '1 thread'}` };
}

async function tryCpu(): Promise<Attempt> {
  if (!(await activate('cpu'))) return { ok: false, reason: 'the plain JavaScript backend failed to start' };
  return { ok: true, detail: 'plain JavaScript (slow: no SIMD, no threads)' };
}

let loadedNative: 'tensorflow-gpu' | 'tensorflow' | null = null;

const ATTEMPTS: Record<NnBackend, () => Promise<Attempt>> = {
  'tensorflow-gpu': () => tryTensorflow('@tensorflow/tfjs-node-gpu', 'tensorflow-gpu'),
  tensorflow: () => tryTensorflow('@tensorflow/tfjs-node', 'tensorflow'),
  webgpu: tryWebgpu,
  wasm: tryWasm,
  cpu: tryCpu,
};

const ORDER: Record<NnBackendSetting, NnBackend[]> = {
  auto: ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'],
  tensorflow: ['tensorflow-gpu', 'tensorflow'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

// Reasons do not change within a process (packages and adapters stay as they are).
const failures = new Map<NnBackend, string>();
let current: NnBackendReport | null = null;

/**
 * Make the best backend allowed by `setting` the active one and say why the
 * better ones were not used. A forced backend that cannot start throws
 * INVALID_PARAM naming it and why. Cached per thread.
 */
export async function initBackend(setting: NnBackendSetting = 'auto'): Promise<NnBackendReport> {
  if (!(NN_BACKEND_SETTINGS as readonly string[]).includes(setting)) {
    throw new LatheError('INVALID_PARAM', `The 'backend' parameter of NeuralNetwork must be a str among {${NN_BACKEND_SETTINGS.map((s) => `'${s}'`).join(', ')}}. Got ${JSON.stringify(setting)} instead.`, {
      param: 'backend',
    });
  }
  if (current && current.requested === setting && tf.getBackend() === backendKey(current.used)) return current;
  // Production mode: no debug checks, and no "install our node backend" hints on the console.
  tf.env().set('PROD', true);
  const notUsed: NnBackendReport['notUsed'] = [];
  for (const b of ORDER[setting]) {
    const known = failures.get(b);
    if (known) {
      notUsed.push({ backend: b, reason: known });
      continue;
    }
    const a = await ATTEMPTS[b]();
    if (a.ok) {
      current = { requested: setting, used: b, detail: a.detail, notUsed };
      return current;
    }
    failures.set(b, a.reason);
    notUsed.push({ backend: b, reason: a.reason });
  }
  const why = notUsed.map((n) => `${n.backend}: ${n.reason}`).join('; ');
  throw new LatheError('INVALID_PARAM', `The '${setting}' backend cannot be used here (${why}). Choose backend 'auto' to use the best one present.`, {
    param: 'backend',
    value: setting,
    notUsed,
  });
}

/** TensorFlow.js's name of a backend. */
function backendKey(b: NnBackend): string {
  return b === 'tensorflow-gpu' ? 'tensorflow' : b;
}

/** One line for logs and the CLI: "wasm (WebAssembly with SIMD, 1 thread); not used: ...". */
export function describeBackendReport(r: NnBackendReport): string {
  const skipped = r.notUsed.map((n) => `${n.backend}: ${n.reason}`).join('; ');
  return `${r.used} (${r.detail})${skipped ? `; not used: ${skipped}` : ''}`;
}

export { tf };
