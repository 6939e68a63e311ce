// React 19 with <ai-chat>, two ways: the element itself (React 19 sets
// properties on custom elements and listens to `on<event-name>` props), and
// the @lit/react wrapper from `ai-chat-element/react` (for React 18 too).
// Built in development mode so <StrictMode> really mounts every effect twice.
import 'ai-chat-element'; // defines <ai-chat> before React renders, so object props land as properties
import type { AiChat, AiChatEventMap } from 'ai-chat-element/element';
import { AiChat as AiChatWrapper } from 'ai-chat-element/react';
import { StrictMode, useEffect, useRef, useState, type RefObject } from 'react';
import { createRoot } from 'react-dom/client';
import { createControl, type ChatConfig } from '../../shared/contract';

const control = createControl('react');

interface ChatProps {
  config: ChatConfig;
  heading: string;
  onDone(event: AiChatEventMap['ai-chat-done']): void;
  onDelta(): void;
  onAbort(): void;
}

/** Asks the first question once the element is in the page; StrictMode runs this twice. */
function useAskOnMount(ref: RefObject<AiChat | null>, question: string) {
  useEffect(() => {
    control.mountHooks += 1;
    // No cleanup that aborts: removing the element aborts its stream by itself,
    // and StrictMode's simulated unmount would otherwise cancel a real request.
    void ref.current?.send(question);
  }, []);
}

function NativeChat({ config, heading, onDone, onDelta, onAbort }: ChatProps) {
  const ref = useRef<AiChat>(null);
  useAskOnMount(ref, config.question);
  return (
    <ai-chat
      ref={ref}
      endpoint={config.endpoint}
      heading={heading}
      max-retries="0"
      headers={config.headers}
      body={config.body}
      onai-chat-done={onDone}
      onai-chat-delta={onDelta}
      onai-chat-abort={onAbort}
    />
  );
}

function WrappedChat({ config, heading, onDone, onDelta, onAbort }: ChatProps) {
  const ref = useRef<AiChat>(null);
  useAskOnMount(ref, config.question);
  return (
    <AiChatWrapper
      ref={ref}
      endpoint={config.endpoint}
      heading={heading}
      maxRetries={0}
      headers={config.headers}
      body={config.body}
      onAiChatDone={onDone}
      onAiChatDelta={onDelta}
      onAiChatAbort={onAbort}
    />
  );
}

function App() {
  const [config, setConfig] = useState<ChatConfig | null>(null);
  const [renders, setRenders] = useState(0);
  const [doneText, setDoneText] = useState('');

  useEffect(() => {
    control.mount = (next) => setConfig(next);
    control.unmount = () => setConfig(null);
    control.rerender = () => {
      setRenders((count) => count + 1);
      setConfig((current) => current && { ...current, headers: { ...current.headers }, body: { ...current.body } });
    };
  }, []);

  // New handler functions on every render, as most apps write them.
  const props = config && {
    config,
    heading: `${config.heading} (${renders})`,
    onDone: (event: AiChatEventMap['ai-chat-done']) => {
      control.events.done.push(event.detail.message.content);
      setDoneText(event.detail.message.content);
    },
    onDelta: () => void (control.events.deltas += 1),
    onAbort: () => void (control.events.aborts += 1),
  };
  return (
    <main>
      <p>
        renders: <span id="renders">{renders}</span>
      </p>
      <output id="done-text">{doneText}</output>
      {props && (config.variant === 'wrapper' ? <WrappedChat {...props} /> : <NativeChat {...props} />)}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
