import { FEEDBACK_VALUES, MESSAGE_ROLES, MESSAGE_STATUSES, type ChatMessage, type MessageVersions } from './types.js';
import { TOOL_STATES, type ChatPart } from './stream/parts.js';
import { dataBytes } from './attachments.js';

/**
 * The most bytes of attached files one message keeps in storage: the quota
 * is about 5 MB an origin, shared with the page. Past it, a file is saved
 * without its bytes (its name and type stay), and so is every file when the
 * quota is full: the save never fails for a file.
 */
export const MAX_SAVED_FILE_BYTES = 1_000_000;

/**
 * File parts shown now whose bytes the last save that wrote them left out:
 * they carry a "not saved" note, until a save keeps their bytes again (the
 * reader made room, or the conversation got shorter).
 */
export const unsavedFiles = new WeakSet<object>();
/** How many times a file's mark was set or cleared: settled messages are checked again when it moves. */
export let unsavedMarks = 0;

/**
 * How deep versions may nest (a message inside a version carrying versions
 * of its own, and so on). Storage is anyone's on the origin, so reading
 * stops there: deeper is corrupt, not a stack overflow. A save leaves out
 * versions nested deeper, so it never writes what a load would refuse; a
 * reader gets that deep only by editing ever earlier questions 32 times.
 */
const MAX_VERSION_DEPTH = 32;

/** The storage format's version; a different one is ignored, not misread. */
const VERSION = 1;

export type LoadResult =
  | { ok: true; messages: ChatMessage[] }
  | { ok: false; reason: 'empty' | 'unavailable' | 'corrupt'; detail?: string };

/** Roles a reader sees. A stored `system` message is never restored: it would be a hidden prompt anyone with access to the origin's storage could plant. */
const RESTORED_ROLES: readonly unknown[] = MESSAGE_ROLES.filter((role) => role !== 'system');

/** `depth`: how many versions deep the message is (0 in the conversation itself). */
function isMessage(value: unknown, depth = 0): value is ChatMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  const text = (key: string) => typeof m[key] === 'string';
  const absentOr = (key: string, valid: boolean) => m[key] === undefined || valid;
  return (
    text('id') &&
    text('content') &&
    (MESSAGE_ROLES as readonly unknown[]).includes(m.role) &&
    (MESSAGE_STATUSES as readonly unknown[]).includes(m.status) &&
    absentOr('reasoning', text('reasoning')) &&
    absentOr('error', text('error')) &&
    absentOr('parts', Array.isArray(m.parts) && m.parts.every(isPart)) &&
    absentOr('feedback', (FEEDBACK_VALUES as readonly unknown[]).includes(m.feedback)) &&
    absentOr('versions', depth < MAX_VERSION_DEPTH && isVersions(m.versions, depth + 1))
  );
}

function isVersions(value: unknown, depth: number): boolean {
  const versions = value as Record<string, unknown> | null;
  const list = (key: string) =>
    Array.isArray(versions![key]) &&
    (versions![key] as unknown[]).every(
      (version) => Array.isArray(version) && version.every((message) => isMessage(message, depth)),
    );
  return typeof versions === 'object' && versions !== null && list('before') && list('after');
}

/**
 * `versions` with `keep` applied to each message in them (undefined leaves
 * it out); a version left empty is dropped, since a version is its
 * messages from the position it was made at.
 */
function mapVersions<T>(versions: MessageVersions, keep: (message: ChatMessage) => T | undefined) {
  const map = (list: ChatMessage[][]) =>
    list.map((version) => version.flatMap((message) => keep(message) ?? [])).filter((version) => version.length);
  return { before: map(versions.before), after: map(versions.after) };
}

/** A saved part is shown as text or as a checked link, so its shape is all that needs checking. */
function isPart(value: unknown): boolean {
  const part = value as Record<string, unknown> | null;
  if (typeof part !== 'object' || part === null) return false;
  const text = (key: string) => typeof part[key] === 'string';
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return text('text');
    case 'tool':
      return (part.name === null || text('name')) && (TOOL_STATES as readonly unknown[]).includes(part.state);
    case 'source':
      return text('url');
    case 'file':
      return text('url') && text('mediaType');
    default:
      return false;
  }
}

export const isInProgress = (message: ChatMessage | undefined) =>
  message?.status === 'pending' || message?.status === 'streaming';

/**
 * An answer that was still arriving when its page went away comes back as
 * what it is: cut off, not complete. So does one inside a version: a tab
 * may edit an earlier question while another tab's answer streams below
 * it, and that answer, kept aside as it was, has nobody left to finish it.
 */
function settle(message: ChatMessage, interruptedText: string | undefined): ChatMessage {
  if (interruptedText === undefined) return message;
  const settled = message.versions
    ? { ...message, versions: mapVersions(message.versions, (inner) => settle(inner, interruptedText)) }
    : message;
  return isInProgress(settled) ? { ...settled, status: 'error', error: interruptedText } : settled;
}

let sequence = 0;
/** Random per page, so two tabs appending to one saved conversation never make the same id. */
const pagePrefix = `m-${Math.random().toString(36).slice(2, 8)}-`;
/** An id unique across the tabs that share a saved conversation; not a secret, so no crypto needed. */
export const newMessageId = (): string => pagePrefix + ++sequence;
const isOwnId = (id: string) => id.startsWith(pagePrefix);

/**
 * `localStorage` for one key, never throwing: full, disabled or corrupt
 * storage reports and moves on.
 *
 * Several tabs may share a key, so a save merges per message instead of
 * overwriting the list: a message this page read from storage (it keeps the
 * very objects it handed out) is another tab's, and the stored copy wins;
 * a stored message this page never saw was added elsewhere and is kept.
 */
export class ConversationStore {
  readonly key: string;
  #storage: () => Storage | undefined;
  /** The latest message this page took from storage for each id, with the stored JSON and the object read it was made from. */
  #adopted = new Map<string, { message: ChatMessage; json: string; stored: ChatMessage }>();
  /** Every message object this page took from storage: another page wrote it, so only that page changes it. */
  #theirs = new WeakSet<ChatMessage>();
  /** Ids this page has seen stored, so one missing locally was removed here, not added elsewhere. */
  #known = new Set<string>();
  /** Answers another page was still writing when this page last saw them. */
  #unfinished = new Set<string>();
  /**
   * What this page last wrote, and the messages in it. While storage still
   * holds exactly that (no other tab wrote since), a save while streaming
   * need not parse a long conversation back once a second.
   */
  #written?: { raw: string; messages: ChatMessage[] } | undefined;

  constructor(key: string, storage: () => Storage | undefined = () => globalThis.localStorage) {
    this.key = `ai-chat:${key}`;
    this.#storage = () => {
      try {
        return storage();
      } catch {
        // Reading `localStorage` itself throws when cookies are blocked.
        return undefined;
      }
    };
  }

  /**
   * Restores on page load: answers still in progress have lost their page and
   * are marked interrupted (`interruptedText`); without it, read as stored.
   */
  load(interruptedText?: string): LoadResult {
    let raw: string | null;
    try {
      const storage = this.#storage();
      if (!storage) return { ok: false, reason: 'unavailable' };
      raw = storage.getItem(this.key);
    } catch (error) {
      return { ok: false, reason: 'unavailable', detail: String(error) };
    }
    if (raw === null) return { ok: false, reason: 'empty' };
    return this.parse(raw, interruptedText);
  }

  /**
   * Reads a stored value (also what a `storage` event carries) and adopts
   * its messages as another page's. Without `interruptedText`, answers in
   * progress stay in progress: the other tab is still writing them. A
   * message unchanged since it was last adopted comes back as the same
   * object, so what was rendered from it stays.
   */
  parse(raw: string, interruptedText?: string): LoadResult {
    const result = readStored(raw);
    if (!result.ok) return result;
    const sources: ChatMessage[] = [];
    const messages = result.messages.map((message) => {
      const shown = this.#adopt(message, interruptedText);
      sources.push(this.#adopted.get(message.id)!.stored);
      return shown;
    });
    // Storage holds `raw`, now known message by message: the first save after
    // a load (the first question) need not parse 2 MB again (#17). Each as
    // the object read when it was first adopted: the one shown is made from
    // it (and shares its parts), so a save that marks the files it writes
    // marks what is shown, not a copy nobody sees.
    this.#written = { raw, messages: sources };
    return { ok: true, messages };
  }

  /**
   * An answer another page was writing, last this page saw it. It may be
   * live in another tab, or cut off by a reload: either way its question is
   * not this page's context until it is seen finished.
   */
  isUnfinishedElsewhere(message: ChatMessage | undefined): boolean {
    return message !== undefined && this.#unfinished.has(message.id);
  }

  /**
   * Saves `messages` merged with what other tabs stored. Returns the merged
   * conversation when it differs from `messages` (another tab added or
   * changed something), `messages` when it does not, and undefined when
   * nothing could be saved (quota, privacy mode).
   */
  save(messages: readonly ChatMessage[]): readonly ChatMessage[] | undefined {
    try {
      const storage = this.#storage();
      if (!storage) return undefined;
      const raw = storage.getItem(this.key);
      const stored = raw === this.#written?.raw ? this.#written : raw === null ? undefined : readStored(raw);
      const { toStore, toShow } = this.#merge(messages, stored && 'messages' in stored ? stored.messages : []);
      const write = (maxFileBytes: number) => {
        const forms = toStore.map((message) => saved(message, maxFileBytes));
        // What `JSON.stringify({ v, messages })` writes, from each message's JSON, most of them written before.
        const next = `{"v":${VERSION},"messages":[${forms.map((form) => form.json).join(',')}]}`;
        storage.setItem(this.key, next);
        for (const form of forms) markFiles(form);
        // Read back: Chromium hands out the very string it keeps, so the next
        // save sees it unchanged by identity, not by comparing megabytes.
        this.#written = { raw: storage.getItem(this.key) ?? next, messages: forms.map((form) => form.kept) };
      };
      try {
        write(MAX_SAVED_FILE_BYTES);
      } catch {
        // Full: the text matters more than the files' bytes.
        write(0);
      }
      // Only what this page holds: messages another tab added are known once
      // shown here. A save whose merge the caller does not show (one while
      // streaming) would otherwise count them as removed here at the next
      // save, and drop them from storage.
      for (const message of messages) this.#known.add(message.id);
      return toShow.length === messages.length && toShow.every((message, i) => message === messages[i])
        ? messages
        : toShow;
    } catch {
      return undefined;
    }
  }

  remove(): void {
    this.#known.clear();
    this.#written = undefined;
    try {
      this.#storage()?.removeItem(this.key);
    } catch {
      // Nothing to do: storage that cannot be written holds nothing of ours.
    }
  }

  /**
   * `message` (a copy of another page's message, say one this page follows
   * as it streams) counts as another page's: a save keeps the stored version
   * and shows it, so this page never writes its copy over its writer's saves.
   */
  leaveToWriter(message: ChatMessage): ChatMessage {
    this.#theirs.add(message);
    return message;
  }

  /** `shown`: the page takes the message in now (a load, a storage event); not one a save merely keeps. */
  #adopt(stored: ChatMessage, interruptedText?: string, shown = true): ChatMessage {
    if (shown) this.#known.add(stored.id);
    if (isInProgress(stored) && !isOwnId(stored.id)) this.#unfinished.add(stored.id);
    else this.#unfinished.delete(stored.id);
    // A copy this page stored (storage still held what it wrote) has its JSON already.
    const known = keptForms.get(stored);
    const json = known?.json ?? JSON.stringify(stored);
    // A finished message read from storage is its own stored form, with that
    // JSON: the next save writes it as it is instead of making it again.
    if (!known && !isInProgress(stored) && !stored.versions && isStoredForm(stored)) {
      const form = { kept: stored, json, depth: 0, final: true, files: dataFiles(stored.parts) };
      formsFor(MAX_SAVED_FILE_BYTES).set(stored, form);
      keptForms.set(stored, form);
    }
    const previous = this.#adopted.get(stored.id);
    if (previous?.json === json) {
      // The same string from now on: comparing every message of a long conversation by content on each save adds up.
      previous.json = json;
      return previous.message;
    }
    const message = settle(stored, interruptedText);
    this.#adopted.set(stored.id, { message, json, stored });
    this.#theirs.add(message);
    return message;
  }

  /**
   * What to store: this page's own messages as they are, another page's as
   * stored (only their writer changes them), and messages added elsewhere
   * after the stored message they followed. What to show: the same, with
   * another page's messages as adopted.
   */
  #merge(local: readonly ChatMessage[], stored: readonly ChatMessage[]) {
    const storedById = new Map(stored.map((message) => [message.id, message]));
    const toStore: ChatMessage[] = [];
    const toShow: ChatMessage[] = [];
    const keep = (store: ChatMessage, show: ChatMessage) => (toStore.push(store), toShow.push(show));
    const addedAfter = new Map<string | undefined, ChatMessage[]>();
    let anchor: string | undefined;
    const present = new Set(local.map((message) => message.id));
    for (const message of stored) {
      if (present.has(message.id)) anchor = message.id;
      else if (!this.#known.has(message.id)) addedAfter.set(anchor, [...(addedAfter.get(anchor) ?? []), message]);
    }
    const keepAdded = (after: string | undefined) => {
      const added = addedAfter.get(after);
      if (added) for (const message of added) keep(message, this.#adopt(message, undefined, false));
    };
    keepAdded(undefined);
    for (const message of local) {
      if (message.role === 'system') {
        toShow.push(message);
        continue;
      }
      const theirs = this.#theirs.has(message) ? storedById.get(message.id) : undefined;
      if (theirs) keep(theirs, this.#adopt(theirs));
      else keep(message, message);
      keepAdded(message.id);
    }
    return { toStore, toShow };
  }
}

function readStored(raw: string): LoadResult {
  try {
    const value = JSON.parse(raw) as { v?: unknown; messages?: unknown };
    if (value?.v !== VERSION || !Array.isArray(value.messages) || !value.messages.every((message) => isMessage(message))) {
      return { ok: false, reason: 'corrupt', detail: 'unexpected shape' };
    }
    return { ok: true, messages: (value.messages as ChatMessage[]).flatMap((message) => restored(message) ?? []) };
  } catch (error) {
    return { ok: false, reason: 'corrupt', detail: String(error) };
  }
}

/** A stored message as it may be shown: no `system` message, at any depth of versions. */
function restored(message: ChatMessage): ChatMessage | undefined {
  if (!RESTORED_ROLES.includes(message.role)) return undefined;
  return message.versions ? { ...message, versions: mapVersions(message.versions, restored) } : message;
}

/** A message as stored: the copy kept (its stored fields only) and its JSON text. */
interface Saved {
  kept: ChatMessage;
  json: string;
  /** Versions deep it was saved at: past `MAX_VERSION_DEPTH` its versions are left out, so the depth is part of the form. */
  depth: number;
  /** Nothing in it is in progress: it cannot change, so its form can be kept. */
  final: boolean;
  /** Its file parts that carry bytes (versions' too), each with whether it left the bytes out: a save that writes it marks them so. */
  files: Array<[part: object, leftOut: boolean]>;
}

/** `parts`' files that carry their bytes (a `data:` URL, what a save may leave out), each with `leftOut`. */
const dataFiles = (parts: readonly ChatPart[] = [], leftOut = false) =>
  parts.flatMap((part): Saved['files'] => (part.type === 'file' && dataBytes(part.url) ? [[part, leftOut]] : []));

/** Marks the files of a form just written as saved or not saved. */
function markFiles({ files }: Saved): void {
  for (const [part, leftOut] of files) {
    if (leftOut === unsavedFiles.has(part)) continue;
    unsavedMarks++;
    if (leftOut) unsavedFiles.add(part);
    else unsavedFiles.delete(part);
  }
}

/**
 * The stored forms of finished messages, per file budget, found by the
 * message saved and by the copy kept (the next save merges with the copies).
 * A finished message never changes in place (an action makes a new object),
 * so its JSON is written once, not again on every save while an answer
 * streams below a long conversation. A message in progress changes in
 * place, so its form (and that of a message holding it in its versions) is
 * made afresh each save. A form knows which files it left out; they are
 * marked once it is written (`markFiles`), not when it is made: a write
 * that fails (the quota) is made again without any file bytes.
 */
const savedForms = new Map<number, WeakMap<ChatMessage, Saved>>();
/** The forms of finished messages by the copy kept: its JSON is the copy's own `JSON.stringify`. */
const keptForms = new WeakMap<ChatMessage, Saved>();
const formsFor = (maxFileBytes: number) => {
  let forms = savedForms.get(maxFileBytes);
  if (!forms) savedForms.set(maxFileBytes, (forms = new WeakMap()));
  return forms;
};

/**
 * `message` as stored. Versions are stored the same way, message by message:
 * each message in a version has its own `maxFileBytes`, as it had when it
 * was shown (an edited question keeps its files). The quota bounds the sum:
 * when it is full, the save is made again with no file bytes at all,
 * versions included. System messages are left out of versions as from the
 * conversation, and versions deeper than `MAX_VERSION_DEPTH` are not saved.
 */
function saved(message: ChatMessage, maxFileBytes: number, depth = 0): Saved {
  const forms = formsFor(maxFileBytes);
  const known = forms.get(message);
  if (known?.depth === depth) return known;
  const leaveOut = fileBytes(message.parts) > maxFileBytes;
  const fields = plain(message, leaveOut);
  const files = dataFiles(message.parts, leaveOut);
  let final = !isInProgress(message);
  const versions =
    message.versions && depth < MAX_VERSION_DEPTH
      ? mapVersions(message.versions, (inner) => {
          if (inner.role === 'system') return undefined;
          const form = saved(inner, maxFileBytes, depth + 1);
          final &&= form.final;
          files.push(...form.files);
          return form;
        })
      : undefined;
  const fieldsJson = JSON.stringify(fields);
  const list = (stored: Saved[][]) => `[${stored.map((version) => `[${version.map((form) => form.json).join(',')}]`).join(',')}]`;
  const keptOf = (stored: Saved[][]) => stored.map((version) => version.map((form) => form.kept));
  // `versions` comes last in the copy, so its JSON is the fields' with the versions' (already written) spliced in.
  const form: Saved = versions
    ? {
        kept: { ...fields, versions: { before: keptOf(versions.before), after: keptOf(versions.after) } },
        json: `${fieldsJson.slice(0, -1)},"versions":{"before":${list(versions.before)},"after":${list(versions.after)}}}`,
        depth,
        final,
        files,
      }
    : { kept: fields, json: fieldsJson, depth, final, files };
  if (final) {
    forms.set(message, form).set(form.kept, form);
    keptForms.set(form.kept, form);
  }
  return form;
}

/**
 * The stored fields but versions. `JSON.stringify` leaves out the ones that
 * are undefined, so a message without reasoning, error or parts is stored
 * without those keys. With `leaveOutFiles` (its files are over the budget,
 * all of a message's together), files are kept without their bytes: an
 * empty `url`, shown as "not saved".
 */
function plain({ id, role, content, status, reasoning, error, parts, feedback }: ChatMessage, leaveOutFiles: boolean): ChatMessage {
  if (leaveOutFiles) parts = parts!.map((part): ChatPart => (part.type === 'file' && dataBytes(part.url) ? { ...part, url: '' } : part));
  return { id, role, content, status, reasoning, error, parts, feedback };
}

const fileBytes = (parts: readonly ChatPart[] = []) => parts.reduce((bytes, part) => bytes + (part.type === 'file' ? dataBytes(part.url) : 0), 0);

/** The fields `plain` stores, in its order. */
const STORED_FIELDS = ['id', 'role', 'content', 'status', 'reasoning', 'error', 'parts', 'feedback'];

/**
 * Whether a message read from storage is what `plain` would store for it:
 * only its fields, in its order, and files within the budget. Anything else
 * (a field an integrator or older code put there, a file too big) is saved
 * through `plain` again, which leaves it out.
 */
function isStoredForm(message: ChatMessage): boolean {
  let next = 0;
  for (const key of Object.keys(message)) {
    next = STORED_FIELDS.indexOf(key, next) + 1;
    if (!next) return false;
  }
  return fileBytes(message.parts) <= MAX_SAVED_FILE_BYTES;
}
