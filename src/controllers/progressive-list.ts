import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Items rendered in the first frame of a long list set at once: the newest,
 * enough to fill a chat's height with messages of a few lines (a long one
 * fills it alone). Each costs its markdown and its layout in that frame:
 * ten made the first paint of a long conversation about 30 ms later.
 */
const FIRST = 4;
/** What one frame may spend on older items, in ms: the rest of the frame is the reader's. */
const FRAME_BUDGET_MS = 12;
const MAX_BATCH = 200;
/**
 * Older items arrive in whole multiples of this, from a multiple of it. The
 * templates put settled messages in groups of this many (one box each, which
 * the browser skips while off screen), so an older message is first rendered
 * inside its group and never laid out alone.
 */
export const GROUP = 5;

/**
 * A conversation set or restored at once may hold thousands of messages:
 * rendering them in one task would freeze the page. The newest come first
 * (they are what the reader sees), older ones follow over the next frames,
 * as many per frame as fit the budget: the last update's time per item
 * sizes the next batch, so a slow machine renders fewer per frame rather
 * than longer frames. Appending (a send, an answer) renders at once.
 */
export class ProgressiveListController<T> implements ReactiveController {
  #host: ReactiveControllerHost;
  /** Items before this index are not rendered yet. */
  firstRendered = 0;
  #batch = FIRST;
  #started = 0;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Call when the list is replaced, with the list before. Returns whether it is a new list (most items new). */
  changed(previous: readonly T[] | undefined, current: readonly T[]): boolean {
    const appended =
      previous !== undefined && current.length >= previous.length && previous.every((item, i) => current[i] === item);
    // Items new to the list: a list with one item replaced (a rating, a version shown, another tab's save) is not a new list.
    const kept = new Set(previous);
    const isNew = current.filter((item) => !kept.has(item)).length > FIRST;
    if (isNew) {
      this.firstRendered = current.length - FIRST;
      this.#batch = FIRST;
    } else if (!appended) this.firstRendered = 0;
    return isNew;
  }

  hostUpdate(): void {
    this.#started = performance.now();
  }

  hostUpdated(): void {
    if (this.firstRendered === 0) return;
    const perItem = (performance.now() - this.#started) / this.#batch;
    this.#batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(FRAME_BUDGET_MS / Math.max(perItem, 0.01))));
    this.firstRendered = Math.max(0, Math.floor((this.firstRendered - this.#batch) / GROUP) * GROUP);
    this.#host.requestUpdate();
  }
}
