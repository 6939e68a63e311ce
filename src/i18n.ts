import { byKey, ENGLISH_ERRORS, errorTexts, statusLine, type ChatFailure, type ErrorTexts, type Table } from './errors.js';
import type { ToolPart } from './stream/parts.js';
import { formatSize, type RejectReason } from './attachments.js';

/**
 * Every text the widget shows or announces. Replace any of them through the
 * `strings` property; `lang` on the element or the page picks a built-in set.
 */
export interface ChatStrings {
  placeholder: string;
  /** Accessible name of the text box. */
  inputLabel: string;
  send: string;
  stop: string;
  retry: string;
  newChat: string;
  /** Under an answer the reader stopped. */
  stopped: string;
  /** Under an answer whose markdown could not be rendered and is shown as plain text. */
  unformatted: string;
  /** Appended to the error of an answer that was cut and could not be resumed. */
  incomplete: string;
  /** Shown before the first message (the `empty` slot's default content). */
  empty: string;
  /** The Copy button of code blocks, and what it says after a click. */
  copy: string;
  copied: string;
  copyFailed: string;
  /** The collapsed reasoning section. */
  thinking: string;
  jumpToLatest: string;
  offline: string;
  /** Under an answer whose first word is slow to come, with the seconds left before the widget gives up (`first-token-timeout`). */
  waitingForAnswer: (seconds: number) => string;
  reconnecting: (attempt: number, maxRetries: number, seconds: number) => string;
  /** The launcher button, closed and open. */
  openChat: string;
  closeChat: string;
  /** Accessible names of the transcript and the suggestion list. */
  transcriptLabel: string;
  suggestionsLabel: string;
  /** Spoken by the live region once an answer is complete, and on failure. */
  announceAnswer: (text: string) => string;
  announceError: (text: string) => string;
  /** A tool step: running, done and failed; its input and output; the list of cited sources. */
  toolRunning: string;
  toolDone: string;
  toolFailed: string;
  /** A call the page had no tool for, at the end of an answer. */
  toolNotRun: string;
  /** The buttons of a call that asks the reader first. */
  approve: string;
  deny: string;
  toolInput: string;
  toolOutput: string;
  sources: string;
  /** Spoken once for each state a tool step reaches, with its status text (`toolRunning`, `toolDone`, `toolFailed`). */
  announceTool: (name: string, status: string) => string;
  /** The paperclip button (with `accept`), and the list of files about to be sent. */
  attach: string;
  attachments: string;
  /** The button that takes one file off the list. */
  removeFile: (name: string) => string;
  /** Why a file was not attached: its type, its size over `limit` (say "5 MB"), or one too many (`limit` files). */
  fileRejected: (name: string, reason: RejectReason, limit: string) => string;
  /** A file's size: 68 B, 12 KB, 1.3 MB. */
  fileSize: (bytes: number) => string;
  /** On a sent file whose bytes `persist` could not keep. */
  notSaved: string;
  /** An `upload` that failed; the draft and its files stay. */
  uploadFailed: (name: string) => string;
  /** The actions under an answer (`actions`): Regenerate, and 👍/👎's accessible names. Copy is `copy`. */
  regenerate: string;
  goodAnswer: string;
  badAnswer: string;
  /** Edit on a question, the text box that edits it, and the button that leaves it unchanged. */
  edit: string;
  editLabel: string;
  cancel: string;
  /** The buttons around a message's "1/2" (Regenerate and Edit keep earlier versions). */
  previousVersion: string;
  nextVersion: string;
  errors: ErrorTexts;
}

/** A partial override: any key, and any error text. */
export type ChatStringsOverride = Partial<Omit<ChatStrings, 'errors'>> & { errors?: Partial<ErrorTexts> };

/**
 * The order of the texts in the language tables below (every key but
 * `errors`, whose texts follow `ERROR_CODES`). Tables instead of objects: the
 * key names ship once instead of once per language, and each position is
 * still type-checked against the key it stands for.
 */
const KEYS = [
  'placeholder',
  'inputLabel',
  'send',
  'stop',
  'retry',
  'newChat',
  'stopped',
  'unformatted',
  'incomplete',
  'empty',
  'copy',
  'copied',
  'copyFailed',
  'thinking',
  'jumpToLatest',
  'offline',
  'waitingForAnswer',
  'reconnecting',
  'openChat',
  'closeChat',
  'transcriptLabel',
  'suggestionsLabel',
  'announceAnswer',
  'announceError',
  'toolRunning',
  'toolDone',
  'toolFailed',
  'toolNotRun',
  'approve',
  'deny',
  'toolInput',
  'toolOutput',
  'sources',
  'announceTool',
  'attach',
  'attachments',
  'removeFile',
  'fileRejected',
  'fileSize',
  'notSaved',
  'uploadFailed',
  'regenerate',
  'goodAnswer',
  'badAnswer',
  'edit',
  'editLabel',
  'cancel',
  'previousVersion',
  'nextVersion',
] as const;

/** A language's set: its texts in `KEYS` order, and its error texts. */
const language = (texts: Table<typeof KEYS, ChatStrings>, errors: ErrorTexts): ChatStrings => ({
  ...byKey<Pick<ChatStrings, (typeof KEYS)[number]>>(KEYS, texts),
  errors,
});

const en = language(
  [
    'Ask anything…', // placeholder
    'Message', // inputLabel
    'Send', // send
    'Stop', // stop
    'Retry', // retry
    'New chat', // newChat
    'Stopped.', // stopped
    'Shown as plain text: the formatting could not be displayed.', // unformatted
    'The answer is incomplete.', // incomplete
    'Ask a question to start the conversation.', // empty
    'Copy', // copy
    'Copied', // copied
    'Press Ctrl+C', // copyFailed
    'Thinking', // thinking
    'Jump to latest', // jumpToLatest
    'You are offline. Waiting for the connection…', // offline
    (seconds) => `Still waiting for the answer (giving up in ${seconds} s)…`, // waitingForAnswer
    (attempt, max, seconds) => `Reconnecting (${attempt} of ${max})${seconds > 0 ? ` in ${seconds} s` : ''}…`, // reconnecting
    'Open chat', // openChat
    'Close chat', // closeChat
    'Conversation', // transcriptLabel
    'Suggestions', // suggestionsLabel
    (text) => `Answer: ${text}`, // announceAnswer
    (text) => `Error: ${text}`, // announceError
    'Running', // toolRunning
    'Done', // toolDone
    'Failed', // toolFailed
    'Not run', // toolNotRun
    'Approve', // approve
    'Deny', // deny
    'Input', // toolInput
    'Output', // toolOutput
    'Sources', // sources
    (name, status) => `Tool ${name}: ${status}`, // announceTool
    'Attach files', // attach
    'Attachments', // attachments
    (name) => `Remove ${name}`, // removeFile
    (name, reason, limit) =>
      `“${name}” was not attached: ${reason === 'type' ? 'this type of file is not accepted' : reason === 'size' ? `it is larger than ${limit}` : `at most ${limit} files per message`}.`, // fileRejected
    (bytes) => formatSize(bytes), // fileSize
    'Not saved', // notSaved
    (name) => `“${name}” could not be uploaded.`, // uploadFailed
    'Regenerate', // regenerate
    'Good answer', // goodAnswer
    'Bad answer', // badAnswer
    'Edit', // edit
    'Edit message', // editLabel
    'Cancel', // cancel
    'Previous version', // previousVersion
    'Next version', // nextVersion
  ],
  ENGLISH_ERRORS,
);

const de = language(
  [
    'Frag mich etwas …', // placeholder
    'Nachricht', // inputLabel
    'Senden', // send
    'Stopp', // stop
    'Erneut versuchen', // retry
    'Neuer Chat', // newChat
    'Angehalten.', // stopped
    'Als reiner Text angezeigt: die Formatierung ließ sich nicht darstellen.', // unformatted
    'Die Antwort ist unvollständig.', // incomplete
    'Stell eine Frage, um das Gespräch zu beginnen.', // empty
    'Kopieren', // copy
    'Kopiert', // copied
    'Strg+C drücken', // copyFailed
    'Gedankengang', // thinking
    'Zum Neuesten', // jumpToLatest
    'Keine Verbindung. Warte, bis sie zurück ist …', // offline
    (seconds) => `Warte noch auf die Antwort (Abbruch in ${seconds} s) …`, // waitingForAnswer
    (attempt, max, seconds) =>
      `Verbinde neu (${attempt} von ${max})${seconds > 0 ? ` in ${seconds} s` : ''} …`, // reconnecting
    'Chat öffnen', // openChat
    'Chat schließen', // closeChat
    'Unterhaltung', // transcriptLabel
    'Vorschläge', // suggestionsLabel
    (text) => `Antwort: ${text}`, // announceAnswer
    (text) => `Fehler: ${text}`, // announceError
    'Läuft', // toolRunning
    'Fertig', // toolDone
    'Fehlgeschlagen', // toolFailed
    'Nicht ausgeführt', // toolNotRun
    'Erlauben', // approve
    'Ablehnen', // deny
    'Eingabe', // toolInput
    'Ergebnis', // toolOutput
    'Quellen', // sources
    (name, status) => `Werkzeug ${name}: ${status}`, // announceTool
    'Dateien anhängen', // attach
    'Anhänge', // attachments
    (name) => `${name} entfernen`, // removeFile
    (name, reason, limit) =>
      `„${name}“ wurde nicht angehängt: ${reason === 'type' ? 'Dateien dieser Art werden nicht angenommen' : reason === 'size' ? `sie ist größer als ${limit}` : `höchstens ${limit} ${limit === '1' ? 'Datei' : 'Dateien'} pro Nachricht`}.`, // fileRejected
    (bytes) => formatSize(bytes, undefined, ','), // fileSize
    'Nicht gespeichert', // notSaved
    (name) => `„${name}“ konnte nicht hochgeladen werden.`, // uploadFailed
    'Neu generieren', // regenerate
    'Gute Antwort', // goodAnswer
    'Schlechte Antwort', // badAnswer
    'Bearbeiten', // edit
    'Nachricht bearbeiten', // editLabel
    'Abbrechen', // cancel
    'Vorherige Version', // previousVersion
    'Nächste Version', // nextVersion
  ],
  errorTexts([
    (p) => `Der Server antwortete mit ${statusLine(p)}${p.said ? `: ${p.said}` : '.'}`, // http
    () => 'Der Server ist nicht erreichbar. Prüfe die Verbindung und versuche es erneut.', // unreachable
    (p) =>
      `Der Browser hat die Cross-Origin-Anfrage abgelehnt: Die CORS-Einstellungen des Servers müssen den Ursprung ${p.origin} und die Header ${p.headers} erlauben.`, // cross-origin
    () => 'Die Verbindung brach ab, während die Antwort eintraf.', // connection-lost
    (p) => `Der Server hat ${p.limit} lang nichts gesendet.`, // idle
    (p) => `Der Server hat innerhalb von ${p.limit} keine Antwort begonnen.`, // first-token
    () => 'Die Antwort endete, bevor sie vollständig war.', // incomplete
    (p) => `Der Server antwortete mit ${p.contentType || 'unbekanntem Inhalt'} statt mit einem Event-Stream.`, // not-a-stream
    () => 'Der Server sandte unlesbares JSON.', // bad-json
    () => 'Der Server hat keine Antwort gesendet.', // no-answer
    (p) => `Die Antwort wurde angehalten: Sie war größer als ${p.limit}.`, // too-large
    (p) => `Die Antwort wurde angehalten: Ein Ereignis war länger als ${p.limit}.`, // event-too-large
    (p) => p.said || 'Der Server meldete einen Fehler.', // stream
    (p) => `Die Antwort dauerte länger als ${p.limit} und wurde angehalten.`, // timeout
    (p) => `Die Antwort hielt nach ${p.limit} Schritten mit Werkzeugaufrufen an. Sende eine Nachricht, damit sie weitergeht.`, // max-steps
  ]),
);

const fr = language(
  [
    'Posez votre question…', // placeholder
    'Message', // inputLabel
    'Envoyer', // send
    'Arrêter', // stop
    'Réessayer', // retry
    'Nouvelle discussion', // newChat
    'Arrêté.', // stopped
    'Affiché en texte brut : la mise en forme n’a pas pu être affichée.', // unformatted
    'La réponse est incomplète.', // incomplete
    'Posez une question pour commencer la conversation.', // empty
    'Copier', // copy
    'Copié', // copied
    'Appuyez sur Ctrl+C', // copyFailed
    'Réflexion', // thinking
    'Aller au plus récent', // jumpToLatest
    'Vous êtes hors ligne. En attente de la connexion…', // offline
    (seconds) => `Toujours en attente de la réponse (abandon dans ${seconds} s)…`, // waitingForAnswer
    (attempt, max, seconds) =>
      `Reconnexion (${attempt} sur ${max})${seconds > 0 ? ` dans ${seconds} s` : ''}…`, // reconnecting
    'Ouvrir la discussion', // openChat
    'Fermer la discussion', // closeChat
    'Conversation', // transcriptLabel
    'Suggestions', // suggestionsLabel
    (text) => `Réponse : ${text}`, // announceAnswer
    (text) => `Erreur : ${text}`, // announceError
    'En cours', // toolRunning
    'Terminé', // toolDone
    'Échec', // toolFailed
    'Non exécuté', // toolNotRun
    'Autoriser', // approve
    'Refuser', // deny
    'Entrée', // toolInput
    'Résultat', // toolOutput
    'Sources', // sources
    (name, status) => `Outil ${name} : ${status}`, // announceTool
    'Joindre des fichiers', // attach
    'Pièces jointes', // attachments
    (name) => `Retirer ${name}`, // removeFile
    (name, reason, limit) =>
      `« ${name} » n’a pas été joint : ${reason === 'type' ? 'ce type de fichier n’est pas accepté' : reason === 'size' ? `il dépasse ${limit}` : `${limit} ${limit === '1' ? 'fichier' : 'fichiers'} au plus par message`}.`, // fileRejected
    (bytes) => formatSize(bytes, ['o', 'ko', 'Mo'], ','), // fileSize
    'Non enregistré', // notSaved
    (name) => `« ${name} » n’a pas pu être envoyé.`, // uploadFailed
    'Régénérer', // regenerate
    'Bonne réponse', // goodAnswer
    'Mauvaise réponse', // badAnswer
    'Modifier', // edit
    'Modifier le message', // editLabel
    'Annuler', // cancel
    'Version précédente', // previousVersion
    'Version suivante', // nextVersion
  ],
  errorTexts([
    (p) => `Le serveur a répondu ${statusLine(p)}${p.said ? ` : ${p.said}` : '.'}`, // http
    () => 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.', // unreachable
    (p) =>
      `Le navigateur a refusé la requête cross-origin : les réglages CORS du serveur doivent autoriser l'origine ${p.origin} et les en-têtes ${p.headers}.`, // cross-origin
    () => 'La connexion a été perdue pendant la réponse.', // connection-lost
    (p) => `Le serveur est resté muet pendant ${p.limit}.`, // idle
    (p) => `Le serveur n’a commencé aucune réponse en ${p.limit}.`, // first-token
    () => 'La réponse s’est arrêtée avant d’être complète.', // incomplete
    (p) => `Le serveur a répondu avec ${p.contentType || 'un contenu inconnu'} au lieu d’un flux d’événements.`, // not-a-stream
    () => 'Le serveur a envoyé un JSON illisible.', // bad-json
    () => 'Le serveur n’a envoyé aucune réponse.', // no-answer
    (p) => `La réponse a été arrêtée : elle dépassait ${p.limit}.`, // too-large
    (p) => `La réponse a été arrêtée : un événement dépassait ${p.limit}.`, // event-too-large
    (p) => p.said || 'Le serveur a signalé une erreur.', // stream
    (p) => `La réponse a pris plus de ${p.limit} et a été arrêtée.`, // timeout
    (p) => `La réponse s’est arrêtée après ${p.limit} étapes d’appels d’outils. Envoyez un message pour qu’elle continue.`, // max-steps
  ]),
);

/** The built-in sets, by primary language subtag. */
const BUILT_IN_STRINGS: Readonly<Record<string, ChatStrings>> = { en, de, fr };

/** The set for a BCP 47 tag (`de-AT` → `de`), English when there is none, with `override` on top. */
export function resolveStrings(lang: string | undefined, override: ChatStringsOverride = {}): ChatStrings {
  const base = BUILT_IN_STRINGS[(lang ?? '').toLowerCase().split('-')[0] ?? ''] ?? en;
  return { ...base, ...override, errors: { ...base.errors, ...override.errors } } as ChatStrings;
}

/** The reader-facing text of an error in the chosen language. */
export function describeError(failure: ChatFailure, strings: ChatStrings): string {
  return strings.errors[failure.code](failure.params);
}

/** What a tool step says of itself: failed, done, running while its answer is, else not run. */
export const toolStatus = (strings: ChatStrings, tool: ToolPart, running: boolean) =>
  tool.state === 'output-error'
    ? strings.toolFailed
    : tool.state === 'output-available'
      ? strings.toolDone
      : running
        ? strings.toolRunning
        : strings.toolNotRun;
