import { ENGLISH_ERRORS, statusLine, type ChatFailure, type ErrorTexts } from './errors.js';

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
  /** Spoken once a tool step has finished or failed. */
  announceTool: (name: string, failed: boolean) => string;
  errors: ErrorTexts;
}

/** A partial override: any key, and any error text. */
export type ChatStringsOverride = Partial<Omit<ChatStrings, 'errors'>> & { errors?: Partial<ErrorTexts> };

const en: ChatStrings = {
  placeholder: 'Ask anything…',
  inputLabel: 'Message',
  send: 'Send',
  stop: 'Stop',
  retry: 'Retry',
  newChat: 'New chat',
  stopped: 'Stopped.',
  unformatted: 'Shown as plain text: the formatting could not be displayed.',
  incomplete: 'The answer is incomplete.',
  empty: 'Ask a question to start the conversation.',
  copy: 'Copy',
  copied: 'Copied',
  copyFailed: 'Press Ctrl+C',
  thinking: 'Thinking',
  jumpToLatest: 'Jump to latest',
  offline: 'You are offline. Waiting for the connection…',
  waitingForAnswer: (seconds) => `Still waiting for the answer (giving up in ${seconds} s)…`,
  reconnecting: (attempt, max, seconds) => `Reconnecting (${attempt} of ${max})${seconds > 0 ? ` in ${seconds} s` : ''}…`,
  openChat: 'Open chat',
  closeChat: 'Close chat',
  transcriptLabel: 'Conversation',
  suggestionsLabel: 'Suggestions',
  announceAnswer: (text) => `Answer: ${text}`,
  announceError: (text) => `Error: ${text}`,
  toolRunning: 'Running',
  toolDone: 'Done',
  toolFailed: 'Failed',
  toolNotRun: 'Not run',
  approve: 'Approve',
  deny: 'Deny',
  toolInput: 'Input',
  toolOutput: 'Output',
  sources: 'Sources',
  announceTool: (name, failed) => `Tool ${name} ${failed ? 'failed' : 'done'}`,
  errors: ENGLISH_ERRORS,
};

const de: ChatStrings = {
  placeholder: 'Frag mich etwas …',
  inputLabel: 'Nachricht',
  send: 'Senden',
  stop: 'Stopp',
  retry: 'Erneut versuchen',
  newChat: 'Neuer Chat',
  stopped: 'Angehalten.',
  unformatted: 'Als reiner Text angezeigt: die Formatierung ließ sich nicht darstellen.',
  incomplete: 'Die Antwort ist unvollständig.',
  empty: 'Stell eine Frage, um das Gespräch zu beginnen.',
  copy: 'Kopieren',
  copied: 'Kopiert',
  copyFailed: 'Strg+C drücken',
  thinking: 'Gedankengang',
  jumpToLatest: 'Zum Neuesten',
  offline: 'Keine Verbindung. Warte, bis sie zurück ist …',
  waitingForAnswer: (seconds) => `Warte noch auf die Antwort (Abbruch in ${seconds} s) …`,
  reconnecting: (attempt, max, seconds) =>
    `Verbinde neu (${attempt} von ${max})${seconds > 0 ? ` in ${seconds} s` : ''} …`,
  openChat: 'Chat öffnen',
  closeChat: 'Chat schließen',
  transcriptLabel: 'Unterhaltung',
  suggestionsLabel: 'Vorschläge',
  announceAnswer: (text) => `Antwort: ${text}`,
  announceError: (text) => `Fehler: ${text}`,
  toolRunning: 'Läuft',
  toolDone: 'Fertig',
  toolFailed: 'Fehlgeschlagen',
  toolNotRun: 'Nicht ausgeführt',
  approve: 'Erlauben',
  deny: 'Ablehnen',
  toolInput: 'Eingabe',
  toolOutput: 'Ergebnis',
  sources: 'Quellen',
  announceTool: (name, failed) => `Werkzeug ${name} ${failed ? 'fehlgeschlagen' : 'fertig'}`,
  errors: {
    http: (p) => `Der Server antwortete mit ${statusLine(p)}${p.said ? `: ${p.said}` : '.'}`,
    unreachable: () => 'Der Server ist nicht erreichbar. Prüfe die Verbindung und versuche es erneut.',
    'cross-origin': (p) =>
      `Der Browser hat die Cross-Origin-Anfrage abgelehnt: Die CORS-Einstellungen des Servers müssen den Ursprung ${p.origin} und die Header ${p.headers} erlauben.`,
    'connection-lost': () => 'Die Verbindung brach ab, während die Antwort eintraf.',
    idle: (p) => `Der Server hat ${p.limit} lang nichts gesendet.`,
    'first-token': (p) => `Der Server hat innerhalb von ${p.limit} keine Antwort begonnen.`,
    incomplete: () => 'Die Antwort endete, bevor sie vollständig war.',
    'not-a-stream': (p) => `Der Server antwortete mit ${p.contentType || 'unbekanntem Inhalt'} statt mit einem Event-Stream.`,
    'bad-json': () => 'Der Server sandte unlesbares JSON.',
    'no-answer': () => 'Der Server hat keine Antwort gesendet.',
    'too-large': (p) => `Die Antwort wurde angehalten: Sie war größer als ${p.limit}.`,
    'event-too-large': (p) => `Die Antwort wurde angehalten: Ein Ereignis war länger als ${p.limit}.`,
    stream: (p) => p.said || 'Der Server meldete einen Fehler.',
    timeout: (p) => `Die Antwort dauerte länger als ${p.limit} und wurde angehalten.`,
    'max-steps': (p) => `Die Antwort hielt nach ${p.limit} Schritten mit Werkzeugaufrufen an. Sende eine Nachricht, damit sie weitergeht.`,
  },
};

const fr: ChatStrings = {
  placeholder: 'Posez votre question…',
  inputLabel: 'Message',
  send: 'Envoyer',
  stop: 'Arrêter',
  retry: 'Réessayer',
  newChat: 'Nouvelle discussion',
  stopped: 'Arrêté.',
  unformatted: 'Affiché en texte brut : la mise en forme n’a pas pu être affichée.',
  incomplete: 'La réponse est incomplète.',
  empty: 'Posez une question pour commencer la conversation.',
  copy: 'Copier',
  copied: 'Copié',
  copyFailed: 'Appuyez sur Ctrl+C',
  thinking: 'Réflexion',
  jumpToLatest: 'Aller au plus récent',
  offline: 'Vous êtes hors ligne. En attente de la connexion…',
  waitingForAnswer: (seconds) => `Toujours en attente de la réponse (abandon dans ${seconds} s)…`,
  reconnecting: (attempt, max, seconds) =>
    `Reconnexion (${attempt} sur ${max})${seconds > 0 ? ` dans ${seconds} s` : ''}…`,
  openChat: 'Ouvrir la discussion',
  closeChat: 'Fermer la discussion',
  transcriptLabel: 'Conversation',
  suggestionsLabel: 'Suggestions',
  announceAnswer: (text) => `Réponse : ${text}`,
  announceError: (text) => `Erreur : ${text}`,
  toolRunning: 'En cours',
  toolDone: 'Terminé',
  toolFailed: 'Échec',
  toolNotRun: 'Non exécuté',
  approve: 'Autoriser',
  deny: 'Refuser',
  toolInput: 'Entrée',
  toolOutput: 'Résultat',
  sources: 'Sources',
  announceTool: (name, failed) => `Outil ${name} ${failed ? 'en échec' : 'terminé'}`,
  errors: {
    http: (p) => `Le serveur a répondu ${statusLine(p)}${p.said ? ` : ${p.said}` : '.'}`,
    unreachable: () => 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
    'cross-origin': (p) =>
      `Le navigateur a refusé la requête cross-origin : les réglages CORS du serveur doivent autoriser l'origine ${p.origin} et les en-têtes ${p.headers}.`,
    'connection-lost': () => 'La connexion a été perdue pendant la réponse.',
    idle: (p) => `Le serveur est resté muet pendant ${p.limit}.`,
    'first-token': (p) => `Le serveur n’a commencé aucune réponse en ${p.limit}.`,
    incomplete: () => 'La réponse s’est arrêtée avant d’être complète.',
    'not-a-stream': (p) => `Le serveur a répondu avec ${p.contentType || 'un contenu inconnu'} au lieu d’un flux d’événements.`,
    'bad-json': () => 'Le serveur a envoyé un JSON illisible.',
    'no-answer': () => 'Le serveur n’a envoyé aucune réponse.',
    'too-large': (p) => `La réponse a été arrêtée : elle dépassait ${p.limit}.`,
    'event-too-large': (p) => `La réponse a été arrêtée : un événement dépassait ${p.limit}.`,
    stream: (p) => p.said || 'Le serveur a signalé une erreur.',
    timeout: (p) => `La réponse a pris plus de ${p.limit} et a été arrêtée.`,
    'max-steps': (p) => `La réponse s’est arrêtée après ${p.limit} étapes d’appels d’outils. Envoyez un message pour qu’elle continue.`,
  },
};

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
