// <ai-chat> inside a Vue 3 app. Render functions here, so the page needs no
// template compiler; README shows the single-file-component form.
import { createApp, defineComponent, h, ref } from 'vue';
import '../src/index.js';
import type { AiChatMessageDetail } from '../src/events.js';

const App = defineComponent({
  setup() {
    const answers = ref(0);
    return () => [
      h('p', { 'aria-live': 'polite' }, ['Answers finished: ', h('strong', answers.value)]),
      h('ai-chat', {
        endpoint: '/api/chat',
        heading: 'Vue demo',
        welcome: 'I am an <ai-chat> rendered by Vue.',
        // Vue sets a key the element has as a property, so objects stay objects.
        headers: { 'x-demo-framework': 'vue' },
        body: { temperature: 0.3 },
        onAiChatDone: (event: CustomEvent<AiChatMessageDetail>) => {
          if (event.detail.message.status === 'done') answers.value += 1;
        },
      }),
    ];
  },
});

createApp(App).mount('#app');
