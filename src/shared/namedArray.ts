// A float32 array with its name and shape: a model's weights (or an optimiser's state) as they cross a thread or
// go to a file. Defined here because both sides of the engine and trainer contracts, and the model core, use it.
import { isObject } from './guards';

export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** A named array whose values fill its shape exactly. */
export const isNamedArray = (a: unknown): a is NamedArray =>
  isObject(a) && typeof a.name === 'string' && Array.isArray(a.shape) && a.shape.every((d) => Number.isInteger(d) && (d as number) >= 0) &&
  a.values instanceof Float32Array && a.values.length === a.shape.reduce((n: number, d) => n * (d as number), 1);

/** Arrays with one entry per name, none repeated (a set of weights, not a list that may hide a missing one). */
export const isNamedArrayList = (list: unknown): list is NamedArray[] =>
  Array.isArray(list) && list.every(isNamedArray) && new Set(list.map((a) => a.name)).size === list.length;
