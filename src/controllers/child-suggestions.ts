import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Starter prompts written in HTML as `<ai-chat-suggestion>` children, read
 * again whenever the children change (a framework may render them late).
 */
export class ChildSuggestionsController implements ReactiveController {
  #host: ReactiveControllerHost & Element;
  #observer?: MutationObserver;
  texts: string[] = [];

  constructor(host: ReactiveControllerHost & Element) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#observer ??= new MutationObserver(() => this.#read());
    this.#observer.observe(this.#host, { childList: true, subtree: true, characterData: true });
    this.#read();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
  }

  #read(): void {
    const texts = [...this.#host.querySelectorAll('ai-chat-suggestion')]
      .map((node) => node.textContent?.trim() ?? '')
      .filter(Boolean);
    if (texts.join('\n') === this.texts.join('\n')) return;
    this.texts = texts;
    this.#host.requestUpdate();
  }
}
