// `suggest`: loads a model once, then answers one JSON line per request line, in order, flushed at once.
import { CompletionEngine } from '../model/inference/engine';
import { initBackend } from '../node/backend';
import { loadModelWithMemory } from '../node/modelFiles';
import { SUGGESTION_LENGTHS, textBelow } from '../shared/window';
import { FINE_TUNE_MAX_FILE_BYTES, skipByName, textSkipReason } from '../workspace/filePolicy';
import { backendOption, countOption, numberOption, parse, requireString } from './options';
import { boundedLines, MAX_LINE_CHARS } from './lines';
import { decodeRequest, DEFAULT_SETTINGS } from '../completion/settings';
import { decideShown, hiddenMidLine } from '../completion/shown';
import { DOCUMENT_STEPS, LEARN_STEPS } from '../shared/learning';
import { familyOfLanguageId, familyOfPath } from '../shared/language';
import type { Seq2SeqModel } from '../model/graph/seq2seq';
import { LearningWorkspace } from './learningWorkspace';
import { wasFineTuned } from '../model/training/fineTune';

export interface SuggestLine {
  id: unknown;
  prefix: string;
  suffix?: string;
  language?: string;
  /** The document's own path, so that its copy among `files` is not searched twice. */
  path?: string;
  /** The user's other open documents: kept for later requests too (oldest out first), as the editor does. */
  files?: { path: string; text: string }[];
  /**
   * true: the cursor came to rest here and nothing is asked yet (the editor's landing, src/completion/landing.ts);
   * the answer is {"id", "landed": true}, and the window is read before the next line, as idle time would.
   */
  land?: boolean;
  /**
   * true (with --learn): the user paused in this document; the learnt model adapts to its text (prefix + suffix)
   * as the extension's learner does, and the answer is {"id", "adapted": {...}}.
   */
  adapt?: boolean;
}

/** A file the user saved (with --workspace): the workspace's copy of it changes, and with --learn the model learns it. */
export interface SavedLine {
  id: unknown;
  saved: { path: string; text: string };
}

/** Checks one request; returns an error message instead of throwing so the server keeps serving. */
export function parseRequest(line: string): { request: SuggestLine } | { saved: SavedLine } | { id: unknown; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { id: null, error: `not JSON: ${(e as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { id: null, error: 'a request must be a JSON object' };
  const r = value as Record<string, unknown>;
  // An id is echoed back as it came, so it must be one that always serialises: anything else is answered as null.
  const idOk = r.id === undefined || r.id === null || typeof r.id === 'string' || typeof r.id === 'number' || typeof r.id === 'boolean';
  if (!idOk) return { id: null, error: '"id" must be a string, a number, a boolean or null' };
  const id = r.id ?? null;
  if (r.saved !== undefined) {
    const f = r.saved as Record<string, unknown> | null;
    if (!f || typeof f !== 'object' || typeof f.path !== 'string' || typeof f.text !== 'string') return { id, error: '"saved" must be {"path": string, "text": string}' };
    return { saved: { id, saved: { path: f.path, text: f.text } } };
  }
  if (typeof r.prefix !== 'string') return { id, error: '"prefix" must be a string' };
  if (r.suffix !== undefined && typeof r.suffix !== 'string') return { id, error: '"suffix" must be a string' };
  if (r.language !== undefined && typeof r.language !== 'string') return { id, error: '"language" must be a string' };
  if (r.path !== undefined && typeof r.path !== 'string') return { id, error: '"path" must be a string' };
  if (r.land !== undefined && typeof r.land !== 'boolean') return { id, error: '"land" must be true or false' };
  if (r.adapt !== undefined && typeof r.adapt !== 'boolean') return { id, error: '"adapt" must be true or false' };
  const files = r.files;
  if (files !== undefined && !(Array.isArray(files) && files.every((f) => f && typeof f === 'object' && typeof f.path === 'string' && typeof f.text === 'string'))) {
    return { id, error: '"files" must be an array of {"path": string, "text": string}' };
  }
  return {
    request: {
      id,
      prefix: r.prefix,
      suffix: r.suffix as string | undefined,
      language: r.language as string | undefined,
      path: r.path as string | undefined,
      files: files as SuggestLine['files'],
      ...(r.land === true ? { land: true } : {}),
      ...(r.adapt === true ? { adapt: true } : {}),
    },
  };
}

/** What the flags ask of every answer: by default what the editor shows with its default settings. */
interface SuggestOptions {
  modelDir: string;
  threshold: number;
  beamWidth: number;
  decode: ReturnType<typeof decodeRequest>;
  /** --learn's budget; null without --learn. */
  learnSteps: number | null;
  /** Steps of an adaptation to a document (--document-steps, with --learn). */
  documentSteps: number;
  workspace: string | null;
}

function suggestOptions(args: string[]): SuggestOptions & { values: Record<string, unknown> } {
  const values = parse(args, {
    model: { type: 'string' },
    beam: { type: 'string' },
    'max-chars': { type: 'string' },
    threshold: { type: 'string' },
    length: { type: 'string' },
    multiline: { type: 'boolean' },
    workspace: { type: 'string' },
    learn: { type: 'boolean' },
    'learn-steps': { type: 'string' },
    'document-steps': { type: 'string' },
  });
  const modelDir = requireString(values, 'model');
  // The flags change the editor's defaults as the settings do, within the settings' own limits (beyond them a
  // request takes seconds).
  const d = DEFAULT_SETTINGS;
  const beamWidth = countOption(values, 'beam', d.beamWidth, 1, 8);
  const maxChars = countOption(values, 'max-chars', d.maxSuggestionChars, 1, 200);
  const threshold = numberOption(values, 'threshold', d.confidenceThreshold, 0);
  if (threshold > 1) throw new Error('--threshold must be a probability from 0 to 1');
  const length = values.length === undefined ? d.suggestionLength : SUGGESTION_LENGTHS.find((l) => l === values.length);
  if (!length) throw new Error(`--length must be one of ${SUGGESTION_LENGTHS.join(', ')}`);
  const multiline = values.multiline === true || d.multiline;
  if (multiline && length !== 'auto') throw new Error('--multiline goes with --length auto (a suggestion reaches the next line only past the end of its own)');
  if (values.learn === true && values.workspace === undefined) throw new Error('--learn learns the files of --workspace DIR: name the folder');
  if (values['learn-steps'] !== undefined && values.learn !== true) throw new Error('--learn-steps goes with --learn');
  if (values['document-steps'] !== undefined && values.learn !== true) throw new Error('--document-steps goes with --learn');
  return {
    values,
    modelDir,
    threshold,
    beamWidth,
    decode: decodeRequest({ beamWidth, maxSuggestionChars: maxChars, suggestionLength: length, multiline, confidenceThreshold: threshold }),
    learnSteps: values.learn === true ? countOption(values, 'learn-steps', LEARN_STEPS, 0, 1_000_000) : null,
    documentSteps: countOption(values, 'document-steps', DOCUMENT_STEPS, 0, 1_000),
    workspace: (values.workspace as string | undefined) ?? null,
  };
}

type Answer = { id: unknown; [key: string]: unknown };

/** One line written at once; an answer that cannot be serialised becomes an error line. */
function writeAnswer(obj: Answer): void {
  let line: string;
  try {
    line = JSON.stringify(obj);
  } catch (e) {
    line = JSON.stringify({ id: null, error: `the answer could not be written: ${(e as Error).message}` });
  }
  process.stdout.write(`${line}\n`);
}

export async function runSuggest(args: string[]): Promise<number> {
  const o = suggestOptions(args);
  const backend = await initBackend(backendOption(o.values));
  const { model, metadata, memory } = await loadModelWithMemory(o.modelDir);
  process.stderr.write(`seq2seq: ${metadata.name ?? o.modelDir} on ${backend.name} ready\n`);
  // --workspace: the folder's files are the workspace memory (and, with --learn, what the model learns first).
  const opened = o.workspace === null ? null : await LearningWorkspace.open(o.workspace, model, o.learnSteps);
  if (opened) {
    const l = opened.learnt;
    process.stderr.write(`seq2seq: workspace ${opened.workspace.root}: ${opened.workspace.fileCount} file(s), ${opened.skipped} skipped${l ? `; learnt ${l.steps} steps in ${l.seconds} s (${l.outcome}, ${l.bitsPerChar.before} -> ${l.bitsPerChar.after} bits/char)` : ''}\n`);
  }
  // A model learnt from a workspace (a fine-tuned folder, or --learn here) has its show model's confidence corrected.
  let tuned = wasFineTuned(metadata.training) || opened?.learnt?.outcome === 'improved';
  let engine = new CompletionEngine(model, { tuned });
  engine.setMemory(opened ? opened.workspace.memory() : memory);
  // A reader that went away (`suggest | head -1`) ends the server quietly: nobody is left to answer.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`seq2seq: stdout: ${e.message}\n`);
    process.exit(1);
  });
  for await (const read of boundedLines(process.stdin)) {
    if ('tooLong' in read) {
      writeAnswer({ id: null, error: `a request line of ${read.tooLong} characters is longer than the ${MAX_LINE_CHARS} read; it was skipped` });
      continue;
    }
    if (read.text.trim() === '') continue;
    const parsed = parseRequest(read.text);
    if ('error' in parsed) {
      writeAnswer({ id: parsed.id, error: parsed.error });
    } else if ('saved' in parsed) {
      const { id, saved } = parsed.saved;
      if (!opened) {
        writeAnswer({ id, error: '"saved" lines need --workspace DIR' });
        continue;
      }
      try {
        const answer = await opened.workspace.saved(saved.path, saved.text);
        // New weights: a new engine reads them (its caches hold states of the old ones); the other files stay.
        if (answer.learnt) {
          tuned ||= answer.learnt.outcome === 'improved';
          engine = replaceEngine(engine, model, tuned);
        }
        engine.setMemory(opened.workspace.memory());
        writeAnswer({ id, saved: answer.path, ...(answer.skipped ? { skipped: answer.skipped } : {}), ...(answer.learnt ? { learnt: answer.learnt } : {}) });
      } catch (e) {
        writeAnswer({ id, error: (e as Error).message });
      }
    } else if (parsed.request.adapt) {
      const { id, prefix, suffix, path, language } = parsed.request;
      if (!opened || o.learnSteps === null) {
        writeAnswer({ id, error: '"adapt" lines need --workspace DIR --learn' });
        continue;
      }
      try {
        const text = prefix + (suffix ?? '');
        // The file policy the extension applies to the document in hand (the other-files context's).
        const skipped = skipByName(path ?? 'document', text.length, { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: Infinity }) ?? textSkipReason(text);
        if (skipped) {
          writeAnswer({ id, skipped });
          continue;
        }
        const family = language ? familyOfLanguageId(language) : familyOfPath(path ?? '');
        const adapted = await opened.workspace.adapt({ path: path ?? 'document', text, family }, o.documentSteps);
        // New weights: a new engine reads them, as the extension's engine starts afresh on adapted weights.
        engine = replaceEngine(engine, model, tuned);
        engine.setMemory(opened.workspace.memory());
        writeAnswer({ id, adapted });
      } catch (e) {
        writeAnswer({ id, error: (e as Error).message });
      }
    } else {
      writeAnswer(answerRequest(engine, parsed.request, o));
      // Between requests, what the editor's worker does while the user reads: the window the next slide starts,
      // the full window after a jump was answered from a short one, the other files' index. The next request
      // then sees the engine in the state the editor's would be in.
      while (engine.prepareIdle());
    }
  }
  engine.dispose();
  model.dispose();
  return 0;
}

/** One request answered as the editor would show it (or, for a landing, read ahead as the editor's worker does). */
function answerRequest(engine: CompletionEngine, request: SuggestLine, o: SuggestOptions): Answer {
  try {
    const t0 = performance.now();
    // The text after the cursor: suggestions may copy from the file below the cursor's line, as in the editor.
    const below = request.suffix ? textBelow(request.suffix) : undefined;
    const skipped = addContextFiles(engine, request.files ?? []);
    const skippedFiles = skipped.length ? { skippedFiles: skipped } : {};
    if (request.land) {
      engine.land({ prefix: request.prefix, language: request.language, ...(below ? { below } : {}) });
      return { id: request.id, landed: true, ...skippedFiles };
    }
    // What the editor shows, by the editor's one decision (src/completion/shown.ts); mid-line before other text
    // the engine is not asked, as in the editor.
    const restOfLine = (request.suffix ?? '').split('\n', 1)[0] as string;
    const { candidates, encoderSteps } = hiddenMidLine(restOfLine) === null
      ? engine.suggest({ prefix: request.prefix, language: request.language, ...o.decode, ...(below ? { below } : {}), ...(request.path ? { path: request.path } : {}) })
      : { candidates: [], encoderSteps: 0 };
    const { shown, hidden } = decideShown(candidates, restOfLine, o.threshold);
    const ms = performance.now() - t0;
    const round = (p: number): number => Number(p.toFixed(4));
    return {
      id: request.id,
      suggestion: shown[0]?.text ?? '',
      confidence: round(shown[0]?.confidence ?? candidates[0]?.confidence ?? 0),
      ...(hidden ? { hidden } : {}),
      ms: Number(ms.toFixed(2)),
      encoderSteps,
      ...skippedFiles,
      ...(o.beamWidth > 1 ? { alternatives: shown.slice(1).map((c) => ({ text: c.text, confidence: round(c.confidence) })) } : {}),
    };
  } catch (e) {
    return { id: request.id, error: (e as Error).message };
  }
}

function replaceEngine(old: CompletionEngine, model: Seq2SeqModel, tuned: boolean): CompletionEngine {
  const engine = new CompletionEngine(model, { context: old.context, tuned });
  old.dispose();
  return engine;
}

/**
 * Puts a request's other files into the engine's context under the one file policy (what the fine-tune would
 * refuse is never copied from) and indexes them; returns those left out, with why.
 */
function addContextFiles(engine: CompletionEngine, files: readonly { path: string; text: string }[]): { path: string; reason: string }[] {
  const skipped: { path: string; reason: string }[] = [];
  for (const f of files) {
    const reason = skipByName(f.path, f.text.length, { maxFileBytes: FINE_TUNE_MAX_FILE_BYTES, maxTotalChars: Infinity }) ?? textSkipReason(f.text);
    if (reason) {
      skipped.push({ path: f.path, reason });
      engine.context.remove(f.path);
    } else {
      engine.context.put(f.path, f.text);
    }
  }
  engine.context.prepareAll();
  return skipped;
}
