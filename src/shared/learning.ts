// The background learner's budgets, shared by the model core (src/model/training/learn.ts), the CLI and the
// extension's settings, which must not load the model code to know them.

/**
 * The first learning's budget: what one core reaches in 5 minutes of idle time. Measured through the extension's
 * own path (`node --import tsx scripts/learn-rate.ts --project <query-core> --minutes 5`: the train worker in a
 * background run, never paused, nothing else running on a 2-core machine): 420 steps in 5 minutes, 0.71 s a step
 * with its validations and saves, so 400 steps take about 4.8 minutes.
 */
export const LEARN_STEPS = 400;

/** An update after files were saved: a few steps on the workspace as it is now (about 30 s of one core). */
export const LEARN_UPDATE_STEPS = 40;

/** The seed every learning run uses: the same files give the same model. */
export const LEARN_SEED = 1;

/**
 * Adapting to the document being edited: steps of the fine-tune recipe on that document's text alone, from the
 * saved model in use (about 9 s of one core); the weights serve until another document is adapted to or the model
 * is loaded again, and are never saved. Chosen on the fit projects (`scripts/exp/doc-adapt.ts`, 10 blocks each):
 * 10 steps gave +0.9 points of keys spared over the six (TypeScript and JavaScript +1.0 to +1.5, Python 0 to +0.5);
 * a rate of 3e-3 spared as many keys with more wrong suggestions.
 */
export const DOCUMENT_STEPS = 10;
