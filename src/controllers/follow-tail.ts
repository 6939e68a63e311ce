import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How close to the bottom (px) still counts as "reading the newest text". */
const FOLLOW_THRESHOLD = 32;

/**
 * Keeps a scrolling log at its newest text while the reader is there, and
 * leaves it alone once they scroll up.
 *
 * It scrolls from a `ResizeObserver` on the log's content rather than after
 * each render: observers run once layout is done, so reading the height
 * there costs no extra layout, where a scroll right after a render forces
 * the growing answer to be laid out synchronously on every frame.
 */
export class FollowTailController implements ReactiveController {
  #host: ReactiveControllerHost;
  #scroller: () => HTMLElement | null | undefined;
  #content: () => HTMLElement | null | undefined;
  #observer?: ResizeObserver;
  #observed?: HTMLElement | undefined;
  /** The reader scrolled up from the newest text: new text no longer scrolls, and "Jump to latest" shows. */
  awayFromLatest = false;

  constructor(
    host: ReactiveControllerHost,
    scroller: () => HTMLElement | null | undefined,
    content: () => HTMLElement | null | undefined,
  ) {
    this.#host = host;
    this.#scroller = scroller;
    this.#content = content;
    host.addController(this);
  }

  hostConnected(): void {
    this.#observer ??= new ResizeObserver(() => {
      if (!this.awayFromLatest) this.#toEnd();
    });
    this.#observed = undefined;
  }

  hostUpdated(): void {
    // The content element is the same across renders, except when the host
    // switches between inline and launcher mode and the panel is re-made.
    const content = this.#content();
    const scroller = this.#scroller();
    if (content === this.#observed || !content || !scroller) return;
    this.#observer?.disconnect();
    this.#observer?.observe(content);
    this.#observer?.observe(scroller);
    this.#observed = content;
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observed = undefined;
  }

  /** For the scroller's `scroll` event. */
  onScroll = (): void => {
    const scroller = this.#scroller();
    if (!scroller) return;
    const away = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > FOLLOW_THRESHOLD;
    if (away !== this.awayFromLatest) {
      this.awayFromLatest = away;
      this.#host.requestUpdate();
    }
  };

  /** Shows the newest text and follows it again (a send, or "Jump to latest"). */
  jumpToLatest = (): void => {
    if (this.awayFromLatest) {
      this.awayFromLatest = false;
      this.#host.requestUpdate();
    }
    this.#toEnd();
  };

  #toEnd(): void {
    const scroller = this.#scroller();
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }
}
