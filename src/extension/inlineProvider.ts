// Inline completions: thin glue between the editor and the engine worker. It checks cancellation before and
// after every await, cuts the encoder window from the document, and filters what the engine proposes.
import * as vscode from 'vscode';
import { Debounce, FixedDebounce, keyKind, MedianGapDebounce, sleep, TypingRhythm } from '../completion/debounce';
import { CursorLanding } from '../completion/landing';
import { Lookahead } from '../completion/lookahead';
import { PartialAcceptTracker, typedChars } from '../completion/partialAccept';
import { decodeRequest, Settings } from '../completion/settings';
import { decideShown, hiddenMidLine } from '../completion/shown';
import { SuggestionCache } from '../completion/suggestionCache';
import type { CandidateMessage, ModelInfo } from '../shared/engineProtocol';
import type { EngineController } from './engineController';
import { encoderWindow } from './encoderWindow';
import { isUserDocument } from './workspaceFiles';

/** Provider entry to items returned, debounce excluded; kept for the latency figures and the tests' API. */
export class LatencyLog {
  private provider: number[] = [];
  private engine: number[] = [];

  /** engineMs is null when the answer came from the suggestion cache. */
  record(providerMs: number, engineMs: number | null): void {
    this.provider.push(providerMs);
    if (engineMs !== null) this.engine.push(engineMs);
    if (this.provider.length > 5000) this.provider.shift();
    if (this.engine.length > 5000) this.engine.shift();
  }

  take(): { provider: number[]; engine: number[] } {
    const out = { provider: this.provider, engine: this.engine };
    this.provider = [];
    this.engine = [];
    return out;
  }
}

export interface ProviderDeps {
  engine: EngineController;
  settings(): Settings;
  /** Enabled, not snoozed, and the language is on. */
  isActive(languageId: string): boolean;
  log: vscode.LogOutputChannel;
  latency: LatencyLog;
  /** Called once per provider call with what it did; the UI test's latency figures read it (see extension.ts). */
  requestLog?: (record: RequestRecord) => void;
  /** Counts a suggestion shown (the local statistics), with the engine's time when the engine computed it. */
  onShown?: (languageId: string, engineMs: number | null) => void;
  /** Counts a word or line taken from a shown suggestion (Ctrl+Right, accept-line), with its length. */
  onPartlyAccepted?: (languageId: string, chars: number) => void;
  /** Counts characters the user typed where suggestions are on, and suggestions a typed character contradicted. */
  onTyped?: (languageId: string, chars: number) => void;
  onWrong?: (languageId: string) => void;
}

/**
 * How long a suggestion stays on screen before the continuation after it is computed ahead. Keys inside a burst of
 * typing come every 70-130 ms, so they cost no extra engine work; reading a suggestion and pressing Tab takes
 * longer than this, so the next one is ready by then.
 */
export const PREFETCH_DELAY_MS = 250;

/** The command VS Code runs when the user accepts a suggestion whole: the statistics count it. */
export const ACCEPTED_COMMAND = 'seq2seq.accepted';

/** One provider call: when VS Code called it (epoch ms), how long it waited, what the engine did, what it showed. */
export interface RequestRecord {
  enteredAt: number;
  /** The debounce it waited out, or null when it never asked the engine (cache hit, filtered, cancelled early). */
  delayMs: number | null;
  /** The engine's own time, or null when the engine was not asked or the request was cancelled. */
  engineMs: number | null;
  /** Encoder steps the engine ran for it (1-2 while typing; a cold window 128 or more), null when not asked. */
  encoderSteps: number | null;
  shown: number;
  /** From entry to the items returned, waiting included. */
  totalMs: number;
}

export class Seq2SeqInlineProvider implements vscode.InlineCompletionItemProvider {
  private readonly cache = new SuggestionCache<CandidateMessage>();
  private debounce: Debounce;

  constructor(private readonly deps: ProviderDeps) {
    this.debounce = newDebounce(deps.settings());
  }

  /** A settings change: cached suggestions may no longer be what the settings ask for, and the debounce may differ. */
  settingsChanged(settings: Settings): void {
    this.clearCache();
    this.debounce = newDebounce(settings);
  }

  /** The last suggestion counted as shown (see onShown). */
  private lastShown: { document: vscode.TextDocument | null; identity: string } = { document: null, identity: '' };

  /** Bumped by every cache clear: an answer to a request made before it belongs to the old model and is dropped. */
  private generation = 0;

  /** The suggestion on screen, followed through the edits that take words or lines of it. */
  private readonly partial = new PartialAcceptTracker<vscode.TextDocument>();

  /** The continuation after the suggestion on screen, computed ahead (see PREFETCH_DELAY_MS). */
  private readonly lookahead = new Lookahead(PREFETCH_DELAY_MS);
  /** Continuations computed ahead and cached; read by the integration tests. */
  prefetched = 0;

  /** Where the cursor came to rest without a request: the engine reads the window there ahead (landing.ts). */
  private readonly landing = new CursorLanding<{ document: vscode.TextDocument; position: vscode.Position }>(({ document, position }) => this.land(document, position));

  /** Landings sent to the engine; read by the integration tests. */
  get landed(): number {
    return this.landing.landed;
  }

  /** The last provider calls (up to 100), as requestLog gets them; read by the integration tests. */
  readonly recentRequests: RequestRecord[] = [];

  clearCache(): void {
    this.cache.clear();
    this.lookahead.cancel();
    this.landing.reset();
    this.generation++;
  }

  /** The document and its version at the last cursor move: a move with a newer version was made by an edit. */
  private lastMove: { document: vscode.TextDocument; version: number } | null = null;

  /** The cursor moved (one empty selection) in an editor; where it rests, the engine reads ahead. */
  cursorMoved(document: vscode.TextDocument, position: vscode.Position): void {
    const edited = this.lastMove?.document === document && this.lastMove.version !== document.version;
    this.lastMove = { document, version: document.version };
    if (!this.deps.isActive(document.languageId) || this.deps.engine.state.kind !== 'ready') return;
    this.landing.moved(document.uri.toString(), document.offsetAt(position), { document, position }, edited);
  }

  private land(document: vscode.TextDocument, at: vscode.Position): void {
    const state = this.deps.engine.state;
    if (state.kind !== 'ready' || document.isClosed) return;
    const position = document.validatePosition(at);
    // Where no suggestion may appear (mid-line before other text), a keystroke would not ask either.
    if (hiddenMidLine(document.lineAt(position.line).text.slice(position.character))) return;
    const { path: _path, ...window } = encoderWindow(document, position, state.info); // a landing searches no other files
    this.deps.engine.land({ ...window, language: document.languageId });
  }

  /**
   * Document edits: a word or line taken from the suggestion on screen, a typed character that contradicts it, and
   * the characters typed where suggestions are on are counted (partialAccept.ts).
   */
  documentChanged(e: vscode.TextDocumentChangeEvent): void {
    const { partlyAccepted, contradicted } = this.partial.edited(e.document, e.contentChanges);
    const language = e.document.languageId;
    if (partlyAccepted > 0) this.deps.onPartlyAccepted?.(language, partlyAccepted);
    if (contradicted) this.deps.onWrong?.(language);
    if (this.deps.isActive(language) && isUserDocument(e.document)) {
      const typed = typedChars(e.contentChanges);
      if (typed > 0) this.deps.onTyped?.(language, typed);
    }
  }

  /**
   * After `shown` appears at the cursor, asks the engine (once the suggestion has been on screen PREFETCH_DELAY_MS)
   * for what follows it, as if it were accepted, and caches the answer where the provider will look after Tab.
   */
  private prefetch(document: vscode.TextDocument, anchor: vscode.Position, extra: string, key: string, before: string, shown: string, info: ModelInfo): void {
    const target = before + shown;
    const generation = this.generation;
    const version = document.version;
    this.lookahead.schedule(key, target, async (signal) => {
      try {
        const answer = await this.deps.engine.suggest({ ...encoderWindow(document, anchor, info, extra + shown), language: document.languageId, ...decodeRequest(this.deps.settings()) }, signal);
        // The document moved on some other way, or the model changed: the answer is for a text that will not come.
        if (!answer || generation !== this.generation || (document.version !== version && !document.lineAt(anchor.line).text.startsWith(target))) return;
        this.cache.put(key, target, answer.candidates);
        this.prefetched++;
      } catch (e) {
        this.deps.log.debug(`[provider] computing the next suggestion ahead failed: ${(e as Error).message}`);
      }
    });
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const record: RequestRecord = { enteredAt: Date.now(), delayMs: null, engineMs: null, encoderSteps: null, shown: 0, totalMs: 0 };
    try {
      return await this.provide(document, position, context, token, record);
    } finally {
      record.totalMs = Date.now() - record.enteredAt;
      this.recentRequests.push(record);
      if (this.recentRequests.length > 100) this.recentRequests.shift();
      this.deps.requestLog?.(record);
    }
  }

  private async provide(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
    record: RequestRecord,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const entered = performance.now();
    const { engine, log } = this.deps;
    // "Why no suggestion here" (the top complaint in peers' trackers), at debug level: the reason is logged only
    // when someone reads the log at that level, so a keystroke never pays for the string.
    const none = (why: () => string): undefined => {
      if (log.logLevel !== vscode.LogLevel.Off && log.logLevel <= vscode.LogLevel.Debug) log.debug(`[provider] no suggestion at ${document.fileName}:${position.line + 1}:${position.character + 1}: ${why()}`);
      return undefined;
    };
    if (!this.deps.isActive(document.languageId)) return none(() => `suggestions are off for ${document.languageId} (disabled, snoozed, or not in seq2seq.languages)`);
    const state = engine.state;
    if (state.kind !== 'ready') return none(() => `the model is ${state.kind === 'error' ? `not loaded: ${state.message}` : 'still loading'}`);
    const settings = this.deps.settings();
    const line = document.lineAt(position.line).text;
    const rest = line.slice(position.character);
    const midLine = hiddenMidLine(rest);
    if (midLine) return none(() => midLine);

    // With the suggest widget open, extend its selected item (or say nothing): the two must agree.
    const selected = context.selectedCompletionInfo;
    const anchor = selected ? selected.range.start : position;
    const extra = selected ? selected.text : '';
    const replace = selected ? selected.range : new vscode.Range(position, position);
    const before = line.slice(0, anchor.character) + extra;
    const uri = document.uri.toString();
    const key = `${uri}#${position.line}`;
    // The engine works here now: the cursor's move to this place was typing, not a landing.
    this.landing.requested(uri, document.offsetAt(position));

    // The suggestion before this one was accepted: its continuation is being computed ahead, so wait for it rather
    // than ask again. Any other request comes first, and the work ahead is dropped.
    const ahead = this.lookahead.join(key, before);
    if (ahead) await ahead;
    if (token.isCancellationRequested) return none(() => 'the user typed on before the request was sent');

    let waited = 0;
    let candidates = this.cache.get(key, before, settings.confidenceThreshold);
    let source = 'cache';
    let engineMs: number | null = null;
    // Every call is timed, cache hits too: they are keystrokes of the same rhythm.
    const planned = this.debounce.next(keyKind(before), candidates !== null);
    if (!candidates) {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        // An explicit request (Alt+\ or the trigger command) is answered at once; typing is debounced.
        const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
        const delay = explicit ? 0 : planned;
        record.delayMs = delay;
        const t = performance.now();
        if (!(await sleep(delay, abort.signal)) || token.isCancellationRequested) return none(() => 'the user typed on before the request was sent');
        waited = performance.now() - t;
        const generation = this.generation;
        const answer = await engine.suggest(
          { ...encoderWindow(document, anchor, state.info, extra), language: document.languageId, ...decodeRequest(settings) },
          abort.signal,
        );
        if (!answer || token.isCancellationRequested || generation !== this.generation) return none(() => (generation !== this.generation ? 'the model or settings changed meanwhile' : 'superseded by a newer keystroke'));
        candidates = answer.candidates;
        this.cache.put(key, before, candidates);
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
    const items = shown.map((c) => {
      const item = new vscode.InlineCompletionItem(extra + c.text, replace);
      // Stable API: VS Code runs an item's command after the item is accepted (Tab), not on a partial accept.
      item.command = { command: ACCEPTED_COMMAND, title: 'Suggestion accepted', arguments: [document.languageId, c.text.length] };
      return item;
    });
    // One suggestion is counted once: typing through it (the same line of the same document completed the same
    // way) is not a new one. The document object itself is compared: a new untitled document may reuse a name.
    const identity = `${key}\u0000${before}${shown[0]?.text ?? ''}`;
    if (items.length > 0 && (identity !== this.lastShown.identity || document !== this.lastShown.document)) {
      this.lastShown = { document, identity };
      this.deps.onShown?.(document.languageId, engineMs);
    }
    if (items.length > 0) {
      this.partial.shown(document, { offset: document.offsetAt(replace.start), texts: items.map((i) => i.insertText as string) });
      this.prefetch(document, anchor, extra, key, before, shown[0]!.text, state.info);
    } else {
      this.partial.clear();
    }
    record.shown = items.length;
    const ms = performance.now() - entered - waited;
    this.deps.latency.record(ms, engineMs);
    // Per-keystroke detail: the string is built only when someone reads the log at trace level.
    if (log.logLevel === vscode.LogLevel.Trace) log.trace(`[provider] ${items.length} item(s) in ${ms.toFixed(1)} ms (${source})${shown[0] ? `: ${JSON.stringify(shown[0].text)} p=${shown[0].confidence.toFixed(2)}` : ''}`);
    return items;
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
