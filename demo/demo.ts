import '../src/index.js';
import type { AiChat } from '../src/ai-chat.js';

/** Wires the demo's controls to every <ai-chat> on the page through attributes only. */
const controls = document.querySelector<HTMLFormElement>('#controls')!;
const chats = () => [...document.querySelectorAll<AiChat>('ai-chat')];

controls.addEventListener('change', () => {
  const data = new FormData(controls);
  const theme = String(data.get('theme'));
  const lang = String(data.get('lang'));
  const fault = String(data.get('fault'));
  document.documentElement.dataset.theme = theme;
  for (const chat of chats()) {
    chat.setAttribute('theme', theme);
    chat.setAttribute('lang', lang);
    chat.setAttribute('endpoint', fault ? `/api/chat?fault=${encodeURIComponent(fault)}` : '/api/chat');
  }
});
