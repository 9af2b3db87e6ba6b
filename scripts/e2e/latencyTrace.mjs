// Keydown-to-ghost-text latency in the real workbench: types a few hundred keys into a real file at a human
// rhythm (bursts of ~10 keys/s inside names, pauses after words and symbols, thinking pauses) and times, in the
// page, each keydown and each change of the ghost text. The extension host prints each provider call with its
// epoch time (SEQ2SEQ_REQUEST_CONSOLE=1), which splits the figure into VS Code's share and ours.
import { writeFileSync } from 'node:fs';

/** The file the trace types into: its head is on disk, the tail is typed. */
export const TRACE_FILE = 'latency-trace.ts';

const HEAD = `// Shapes and their areas, as a small project would write them.
export interface Rectangle {
  kind: "rectangle";
  width: number;
  height: number;
}

export interface Circle {
  kind: "circle";
  radius: number;
}

export type Shape = Rectangle | Circle;

export function rectangleArea(rectangle: Rectangle): number {
  return rectangle.width * rectangle.height;
}

export function circleArea(circle: Circle): number {
  return Math.PI * circle.radius * circle.radius;
}
`;

// Typed after the head, one key at a time. Enter is a key, and VS Code indents the next line and closes brackets
// itself, as it does for a user; LEAVE_BLOCK steps over the closing brace it inserted (ArrowDown, End).
const LEAVE_BLOCK = '\u0001';
const TAIL = [
  'export function shapeArea(shape: Shape): number {',
  'if (shape.kind === "rectangle") {',
  `return rectangleArea(shape);${LEAVE_BLOCK}`,
  `return circleArea(shape);${LEAVE_BLOCK}`,
  '',
  'export function totalArea(shapes: Shape[]): number {',
  'let total = 0;',
  'for (const shape of shapes) {',
  `total += shapeArea(shape);${LEAVE_BLOCK}`,
  'return total;',
].join('\n');

/** Writes the head of the trace file into the workspace copy. */
export function writeTraceFile(path) {
  writeFileSync(path, HEAD);
}

/** A fixed pseudo-random rhythm (same keys, same gaps on every run): gap in ms after each key of TAIL. */
export function traceRhythm(text = TAIL, seed = 17) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const between = (lo, hi) => lo + (hi - lo) * rand();
  const word = /[A-Za-z0-9_]/;
  return [...text].map((ch, i) => {
    const next = text[i + 1] ?? '';
    if (ch === '\n' || ch === LEAVE_BLOCK) return between(400, 900); // the end of a line: reading what was written
    if (i > 0 && i % 60 === 0 && !word.test(ch)) return between(1200, 2000); // thinking
    if (word.test(ch) && word.test(next)) return rand() < 0.03 ? between(400, 800) : between(70, 130); // inside a name
    return rand() < 0.5 ? between(350, 700) : between(80, 150); // after a word or a symbol
  });
}

/** Installs the page-side probes: keydowns and ghost-text changes, each with its epoch time. */
export async function installProbes(page) {
  await page.evaluate(() => {
    const now = () => performance.timeOrigin + performance.now();
    const ghost = () => Array.from(document.querySelectorAll('.editor-instance .ghost-text-decoration'))
      .map((e) => e.textContent ?? '').join('\n').replaceAll('\u00a0', ' ');
    const probes = { keys: [], ghosts: [] };
    let shown = ghost();
    window.addEventListener('keydown', (e) => probes.keys.push({ t: now(), key: e.key, ghost: shown }), true);
    new MutationObserver(() => {
      const text = ghost();
      if (text === shown) return;
      shown = text;
      probes.ghosts.push({ t: now(), text });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
    window.__seq2seqProbes = probes;
  });
}

export async function takeProbes(page) {
  return page.evaluate(() => {
    const p = window.__seq2seqProbes;
    window.__seq2seqProbes = { keys: [], ghosts: [] };
    return p;
  });
}

/** Types TAIL at the rhythm; the schedule is absolute, so a slow key press does not shift the ones after it. */
export async function typeTrace(page, text = TAIL) {
  const gaps = traceRhythm(text);
  let due = Date.now() + 200;
  for (const [i, ch] of [...text].entries()) {
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (ch === '\n') await page.keyboard.press('Enter');
    else if (ch === LEAVE_BLOCK) {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('End');
    } else await page.keyboard.type(ch);
    due += gaps[i];
  }
  await new Promise((r) => setTimeout(r, 1500));
  return text.length;
}

const percentile = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : null;
};
const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
const stats = (values) => ({ n: values.length, p50: round(percentile(values, 50)), p95: round(percentile(values, 95)) });

/**
 * Per key: a new request (the ghost text before it did not start with the typed character) or typing through a
 * shown suggestion; its latency is the first ghost-text change after the key and before the next one. Keys
 * followed by a pause of PAUSE_MS or more are the ones where a user is waiting for a suggestion.
 */
export function analyseTrace({ keys, ghosts }, requests) {
  const PAUSE_MS = 300;
  const afterPause = [];
  const through = [];
  const providerEntry = [];
  // For the keys after which a ghost text appeared at a pause: VS Code's wait before asking, ours (debounce,
  // worker, filters) and VS Code's again from our answer to the decoration.
  const split = { editorBeforeAsking: [], provider: [], providerDebounce: [], engine: [], editorAfterAnswer: [] };
  let pauses = 0;
  for (const [i, k] of keys.entries()) {
    const end = keys[i + 1]?.t ?? Infinity;
    const typed = k.key === 'Enter' ? '\n' : k.key;
    if (typed.length !== 1) continue; // moving the cursor, not typing
    const firstChange = ghosts.find((g) => g.t >= k.t && g.t < end);
    const entry = requests.find((r) => r.enteredAt >= k.t - 1 && r.enteredAt < end);
    if (entry) providerEntry.push(entry.enteredAt - k.t);
    if (k.ghost && typed.length === 1 && k.ghost.startsWith(typed) && k.ghost.length > 1) {
      if (firstChange) through.push(firstChange.t - k.t);
      continue;
    }
    if (end - k.t < PAUSE_MS) continue;
    pauses++;
    const shown = ghosts.find((g) => g.t >= k.t && g.t < end && g.text.trim() !== '');
    if (!shown) continue;
    afterPause.push(shown.t - k.t);
    // The provider call that answered: the last one to return before the ghost text changed.
    const answered = requests.filter((r) => r.enteredAt >= k.t - 1 && r.enteredAt + r.totalMs <= shown.t + 1 && r.shown > 0).at(-1);
    if (answered) {
      split.editorBeforeAsking.push(answered.enteredAt - k.t);
      split.provider.push(answered.totalMs);
      split.providerDebounce.push(answered.delayMs ?? 0);
      if (answered.engineMs !== null) split.engine.push(answered.engineMs);
      split.editorAfterAnswer.push(shown.t - (answered.enteredAt + answered.totalMs));
    }
  }
  const engineCalls = requests.filter((r) => r.engineMs !== null);
  return {
    keys: keys.length,
    newAfterPauseMs: { ...stats(afterPause), pauses },
    newAfterPauseSplitMs: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, stats(v)])),
    typingThroughMs: stats(through),
    providerEntryAfterKeyMs: stats(providerEntry),
    providerCalls: requests.length,
    engineCallsPerKey: Math.round((engineCalls.length / Math.max(1, keys.length)) * 1000) / 1000,
    workerMs: round(engineCalls.reduce((s, r) => s + r.engineMs, 0)),
  };
}

/** Collects the provider calls the extension host printed since `since` (epoch ms). */
export function requestsFrom(lines, since) {
  const out = [];
  for (const line of lines) {
    const at = line.indexOf('[seq2seq] request ');
    if (at < 0) continue;
    // The console adds styling arguments after the message: the record is the flat object up to its first '}'.
    const start = at + '[seq2seq] request '.length;
    try {
      const r = JSON.parse(line.slice(start, line.indexOf('}', start) + 1));
      if (r.enteredAt >= since) out.push(r);
    } catch {
      // a line cut by the console: not a request record
    }
  }
  return out;
}
