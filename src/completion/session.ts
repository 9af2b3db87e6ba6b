// The completion session: from an editor's request for an inline suggestion to the texts shown, and what happens
// around it (the type-through cache, the debounce, the engine asked or not, the continuation computed ahead, the
// cursor's landing, partial accepts and the statistics' counts). It holds the editor's documents only as `D`, read
// through a DocumentReader, so it runs and is tested without vscode; src/extension/inlineProvider.ts is the glue
// that turns VS Code's objects into these and the answer into items.
import { Debounce, FixedDebounce, keyKind, MedianGapDebounce, sleep, TypingRhythm } from './debounce';
import type { SuggestAnswer, SuggestParams } from './engineClient';
import { CursorLanding } from './landing';
import { Lookahead } from './lookahead';
import { DocumentEdit, PartialAcceptTracker, typedChars } from './partialAccept';
import type { RequestProbe, RequestRecord } from './requestProbe';
import { decodeRequest, Settings } from './settings';
import { decideShown, hiddenMidLine } from './shown';
import { SuggestionCache } from './suggestionCache';
import type { CandidateMessage, LandRequest, ModelInfo, WindowRequest } from '../shared/engineProtocol';

/** A place in a document, as editors count it (line, character in the line). */
export interface Pos {
  line: number;
  character: number;
}

/** What the session reads of the editor's document `D`. */
export interface DocumentReader<D> {
  uri(d: D): string;
  languageId(d: D): string;
  version(d: D): number;
  isClosed(d: D): boolean;
  lineText(d: D, line: number): string;
  offsetAt(d: D, p: Pos): number;
  /** A position made valid for the document now (a landing's position may be stale). */
  validate(d: D, p: Pos): Pos;
  /** The encoder window at `anchor`, `extra` counted as typed (src/extension/encoderWindow.ts). */
  window(d: D, anchor: Pos, info: ModelInfo, extra: string): Pick<WindowRequest, 'before' | 'windowStart' | 'atFileStart' | 'below' | 'path'>;
}

/** The engine as the session sees it (EngineController). */
export interface SessionEngine {
  readonly state: { kind: 'ready'; info: ModelInfo } | { kind: 'idle' | 'loading' } | { kind: 'error'; message: string };
  suggest(params: SuggestParams, signal: AbortSignal): Promise<SuggestAnswer | null>;
  land(params: LandRequest): void;
}

/** The log lines of the session; each message is built only when its level is read. */
export interface SessionLog {
  debug(message: () => string): void;
  trace(message: () => string): void;
  error(message: string): void;
}

export interface SessionDeps<D> {
  documents: DocumentReader<D>;
  engine: SessionEngine;
  /**
   * The settings, as they apply to a document of `languageId` where one is given: a setting may be set for one
   * language (the threshold is language-overridable).
   */
  settings(languageId?: string): Settings;
  /** Enabled, not snoozed, and the language is on. */
  isActive(languageId: string): boolean;
  /** Whether a document is the user's own (a file, an untitled one; not an output pane): typing there is counted. */
  isUserDocument(d: D): boolean;
  log: SessionLog;
  probe: RequestProbe;
  /** Counts a suggestion shown (the local statistics), with the engine's time when the engine computed it. */
  onShown?: (languageId: string, engineMs: number | null) => void;
  /** Counts a word or line taken from a shown suggestion (Ctrl+Right, accept-line), with its length. */
  onPartlyAccepted?: (languageId: string, chars: number) => void;
  /** Counts characters the user typed where suggestions are on, and suggestions a typed character contradicted. */
  onTyped?: (languageId: string, chars: number) => void;
  onWrong?: (languageId: string) => void;
}

/** One request of the editor: where, what the suggest widget has selected, and its cancellation. */
export interface SessionRequest {
  /** The suggest widget's selected item: its text and where it starts; the suggestion extends it. */
  selected: { text: string; start: Pos } | null;
  /** Asked for (Alt+\ or the trigger command): answered at once, no debounce. */
  explicit: boolean;
  isCancelled(): boolean;
  onCancelled(listener: () => void): { dispose(): void };
}

/** What to show: the candidates' texts at `anchor` (the selected item's text first, when there is one). */
export interface SessionAnswer {
  anchor: Pos;
  texts: string[];
  /** The candidates shown, best first (their texts without the selected item's). */
  shown: CandidateMessage[];
}

/**
 * How long a suggestion stays on screen before the continuation after it is computed ahead. Keys inside a burst of
 * typing come every 70-130 ms, so they cost no extra engine work; reading a suggestion and pressing Tab takes
 * longer than this, so the next one is ready by then.
 */
export const PREFETCH_DELAY_MS = 250;

export class CompletionSession<D> {
  private readonly cache = new SuggestionCache<CandidateMessage>();
  private debounce: Debounce;
  /** The last suggestion counted as shown (see onShown). */
  private lastShown: { document: D | null; identity: string } = { document: null, identity: '' };
  /** Bumped by every cache clear: an answer to a request made before it belongs to the old model and is dropped. */
  private generation = 0;
  /**
   * Bumped by every cache clear and every change of the workspace memory: an answer to a request made before it is
   * shown (the model is the same) but not kept, since it may have copied from a file that has changed or gone.
   */
  private cacheEpoch = 0;
  /** The suggestion on screen, followed through the edits that take words or lines of it. */
  private readonly partial = new PartialAcceptTracker<D>();
  /** The continuation after the suggestion on screen, computed ahead (see PREFETCH_DELAY_MS). */
  private readonly lookahead = new Lookahead(PREFETCH_DELAY_MS);
  /** Continuations computed ahead and cached; read by the integration tests. */
  prefetched = 0;
  /** Where the cursor came to rest without a request: the engine reads the window there ahead (landing.ts). */
  private readonly landing = new CursorLanding<{ document: D; position: Pos }>(({ document, position }) => this.land(document, position));
  /** The document and its version at the last cursor move: a move with a newer version was made by an edit. */
  private lastMove: { document: D; version: number } | null = null;

  constructor(private readonly deps: SessionDeps<D>) {
    this.debounce = newDebounce(deps.settings());
  }

  /** Landings sent to the engine; read by the integration tests. */
  get landed(): number {
    return this.landing.landed;
  }

  /** A settings change: cached suggestions may no longer be what the settings ask for, and the debounce may differ. */
  settingsChanged(settings: Settings): void {
    this.clearCache();
    this.debounce = newDebounce(settings);
  }

  clearCache(): void {
    this.cache.clear();
    this.lookahead.cancel();
    this.landing.reset();
    this.generation++;
    this.cacheEpoch++;
  }

  /**
   * The workspace memory changed: what the cache holds may copy from a file that changed or went, so it goes. A
   * request under way is still answered: dropping it, as after a switch of model, left the user without a suggestion
   * for that keystroke whenever the memory landed during it.
   */
  memoryChanged(): void {
    this.cache.clear();
    this.lookahead.cancel();
    this.cacheEpoch++;
  }

  /** The cursor moved (one empty selection) in an editor; where it rests, the engine reads ahead. */
  cursorMoved(document: D, position: Pos): void {
    const docs = this.deps.documents;
    const edited = this.lastMove?.document === document && this.lastMove.version !== docs.version(document);
    this.lastMove = { document, version: docs.version(document) };
    if (!this.deps.isActive(docs.languageId(document)) || this.deps.engine.state.kind !== 'ready') return;
    this.landing.moved(docs.uri(document), docs.offsetAt(document, position), { document, position }, edited);
  }

  /**
   * Document edits: a word or line taken from the suggestion on screen, a typed character that contradicts it, and
   * the characters typed where suggestions are on are counted (partialAccept.ts).
   */
  documentChanged(document: D, edits: readonly DocumentEdit[]): void {
    const { partlyAccepted, contradicted } = this.partial.edited(document, edits);
    const language = this.deps.documents.languageId(document);
    if (partlyAccepted > 0) this.deps.onPartlyAccepted?.(language, partlyAccepted);
    if (contradicted) this.deps.onWrong?.(language);
    if (this.deps.isActive(language) && this.deps.isUserDocument(document)) {
      const typed = typedChars(edits);
      if (typed > 0) this.deps.onTyped?.(language, typed);
    }
  }

  /** One request of the editor, timed and recorded by the probe however it ends. */
  async request(document: D, position: Pos, call: SessionRequest): Promise<SessionAnswer | undefined> {
    const record: RequestRecord = { enteredAt: Date.now(), delayMs: null, engineMs: null, encoderSteps: null, shown: 0, totalMs: 0 };
    try {
      return await this.decide(document, position, call, record);
    } finally {
      record.totalMs = Date.now() - record.enteredAt;
      this.deps.probe.called(record);
    }
  }

  private async decide(document: D, position: Pos, call: SessionRequest, record: RequestRecord): Promise<SessionAnswer | undefined> {
    const entered = performance.now();
    const { engine, log, documents: docs } = this.deps;
    const language = docs.languageId(document);
    // "Why no suggestion here" (the top complaint in peers' trackers), at debug level: the reason is logged only
    // when someone reads the log at that level, so a keystroke never pays for the string.
    const none = (why: () => string): undefined => {
      log.debug(() => `[provider] no suggestion at ${docs.uri(document)}:${position.line + 1}:${position.character + 1}: ${why()}`);
      return undefined;
    };
    if (!this.deps.isActive(language)) return none(() => `suggestions are off for ${language} (disabled, snoozed, or not in seq2seq.languages)`);
    const state = engine.state;
    if (state.kind !== 'ready') return none(() => `the model is ${state.kind === 'error' ? `not loaded: ${state.message}` : 'still loading'}`);
    const settings = this.deps.settings(language);
    const line = docs.lineText(document, position.line);
    const rest = line.slice(position.character);
    const midLine = hiddenMidLine(rest);
    if (midLine) return none(() => midLine);

    // With the suggest widget open, extend its selected item (or say nothing): the two must agree.
    const anchor = call.selected ? call.selected.start : position;
    const extra = call.selected ? call.selected.text : '';
    const before = line.slice(0, anchor.character) + extra;
    const uri = docs.uri(document);
    const key = `${uri}#${position.line}`;
    // The engine works here now: the cursor's move to this place was typing, not a landing.
    this.landing.requested(uri, docs.offsetAt(document, position));

    // The suggestion before this one was accepted: its continuation is being computed ahead, so wait for it rather
    // than ask again. Any other request comes first, and the work ahead is dropped.
    const ahead = this.lookahead.join(key, before);
    if (ahead) await ahead;
    if (call.isCancelled()) return none(() => 'the user typed on before the request was sent');

    let waited = 0;
    let candidates = this.cache.get(key, before, settings.confidenceThreshold);
    let source = 'cache';
    let engineMs: number | null = null;
    // Every call is timed, cache hits too: they are keystrokes of the same rhythm.
    const planned = this.debounce.next(keyKind(before), candidates !== null);
    if (!candidates) {
      const abort = new AbortController();
      const subscription = call.onCancelled(() => abort.abort());
      try {
        // An explicit request is answered at once; typing is debounced.
        const delay = call.explicit ? 0 : planned;
        record.delayMs = delay;
        const t = performance.now();
        if (!(await sleep(delay, abort.signal)) || call.isCancelled()) return none(() => 'the user typed on before the request was sent');
        waited = performance.now() - t;
        const generation = this.generation;
        const epoch = this.cacheEpoch;
        const answer = await engine.suggest({ ...docs.window(document, anchor, state.info, extra), language, ...decodeRequest(settings) }, abort.signal);
        if (!answer || call.isCancelled() || generation !== this.generation) return none(() => (generation !== this.generation ? 'the model or settings changed meanwhile' : 'superseded by a newer keystroke'));
        candidates = answer.candidates;
        if (epoch === this.cacheEpoch) this.cache.put(key, before, candidates);
        engineMs = answer.engineMs;
        record.engineMs = engineMs;
        record.encoderSteps = answer.encoderSteps;
        source = `engine ${answer.engineMs.toFixed(1)} ms, ${answer.encoderSteps} encoder steps`;
      } catch (e) {
        log.error(`[provider] ${(e as Error).message}`);
        return none(() => `the engine failed: ${(e as Error).message}`);
      } finally {
        subscription.dispose();
      }
    }
    const { shown, hidden } = decideShown(candidates, rest, settings.confidenceThreshold);
    if (hidden) none(() => hidden);
    const texts = shown.map((c) => extra + c.text);
    // One suggestion is counted once: typing through it (the same line of the same document completed the same
    // way) is not a new one. The document object itself is compared: a new untitled document may reuse a name.
    const identity = `${key}\u0000${before}${shown[0]?.text ?? ''}`;
    if (texts.length > 0 && (identity !== this.lastShown.identity || document !== this.lastShown.document)) {
      this.lastShown = { document, identity };
      this.deps.onShown?.(language, engineMs);
    }
    if (texts.length > 0) {
      this.partial.shown(document, { offset: docs.offsetAt(document, anchor), texts });
      this.prefetch(document, anchor, extra, key, before, shown[0]!.text, state.info);
    } else {
      this.partial.clear();
    }
    record.shown = texts.length;
    const ms = performance.now() - entered - waited;
    this.deps.probe.answered(ms, engineMs);
    log.trace(() => `[provider] ${texts.length} item(s) in ${ms.toFixed(1)} ms (${source})${shown[0] ? `: ${JSON.stringify(shown[0].text)} p=${shown[0].confidence.toFixed(2)}` : ''}`);
    return { anchor, texts, shown };
  }

  /**
   * After `shown` appears at the cursor, asks the engine (once the suggestion has been on screen PREFETCH_DELAY_MS)
   * for what follows it, as if it were accepted, and caches the answer where a request will look after Tab.
   */
  private prefetch(document: D, anchor: Pos, extra: string, key: string, before: string, shown: string, info: ModelInfo): void {
    const docs = this.deps.documents;
    const target = before + shown;
    const epoch = this.cacheEpoch;
    const version = docs.version(document);
    this.lookahead.schedule(key, target, async (signal) => {
      try {
        const answer = await this.deps.engine.suggest({ ...docs.window(document, anchor, info, extra + shown), language: docs.languageId(document), ...decodeRequest(this.deps.settings(docs.languageId(document))) }, signal);
        // The document moved on some other way, or the model or the memory changed: the answer is not kept.
        if (!answer || epoch !== this.cacheEpoch || (docs.version(document) !== version && !docs.lineText(document, anchor.line).startsWith(target))) return;
        this.cache.put(key, target, answer.candidates);
        this.prefetched++;
      } catch (e) {
        this.deps.log.debug(() => `[provider] computing the next suggestion ahead failed: ${(e as Error).message}`);
      }
    });
  }

  private land(document: D, at: Pos): void {
    const state = this.deps.engine.state;
    const docs = this.deps.documents;
    if (state.kind !== 'ready' || docs.isClosed(document)) return;
    const position = docs.validate(document, at);
    // Where no suggestion may appear (mid-line before other text), a keystroke would not ask either.
    if (hiddenMidLine(docs.lineText(document, position.line).slice(position.character))) return;
    const { path: _path, ...window } = docs.window(document, position, state.info, ''); // a landing searches no other files
    this.deps.engine.land({ ...window, language: docs.languageId(document) });
  }
}

function newDebounce(settings: Settings): Debounce {
  switch (settings.debounceRule) {
    case 'medianGap':
      return new MedianGapDebounce(settings.debounceMs);
    case 'none':
      return new FixedDebounce(settings.debounceMs);
    case 'rhythm':
      return new TypingRhythm(settings.debounceMs);
  }
}
