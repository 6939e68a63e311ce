import type { ChatMessage, MessageVersions } from './types.js';

/**
 * Versions of a conversation (Regenerate on an answer, Edit on a question).
 *
 * The conversation shown is one version; the message where versions part
 * carries the others (`versions.before` and `versions.after`, oldest
 * first), each as its messages from that position to its end. Nothing is
 * shared between versions and nothing points back: a conversation stays a
 * plain array of plain objects, stored and sent as it is (only the shown
 * version is sent: requests carry no `versions`).
 */

/**
 * How a message is kept in a version set aside (say, an answer another tab
 * is still writing, marked interrupted).
 */
export type KeepAside = (message: ChatMessage) => ChatMessage;

/** The conversation from `index` on, as a version kept aside: its first message without the versions it carried. */
function keptAside(messages: readonly ChatMessage[], index: number, keep: KeepAside): ChatMessage[] {
  const [first, ...rest] = messages.slice(index);
  const { versions: _others, ...version } = first!;
  return [version, ...rest].map(keep);
}

const asItIs: KeepAside = (message) => message;

/**
 * The versions a new message at `index` carries: every version there was,
 * the one shown now included, in the order they were made; the new one is
 * the last.
 */
export function versionsBefore(messages: readonly ChatMessage[], index: number, keep = asItIs): MessageVersions {
  const { before = [], after = [] } = messages[index]?.versions ?? {};
  return { before: [...before, keptAside(messages, index, keep), ...after], after: [] };
}

/**
 * The conversation showing the version one `step` (-1 or 1) away at
 * `index`, or undefined when there is none that way.
 */
export function showVersion(messages: readonly ChatMessage[], index: number, step: -1 | 1, keep = asItIs): ChatMessage[] | undefined {
  const versions = messages[index]?.versions;
  if (!versions) return undefined;
  const { before, after } = versions;
  const shown = keptAside(messages, index, keep);
  const [next, others] =
    step < 0
      ? [before.at(-1), { before: before.slice(0, -1), after: [shown, ...after] }]
      : [after[0], { before: [...before, shown], after: after.slice(1) }];
  if (!next?.length) return undefined;
  const [first, ...rest] = next;
  return [...messages.slice(0, index), { ...first!, versions: others }, ...rest];
}

/** Which version a message shows and how many there are (from 1), when it has others. */
export function versionOf(message: ChatMessage): [shown: number, count: number] | undefined {
  const { before = [], after = [] } = message.versions ?? {};
  const count = before.length + after.length + 1;
  return count > 1 ? [before.length + 1, count] : undefined;
}
