// The small type guards every message check (host <-> workers, host <-> webview) is built from.

/** A plain object (not null, not an array): the shape of every message. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
