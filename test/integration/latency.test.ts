// Keystroke-to-suggestion latency inside the real extension host, and backlog under fast typing.
import * as assert from 'node:assert/strict';
import type { Seq2SeqApi } from '../../src/extension';
import { closeAll, extensionApi, newEditor, setting, sleep, type, waitFor } from './helpers';

const CODE = `export function mergeSorted(left: number[], right: number[]): number[] {
  const result: number[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] <= right[j]) {
      result.push(left[i++]);
    } else {
      result.push(right[j++]);
    }
  }
  return result.concat(left.slice(i), right.slice(j));
}
`;

const percentile = (v: number[], p: number): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

suite('Latency in the extension host', () => {
  let api: Seq2SeqApi;

  suiteSetup(async () => {
    ({ api } = await extensionApi());
    await setting('modelPath', undefined);
    await waitFor('base model', () => api.engineState().kind === 'ready' && !/memorized/.test(JSON.stringify(api.engineState())));
  });

  suiteTeardown(async () => {
    await closeAll();
  });

  test('a realistic typing trace: provider latency p50/p95 beside the engine, no backlog at 100 keys/s', async () => {
    const editor = await newEditor('');
    api.takeLatencies();
    const memoryBefore = process.memoryUsage();
    const text = CODE.repeat(8).slice(0, 1000).replace(/\n {2,}/g, '\n'); // auto-indent would double the indent
    const started = Date.now();
    for (const ch of text) {
      await type(ch);
      await sleep(Math.max(0, 10 - ((Date.now() - started) % 10)));
    }
    const typingMs = Date.now() - started;
    await sleep(500);
    const { provider: latencies, engine } = api.takeLatencies();
    const pending = api.pendingRequests();
    const memoryAfter = process.memoryUsage();
    const figures = {
      keystrokes: text.length,
      typingSeconds: typingMs / 1000,
      providerCalls: latencies.length,
      providerP50: percentile(latencies, 50),
      providerP95: percentile(latencies, 95),
      engineCalls: engine.length,
      engineP50: percentile(engine, 50),
      engineP95: percentile(engine, 95),
      pendingAfter: pending,
      heapGrowthMB: (memoryAfter.heapUsed - memoryBefore.heapUsed) / 2 ** 20,
      rssGrowthMB: (memoryAfter.rss - memoryBefore.rss) / 2 ** 20,
      documentLength: editor.document.getText().length,
    };
    (globalThis as { seq2seqFigures?: unknown }).seq2seqFigures = figures;
    console.log(`[seq2seq] latency figures ${JSON.stringify(figures)}`);
    assert.ok(latencies.length > 0, 'the provider was never called');
    assert.equal(pending, 0, 'requests are still waiting for the engine after typing stopped');
  });
});
