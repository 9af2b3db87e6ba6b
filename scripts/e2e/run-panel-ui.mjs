// Route A for the encoder-state panel: installs the packaged VSIX into a fresh code-server, opens sample.ts, runs
// "Seq2Seq: Show Encoder State" from F1, reads the heatmap's pixels inside the webview iframes before and after
// typing, clicks a unit, marks a span with the keyboard, screenshots the result, and reloads to check the restore.
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFile, openWorkbenchPage } from './codeServer.mjs';
import { panelFrame, readPanel, runCommand, waitForPanel } from './panel.mjs';
import { copyWorkspace, createCleanup, ensureArtifactsDir, repoRoot, runTimeoutMs, withTimeout } from './common.mjs';

const fileName = 'sample.ts';
const firstText = '\nexport function mul';
const moreText = 'tiply(a: number';
const clickedUnit = 40;
const stepTimeoutMs = 60_000;
const started = Date.now();
const ms = {};
const mark = (name) => (ms[name] = Date.now() - started);
const say = (message) => console.error(`[e2e] ${message}`);
// The README's picture is rewritten only on request (SEQ2SEQ_UPDATE_SCREENSHOT=1), so test runs leave git clean.
const readmeShot = process.env.SEQ2SEQ_UPDATE_SCREENSHOT === '1' ? join(repoRoot, 'media', 'encoder-state.png') : join(ensureArtifactsDir(), 'panel-readme.png');


async function main(cleanup) {
  const artifacts = ensureArtifactsDir();
  const vsix = join(repoRoot, 'dist/seq2seq-complete.vsix');
  if (!existsSync(vsix)) throw new Error('dist/seq2seq-complete.vsix not found: run npm run build && npm run package first');
  const { workspace, remove } = copyWorkspace();
  cleanup.add(remove);

  const { server, page, pageConsole } = await openWorkbenchPage({
    workspace, vsix, settings: { 'seq2seq.confidenceThreshold': 0 }, artifacts, name: 'panel', viewport: { width: 1600, height: 1100 }, cleanup, timeoutMs: stepTimeoutMs,
  });
  mark('serverReady');
  const engineReady = pageConsole.waitFor('[seq2seq] engine ready', "the extension's '[seq2seq] engine ready' log");
  engineReady.catch(() => {});

  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: stepTimeoutMs });
  await openFile(page, fileName, stepTimeoutMs);
  await engineReady;
  mark('engineReady');

  await page.click('.editor-instance .monaco-editor .view-lines');
  await page.keyboard.press('Control+B'); // hide the side bar: room for the panel
  await page.keyboard.press('Control+End');
  await page.keyboard.type(firstText);
  await runCommand(page, 'Seq2Seq: Show Encoder State');
  const frame = await panelFrame(page);
  mark('panelOpen');
  const before = await waitForPanel(page, frame, (p) => p.contentVisible && p.text.endsWith('export function mul'), 'the first trace');
  if (before.colours < 10) throw new Error(`the heatmap looks blank (${before.colours} colours)`);
  say(`heatmap before typing: ${before.width}x${before.height} px, ${before.colours} colours, ${before.units} units`);

  // The panel opened with preserveFocus, so the keys still go to the editor.
  await page.keyboard.type(moreText);
  const after = await waitForPanel(page, frame, (p) => p.text.endsWith(`mul${moreText}`), 'the trace after typing');
  if (after.hash === before.hash) throw new Error('the heatmap pixels did not change after typing');
  mark('updated');

  // Click a unit's row: the text is coloured by that unit's activation.
  const box = await frame.evaluate(() => {
    const c = document.getElementById('heatmap');
    return { width: c.clientWidth, height: c.clientHeight };
  });
  const rowHeight = box.height / after.units;
  await frame.locator('#heatmap').click({ position: { x: box.width - 20, y: Math.floor((clickedUnit + 0.5) * rowHeight) } });
  const clicked = await waitForPanel(page, frame, (p) => p.unit === String(clickedUnit) && p.coloured > 0, `unit ${clickedUnit} to colour the text`);
  if (clicked.hash === after.hash) throw new Error('the heatmap did not mark the selected unit');
  mark('unitClicked');

  // Keyboard: the heatmap has the focus after the click; Shift+Left marks characters and lists their units.
  for (let k = 0; k < 6; k++) await page.keyboard.press('Shift+ArrowLeft');
  const chips = await frame.locator('#span-units .unit-chip').count();
  if (chips === 0) throw new Error('selecting a span listed no units');
  const keyboardSpan = await frame.locator('#span-units').textContent();
  // The mouse: drag over characters of the coloured text; the list follows the new span.
  const from = frame.locator('#text [data-pos="20"]');
  const to = frame.locator('#text [data-pos="26"]');
  // The text is rebuilt on every render, so it is scrolled to by id rather than through a held element.
  await frame.evaluate(() => document.getElementById('text').scrollIntoView({ block: 'center' }));
  await page.waitForTimeout(200);
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  await page.mouse.move(a.x + 1, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width - 1, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  await frame.waitForFunction((before) => {
    const list = document.getElementById('span-units');
    return list.textContent !== before && list.querySelectorAll('.unit-chip').length > 0;
  }, keyboardSpan, { timeout: stepTimeoutMs });
  const mouseSpan = await frame.locator('#span-units').textContent();
  mark('spanSelected');

  // The loss curve, fed the way the host posts fine-tune points (the host side is covered by the integration suite).
  await frame.evaluate(() => {
    const points = Array.from({ length: 12 }, (_, k) => ({
      step: (k + 1) * 25,
      trainBpc: 2.6 - Math.log1p(k) * 0.35,
      validationBpc: k % 3 === 2 ? 2.7 - Math.log1p(k) * 0.3 : null,
    }));
    window.postMessage({ kind: 'training', points, reset: true }, '*');
  });
  await frame.waitForSelector('#loss-chart polyline.train', { timeout: stepTimeoutMs });
  // A window tall enough for the whole panel (heatmap, coloured text, final state, decoder, loss) in one picture.
  await page.setViewportSize({ width: 1600, height: 1800 });
  await frame.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(800);
  await page.screenshot({ path: readmeShot });
  await page.setViewportSize({ width: 1600, height: 1100 });
  await page.waitForTimeout(300);
  copyFileSync(readmeShot, join(artifacts, 'panel-encoder-state.png'));
  await frame.evaluate(() => document.getElementById('decoder-h').scrollIntoView());
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, 'panel-decoder.png') });
  mark('screenshots');

  // Switch between light and dark: the canvases re-read the theme's colours.
  const themeClass = () => frame.evaluate(() => (document.body.classList.contains('vscode-light') ? 'light' : 'dark'));
  const firstTheme = await themeClass();
  const beforeToggle = await readPanel(frame);
  await page.click('.editor-instance .monaco-editor .view-lines');
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  const secondTheme = firstTheme === 'light' ? 'dark' : 'light';
  await frame.waitForFunction((cls) => document.body.classList.contains(`vscode-${cls}`), secondTheme, { timeout: stepTimeoutMs });
  const toggled = await waitForPanel(page, frame, (p) => p.hash !== beforeToggle.hash, 'the heatmap to redraw in the other theme');
  await frame.evaluate(() => document.getElementById('encoder-h').scrollIntoView());
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, `panel-${secondTheme}.png`) });
  mark('themeToggled');

  // Reload the window as a user does: the serializer restores the panel, and the webview its selected unit.
  const reloaded = page.waitForNavigation({ timeout: stepTimeoutMs });
  await runCommand(page, 'Developer: Reload Window');
  await reloaded;
  await page.waitForSelector('.monaco-workbench', { timeout: stepTimeoutMs });
  const restoredFrame = await panelFrame(page);
  const restored = await waitForPanel(page, restoredFrame, (p) => p.contentVisible && p.unit === String(clickedUnit) && p.coloured > 0, 'the panel restored after a reload');
  mark('restored');
  await page.screenshot({ path: join(artifacts, 'panel-restored.png') });

  console.log(JSON.stringify({ before: before.hash, after: after.hash, clicked: clicked.unit, chips, keyboardSpan, mouseSpan, themes: [firstTheme, secondTheme], toggled: toggled.hash, restored: restored.text.slice(-20), ms }));
  return 0;
}

const cleanup = createCleanup();
let code = 1;
try {
  code = await withTimeout(main(cleanup), runTimeoutMs, 'for the panel UI test to finish');
  say(`panel UI test passed; screenshots in ${readmeShot} and .test-artifacts/panel-*.png`);
} catch (error) {
  console.error(`[e2e] panel UI test failed: ${error.message}`);
  console.error('[e2e] see .test-artifacts/panel-code-server.log, panel-page-console.log and any screenshots');
} finally {
  await cleanup.runAll();
}
process.exit(cleanup.interrupted ? 130 : code);
