// The encoder cache: the same states as reading from scratch, for a fraction of the steps.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { encoderTokens } from '../../../src/model/graph/context';
import { EncoderCache } from '../../../src/model/inference/encoderCache';
import { CompletionEngine } from '../../../src/model/inference/engine';
import { InferenceNet } from '../../../src/model/inference/inference';
import { Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { SAMPLE_TS, TINY, trainedTiny, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

test('the encoder cache changes nothing but the time: typing, backspace and jumps give the same suggestions', () => {
  const model = trainedTiny(10);
  const cached = new CompletionEngine(model);
  const plain = new CompletionEngine(model, { cache: false });
  const long = SAMPLE_TS.repeat(3);
  const prefixes = [40, 41, 42, 43, 42, 41, 90, 91, 20, 43, 150, 151, 152].map((n) => long.slice(0, n));
  let stepsRun = 0;
  for (const prefix of prefixes) {
    const a = cached.suggest({ prefix, beamWidth: 2 });
    const b = plain.suggest({ prefix, beamWidth: 2 });
    stepsRun += a.encoderSteps;
    assert.deepEqual(a.candidates.map((c) => c.text), b.candidates.map((c) => c.text));
    a.candidates.forEach((c, k) => assert.ok(Math.abs(c.logProb - b.candidates[k]!.logProb) < 1e-9));
  }
  assert.ok(stepsRun < prefixes.length * TINY.minContextChars, `cache ran ${stepsRun} encoder steps`);
  cached.dispose();
  plain.dispose();
  model.dispose();
});

test('the cache itself: appending costs one step, backspace none, a jump back to other text hits its branch', () => {
  const model = trainedTiny(5);
  const net = new InferenceNet(model);
  const cache = new EncoderCache(net, 4);
  const tokens = (text: string): number[] => encoderTokens(vocab, 'ts-js', text, true);
  const fresh = (text: string): Float32Array[] => {
    const state = net.zeroState(1);
    for (const id of tokens(text)) net.step('encoderLstm', [id], state);
    return state.h;
  };
  const read = (text: string): { steps: number; h: Float32Array[] } => {
    const r = cache.encode(tokens(text));
    return { steps: r.stepsRun, h: r.state.h };
  };
  assert.equal(read('const a').steps, tokens('const a').length, 'cold: every token');
  assert.equal(read('const ab').steps, 1, 'one character typed');
  assert.equal(read('const a').steps, 0, 'backspace');
  assert.equal(read('const x').steps, 1, 'a branch from the shared prefix');
  assert.equal(read('const ab').steps, 0, 'the first branch is still there');
  for (const text of ['const ab', 'const x', 'let y']) {
    const got = read(text).h;
    fresh(text).forEach((layer, l) => layer.forEach((v, i) => assert.ok(Math.abs(v - got[l]![i]!) < 1e-6, `${text} layer ${l} unit ${i}`)));
  }
  net.dispose();
  model.dispose();
});

test('reading the next window ahead: the keystroke that slides the window pays a step, not a re-encode', () => {
  const model = trainedTiny(5);
  const ahead = new CompletionEngine(model);
  const plain = new CompletionEngine(model);
  const text = SAMPLE_TS.repeat(2);
  let slidesAhead = 0;
  let worstAhead = 0;
  let worstPlain = 0;
  for (let n = 30; n < 120; n++) {
    const prefix = text.slice(0, n);
    const a = ahead.suggest({ prefix, beamWidth: 2 });
    while (ahead.prepareNextWindow(4));
    const b = plain.suggest({ prefix, beamWidth: 2 });
    assert.deepEqual(a.candidates.map((c) => c.text), b.candidates.map((c) => c.text), `same suggestions at ${n}`);
    if (n === 30) continue; // the first request reads its whole window either way
    if (b.encoderSteps > 2) slidesAhead++;
    worstAhead = Math.max(worstAhead, a.encoderSteps);
    worstPlain = Math.max(worstPlain, b.encoderSteps);
  }
  assert.ok(slidesAhead >= 5, `the trace crosses ${slidesAhead} slides`);
  assert.ok(worstPlain >= TINY.minContextChars, `without read-ahead a slide re-reads the window (${worstPlain} steps)`);
  assert.ok(worstAhead <= 2, `with read-ahead no keystroke runs more than 2 encoder steps (${worstAhead})`);
  ahead.dispose();
  plain.dispose();
  model.dispose();
});

test('a jump is answered from a short window; idle time reads the full one, which the next keystroke uses', () => {
  // Windows of 64-160 characters: a jump lacks far more than COLD_STEPS (48) steps.
  const config = { ...TINY, minContextChars: 64, maxContextChars: 160 };
  const model = Seq2SeqModel.create(config, vocab, 4);
  const shipped = new CompletionEngine(model);
  const full = new CompletionEngine(model);
  const text = SAMPLE_TS.repeat(6);
  const at = 400; // the full window starts at windowStart(400) = 288: 112 characters
  const jump = shipped.suggest({ prefix: text.slice(0, at), beamWidth: 2 });
  const reference = full.suggest({ prefix: text.slice(0, at), beamWidth: 2, coldWindow: 'full' });
  assert.equal(reference.encoderSteps, 1 + 112, 'the full window: its marker and 112 characters');
  // The short window: 64-96 characters, its start a multiple of 32 (windowStart(400, 64..96) = 320).
  assert.equal(jump.encoderSteps, 1 + 80);
  // Idle time reads the full window; the next keystroke then costs one step and answers as the full window does.
  let slices = 0;
  while (shipped.prepareNextWindow(32)) slices++;
  assert.ok(slices >= 3, `read in ${slices + 1} slices`);
  const next = shipped.suggest({ prefix: text.slice(0, at + 1), beamWidth: 2 });
  const nextFull = full.suggest({ prefix: text.slice(0, at + 1), beamWidth: 2, coldWindow: 'full' });
  assert.equal(next.encoderSteps, 1);
  assert.deepEqual(next.candidates, nextFull.candidates);
  // Without idle time in between, the keystrokes after a jump extend the short window: a step each.
  const busy = new CompletionEngine(model);
  busy.suggest({ prefix: text.slice(0, at), beamWidth: 2 });
  assert.equal(busy.suggest({ prefix: text.slice(0, at + 1), beamWidth: 2 }).encoderSteps, 1);
  for (const e of [shipped, full, busy]) e.dispose();
  model.dispose();
});

test('a landing (the cursor rests somewhere new) reads the full window and the indexes in idle time: the first keystroke there costs a step', () => {
  const config = { ...TINY, minContextChars: 64, maxContextChars: 160 };
  const model = Seq2SeqModel.create(config, vocab, 5);
  const landed = new CompletionEngine(model);
  const reference = new CompletionEngine(model);
  const text = SAMPLE_TS.repeat(6);
  const at = 400;
  landed.suggest({ prefix: text.slice(0, 100), beamWidth: 2 }); // typing elsewhere first
  landed.land({ prefix: text.slice(0, at), language: 'typescript', below: text.slice(at + 20) });
  let slices = 0;
  while (landed.prepareIdle()) slices++;
  assert.ok(slices >= 4, `the indexes, then the window in 32-step slices: ${slices}`);
  const first = landed.suggest({ prefix: text.slice(0, at + 1), language: 'typescript', below: text.slice(at + 20), beamWidth: 2 });
  const full = reference.suggest({ prefix: text.slice(0, at + 1), language: 'typescript', below: text.slice(at + 20), beamWidth: 2, coldWindow: 'full' });
  assert.equal(first.encoderSteps, 1);
  assert.equal(landed.aboveIndexUse, 'extended', 'the index built at the landing is extended by the keystroke');
  assert.deepEqual(first.candidates, full.candidates);
  // A request that comes before idle time did the work is answered as any jump is, and drops the landing's work.
  const busy = new CompletionEngine(model);
  busy.land({ prefix: text.slice(0, at) });
  const jump = busy.suggest({ prefix: text.slice(0, at + 1), beamWidth: 2 });
  assert.ok(jump.encoderSteps > 48, `${jump.encoderSteps} steps`);
  assert.equal(busy.aboveIndexUse, 'built');
  for (const e of [landed, reference, busy]) e.dispose();
  model.dispose();
});
