// Where the copy prior copies text from: a model concept (the copy prior's sources and their fitted weights in a
// model's config) that the encoder-state panel also shows, so it lives in a file both may import.

/**
 * Where copied text comes from: the document above the cursor, below the cursor's line, the user's other files
 * (open or recently edited), or the workspace memory (a fine-tuned model's files).
 */
export type CopyOrigin = 'above' | 'below' | 'files' | 'memory';
export const COPY_ORIGINS: readonly CopyOrigin[] = ['above', 'below', 'files', 'memory'];
