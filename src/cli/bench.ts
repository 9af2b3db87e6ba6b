// `bench`: suggestion latency, decode speed and training throughput, each printed beside a reference measured
// in the same run (re-encoding per keystroke; op-by-op tfjs inference; a tfjs-layers seq2seq; raw matmul).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG, ModelConfig } from '../model/graph/config';
import { batchChars, SourceFile, WindowSampler } from '../model/training/dataset';
import { ColdWindow, CompletionEngine, memoryIndexOf, SuggestRequest } from '../model/inference/engine';
import { memoryOf } from '../shared/memory';
import { DEFAULT_FINE_TUNE, DEFAULT_SETTINGS } from '../completion/settings';
import { InferenceNet } from '../model/inference/inference';
import { Seq2SeqLearner } from '../model/training/learner';
import { Rng } from '../model/graph/rng';
import { Batch, encode, lstmCell, Seq2SeqModel } from '../model/graph/seq2seq';
import { tf, Tensor2D } from '../model/graph/tf';
import { Vocabulary } from '../model/graph/vocab';
import { COPY_AFTER_CHARS, COPY_CONTEXT_CHARS, textBelow } from '../shared/window';
import { DENSE_BIAS, DENSE_KERNEL } from '../model/graph/weights';
import { initBackend } from '../node/backend';
import { readCorpus } from '../node/corpus';
import { loadModelDir } from '../node/modelFiles';
import { naiveLayersTrainingRate } from './naiveBaseline';
import { learnerRow } from './benchLearner';
import { percentile } from './percentile';
import { ParallelLearner } from '../node/parallelLearner';
import type { BackendName } from '../shared/engineProtocol';
import { availableParallelism } from 'node:os';
import { backendOption, parse } from './options';
import { stdoutLines } from './output';

/** The editor's threshold, which every request carries: the engine leaves unread the document words it could not show. */
const AS_EDITOR = { showThreshold: DEFAULT_SETTINGS.confidenceThreshold } as const;

const now = (): number => performance.now();


const median = (v: number[]): number => percentile(v, 50);
const fmt = (x: number, digits = 1): string => x.toFixed(digits);

function timeIt(reps: number, fn: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  return times;
}

function matmulGflops(m: number, k: number, n: number, reps: number): number {
  const a = tf.randomUniform([m, k]) as Tensor2D;
  const b = tf.randomUniform([k, n]) as Tensor2D;
  const once = (): void => {
    const product = tf.matMul(a, b);
    product.dataSync();
    product.dispose();
  };
  once();
  const ms = median(timeIt(reps, once));
  a.dispose();
  b.dispose();
  return (2 * m * k * n) / (ms * 1e6);
}

/**
 * The same trace through two engines, their requests interleaved key by key so that both see the same machine;
 * `second` adds fields to the second engine's requests. Each engine's per-key times, the first key left out.
 */
function interleavedTimes(engines: readonly [CompletionEngine, CompletionEngine], text: string, at: number, reps: number, second: Partial<SuggestRequest> = {}): [number[], number[]] {
  const times: [number[], number[]] = [[], []];
  for (let k = 0; k <= reps; k++) {
    const request = { prefix: text.slice(0, at + k), beamWidth: 3, maxChars: 32, below: textBelow(text.slice(at + k)), ...AS_EDITOR };
    engines.forEach((engine, e) => {
      const t0 = now();
      engine.suggest(e === 0 ? request : { ...request, ...second });
      if (k > 0) (times[e] as number[]).push(now() - t0);
    });
  }
  for (const engine of engines) engine.dispose();
  return times;
}

const latencyOf = (t: number[]): string => `p50 ${fmt(median(t))} p95 ${fmt(percentile(t, 95))}`;

/**
 * What the show model and copy runs cost a keystroke: the same trace as the copy prior's row (above and below)
 * through two engines, one as shipped and one on the model without its show model and with copy runs off.
 */
function showRow(model: Seq2SeqModel, text: string, at: number, reps: number): string {
  const { showModel: _show, ...plainConfig } = model.config;
  const times = interleavedTimes([new CompletionEngine(model), new CompletionEngine(new Seq2SeqModel(plainConfig, model.vocab, model.weights))], text, at, reps, { copyRun: 0 });
  return `  beam 3, the same trace, interleaved: with the show model${model.config.showModel ? '' : ' (this model has none)'} and copy runs ${latencyOf(times[0])} | without either ${latencyOf(times[1])}`;
}

/**
 * What the workspace memory costs a keystroke: the same trace through two engines, one searching a memory of the
 * bench corpus's files repeated to the default size cap (2,000,000 characters, as a large workspace fills it), one
 * without; and what indexing that memory takes the engine's thread once, when the host sends it.
 */
function memoryRow(model: Seq2SeqModel, files: readonly SourceFile[], text: string, at: number, reps: number): string {
  const one = memoryOf(files);
  const memory = one.repeat(Math.max(1, Math.floor(DEFAULT_FINE_TUNE.maxCorpusChars / Math.max(1, one.length + 1)))).slice(0, DEFAULT_FINE_TUNE.maxCorpusChars);
  const t0 = now();
  const index = memoryIndexOf(memory);
  const indexMs = now() - t0;
  const withMemory = new CompletionEngine(model);
  withMemory.setMemory(index);
  const times = interleavedTimes([withMemory, new CompletionEngine(model)], text, at, reps);
  return `  beam 3, the same trace, interleaved: with a workspace memory of ${memory.length.toLocaleString('en')} chars (indexed once in ${fmt(indexMs)} ms) ${latencyOf(times[0])} | without ${latencyOf(times[1])}`;
}

/**
 * What the document's words cost a keystroke (a scan of the document for the name being typed, and the decoder's
 * score of the words the beam lacks): the same trace through the shipped engine and one on the model without its
 * word model.
 */
function wordRow(model: Seq2SeqModel, text: string, at: number, reps: number): string {
  const { wordModel: _word, ...plainConfig } = model.config;
  const times = interleavedTimes([new CompletionEngine(model), new CompletionEngine(new Seq2SeqModel(plainConfig, model.vocab, model.weights))], text, at, reps);
  return `  beam 3, the same trace, interleaved: with the word model${model.config.wordModel ? '' : ' (this model has none)'} ${latencyOf(times[0])} | without it ${latencyOf(times[1])}`;
}

/** Op-by-op tfjs inference (the straightforward way): encode the window, then greedy steps with dataSync. */
function opByOpRequest(model: Seq2SeqModel, tokens: number[], decodeSteps: number): void {
  tf.tidy(() => {
    const batch: Batch = {
      batchSize: 1, encoderLength: tokens.length, encoderIds: Int32Array.from(tokens), encoderPad: new Int32Array(1),
      targetLength: 0, primeLength: 0, decoderInputs: new Int32Array(0), targets: new Int32Array(0),
    };
    let states = encode(model, batch);
    let id = model.vocab.startId;
    for (let t = 0; t < decodeSteps; t++) {
      const x = tf.cast(tf.oneHot(tf.tensor1d([id], 'int32'), model.vocab.size), 'float32') as Tensor2D;
      let input = x;
      states = states.map((s, l) => {
        const next = lstmCell(model, 'decoderLstm', l, input, s);
        input = next.h;
        return next;
      });
      const logits = tf.add(tf.matMul(input, model.weight(DENSE_KERNEL)), model.weight(DENSE_BIAS));
      id = tf.argMax(logits, 1).dataSync()[0] as number;
    }
  });
}

/**
 * Matmul FLOPs of a training batch, forward x 3 (forward + backward). Layer 0's input projection is a row lookup,
 * not a product, so it counts nothing; elementwise work is left out, so this is what matmul speed bounds.
 */
function trainingFlops(config: ModelConfig, vocabSize: number, batch: Batch): number {
  const H = config.hiddenSize;
  let perStep = 0;
  for (let l = 0; l < config.layers; l++) perStep += 2 * ((l === 0 ? 0 : H) + H) * 4 * H;
  const chars = batchChars(batch);
  return 3 * (chars.processed * perStep + chars.targets * 2 * H * vocabSize);
}

async function benchText(): Promise<SourceFile[]> {
  const src = join(__dirname, '..', 'src');
  const roots = [src, join(__dirname, '..', '..', 'src')].filter((p) => existsSync(p));
  if (roots.length > 0) {
    const { files } = await readCorpus([roots[0] as string]);
    if (files.length > 0) return files;
  }
  const text = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(200);
  return [{ path: 'synthetic.ts', text, family: 'ts-js' }];
}

/**
 * The whole context the editor gives a request: 64,000 characters on both sides of the cursor and up to 300 KB of
 * other files (the bench corpus's files, put into the ring as the editor's document events would), indexed in idle
 * slices between keystrokes. Typing-trace latency beside the same trace with the document only, the idle slices,
 * and what the context holds in memory.
 */
function contextRow(model: Seq2SeqModel, files: SourceFile[], text: string, deep: number, reps: number): string {
  const heapBefore = process.memoryUsage().heapUsed;
  const engine = new CompletionEngine(model);
  const t0 = now();
  for (const f of files) engine.context.put(f.path, f.text);
  const putMs = now() - t0;
  const slices: number[] = [];
  for (let more = true; more; ) {
    const t1 = now();
    more = engine.context.prepare();
    slices.push(now() - t1);
  }
  const stats = engine.context.stats();
  const trace = (withFiles: boolean): number[] => {
    const times: number[] = [];
    for (let k = 0; k <= reps; k++) {
      const t1 = now();
      engine.suggest({ prefix: text.slice(0, deep + k), below: textBelow(text.slice(deep + k)), beamWidth: 3, maxChars: 20, path: 'bench-document', files: withFiles, ...AS_EDITOR });
      if (k > 0) times.push(now() - t1);
    }
    return times;
  };
  const without = trace(false);
  const withFiles = trace(true);
  // Any request: a cursor somewhere else in the text each time (the document's indexes are rebuilt). As shipped, a
  // jump is answered from a short window and idle time reads the full one before the next keystroke; beside it, the
  // same jumps reading the full window at once (the rule before), in the same run.
  const jumpRow = (coldWindow: ColdWindow): { jump: number[]; next: number[] } => {
    const rng = new Rng(5);
    const jump: number[] = [];
    const next: number[] = [];
    for (let r = 0; r < reps; r++) {
      const at = rng.int(1_000, text.length - 2);
      const ask = (end: number): number => {
        const t1 = now();
        engine.suggest({ prefix: text.slice(0, end), below: textBelow(text.slice(end)), beamWidth: 3, maxChars: 20, path: 'bench-document', coldWindow, ...AS_EDITOR });
        return now() - t1;
      };
      jump.push(ask(at));
      while (engine.prepareIdle());
      next.push(ask(at + 1));
    }
    return { jump, next };
  };
  const shortFirst = jumpRow('short');
  const fullFirst = jumpRow('full');
  // A jump that rests before the first keystroke (a click, then typing: the editor's CursorLanding): the landing's
  // idle work (its longest slice, which a request arriving meanwhile would wait out), then that keystroke.
  const landing = { keystroke: [] as number[], slice: [] as number[], idle: [] as number[] };
  const landRng = new Rng(5);
  for (let r = 0; r < reps; r++) {
    const at = landRng.int(1_000, text.length - 2);
    engine.land({ prefix: text.slice(0, at), below: textBelow(text.slice(at)) });
    let idle = 0;
    for (let more = true; more; ) {
      const t1 = now();
      more = engine.prepareIdle();
      const ms = now() - t1;
      landing.slice.push(ms);
      idle += ms;
    }
    landing.idle.push(idle);
    const t1 = now();
    engine.suggest({ prefix: text.slice(0, at + 1), below: textBelow(text.slice(at + 1)), beamWidth: 3, maxChars: 20, path: 'bench-document', ...AS_EDITOR });
    landing.keystroke.push(now() - t1);
  }
  const heapAfter = process.memoryUsage().heapUsed;
  engine.dispose();
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  return [
    `  beam 3, whole context (${deep} chars above, ${Math.min(COPY_AFTER_CHARS, text.length - deep)} below, other files: ${stats.files} files, ${stats.chars} chars, ${stats.droppedChunks} duplicate chunks dropped):`,
    `    typing trace with other files p50 ${fmt(median(withFiles))} p95 ${fmt(percentile(withFiles, 95))} | document only p50 ${fmt(median(without))} p95 ${fmt(percentile(without, 95))} | any request (cursor jumps) p50 ${fmt(median(shortFirst.jump))} p95 ${fmt(percentile(shortFirst.jump, 95))}`,
    `    cursor jumps, short window first: p50 ${fmt(median(shortFirst.jump))} p95 ${fmt(percentile(shortFirst.jump, 95))} max ${fmt(Math.max(...shortFirst.jump))}, the keystroke after (full window read in idle) p50 ${fmt(median(shortFirst.next))} p95 ${fmt(percentile(shortFirst.next, 95))} | full window at once: p50 ${fmt(median(fullFirst.jump))} p95 ${fmt(percentile(fullFirst.jump, 95))} max ${fmt(Math.max(...fullFirst.jump))}, the keystroke after p50 ${fmt(median(fullFirst.next))} p95 ${fmt(percentile(fullFirst.next, 95))}`,
    `    cursor lands, then a keystroke: the keystroke p50 ${fmt(median(landing.keystroke))} p95 ${fmt(percentile(landing.keystroke, 95))} max ${fmt(Math.max(...landing.keystroke))} (same places as the jumps); idle work after the landing p50 ${fmt(median(landing.idle))} ms in slices of at most ${fmt(Math.max(...landing.slice))} ms`,
    `    other files: put ${fmt(putMs)} ms on document events, indexed in ${slices.length} idle slices (p50 ${fmt(median(slices))}, max ${fmt(Math.max(...slices))} ms); resident ${mb(stats.residentBytes)} MB (heap grew ${mb(heapAfter - heapBefore)} MB over the whole row)`,
  ].join('\n');
}

/**
 * Data-parallel training over 1..N threads (N = the cores), each beside the physical limit measured in the same
 * run: N independent learners training side by side in N threads, as N processes would.
 */
async function dataParallelRows(c: ModelConfig, vocab: Vocabulary, sampler: WindowSampler, B: number, steps: number, backend: BackendName): Promise<string> {
  const workerPath = join(__dirname, 'gradientWorker.js');
  if (!existsSync(workerPath)) return '  data-parallel: dist/gradientWorker.js not built';
  const rows: string[] = [];
  let one = 0;
  for (let n = 1; n <= Math.max(2, availableParallelism()); n++) {
    const model = Seq2SeqModel.create(c, vocab, 2);
    const learner = await ParallelLearner.start(model, DEFAULT_TRAIN_CONFIG, { workers: n, workerPath, backend });
    await learner.trainStep(sampler.sample(Rng.derive(7, 0), B)); // warm-up: kernels, replicas' first weights
    let processed = 0;
    const t0 = now();
    for (let i = 1; i <= steps; i++) {
      const batch = sampler.sample(Rng.derive(7, i), B);
      await learner.trainStep(batch);
      processed += batchChars(batch).processed;
    }
    const rate = (processed * 1000) / (now() - t0);
    if (n === 1) one = rate;
    let limit = '';
    if (n > 1) {
      // The same threads, each training alone: N independent runs side by side (the coordinating thread idles).
      const reference = await ParallelLearner.start(Seq2SeqModel.create(c, vocab, 3), DEFAULT_TRAIN_CONFIG, { workers: n + 1, workerPath, backend });
      const batches = Array.from({ length: n }, (_, w) => Array.from({ length: steps }, (_, i) => sampler.sample(Rng.derive(100 + w, i), B)));
      await reference.independentRate(batches.map((b) => b.slice(0, 1)), DEFAULT_TRAIN_CONFIG); // warm-up
      const alone = await reference.independentRate(batches, DEFAULT_TRAIN_CONFIG);
      await reference.dispose();
      reference.model.dispose();
      limit = ` | limit, ${n} independent learners side by side: ${Math.round(alone.processedPerSecond)} (${fmt(alone.processedPerSecond / one, 2)}x); data-parallel reaches ${fmt(rate / alone.processedPerSecond, 2)} of the limit`;
    }
    await learner.dispose();
    model.dispose();
    rows.push(`  data-parallel, ${n} thread(s): ${Math.round(rate)} processed chars/s (${fmt(rate / one, 2)}x one thread)${limit}`);
  }
  return rows.join('\n');
}

/** The model to bench: the folder's, an untrained one of the asked size, or an untrained base-size one. */
async function benchModel(values: Record<string, unknown>): Promise<{ model: Seq2SeqModel; modelName: string; modelDir: string; saved: boolean }> {
  const modelDir = (values.model as string | undefined) ?? join(__dirname, '..', 'models', 'base');
  let model: Seq2SeqModel;
  let modelName: string;
  const sized = values.hidden !== undefined || values.layers !== undefined;
  if (sized) {
    // An untrained model of the asked size: for sizing latency and training speed (suggestions are random).
    const config = { ...DEFAULT_MODEL_CONFIG, hiddenSize: Number(values.hidden ?? DEFAULT_MODEL_CONFIG.hiddenSize), layers: Number(values.layers ?? DEFAULT_MODEL_CONFIG.layers) };
    model = Seq2SeqModel.create(config, Vocabulary.createDefault(), 1);
    modelName = `untrained, hidden ${config.hiddenSize} x ${config.layers} layer(s)`;
  } else if (existsSync(join(modelDir, 'model.json'))) {
    const loaded = await loadModelDir(modelDir);
    model = loaded.model;
    modelName = loaded.metadata.name ?? modelDir;
  } else {
    model = Seq2SeqModel.create(DEFAULT_MODEL_CONFIG, Vocabulary.createDefault(), 1);
    modelName = 'untrained base-size model (no model folder found)';
  }
  // The background learner's row needs a saved model to learn from (an untrained bench model has none).
  return { model, modelName, modelDir, saved: !sized && existsSync(join(modelDir, 'model.json')) };
}

/** Raw matmul speed: the ceiling everything else is compared with. Returns the 512^3 figure. */
function matmulRow(model: Seq2SeqModel, quick: boolean, print: (line: string) => void): number {
  const c = model.config;
  const bigGflops = matmulGflops(512, 512, 512, quick ? 3 : 10);
  const vecGflops = matmulGflops(1, c.hiddenSize, 4 * c.hiddenSize, quick ? 20 : 200);
  print(`\nmatmul: 512x512x512 ${fmt(bigGflops)} GFLOP/s; batch-1 [1,${c.hiddenSize}]x[${c.hiddenSize},${4 * c.hiddenSize}] ${fmt(vecGflops)} GFLOP/s`);

  return bigGflops;
}

/** Typing trace (the encoder state carried over) against re-encoding every request, beam 1 and 4. */
function traceRows(model: Seq2SeqModel, text: string, reps: number): string[] {
  const rng = new Rng(3);
  const coldPrefixes = Array.from({ length: reps }, () => text.slice(0, rng.int(300, text.length)));
  const rows: string[] = [];
  for (const beamWidth of [1, 4]) {
    const cold = new CompletionEngine(model, { cache: false });
    cold.suggest({ prefix: coldPrefixes[0] as string, beamWidth, ...AS_EDITOR });
    const coldTimes = coldPrefixes.map((prefix) => {
      const t0 = now();
      cold.suggest({ prefix, beamWidth, maxChars: 20, coldWindow: 'full', ...AS_EDITOR });
      return now() - t0;
    });
    cold.dispose();
    // Typing trace: one request per keystroke through a stretch of real code, the encoder state carried over.
    const warm = new CompletionEngine(model);
    const start = Math.min(text.length - reps - 1, 2000);
    const warmTimes: number[] = [];
    let decoded = 0;
    for (let k = 0; k <= reps; k++) {
      const t0 = now();
      const r = warm.suggest({ prefix: text.slice(0, start + k), beamWidth, maxChars: 20, ...AS_EDITOR });
      if (k > 0) warmTimes.push(now() - t0); // the first request of the trace fills the cache
      decoded += r.candidates[0]?.text.length ?? 0;
    }
    warm.dispose();
    rows.push(`  beam ${beamWidth}: typing trace p50 ${fmt(median(warmTimes))} p95 ${fmt(percentile(warmTimes, 95))} | re-encode every request p50 ${fmt(median(coldTimes))} p95 ${fmt(percentile(coldTimes, 95))} | mean suggestion ${fmt(decoded / (reps + 1))} chars`);
  }
  return rows;
}

function slideRow(model: Seq2SeqModel, text: string, quick: boolean): string {
  const c = model.config;
  // Window slides: a longer trace crosses one every (max - min) characters. Between keystrokes the worker reads
  // the next window ahead in chunks of 32 steps (prepareNextWindow); the same trace without it is the baseline.
  const long = quick ? 150 : 640;
  const slideRows = ([true, false] as const).map((ahead) => {
    const engine = new CompletionEngine(model);
    const start = Math.min(text.length - long - 1, 2000);
    const times: number[] = [];
    const chunks: number[] = [];
    for (let k = 0; k <= long; k++) {
      const t0 = now();
      // Without read-ahead, as before it: every slide re-reads the full window.
      engine.suggest({ prefix: text.slice(0, start + k), beamWidth: 3, maxChars: 20, ...(ahead ? {} : { coldWindow: 'full' as const }), ...AS_EDITOR });
      if (k > 0) times.push(now() - t0);
      for (let more = ahead; more; ) {
        const t1 = now();
        more = engine.prepareNextWindow(32);
        chunks.push(now() - t1);
      }
    }
    engine.dispose();
    const idle = ahead ? ` (idle read-ahead: chunk p50 ${fmt(median(chunks))}, max ${fmt(Math.max(...chunks))})` : '';
    return `${ahead ? 'read ahead' : 'no read-ahead'} p50 ${fmt(median(times))} p95 ${fmt(percentile(times, 95))} max ${fmt(Math.max(...times))}${idle}`;
  });
  return `  beam 3, typing trace of ${long} keys (${Math.floor(long / (c.maxContextChars - c.minContextChars))}+ window slides): ${slideRows.join(' | ')}`;
}

/**
 * Longer suggestions (issue 16): the same kind of trace with the best candidate extended to the end of its line
 * (seq2seq.suggestionLength auto, every next token decoded; up to 80 characters), and with the next line too
 * (multiline), beside one-token suggestions, in the same run.
 */
function lengthRow(model: Seq2SeqModel, text: string, reps: number): string {
  const lengthRows = ([['token', false], ['auto', false], ['auto', true]] as const).map(([length, multiline]) => {
    const engine = new CompletionEngine(model);
    const start = Math.min(text.length - reps - 1, 4000);
    const times: number[] = [];
    let chars = 0;
    for (let k = 0; k <= reps; k++) {
      const t0 = now();
      const r = engine.suggest({ prefix: text.slice(0, start + k), beamWidth: 3, maxChars: 80, length, multiline, ...AS_EDITOR });
      if (k > 0) times.push(now() - t0);
      chars += r.candidates[0]?.text.length ?? 0;
      while (engine.prepareIdle());
    }
    engine.dispose();
    return `${length}${multiline ? ' + multiline' : ''} p50 ${fmt(median(times))} p95 ${fmt(percentile(times, 95))} max ${fmt(Math.max(...times))} (mean ${fmt(chars / (reps + 1))} chars)`;
  });
  return `  beam 3, up to 80 chars, typing trace: ${lengthRows.join(' | ')}`;
}

/** The copy prior's cost where it is largest, `deep` characters into a long file. */
function copyRow(model: Seq2SeqModel, text: string, deep: number, reps: number): string {
  // As the editor sends it: the document below the cursor's line too (up to COPY_AFTER_CHARS), then above only, then off.
  const modes = [{ label: 'above and below', copy: true, below: true }, { label: 'above only', copy: true, below: false }, { label: 'off', copy: false, below: false }];
  const copyRows = modes.map(({ label, copy, below }) => {
    const engine = new CompletionEngine(model);
    const times: number[] = [];
    for (let k = 0; k <= reps; k++) {
      const t0 = now();
      const after = below ? textBelow(text.slice(deep + k)) : '';
      engine.suggest({ prefix: text.slice(0, deep + k), beamWidth: 3, maxChars: 20, ...(copy ? {} : { copy: false }), ...(after ? { below: after } : {}), ...AS_EDITOR });
      if (k > 0) times.push(now() - t0);
    }
    engine.dispose();
    return `${label} p50 ${fmt(median(times))} p95 ${fmt(percentile(times, 95))}`;
  });
  return `  beam 3, typing trace ${deep} chars into the text (${Math.min(COPY_AFTER_CHARS, text.length - deep)} after), copy prior ${copyRows.join(' | ')}`;
}

/** This engine against op-by-op tfjs inference on the same request. */
function referenceRow(model: Seq2SeqModel, text: string, quick: boolean): string {
  const vocab = model.vocab;
  const refTokens = [vocab.markerId('ts-js'), ...vocab.encode(text.slice(0, 128))];
  opByOpRequest(model, refTokens, 20);
  const refTimes = timeIt(quick ? 3 : 10, () => opByOpRequest(model, refTokens, 20));
  const netOnly = new CompletionEngine(model, { cache: false });
  const fastTimes = timeIt(quick ? 5 : 20, () => netOnly.suggest({ prefix: text.slice(0, 127), beamWidth: 1, maxChars: 20, stopAt: 'line' }));
  netOnly.dispose();
  return `  reference, encode 128 + greedy up to 20 chars: op-by-op tfjs p50 ${fmt(median(refTimes))} ms vs this engine p50 ${fmt(median(fastTimes))} ms (${fmt(median(refTimes) / median(fastTimes))}x)`;

}

/** Decode speed: decoder steps at batch 1. */
function decodeRow(model: Seq2SeqModel, quick: boolean): string {
  const vocab = model.vocab;
  const net = new InferenceNet(model);
  const state = net.zeroState(1);
  const steps = quick ? 100 : 500;
  const t0 = now();
  for (let s = 0; s < steps; s++) net.logProbs(net.step('decoderLstm', [vocab.idOf('a')], state), 1);
  const decodeRate = (steps * 1000) / (now() - t0);
  net.dispose();
  return `\ndecode: ${Math.round(decodeRate)} chars/s at batch 1 (${fmt(1000 / decodeRate, 3)} ms per character)`;

}

/** Training throughput of this trainer vs a tfjs-layers seq2seq on the same backend and text, and data-parallel. */
async function trainingRows(model: Seq2SeqModel, files: SourceFile[], quick: boolean, bigGflops: number, backend: BackendName, print: (line: string) => void): Promise<void> {
  const c = model.config;
  const vocab = model.vocab;
  const trainModel = Seq2SeqModel.create(c, vocab, 2);
  const learner = new Seq2SeqLearner(trainModel, DEFAULT_TRAIN_CONFIG);
  const sampler = new WindowSampler(files, vocab, c);
  const B = DEFAULT_TRAIN_CONFIG.batchSize;
  learner.trainStep(sampler.sample(Rng.derive(1, 0), B));
  let processed = 0;
  let targets = 0;
  let flops = 0;
  let ms = 0;
  for (let i = 1; i <= (quick ? 2 : 6); i++) {
    const batch = sampler.sample(Rng.derive(1, i), B);
    const t = now();
    learner.trainStep(batch);
    ms += now() - t;
    const chars = batchChars(batch);
    processed += chars.processed;
    targets += chars.targets;
    flops += trainingFlops(c, vocab.size, batch);
  }
  learner.dispose();
  trainModel.dispose();
  const gflops = flops / (ms * 1e6);
  print(`\ntraining (batch ${B}, window ${c.minContextChars}-${c.maxContextChars}, ${c.targetChars} targets per window):`);
  print(`  this trainer: ${Math.round((processed * 1000) / ms)} processed chars/s, ${Math.round((targets * 1000) / ms)} target chars/s, ${fmt(gflops)} GFLOP/s = ${fmt((100 * gflops) / bigGflops, 0)} % of the 512^3 matmul`);
  const naive = await naiveLayersTrainingRate(files, vocab, c.hiddenSize, quick ? 1 : 3);
  print(`  reference, tfjs-layers seq2seq (window 128, 16 targets, batch 32): ${Math.round(naive.processedPerSecond)} processed chars/s, ${Math.round(naive.targetsPerSecond)} target chars/s`);
  print(`  ratio: ${fmt(((targets * 1000) / ms) / naive.targetsPerSecond)}x target chars/s, ${fmt(((processed * 1000) / ms) / naive.processedPerSecond)}x processed chars/s`);
  print(await dataParallelRows(c, vocab, sampler, B, quick ? 2 : 6, backend));
}

export async function runBench(args: string[]): Promise<number> {
  const values = parse(args, { model: { type: 'string' }, quick: { type: 'boolean' }, hidden: { type: 'string' }, layers: { type: 'string' } });
  const quick = values.quick === true;
  const backend = await initBackend(backendOption(values));
  const print = stdoutLines('exit');
  print(`$ node dist/cli.js bench ${args.join(' ')}`.trim());
  print(`backend: ${backend.name}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}; quick=${quick}`);

  const { model, modelName, modelDir, saved } = await benchModel(values);
  const c = model.config;
  print(`model: ${modelName}: hidden ${c.hiddenSize}, layers ${c.layers}, peephole ${c.peephole}, decoder prime ${c.decoderPrime}, window ${c.minContextChars}-${c.maxContextChars}`);

  const bigGflops = matmulRow(model, quick, print);

  // Suggestion latency.
  const files = await benchText();
  const text = files.map((f) => f.text).join('\n');
  const reps = quick ? 12 : 60;
  print(`\nsuggestion latency, ms (context up to ${c.maxContextChars} chars, decode to the end of the token, max 20 chars):`);
  traceRows(model, text, reps).forEach(print);
  print(slideRow(model, text, quick));
  print(lengthRow(model, text, reps));
  // The copy prior's cost where it is largest: deep in a long file, it indexes the 64,000 characters before the
  // cursor on every request. Same trace with copying off, in the same run, as the baseline.
  const deep = Math.min(text.length - reps - 1, COPY_CONTEXT_CHARS + 2000);
  print(copyRow(model, text, deep, reps));
  print(showRow(model, text, deep, reps));
  print(wordRow(model, text, deep, reps));
  print(memoryRow(model, files, text, deep, reps));
  if (saved) print(await learnerRow(model, modelDir, files, text, deep, quick ? 40 : 4 * reps, backend.name as BackendName));
  print(contextRow(model, files, text, deep, reps));
  print(referenceRow(model, text, quick));
  print(decodeRow(model, quick));
  await trainingRows(model, files, quick, bigGflops, backend.name as BackendName, print);
  model.dispose();
  return 0;
}
