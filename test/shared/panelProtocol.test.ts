import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, encoderPanelHtml, makeNonce } from '../../src/extension/encoderPanelHtml';
import { isHostToWorker, isWorkerToHost } from '../../src/shared/engineProtocol';
import type { EncoderStateView } from '../../src/shared/encoderStateView';
import { isHostToPanel, isPanelToHost } from '../../src/shared/panelProtocol';

// The encoder panel's two boundaries (host <-> worker, host <-> webview): guards and the webview's CSP.
const H = 2;
const view: EncoderStateView = {
  tokens: ['a', 'b'],
  layer: 0,
  layers: 1,
  hiddenSize: H,
  hidden: [[0.1, -0.2], [0.3, 0.9]],
  cell: [[1.5, -2], [0, 3]],
  inputGate: [[0, 1], [0.5, 0.5]],
  forgetGate: [[0.2, 0.8], [1, 0]],
  outputGate: [[0.4, 0.6], [0.7, 0.3]],
  finalHidden: [[0.3, 0.9]],
  finalCell: [[0, 3]],
  greedy: { prime: ['<start>', 'a', 'b'], steps: [{ top: [{ token: 'c', prob: 0.6 }], stopProb: 0.1, chosen: 'c', chosenProb: 0.6, copyMatch: 4, copyWeight: 0.5, copyFrom: ['above', 'files'], copyFiles: ['src/other.ts'] }, { top: [], stopProb: 0.7, chosen: null, chosenProb: 0.7, copyMatch: 0, copyWeight: 0, copyFrom: [], copyFiles: [] }], text: 'c', logProb: -0.87, complete: true },
  candidates: [{ text: 'c', logProb: -0.87, confidence: 0.42 }],
  engineMs: 3,
};

test('worker protocol: a trace request and its answer pass; malformed ones do not', () => {
  const trace = { kind: 'trace', requestId: 4, before: 'ab', windowStart: 0, atFileStart: true, below: '', path: 'file:///test.ts', language: 'typescript', beamWidth: 3, maxChars: 32, length: 'token', multiline: false, showThreshold: 0.5, traceChars: 48, layer: 0, topK: 5 };
  assert.ok(isHostToWorker(trace));
  assert.ok(!isHostToWorker({ ...trace, traceChars: 0 }));
  assert.ok(!isHostToWorker({ ...trace, layer: -1 }));
  assert.ok(!isHostToWorker({ ...trace, topK: 'five' }));
  assert.ok(!isHostToWorker({ ...trace, windowStart: 3 }), 'the window must begin inside the text');
  assert.ok(!isHostToWorker({ ...trace, length: 'paragraph' }), 'a suggestion length the engine does not know');
  assert.ok(isWorkerToHost({ kind: 'traced', requestId: 4, view }));
  assert.ok(!isWorkerToHost({ kind: 'traced', requestId: 4, view: { ...view, hiddenSize: 3 } }));
  assert.ok(!isWorkerToHost({ kind: 'traced', requestId: 4.5, view }));
  const badStep = { ...view.greedy.steps[0]!, copyMatch: -1 };
  assert.ok(!isWorkerToHost({ kind: 'traced', requestId: 4, view: { ...view, greedy: { ...view.greedy, steps: [badStep] } } }));
});

test('host to webview: state, status and training messages pass; anything else is refused', () => {
  assert.ok(isHostToPanel({ kind: 'state', view, shown: 'c', source: 'a.ts:1:3' }));
  assert.ok(isHostToPanel({ kind: 'state', view, shown: null, source: '' }));
  assert.ok(!isHostToPanel({ kind: 'state', view: { ...view, tokens: ['a'] }, shown: null, source: '' }));
  assert.ok(!isHostToPanel({ kind: 'state', view, shown: 3, source: '' }));
  assert.ok(isHostToPanel({ kind: 'status', message: 'The model is loading…' }));
  assert.ok(isHostToPanel({ kind: 'training', points: [{ step: 10, trainBpc: 2.5, validationBpc: null }, { step: 20, trainBpc: 2.1, validationBpc: 2.3 }], reset: false }));
  assert.ok(!isHostToPanel({ kind: 'training', points: [{ step: -1, trainBpc: 2.5, validationBpc: null }], reset: false }));
  assert.ok(!isHostToPanel({ kind: 'training', points: [{ step: 1, trainBpc: Infinity, validationBpc: null }], reset: true }));
  assert.ok(!isHostToPanel({ kind: 'training', points: [], reset: 'yes' }));
  assert.ok(!isHostToPanel({ kind: 'reload' }));
  assert.ok(!isHostToPanel('state'));
});

test('webview to host: ready, options and rendered pass; anything else is refused', () => {
  assert.ok(isPanelToHost({ kind: 'ready', options: { chars: 48, layer: 0 } }));
  assert.ok(isPanelToHost({ kind: 'options', options: { chars: 64, layer: 1 } }));
  assert.ok(!isPanelToHost({ kind: 'options', options: { chars: 65, layer: 0 } }), 'more than 64 characters');
  assert.ok(!isPanelToHost({ kind: 'options', options: { chars: 0, layer: 0 } }));
  assert.ok(!isPanelToHost({ kind: 'ready' }));
  const summary = { states: 2, text: 'ab', unit: 3, topUnits: [3, 1], trainingPoints: 0 };
  assert.ok(isPanelToHost({ kind: 'rendered', summary }));
  assert.ok(isPanelToHost({ kind: 'rendered', summary: { ...summary, unit: null } }));
  assert.ok(!isPanelToHost({ kind: 'rendered', summary: { ...summary, topUnits: ['3'] } }));
  assert.ok(!isPanelToHost({ kind: 'runCommand', command: 'workbench.action.quit' }));
  assert.ok(!isPanelToHost([]));
});

test('the webview HTML: default-src none, styles from the webview source only, one script and it carries the nonce', () => {
  const nonce = makeNonce();
  const html = encoderPanelHtml({ cspSource: 'https://webview.test', scriptUri: 'https://webview.test/dist/webview/encoderPanel.js', styleUri: 'https://webview.test/media/encoderPanel.css', nonce });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  assert.equal(csp, contentSecurityPolicy('https://webview.test', nonce));
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, /style-src https:\/\/webview\.test;/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce.replace(/[+/=]/g, '\\$&')}'$`));
  assert.ok(!/unsafe-inline|unsafe-eval/.test(csp));
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1] ?? '');
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0]?.includes(`nonce="${nonce}"`) && scripts[0]?.includes('src="https://webview.test/dist/webview/encoderPanel.js"'));
  assert.ok(!/\sstyle="|<style/.test(html), 'no inline styles: the CSP would refuse them');
});

test('nonces: 128 random bits each, never repeated', () => {
  const nonces = new Set(Array.from({ length: 200 }, makeNonce));
  assert.equal(nonces.size, 200);
  for (const n of nonces) assert.equal(Buffer.from(n, 'base64').length, 16);
});
