// <ai-chat> inside a React 19 app, the way docs/frameworks.md shows it.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../src/index.js';
import '../src/jsx.js';

function App() {
  const [answers, setAnswers] = useState(0);
  const [lastWords, setLastWords] = useState('');
  return (
    <>
      <p aria-live="polite">
        Answers finished: <strong>{answers}</strong>
        {lastWords ? ` (last one ended “…${lastWords}”)` : ''}
      </p>
      <ai-chat
        endpoint="/api/chat"
        heading="React demo"
        welcome="I am an <ai-chat> rendered by React."
        headers={{ 'x-demo-framework': 'react' }}
        body={{ temperature: 0.3 }}
        onai-chat-done={(event) => {
          setAnswers((count) => count + 1);
          setLastWords(event.detail.message.content.trim().split(/\s+/).slice(-3).join(' '));
        }}
      />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
