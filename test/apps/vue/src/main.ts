import 'ai-chat-element'; // defines <ai-chat> before Vue renders
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
