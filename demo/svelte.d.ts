// Lets the type checker import .svelte files; Vite's Svelte plugin compiles them.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component;
  export default component;
}
