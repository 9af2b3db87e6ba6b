// The fast inference path (one matmul per layer-step, gates in JavaScript) against the training graph.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { decoderPrime, encoderTokens } from '../../../src/model/graph/context';
import { Batch, decodeTeacherForced, encode, Seq2SeqModel } from '../../../src/model/graph/seq2seq';
import { tf } from '../../../src/model/graph/tf';
import { Vocabulary } from '../../../src/model/graph/vocab';
import { DENSE_BIAS, DENSE_KERNEL } from '../../../src/model/graph/weights';
import { InferenceNet } from '../../../src/model/inference/inference';
import { TINY, useTestBackend } from '../../helpers';

before(async () => {
  await useTestBackend();
});

const vocab = Vocabulary.createDefault();

for (const variant of [{ layers: 1, peephole: false, decoderPrime: 0 }, { layers: 1, peephole: false, decoderPrime: 4 }, { layers: 2, peephole: true, decoderPrime: 3 }]) {
  test(`the fast inference path computes what the training graph computes (${JSON.stringify(variant)})`, () => {
    const model = Seq2SeqModel.create({ ...TINY, ...variant }, vocab, 5);
    const context = 'def f(x):\n  return';
    const tokens = encoderTokens(vocab, 'python', context, true);
    const prime = decoderPrime(vocab, context, variant.decoderPrime);
    assert.equal(prime.length, variant.decoderPrime + 1);
    const next = [...' x + 1'].map((c) => vocab.idOf(c));
    const T = next.length;
    const P = prime.length - 1;
    const batch: Batch = {
      batchSize: 1, encoderLength: tokens.length, encoderIds: Int32Array.from(tokens), encoderPad: new Int32Array(1),
      targetLength: T, primeLength: P, decoderInputs: Int32Array.from([...prime, ...next.slice(0, -1)]), targets: Int32Array.from(next),
    };
    const expected = tf.tidy(() => {
      const h = decodeTeacherForced(model, batch, encode(model, batch));
      return tf.logSoftmax(tf.add(tf.matMul(h, model.weight(DENSE_KERNEL)), model.weight(DENSE_BIAS)));
    });
    const want = expected.arraySync() as number[][];
    expected.dispose();
    const net = new InferenceNet(model);
    const state = net.zeroState(1);
    for (const id of tokens) net.step('encoderLstm', [id], state);
    assert.equal(want.length, T);
    Array.from(batch.decoderInputs).forEach((id, step) => {
      const got = net.logProbs(net.step('decoderLstm', [id], state), 1);
      if (step < P) return; // prime steps predict nothing
      const t = step - P;
      for (let v = 0; v < vocab.size; v++) assert.ok(Math.abs((got[v] as number) - (want[t]![v] as number)) < 1e-4, `target ${t} id ${v}`);
    });
    net.dispose();
    model.dispose();
  });
}
