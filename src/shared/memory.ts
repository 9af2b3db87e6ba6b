// The workspace memory: the text the copy prior searches besides the document and the recently used files. One
// format for both of its makers: a learnt model's memory.txt (the files it learnt from) and the host's reading of
// the workspace (src/extension/workspaceMemory.ts), so a model that learnt the workspace and the shipped one that
// only read it search the same text.

/** The files' texts, one after another, each on its own lines. */
export const memoryOf = (files: readonly { text: string }[]): string => files.map((f) => f.text).join('\n');
