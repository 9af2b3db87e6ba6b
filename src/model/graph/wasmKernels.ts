// Replacement kernels for the wasm backend (tfjs 4.22) that otherwise cripple training (measured in
// shared/recipes/tfjs-on-cpu.md): BatchMatMul with a transposed operand leaves XNNPACK for a naive loop,
// Identity copies buffers the engine only wants to keep, Slice/SplitV copy the whole source to JavaScript.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from './tf';

/** The slice of BackendWasm these kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackendLike;
  attrs?: Record<string, unknown>;
}

let installed = false;

function replace(name: string, make: (original: KernelConfig) => KernelFunc): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) throw new Error(`wasm backend has no ${name} kernel to replace`);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: make(original) });
}

/** Installs the replacements once; call after the wasm backend is ready. */
export function installWasmKernelFixes(): void {
  if (installed) return;
  installed = true;
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!transposeKernel) throw new Error('wasm backend has no Transpose kernel');
  replace('BatchMatMul', (original) => batchMatMulWithoutTranspose(original, transposeKernel));
  replace('Identity', identitySharingData);
  replace('Slice', sliceInHeap);
  replace('GatherV2', gatherRows);
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSum });
  replace('SplitV', splitInHeap);
}

/**
 * BatchMatMul with a transposed operand leaves XNNPACK for a naive loop: the operand is transposed first (a weight
 * matrix once, kept for the next steps: backprop multiplies by W^T at every time step).
 */
function batchMatMulWithoutTranspose(original: KernelConfig, transposeKernel: KernelConfig): KernelFunc {
  // A transposed copy of the last few weight matrices.
  const transposedCache: { source: object; result: TensorInfo }[] = [];
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const temps: TensorInfo[] = [];
    const swapLast = (x: TensorInfo): TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank).keys()];
      perm[rank - 1] = rank - 2;
      perm[rank - 2] = rank - 1;
      return transposeKernel.kernelFunc({ inputs: { x }, backend, attrs: { perm } } as never) as TensorInfo;
    };
    let a2 = a;
    if (transposeA) temps.push((a2 = swapLast(a)));
    let b2 = b;
    if (transposeB) {
      const hit = transposedCache.find((e) => e.source === b.dataId && e.result.shape.join() === [...b.shape].reverse().join());
      if (hit && b.shape.length === 2) b2 = hit.result;
      else {
        b2 = swapLast(b);
        if (b.shape.length === 2) {
          transposedCache.unshift({ source: b.dataId, result: b2 });
          const evicted = transposedCache.splice(4);
          for (const e of evicted) backend.disposeData(e.result.dataId);
        } else temps.push(b2);
      }
    }
    const out = original.kernelFunc({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...attrs, transposeA: false, transposeB: false } } as never);
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  };
}

/** Identity shares the buffer (one more reference) instead of copying what the engine only wants to keep. */
function identitySharingData(original: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend } = args as unknown as KernelArgs;
    const x = inputs.x as TensorInfo;
    if (x.dtype === 'string') return original.kernelFunc(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Slice copies its box inside the wasm heap, not the whole source through JavaScript. */
function sliceInHeap(original: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const x = inputs.x as TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    const { begin, size } = attrs as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as never, begin, size);
    return heapSlice(x, b as number[], s as number[], backend);
  };
}

/** Row lookups (an embedding) through wasm's generic Gather cost ~250 ms for [8000, 1024]; rows are contiguous. */
function gatherRows(original: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const x = inputs.x as TensorInfo;
    const indices = inputs.indices as TensorInfo;
    const { axis, batchDims } = (attrs ?? {}) as { axis?: number; batchDims?: number };
    if (x.shape.length !== 2 || (axis ?? 0) !== 0 || (batchDims ?? 0) !== 0 || indices.shape.length !== 1 || x.dtype !== 'float32') {
      return original.kernelFunc(args);
    }
    const cols = x.shape[1] as number;
    const rows = x.shape[0] as number;
    const out = backend.makeOutput([indices.shape[0] as number, cols], x.dtype);
    const src = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(indices);
    const dst = backend.typedArrayFromHeap(out);
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i] as number;
      if (r < 0 || r >= rows) throw new Error(`GatherV2: index ${r} is out of range [0, ${rows})`);
      dst.set(src.subarray(r * cols, (r + 1) * cols), i * cols);
    }
    return out;
  };
}

/** The gradient of Gather (an embedding lookup) is UnsortedSegmentSum, which wasm lacks: a row-wise sum in JS. */
const unsortedSegmentSum: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args as unknown as KernelArgs;
  const x = inputs.x as TensorInfo;
  const ids = inputs.segmentIds as TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  if (x.dtype !== 'float32' || ids.shape.length !== 1) throw new Error('UnsortedSegmentSum on wasm: only float32 rows are supported');
  const row = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const seg = backend.typedArrayFromHeap(ids);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(0);
  for (let r = 0; r < seg.length; r++) {
    const s = seg[r] as number;
    if (s < 0 || s >= numSegments) continue;
    const from = r * row;
    const to = s * row;
    for (let k = 0; k < row; k++) dst[to + k] = (dst[to + k] as number) + (src[from + k] as number);
  }
  return out;
};

/** SplitV copies each part inside the wasm heap, not the whole source through JavaScript. */
function splitInHeap(original: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const x = inputs.x as TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return original.kernelFunc(args);
    const { numOrSizeSplits, axis } = attrs as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const ax = tf.util.parseAxisParam(axis, x.shape)[0] as number;
    const sizes = tf.backend_util.prepareSplitSize(x as never, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((n) => {
      const size = [...x.shape];
      size[ax] = n;
      const out = heapSlice(x, [...begin], size, backend);
      begin[ax] = (begin[ax] as number) + n;
      return out;
    });
  };
}

/** Copies a box out of x inside the wasm heap, one contiguous innermost run at a time. */
function heapSlice(x: TensorInfo, begin: number[], size: number[], backend: WasmBackendLike): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  // Views are taken after makeOutput: an allocation may grow (and detach) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return out;
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = (strides[d + 1] as number) * (x.shape[d + 1] as number);
  // Merge trailing dimensions that are taken whole into one run.
  let inner = rank - 1;
  let run = size[inner] as number;
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner] as number;
  }
  const outer = size.slice(0, inner);
  const index = new Array<number>(inner).fill(0);
  let o = 0;
  for (;;) {
    let offset = 0;
    for (let d = 0; d < inner; d++) offset += ((begin[d] as number) + (index[d] as number)) * (strides[d] as number);
    offset += (begin[inner] as number) * (strides[inner] as number);
    dst.set(src.subarray(offset, offset + run), o);
    o += run;
    let d = inner - 1;
    while (d >= 0) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outer[d] as number)) break;
      index[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return out;
}
