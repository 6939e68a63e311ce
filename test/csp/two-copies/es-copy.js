// A second, independent copy of the element, as a framework app's bundle
// carries it: the ES build with its own Lit. Importing the package's main
// entry defines <ai-chat> unless a copy got there first; the class from
// `./element` can still be registered under another tag.
import { AiChat } from 'ai-chat-element';
import { AiChat as Element } from 'ai-chat-element/element';

Element.define('ai-chat-es');
window.__esCopy = { sameClass: AiChat === Element, ownsAiChat: customElements.get('ai-chat') === AiChat };
