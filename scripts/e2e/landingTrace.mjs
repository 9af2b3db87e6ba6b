// The keystroke after the cursor moves, in the real workbench: the cursor is sent to the end of a line from the
// keyboard (Ctrl+Home, ArrowDown, End), then one space is typed, either after a rest (as after a click: the
// extension's landing has read the window there) or at once (no rest: the request reads the window itself). The
// provider's records (SEQ2SEQ_REQUEST_CONSOLE=1) give the engine's time and encoder steps of that keystroke.
import { writeFileSync } from 'node:fs';
import { requestsFrom } from './latencyTrace.mjs';

export const LANDING_FILE = 'landing-trace.ts';
const LINES = 64;

/** Lines that all end differently, so that no window repeats one the encoder has read before. */
export function writeLandingFile(path) {
  const lines = Array.from({ length: LINES }, (_, i) => `export const limit${i} = computeLimit(${(i * 7919) % 10007}, "${(i * 104729).toString(36).repeat(3)}");`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs, p) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/**
 * For `moves` lines, alternately: rest 400 ms after the move, or type at once. Returns per variant the engine's ms
 * and encoder steps of the first request the engine answered after the keystroke (p50, p95, n).
 */
export async function landingTrace(page, pageConsole, { moves = 16 } = {}) {
  const variants = { rested: { engineMs: [], encoderSteps: [] }, atOnce: { engineMs: [], encoderSteps: [] } };
  for (let k = 0; k < moves; k++) {
    const variant = k % 2 === 0 ? 'rested' : 'atOnce';
    const line = 4 + 3 * k; // never a line read before
    await page.keyboard.press('Control+Home');
    for (let d = 0; d < line; d++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    if (variant === 'rested') await pause(400);
    const since = Date.now();
    await page.keyboard.type(' ');
    let answer;
    for (let waited = 0; waited < 5_000 && !answer; waited += 100) {
      await pause(100);
      answer = requestsFrom(pageConsole.lines, since).find((r) => r.encoderSteps !== null && r.encoderSteps !== undefined);
    }
    if (!answer) continue;
    variants[variant].engineMs.push(answer.engineMs);
    variants[variant].encoderSteps.push(answer.encoderSteps);
    await page.keyboard.press('Escape');
  }
  const summary = (v) => ({
    n: v.engineMs.length,
    engineMs: { p50: percentile(v.engineMs, 50), p95: percentile(v.engineMs, 95) },
    encoderSteps: { p50: percentile(v.encoderSteps, 50), max: v.encoderSteps.length ? Math.max(...v.encoderSteps) : null },
  });
  return { rested: summary(variants.rested), atOnce: summary(variants.atOnce) };
}
