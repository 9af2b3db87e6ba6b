// The correction of the show model for a model that learnt a workspace (show.ts, TunedShow), from suggestions of
// the model as shipped and of a learnt copy on the same text: each model's right-rate as a logistic curve of the
// show model's log-odds z, and the learnt model's z mapped to the z' at which the shipped model is right as often,
// a_s z' + b_s = a_l z + b_l. The threshold then means for a learnt model what it meant when it was chosen.
import type { TunedShow } from '../inference/show';
import { Example, fitLogistic } from './logistic';

/** A right-rate curve: p(right) = sigmoid(slope * z + intercept). */
export interface RightRate {
  slope: number;
  intercept: number;
}

/** Examples have x = [1, z], z the show model's log-odds of the suggestion. */
export function fitTunedShow(shipped: readonly Example[], learnt: readonly Example[]): { tuned: TunedShow; shipped: RightRate; learnt: RightRate } {
  if (shipped.length === 0 || learnt.length === 0) throw new Error('no suggestions to fit on: both the model as shipped and a learnt one need some');
  const curve = (examples: readonly Example[]): RightRate => {
    const [intercept, slope] = fitLogistic(examples, 2).weights as [number, number];
    return { slope, intercept };
  };
  const s = curve(shipped);
  const l = curve(learnt);
  if (!(s.slope > 0)) throw new Error('the shipped model\'s suggestions are not more often right at higher confidence: no correction can be read off them');
  return { tuned: { scale: Number((l.slope / s.slope).toFixed(4)), shift: Number(((l.intercept - s.intercept) / s.slope).toFixed(4)) }, shipped: s, learnt: l };
}
