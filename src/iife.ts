/**
 * The script-tag build's entry: defines `<ai-chat>` and sets
 * `window.AiChatElement.AiChat`, nothing more. The constant lists and types
 * the ES entries export are for code that imports them; a page with a
 * `<script src>` has no use for them, so they stay out of its bytes.
 */
import { AiChat } from './element.js';

AiChat.define();

export { AiChat };
