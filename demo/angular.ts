// <ai-chat> inside an Angular app. The template is compiled in the browser
// (JIT) so the demo needs no Angular build step.
import '@angular/compiler';
import { Component, CUSTOM_ELEMENTS_SCHEMA, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import '../src/index.js';
import type { AiChatEventMap } from '../src/events.js';

@Component({
  selector: 'demo-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <p aria-live="polite">Answers finished: <strong>{{ answers() }}</strong></p>
    <ai-chat
      endpoint="/api/chat"
      heading="Angular demo"
      welcome="I am an <ai-chat> rendered by Angular."
      [headers]="headers"
      [body]="body"
      (ai-chat-done)="onDone($event)"
    ></ai-chat>
  `,
})
class DemoRoot {
  readonly answers = signal(0);
  readonly headers = { 'x-demo-framework': 'angular' };
  readonly body = { temperature: 0.3 };

  onDone(event: Event): void {
    if ((event as AiChatEventMap['ai-chat-done']).detail.message.status === 'done') this.answers.update((n) => n + 1);
  }
}

void bootstrapApplication(DemoRoot, { providers: [provideZonelessChangeDetection()] });
