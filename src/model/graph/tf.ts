// The TensorFlow.js namespace the core computes with. It is the bundled tfjs-core (wasm/cpu backends) unless
// the native tfjs-node loads, which brings its own copy of tfjs; useTf swaps the namespace for all callers.
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export type Tf = typeof tfCore;
export type Tensor = tfCore.Tensor;
export type Tensor1D = tfCore.Tensor1D;
export type Tensor2D = tfCore.Tensor2D;
export type Variable = tfCore.Variable;

// A mutable export on purpose: a live binding lets useTf switch the namespace for every module at once.
export let tf: Tf = tfCore;

export function useTf(impl: Tf): void {
  tf = impl;
}
