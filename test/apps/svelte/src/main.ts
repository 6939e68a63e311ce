import 'ai-chat-element'; // defines <ai-chat> before Svelte renders, so object props land as properties
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
