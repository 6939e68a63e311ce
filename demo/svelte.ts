import { mount } from 'svelte';
import '../src/index.js';
import App from './SvelteDemo.svelte';

mount(App, { target: document.getElementById('app')! });
