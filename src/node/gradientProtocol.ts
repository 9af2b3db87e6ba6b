// Messages between a data-parallel learner (src/node/parallelLearner.ts) and its gradient workers
// (src/worker/gradientWorker.ts). Both sides are training code, never the extension host, so the contract lives
// beside the learner. Gradients and weights cross through shared memory, not messages: a worker writes its share's
// gradient into its own slot, the learner sums the slots and writes the updated weights once.
import { isObject } from '../shared/guards';
import type { ModelConfig } from '../model/graph/config';
import type { Batch } from '../model/graph/seq2seq';
import type { BackendName } from '../shared/engineProtocol';

export type LearnerToWorker =
  /** Learner, once: build a replica of the model. Weights come from `weights` (shared, flat in variable order). */
  | {
      kind: 'init';
      backend: BackendName;
      config: ModelConfig;
      vocabulary: { chars: string[]; specials: string[] };
      /** The variables' names in the order of the flat buffers, to check both sides agree. */
      names: string[];
      weights: SharedArrayBuffer;
      gradients: SharedArrayBuffer;
    }
  /** Learner, per step: read the weights if `version` is newer than the last read, then the gradient of `batch`. */
  | { kind: 'gradient'; step: number; version: number; batch: Batch }
  /** Learner, for the bench's reference only: train a model of one's own on these batches, alone, and time it. */
  | { kind: 'trainAlone'; batches: Batch[]; learningRate: number; clipNorm: number };

export type WorkerToLearner =
  | { kind: 'ready' }
  /** Worker: its gradient is in its slot of the shared buffer. */
  | { kind: 'gradient'; step: number; loss: number }
  | { kind: 'trainedAlone'; ms: number; processedChars: number; targetChars: number }
  | { kind: 'error'; message: string };

export function isLearnerToWorker(m: unknown): m is LearnerToWorker {
  if (!isObject(m)) return false;
  switch (m.kind) {
    case 'init':
      return m.weights instanceof SharedArrayBuffer && m.gradients instanceof SharedArrayBuffer && Array.isArray(m.names) && isObject(m.config) && isObject(m.vocabulary);
    case 'gradient':
      return typeof m.step === 'number' && typeof m.version === 'number' && isObject(m.batch);
    case 'trainAlone':
      return Array.isArray(m.batches) && typeof m.learningRate === 'number' && typeof m.clipNorm === 'number';
    default:
      return false;
  }
}

export function isWorkerToLearner(m: unknown): m is WorkerToLearner {
  if (!isObject(m)) return false;
  switch (m.kind) {
    case 'ready':
      return true;
    case 'gradient':
      return typeof m.step === 'number' && typeof m.loss === 'number';
    case 'trainedAlone':
      return typeof m.ms === 'number' && typeof m.processedChars === 'number' && typeof m.targetChars === 'number';
    case 'error':
      return typeof m.message === 'string';
    default:
      return false;
  }
}
