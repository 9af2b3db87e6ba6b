// The encoder-state panel as the UI tests read it: its webview frame, what its heatmap and text show, and F1
// commands. Shared by the panel test (run-panel-ui.mjs) and the browser-host test (run-web-ui.mjs).

/** The webview's inner frame (pre/fake.html inside iframe.webview.ready), once its script has built the panel. */
export async function panelFrame(page, stepTimeoutMs = 60_000) {
  const deadline = Date.now() + stepTimeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('/pre/fake.html')) continue;
      if (await frame.$('#heatmap').catch(() => null)) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error('the encoder-state webview never showed its heatmap');
}

/** What the panel shows: a hash and the colour count of the heatmap's pixels, and the traced text. */
export function readPanel(frame) {
  return frame.evaluate(() => {
    const canvas = document.getElementById('heatmap');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 4) {
      const rgb = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
      colours.add(rgb);
      hash = Math.imul(hash ^ rgb, 16777619) >>> 0;
    }
    const text = document.getElementById('text');
    return {
      width: canvas.width,
      height: canvas.height,
      hash,
      colours: colours.size,
      text: text.textContent,
      unit: text.dataset.unit ?? '',
      coloured: [...text.querySelectorAll('[data-pos]')].filter((s) => s.style.backgroundColor !== '').length,
      units: Number(document.getElementById('unit-input').max) + 1,
      contentVisible: !document.getElementById('content').hidden,
    };
  });
}

export async function waitForPanel(page, frame, predicate, what, stepTimeoutMs = 60_000) {
  const deadline = Date.now() + stepTimeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await readPanel(frame).catch(() => undefined);
    if (last && predicate(last)) return last;
    await page.waitForTimeout(150);
  }
  throw new Error(`timed out waiting for ${what}; last read: ${JSON.stringify(last)}`);
}

export async function runCommand(page, title, stepTimeoutMs = 60_000) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: stepTimeoutMs });
  await page.keyboard.type(title);
  await page.waitForSelector(`.quick-input-list .monaco-list-row >> text=${title}`, { timeout: stepTimeoutMs });
  await page.keyboard.press('Enter');
}
