// The encoder-state webview's HTML shell and its Content-Security-Policy. Pure (no vscode import) so that a unit
// test can check the policy: nothing loads but the bundle and stylesheet, and only the nonced script runs.
export interface PanelHtmlSources {
  /** webview.cspSource: the origin the webview serves localResourceRoots from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
}

/** 128 bits from the platform's cryptographic source (Web Crypto, in Node and in a browser), base64: a script nonce nobody can guess. */
export function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function encoderPanelHtml(src: PanelHtmlSources): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(src.cspSource, src.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(src.styleUri)}">
<title>Encoder State</title>
</head>
<body>
<main id="app" aria-live="off">
  <p id="status" role="status">Waiting for the editor…</p>
</main>
<script nonce="${escapeAttr(src.nonce)}" src="${escapeAttr(src.scriptUri)}"></script>
</body>
</html>`;
}
