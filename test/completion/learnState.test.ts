import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADAPT_AFTER_EDITED_CHARS, INITIAL_LEARN_STATE, LearnConditions, parseLearnState, planAdapt, planLearning } from '../../src/completion/learnState';

const ok: LearnConditions = { enabled: true, trusted: true, hasWorkspace: true, modelFromSetting: false, baseChosen: false, commandRunning: false, budget: 400 };

test('a new workspace is learnt for the whole budget; a restart resumes with what is left; then only saves start an update', () => {
  assert.deepEqual(planLearning(INITIAL_LEARN_STATE, ok, false), { kind: 'first', steps: 400 });
  assert.deepEqual(planLearning({ ...INITIAL_LEARN_STATE, stepsDone: 150 }, ok, false), { kind: 'first', steps: 250 });
  const done = { ...INITIAL_LEARN_STATE, stepsDone: 400, complete: true };
  assert.equal(planLearning(done, ok, false).kind, 'none');
  assert.deepEqual(planLearning(done, ok, true), { kind: 'update' });
  // A first learning that stopped early (nothing more to gain) is over although steps were left.
  assert.deepEqual(planLearning({ ...INITIAL_LEARN_STATE, stepsDone: 120, complete: true }, ok, true), { kind: 'update' });
});

test('nothing is learnt when the user said no, in Restricted Mode, without a folder, or beside another model or a fine-tune', () => {
  const cases: [Partial<LearnConditions>, RegExp][] = [
    [{ enabled: false }, /learn\.enabled/],
    [{ trusted: false }, /Restricted Mode/],
    [{ hasWorkspace: false }, /no folder/],
    [{ modelFromSetting: true }, /modelPath/],
    [{ baseChosen: true }, /base model/],
    [{ commandRunning: true }, /fine-tune is running/],
  ];
  for (const [c, why] of cases) {
    const plan = planLearning(INITIAL_LEARN_STATE, { ...ok, ...c }, true);
    assert.equal(plan.kind, 'none');
    if (plan.kind === 'none') assert.match(plan.why, why);
  }
  const forgotten = planLearning({ ...INITIAL_LEARN_STATE, forgotten: true }, ok, true);
  assert.equal(forgotten.kind, 'none');
});

test('a stored state that is missing or hand-edited reads as a new workspace, field by field', () => {
  assert.deepEqual(parseLearnState(undefined), INITIAL_LEARN_STATE);
  assert.deepEqual(parseLearnState('x'), INITIAL_LEARN_STATE);
  assert.deepEqual(parseLearnState({ stepsDone: -3, complete: 'yes', forgotten: true, updates: 2.5 }), { ...INITIAL_LEARN_STATE, forgotten: true });
  assert.deepEqual(parseLearnState({ stepsDone: 40, complete: true, forgotten: false, updates: 2 }), { stepsDone: 40, complete: true, forgotten: false, updates: 2 });
});

test('the document in hand is adapted to once per load and batch of edits, never where learning is refused', () => {
  const c = { ...ok, documentSteps: 10 };
  const here = { uri: 'file:///a.ts', loadId: 3 };
  const done = { ...INITIAL_LEARN_STATE, complete: true };
  assert.deepEqual(planAdapt(done, c, here, null, 0), { kind: 'adapt', steps: 10 });
  assert.equal(planAdapt(done, c, here, here, ADAPT_AFTER_EDITED_CHARS - 1).kind, 'none');
  assert.equal(planAdapt(done, c, here, here, ADAPT_AFTER_EDITED_CHARS).kind, 'adapt');
  // Another document, or another load (a learnt model saved and switched in): adapted afresh.
  assert.equal(planAdapt(done, c, here, { ...here, uri: 'file:///b.ts' }, 0).kind, 'adapt');
  assert.equal(planAdapt(done, c, here, { ...here, loadId: 2 }, 0).kind, 'adapt');
  // During the first learning too, between its runs.
  assert.equal(planAdapt(INITIAL_LEARN_STATE, c, here, null, 0).kind, 'adapt');
  assert.match((planAdapt(done, { ...c, documentSteps: 0 }, here, null, 0) as { why: string }).why, /documentSteps/);
  for (const refused of [{ enabled: false }, { trusted: false }, { baseChosen: true }, { modelFromSetting: true }, { commandRunning: true }]) {
    assert.equal(planAdapt(done, { ...c, ...refused }, here, null, 0).kind, 'none', JSON.stringify(refused));
  }
  assert.equal(planAdapt({ ...done, forgotten: true }, c, here, null, 0).kind, 'none');
});
