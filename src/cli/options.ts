// Shared option parsing for the CLI commands, with errors that say which flag is wrong.
import { parseArgs, ParseArgsConfig } from 'node:util';
import { BACKEND_PREFERENCES, BackendPreference } from '../node/backend';

export function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>): Record<string, unknown> {
  const { values } = parseArgs({ args, options: { backend: { type: 'string' }, ...options }, strict: true, allowPositionals: false });
  return values as Record<string, unknown>;
}

export function numberOption(values: Record<string, unknown>, name: string, fallback: number, min = -Infinity): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got ${String(raw)}`);
  return n;
}

/** A count: an integer within [min, max] (a fraction or an absurd size is refused, not rounded or tried). */
export function countOption(values: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got ${String(raw)}`);
  return n;
}

export function backendOption(values: Record<string, unknown>): BackendPreference {
  const raw = (values.backend as string | undefined) ?? process.env.SEQ2SEQ_BACKEND ?? 'auto';
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(raw)) {
    throw new Error(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}, got ${raw}`);
  }
  return raw as BackendPreference;
}

export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new Error(`--${name} is required`);
  return v;
}
