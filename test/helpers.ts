// Shared fixtures for unit tests: the backend under test and tiny model sizes that train in seconds.
import { DEFAULT_TRAIN_CONFIG, ModelConfig } from '../src/model/graph/config';
import { Rng } from '../src/model/graph/rng';
import { Seq2SeqModel } from '../src/model/graph/seq2seq';
import { Vocabulary } from '../src/model/graph/vocab';
import { WindowSampler } from '../src/model/training/dataset';
import { Seq2SeqLearner } from '../src/model/training/learner';
import { join } from 'node:path';
import { BackendPreference, initBackend } from '../src/node/backend';

/** The repository's root, for dist/ and test/fixtures/ from test files at any depth. */
export const REPO = join(__dirname, '..');

/** Fake credentials, one shape a file, inside ordinary code (test/fixtures/secrets/README.md). */
export const SECRETS_DIR = join(REPO, 'test', 'fixtures', 'secrets');
/** A piece of each fake secret there: none may reach a model's memory, the context ring or a suggestion. */
export const SECRET_MARKERS = [
  'github_pat_', 'wJalrXUtnFEMI', 'hooks.slack.com', 'xoxb-', 'AIzaSy', 'GOCSPX-', 'AccountKey=', '8Q~', 'eyJhbGci',
  'hunter2fake', 's3cretFakePassw0rd', 'Fake!Passw0rd', 'q8ZrT1vX9mLw2',
];

/** Tests run on wasm unless SEQ2SEQ_TEST_BACKEND says otherwise (cpu is the fallback path). */
export async function useTestBackend(): Promise<string> {
  const pref = (process.env.SEQ2SEQ_TEST_BACKEND ?? 'wasm') as BackendPreference;
  return (await initBackend(pref)).name;
}

export const TINY: ModelConfig = {
  hiddenSize: 24,
  layers: 1,
  peephole: false,
  maxContextChars: 24,
  minContextChars: 12,
  targetChars: 12,
  decoderPrime: 4,
};

export const SAMPLE_TS = `export function add(a: number, b: number): number {
  return a + b;
}

export function subtract(a: number, b: number): number {
  return a - b;
}
`;

/** A TINY model trained `steps` steps on `text` (by default SAMPLE_TS repeated), always the same for the same call. */
export function trainedTiny(steps: number, text = SAMPLE_TS.repeat(8)): Seq2SeqModel {
  const vocab = Vocabulary.createDefault();
  const model = Seq2SeqModel.create(TINY, vocab, 11);
  const learner = new Seq2SeqLearner(model, { ...DEFAULT_TRAIN_CONFIG, learningRate: 2e-2 });
  const sampler = new WindowSampler([{ path: 'a.ts', text, family: 'ts-js' }], vocab, TINY);
  for (let s = 0; s < steps; s++) learner.trainStep(sampler.sample(Rng.derive(1, s), 16));
  learner.dispose();
  return model;
}
