// Colour scales for the encoder-state panel, as plain arithmetic on RGB triples (no DOM, so unit-tested in Node):
// parsing the theme's CSS colours, a diverging scale through the background for h and c, sequential ones for gates.

export type Rgb = readonly [number, number, number];

const rgb = (f: (channel: number) => number): Rgb => [f(0), f(1), f(2)];

/** #rgb, #rgba, #rrggbb, #rrggbbaa, rgb() or rgba(); the alpha channel is ignored. null for anything else. */
export function parseColor(text: string): Rgb | null {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s)?.[1];
  if (hex !== undefined) {
    if (hex.length === 3 || hex.length === 4) return rgb((i) => parseInt((hex[i] as string).repeat(2), 16));
    if (hex.length === 6 || hex.length === 8) return rgb((i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    return null;
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (fn) return rgb((i) => Math.max(0, Math.min(255, Math.round(Number(fn[i + 1])))));
  return null;
}

/** Linear blend: t = 0 gives a, t = 1 gives b (t is clamped). */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  const u = Math.max(0, Math.min(1, t));
  return rgb((i) => Math.round((a[i] as number) + ((b[i] as number) - (a[i] as number)) * u));
}

/** Diverging: -maxAbs is `negative`, 0 is `middle` (the editor's background, so zero reads as "nothing"), +maxAbs `positive`. */
export function diverging(value: number, maxAbs: number, negative: Rgb, middle: Rgb, positive: Rgb): Rgb {
  const t = maxAbs > 0 ? value / maxAbs : 0;
  return t < 0 ? mix(middle, negative, -t) : mix(middle, positive, t);
}

/** Sequential: lo is `low` (the background), hi is `high`. */
export function sequential(value: number, lo: number, hi: number, low: Rgb, high: Rgb): Rgb {
  return mix(low, high, hi > lo ? (value - lo) / (hi - lo) : 0);
}

export const cssColor = (c: Rgb): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function luminance(c: Rgb): number {
  const lin = (v: number): number => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** Black or white, whichever reads better on `background`. */
export function readableOn(background: Rgb): Rgb {
  return luminance(background) > 0.179 ? [0, 0, 0] : [255, 255, 255];
}
