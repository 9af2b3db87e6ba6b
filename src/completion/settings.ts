// The extension's settings as a plain, sanitised object: read in one place (src/extension/settings.ts),
// checked here so a bad value in settings.json falls back to its default instead of breaking suggestions.
import { BACKEND_NAMES, BackendName, WindowRequest } from '../shared/engineProtocol';
import { DECODE_DEFAULTS, SUGGESTION_LENGTHS, SuggestionLength } from '../shared/window';
import { FINE_TUNE_MAX_CORPUS_CHARS } from '../workspace/filePolicy';
import { SOURCE_EXTENSIONS } from '../shared/language';
import { DOCUMENT_STEPS, LEARN_STEPS } from '../shared/learning';

export interface Settings {
  enabled: boolean;
  /** Language ids to suggest in; "*" means all. */
  languages: string[];
  maxSuggestionChars: number;
  /** 'token' ends a suggestion with the current token; 'auto' goes on while the model is sure of each next token. */
  suggestionLength: SuggestionLength;
  /** With 'auto' length: a suggestion that reaches the end of its line may go on to the next line. */
  multiline: boolean;
  beamWidth: number;
  /** Least wait in ms before asking the model after a keystroke (with "rhythm" it grows inside fast bursts). */
  debounceMs: number;
  /**
   * Undocumented, for measuring the rules side by side (the UI test): "none" (shipped) waits for nothing of its own,
   * "rhythm" waits inside a fast burst until the next key is overdue, "medianGap" is the rule before 0.2.
   */
  debounceRule: 'rhythm' | 'medianGap' | 'none';
  /** Suggestions the model gives less probability than this are not shown. */
  confidenceThreshold: number;
  backend: BackendName;
  /** A model folder to use instead of the shipped base model; empty for the default. */
  modelPath: string;
  /** Suggestions copy from every file of the workspace the fine-tune's file rules let in, not only the open ones. */
  workspaceMemory: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  enabled: true,
  languages: ['*'],
  maxSuggestionChars: DECODE_DEFAULTS.maxChars,
  // Longer suggestions saved more keystrokes but cost more precision than the product promises (docs/figures.md).
  suggestionLength: DECODE_DEFAULTS.length,
  multiline: false,
  beamWidth: DECODE_DEFAULTS.beamWidth,
  // VS Code already waits 50 ms before asking; a request costs 2-5 ms (docs/figures.md).
  debounceMs: 0,
  // Measured in the real editor once the type-through cache stopped hiding guesses: new ghost text after a pause
  // p50 / p95 77-83 / 94-95 ms against 84 / 185 ms with "rhythm", for 1.04-2.6x its engine calls (docs/figures.md).
  debounceRule: 'none',
  // Applies to the show model's chance of being right (src/model/inference/show.ts). Read off the typing replay of
  // the twelve fit projects with the workspace memory: the lowest threshold (in steps of 0.05) at which every
  // language stays under 4 wrong suggestions per 100 characters (docs/figures.md).
  confidenceThreshold: 0.45,
  backend: 'auto',
  modelPath: '',
  // Held out, the shipped model that knows the workspace's other files spares 3 points more keys at as many wrong
  // suggestions (docs/figures.md).
  workspaceMemory: true,
};

const clampInt = (v: unknown, lo: number, hi: number, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : fallback;

export function sanitizeSettings(get: <T>(key: keyof Settings) => T | undefined): Settings {
  const d = DEFAULT_SETTINGS;
  const languages = get<unknown>('languages');
  const backend = get<unknown>('backend');
  const threshold = get<unknown>('confidenceThreshold');
  const modelPath = get<unknown>('modelPath');
  return {
    enabled: typeof get<unknown>('enabled') === 'boolean' ? (get<boolean>('enabled') as boolean) : d.enabled,
    languages: Array.isArray(languages) && languages.every((l) => typeof l === 'string') ? (languages as string[]) : d.languages,
    maxSuggestionChars: clampInt(get('maxSuggestionChars'), 1, 200, d.maxSuggestionChars),
    suggestionLength: SUGGESTION_LENGTHS.find((l) => l === get<unknown>('suggestionLength')) ?? d.suggestionLength,
    multiline: typeof get<unknown>('multiline') === 'boolean' ? (get<boolean>('multiline') as boolean) : d.multiline,
    beamWidth: clampInt(get('beamWidth'), 1, 8, d.beamWidth),
    debounceMs: clampInt(get('debounceMs'), 0, 1000, d.debounceMs),
    debounceRule: (['rhythm', 'medianGap', 'none'] as const).find((r) => r === get<unknown>('debounceRule')) ?? d.debounceRule,
    confidenceThreshold: typeof threshold === 'number' && threshold >= 0 && threshold <= 1 ? threshold : d.confidenceThreshold,
    backend: BACKEND_NAMES.find((b) => b === backend) ?? d.backend,
    modelPath: typeof modelPath === 'string' ? modelPath.trim() : d.modelPath,
    workspaceMemory: typeof get<unknown>('workspaceMemory') === 'boolean' ? (get<boolean>('workspaceMemory') as boolean) : d.workspaceMemory,
  };
}

export function languageEnabled(settings: Settings, languageId: string): boolean {
  return settings.languages.includes('*') || settings.languages.includes(languageId);
}

export interface FineTuneSettings {
  /** Time budget of one fine-tune, in minutes. */
  minutes: number;
  /** Cap on the characters read from the workspace. */
  maxCorpusChars: number;
  /** Glob of files to learn from. */
  include: string;
  /** Glob of files to leave out, on top of files.exclude, search.exclude and .gitignore. */
  exclude: string;
  /** Threads that compute gradients; 0: every core but one, for the editor. */
  workers: number;
}

export const DEFAULT_FINE_TUNE: FineTuneSettings = {
  minutes: 3,
  maxCorpusChars: 2_000_000,
  include: `**/*.{${SOURCE_EXTENSIONS.join(',')}}`,
  exclude: '',
  workers: 0,
};

export function sanitizeFineTune(get: <T>(key: string) => T | undefined): FineTuneSettings {
  const d = DEFAULT_FINE_TUNE;
  const minutes = get<unknown>('fineTune.minutes');
  const cap = get<unknown>('fineTune.maxCorpusChars');
  const include = get<unknown>('fineTune.include');
  const exclude = get<unknown>('fineTune.exclude');
  const workers = get<unknown>('fineTune.workers');
  return {
    minutes: typeof minutes === 'number' && minutes > 0 && minutes <= 120 ? minutes : d.minutes,
    // Past the cap a fine-tuned model's memory would be more than its loader reads: capped, not refused.
    maxCorpusChars: typeof cap === 'number' && cap >= 1000 ? Math.min(Math.round(cap), FINE_TUNE_MAX_CORPUS_CHARS) : d.maxCorpusChars,
    include: typeof include === 'string' && include.trim() ? include.trim() : d.include,
    exclude: typeof exclude === 'string' ? exclude.trim() : d.exclude,
    workers: typeof workers === 'number' && Number.isInteger(workers) && workers >= 0 && workers <= 64 ? workers : d.workers,
  };
}

/** The background learner's settings (seq2seq.learn.*). */
export interface LearnSettings {
  /** Learn the workspace in idle time, without a command (trusted workspaces only). */
  enabled: boolean;
  /** The first learning's step budget (the extension reaches the default in about 5 minutes of idle time). */
  steps: number;
  /** Steps of adapting the model to the document in hand (0: never). */
  documentSteps: number;
}

export const DEFAULT_LEARN: LearnSettings = { enabled: true, steps: LEARN_STEPS, documentSteps: DOCUMENT_STEPS };

export function sanitizeLearn(get: <T>(key: string) => T | undefined): LearnSettings {
  const enabled = get<unknown>('learn.enabled');
  const steps = get<unknown>('learn.steps');
  const documentSteps = get<unknown>('learn.documentSteps');
  return {
    enabled: typeof enabled === 'boolean' ? enabled : DEFAULT_LEARN.enabled,
    steps: typeof steps === 'number' && Number.isInteger(steps) && steps >= 1 && steps <= 100_000 ? steps : DEFAULT_LEARN.steps,
    documentSteps: typeof documentSteps === 'number' && Number.isInteger(documentSteps) && documentSteps >= 0 && documentSteps <= 1_000 ? documentSteps : DEFAULT_LEARN.documentSteps,
  };
}

/**
 * Gradient threads for a fine-tune: the setting (0: automatic), never more than the cores but one, so the editor
 * keeps a core to itself (on 2 cores: one thread, the fine-tune worker alone).
 */
export function fineTuneWorkers(setting: number, cores: number): number {
  const cap = Math.max(1, cores - 1);
  return setting <= 0 ? cap : Math.min(setting, cap);
}

/** What the settings ask of every engine request (the inline provider's, the panel's and `suggest`'s alike). */
export function decodeRequest(settings: Pick<Settings, 'beamWidth' | 'maxSuggestionChars' | 'suggestionLength' | 'multiline' | 'confidenceThreshold'>): Pick<WindowRequest, 'beamWidth' | 'maxChars' | 'length' | 'multiline' | 'showThreshold'> {
  return { beamWidth: settings.beamWidth, maxChars: settings.maxSuggestionChars, length: settings.suggestionLength, multiline: settings.multiline, showThreshold: settings.confidenceThreshold };
}
