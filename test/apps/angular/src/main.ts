// Angular with <ai-chat>: CUSTOM_ELEMENTS_SCHEMA lets the template use the
// tag (the ahead-of-time compiler rejects it otherwise), `[prop]` bindings set
// properties (objects stay objects), and `(ai-chat-done)` listens to the
// element's event. Compiled ahead of time by `ngc` (strictTemplates), then
// bundled by Vite: no Angular CLI, and no JIT compiler in the page.
import 'ai-chat-element'; // defines <ai-chat> before Angular renders
import {
  Component,
  CUSTOM_ELEMENTS_SCHEMA,
  ElementRef,
  EventEmitter,
  Input,
  Output,
  inject,
  provideZonelessChangeDetection,
  signal,
  type AfterViewInit,
} from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import type { AiChat, AiChatEventMap } from 'ai-chat-element/element';
import { createControl, type ChatConfig } from '../../shared/contract';

const control = createControl('angular');

@Component({
  selector: 'app-chat',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <ai-chat
      [endpoint]="config.endpoint"
      [heading]="heading"
      max-retries="0"
      [headers]="config.headers"
      [body]="config.body"
      (ai-chat-done)="onDone($event)"
      (ai-chat-delta)="delta.emit()"
      (ai-chat-abort)="aborted.emit()"
    ></ai-chat>
  `,
})
class ChatComponent implements AfterViewInit {
  @Input({ required: true }) config!: ChatConfig;
  @Input({ required: true }) heading!: string;
  @Output() done = new EventEmitter<string>();
  @Output() delta = new EventEmitter<void>();
  @Output() aborted = new EventEmitter<void>();
  #host: ElementRef<HTMLElement> = inject(ElementRef);

  ngAfterViewInit(): void {
    control.mountHooks += 1;
    void this.#host.nativeElement.querySelector<AiChat>('ai-chat')?.send(this.config.question);
  }

  onDone(event: Event): void {
    this.done.emit((event as AiChatEventMap['ai-chat-done']).detail.message.content);
  }
}

@Component({
  selector: 'app-root',
  imports: [ChatComponent],
  template: `
    <main>
      <p>renders: <span id="renders">{{ renders() }}</span></p>
      <output id="done-text">{{ doneText() }}</output>
      @if (config(); as chat) {
        <app-chat
          [config]="chat"
          [heading]="chat.heading + ' (' + renders() + ')'"
          (done)="onDone($event)"
          (delta)="onDelta()"
          (aborted)="onAbort()"
        />
      }
    </main>
  `,
})
class AppComponent {
  config = signal<ChatConfig | null>(null);
  renders = signal(0);
  doneText = signal('');

  constructor() {
    control.mount = (next) => this.config.set(next);
    control.unmount = () => this.config.set(null);
    control.rerender = () => {
      this.renders.update((count) => count + 1);
      this.config.update((current) => current && { ...current, headers: { ...current.headers }, body: { ...current.body } });
    };
  }

  onDone(content: string): void {
    control.events.done.push(content);
    this.doneText.set(content);
  }

  onDelta(): void {
    control.events.deltas += 1;
  }

  onAbort(): void {
    control.events.aborts += 1;
  }
}

await bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] });
