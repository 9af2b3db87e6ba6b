// A gradient worker of data-parallel training: it holds a replica of the model on its own TensorFlow.js backend
// (one core), and for each step reads the current weights from shared memory and writes its share's gradient into
// its slot. It never updates weights itself: the learner does, once, for all.
import { parentPort } from 'node:worker_threads';
import { DEFAULT_TRAIN_CONFIG } from '../model/graph/config';
import { Seq2SeqModel } from '../model/graph/seq2seq';
import { tf } from '../model/graph/tf';
import { Vocabulary } from '../model/graph/vocab';
import { batchChars } from '../model/training/dataset';
import { Seq2SeqLearner } from '../model/training/learner';
import { initBackend } from '../node/backend';
import { isLearnerToWorker, LearnerToWorker, WorkerToLearner } from '../node/gradientProtocol';

const port = parentPort;
if (!port) throw new Error('gradientWorker must run in a worker thread');
const post = (m: WorkerToLearner): void => port.postMessage(m);

let learner: Seq2SeqLearner | null = null;
let weights: Float32Array | null = null;
let gradients: Float32Array | null = null;
let version = -1;

async function init(m: Extract<LearnerToWorker, { kind: 'init' }>): Promise<void> {
  await initBackend(m.backend);
  const model = Seq2SeqModel.create(m.config, new Vocabulary(m.vocabulary.chars, m.vocabulary.specials), 1);
  learner = new Seq2SeqLearner(model, DEFAULT_TRAIN_CONFIG);
  if (learner.variableNames.join('|') !== m.names.join('|')) throw new Error('the replica\'s variables differ from the learner\'s');
  weights = new Float32Array(m.weights);
  gradients = new Float32Array(m.gradients);
}

/** Assigns the shared weights to the replica's variables. */
function readWeights(): void {
  const l = learner as Seq2SeqLearner;
  let at = 0;
  const sizes = l.variableSizes;
  [...l.model.weights.values()].forEach((v, k) => {
    const size = sizes[k] as number;
    tf.tidy(() => v.assign(tf.tensor((weights as Float32Array).slice(at, at + size), v.shape)));
    at += size;
  });
}

port.on('message', (m: unknown) => {
  if (!isLearnerToWorker(m)) {
    post({ kind: 'error', message: 'gradient worker got a malformed message' });
    return;
  }
  try {
    switch (m.kind) {
      case 'init':
        void init(m).then(
          () => post({ kind: 'ready' }),
          (e: Error) => post({ kind: 'error', message: e.message }),
        );
        return;
      case 'gradient': {
        if (!learner || !gradients) throw new Error('gradient worker used before init');
        if (m.version !== version) {
          readWeights();
          version = m.version;
        }
        post({ kind: 'gradient', step: m.step, loss: learner.gradientsInto(m.batch, gradients) });
        return;
      }
      case 'trainAlone': {
        if (!learner) throw new Error('gradient worker used before init');
        const alone = new Seq2SeqLearner(learner.model, { ...DEFAULT_TRAIN_CONFIG, learningRate: m.learningRate, clipNorm: m.clipNorm });
        const t0 = performance.now();
        let processedChars = 0;
        let targetChars = 0;
        for (const batch of m.batches) {
          alone.trainStep(batch);
          const c = batchChars(batch);
          processedChars += c.processed;
          targetChars += c.targets;
        }
        post({ kind: 'trainedAlone', ms: performance.now() - t0, processedChars, targetChars });
        alone.dispose();
        return;
      }
    }
  } catch (e) {
    post({ kind: 'error', message: (e as Error).message });
  }
});
