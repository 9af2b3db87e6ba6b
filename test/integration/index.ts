// Entry point of the integration suite inside a real VS Code extension host (code-server or test-electron).
// The suites are bundled into this file, so they are registered by requiring them after mocha's pre-require.
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  if (process.env.SEQ2SEQ_TEST_GREP) mocha.grep(process.env.SEQ2SEQ_TEST_GREP);
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  require('./extension.test');
  require('./latency.test');
  require('./admission.test');
  require('./learn.test');
  require('./fineTune.test');
  require('./panel.test');
  const results: { title: string; state: string; ms?: number; error?: string }[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: err.message }));
  });
  const out = process.env.SEQ2SEQ_TEST_RESULTS;
  if (out) writeFileSync(out, JSON.stringify({ failures, results, figures: (globalThis as { seq2seqFigures?: unknown }).seq2seqFigures ?? null }, null, 2));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
