// The editor theme's colours as RGB for the canvases (CSS styles the rest with var(--vscode-…)). VS Code switches
// theme by changing the body's class and the root's inline custom properties, so both are watched.
import type { Quantity } from './quantities';
import { diverging, parseColor, Rgb, sequential } from './scales';

export interface Palette {
  background: Rgb;
  foreground: Rgb;
  /** Diverging scale ends for h and c. */
  negative: Rgb;
  positive: Rgb;
  /** Sequential scale ends for each gate (from the background). */
  gates: Record<Exclude<Quantity, 'hidden' | 'cell'>, Rgb>;
  focus: Rgb;
}

function cssVar(name: string, fallback: Rgb): Rgb {
  return parseColor(getComputedStyle(document.documentElement).getPropertyValue(name)) ?? fallback;
}

export function readPalette(): Palette {
  const dark = !document.body.classList.contains('vscode-light');
  return {
    background: cssVar('--vscode-editor-background', dark ? [30, 30, 30] : [255, 255, 255]),
    foreground: cssVar('--vscode-editor-foreground', dark ? [212, 212, 212] : [0, 0, 0]),
    negative: cssVar('--vscode-charts-blue', [55, 148, 255]),
    positive: cssVar('--vscode-charts-red', [241, 76, 76]),
    gates: {
      inputGate: cssVar('--vscode-charts-green', [137, 209, 133]),
      forgetGate: cssVar('--vscode-charts-orange', [209, 134, 22]),
      outputGate: cssVar('--vscode-charts-purple', [179, 128, 255]),
    },
    focus: cssVar('--vscode-focusBorder', [0, 127, 212]),
  };
}

export function onThemeChange(callback: () => void): void {
  const observer = new MutationObserver(callback);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

/** The colour of one value of quantity q: diverging through the background for h and c, sequential for gates. */
export function valueColor(palette: Palette, q: Quantity, value: number, maxAbs: number): Rgb {
  if (q === 'hidden' || q === 'cell') return diverging(value, maxAbs, palette.negative, palette.background, palette.positive);
  return sequential(value, 0, 1, palette.background, palette.gates[q]);
}
