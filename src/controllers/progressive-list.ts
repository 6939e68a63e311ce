import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Items rendered per frame when a long list is set at once, newest first. */
const BATCH = 25;

/**
 * A conversation set or restored at once may hold hundreds of messages:
 * rendering them in one task would freeze the page. The newest come first
 * (they are what the reader sees), older ones follow a batch per frame.
 * Appending (a send, an answer) renders at once.
 */
export class ProgressiveListController<T> implements ReactiveController {
  #host: ReactiveControllerHost;
  /** Items before this index are not rendered yet. */
  firstRendered = 0;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Call when the list is replaced, with the list before. */
  changed(previous: readonly T[] | undefined, current: readonly T[]): void {
    const appended =
      previous !== undefined && current.length >= previous.length && previous.every((item, i) => current[i] === item);
    const added = current.length - (appended ? previous.length : 0);
    if (added > BATCH) this.firstRendered = current.length - BATCH;
    else if (!appended) this.firstRendered = 0;
  }

  hostUpdated(): void {
    if (this.firstRendered === 0) return;
    this.firstRendered = Math.max(0, this.firstRendered - BATCH);
    this.#host.requestUpdate();
  }
}
