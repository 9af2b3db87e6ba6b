// The cursor landing somewhere new (a click, a search result, Go to Definition, a newly opened file): the engine
// reads the encoder window there while the user looks, so the first keystroke after the move costs what typing
// costs, not a re-encode. A move is a landing once the cursor has rested LANDING_DELAY_MS away from where the
// engine last worked; a move that an edit made (typing) is not one, since the provider is asked there. No vscode import.

/** How long the cursor rests before the window there is read: arrow keys held down or a drag never get there. */
export const LANDING_DELAY_MS = 60;

/** A rest within this many characters of the last place the engine worked is typing, not a landing. */
const NEAR_CHARS = 2;

export class CursorLanding<T> {
  private last: { document: string; offset: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Landings sent; read by the integration tests. */
  landed = 0;

  constructor(private readonly land: (payload: T) => void, private readonly delayMs = LANDING_DELAY_MS) {}

  /** The provider asked the engine at this place: the engine reads it anyway. */
  requested(document: string, offset: number): void {
    this.last = { document, offset };
    this.cancel();
  }

  /**
   * The cursor moved (one empty selection); `payload` is what `land` gets if it rests there. A move an edit made
   * (`edited`: typing, a paste, an undo) is never a landing: the editor asks the provider after every edit anyway.
   */
  moved(document: string, offset: number, payload: T, edited = false): void {
    if (edited) return this.requested(document, offset);
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = null;
      const l = this.last;
      if (l && l.document === document && Math.abs(l.offset - offset) <= NEAR_CHARS) return;
      this.last = { document, offset };
      this.landed++;
      this.land(payload);
    }, this.delayMs);
  }

  /** A model switch or shutdown: nothing pending is sent, and the next rest anywhere is a landing. */
  reset(): void {
    this.cancel();
    this.last = null;
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
