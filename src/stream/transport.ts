import { fetchEventSource } from '@microsoft/fetch-event-source';
import { chatFailure, fail, StreamFailureError } from '../errors.js';
import type { ChatRequest } from '../types.js';
import { looksLikeHtml } from './body-reader.js';
import { bodyKind, mediaType, type BodyKind } from './formats/index.js';
import { errorText, FALLBACK_ERROR, parseJson } from './formats/json.js';

/**
 * A response that may carry an answer: a 2xx whose body the widget can read.
 * The transport only opens it; the stream controller reads `pieces` in its
 * own loop and decides when reading ends.
 */
export interface OpenedResponse {
  status: number;
  /** The media type, lower-cased, without parameters (parsed once, here). */
  contentType: string;
  /** How the body must be read, decided by `contentType`. */
  kind: BodyKind;
  headers: Headers;
  /**
   * The body, one piece per network read. A cut connection throws a
   * `StreamFailureError` (`connection-lost`); leaving the loop early cancels
   * the body, so a server that keeps the connection open after its end
   * marker does not keep the widget waiting.
   */
  pieces: AsyncGenerator<Uint8Array, void, undefined>;
}

/** The most of an error body read to find the server's message. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * The body field that carries one of the turn's own headers (IETF
 * Idempotency-Key draft; HTML's Last-Event-ID) cross-origin: there a header
 * outside the CORS-safelisted ones needs the server's leave in a preflight,
 * and stock CORS settings (Starlette's `CORSMiddleware`, Hono's
 * `cors({ allowHeaders })` with a list) refuse names they were not told
 * about, failing the whole request.
 */
const turnField = (header: string) =>
  header === 'idempotency-key' ? 'idempotencyKey' : header === 'last-event-id' ? 'lastEventId' : '';

/**
 * Whether a request goes to another origin than the page's (outside a page:
 * no). Resolved as fetch resolves it, against the document's base URL: in a
 * `srcdoc` frame `location.href` is `about:srcdoc`, which resolves nothing.
 */
const isCrossOrigin = (url: string) =>
  typeof document !== 'undefined' && new URL(url, document.baseURI).origin !== location.origin;

/**
 * The headers and body as they go out. Lower-cased names, so ours and an
 * integrator's never both go out. With `turnInBody` (cross-origin, unless the
 * caller knows the server allows them) the turn's headers travel in the JSON
 * body: `Content-Type` is then the one header a stock CORS setting must
 * allow, and every one of them does.
 */
function wireRequest(request: ChatRequest, turnInBody: boolean): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {};
  const body: Record<string, unknown> = { ...request.body };
  for (const [name, value] of Object.entries(request.headers)) {
    const header = name.toLowerCase();
    const field = turnInBody && turnField(header);
    if (field) body[field] = String(value);
    else headers[header] = String(value);
  }
  headers['content-type'] = 'application/json';
  headers['accept'] = 'text/event-stream';
  return { headers, body: JSON.stringify(body) };
}

/**
 * The server's own words from an error body: any error shape the stream
 * readers know (`{"error":{"message"}}`, `{"error":"..."}`, `{"message"}`,
 * `{"detail"}`, …), or the body's text; nothing for an HTML error page.
 */
function serverMessage(body: string): string {
  const text = body.trim();
  if (!text) return '';
  const value = parseJson(text);
  if (value !== undefined) {
    const said = errorText(value);
    return said === FALLBACK_ERROR ? '' : said;
  }
  // An HTML error page says nothing useful in a chat bubble.
  if (looksLikeHtml(text)) return '';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

async function readLimitedText(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

async function httpError(response: Response): Promise<StreamFailureError> {
  const said = serverMessage(await readLimitedText(response, ERROR_BODY_LIMIT).catch(() => ''));
  return new StreamFailureError(chatFailure('http', { status: response.status, statusText: response.statusText, said }), {
    retryAfter: response.headers.get('retry-after') ?? undefined,
  });
}

/**
 * The body as the network delivers it; a read that fails is a lost
 * connection. `released` runs once reading is over, however it ended.
 */
async function* bodyPieces(body: ReadableStream<Uint8Array>, released: () => void): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = body.getReader();
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (cause) {
        return fail('connection-lost', {}, cause);
      }
      if (step.done) return;
      yield step.value;
    }
  } finally {
    // A no-op once the body ended; otherwise it closes the connection.
    await reader.cancel().catch(() => undefined);
    released();
  }
}

/** The response, checked: an answer body the widget can read, or a `StreamFailureError`. */
async function checkResponse(response: Response, released: () => void): Promise<OpenedResponse> {
  if (!response.ok) throw await httpError(response);
  const contentType = mediaType(response.headers.get('content-type') ?? '');
  const kind = bodyKind(contentType);
  if (!kind || (!response.body && kind !== 'json')) {
    await response.body?.cancel().catch(() => undefined);
    return fail('not-a-stream', { status: response.status, contentType });
  }
  return {
    status: response.status,
    contentType,
    kind,
    headers: response.headers,
    pieces: bodyPieces(response.body ?? new Response('').body!, released),
  };
}

/** How the request is sent, beyond what the request itself says. */
export interface TransportOptions {
  /**
   * The endpoint allows `Idempotency-Key` and `Last-Event-ID` cross-origin
   * (as `createChatHandler` does): send them as headers there too. Same-origin
   * they are always headers.
   */
  turnHeadersCrossOrigin?: boolean;
}

/**
 * Sends one chat request and resolves with its response once the headers say
 * the body can be read. Rejects with a {@link StreamFailureError} for an error
 * status, a body that is not a stream, a cross-origin request the browser
 * refused, or no response at all; rejects with `signal.reason` when `signal`
 * aborts first. The caller reads `pieces` to the end, or leaves the loop, or
 * aborts `signal`: each ends the request.
 *
 * fetch-event-source makes the request, but its parser breaks the event-stream
 * rules in ways no option can fix (docs/design-notes.md says how), and its
 * defaults retry forever and re-send the POST when the tab is hidden. So:
 * `openWhenHidden` is on; `onerror` always throws, leaving retry policy to the
 * caller; and the real response is handed to the caller, while the library
 * gets a body-less copy to read nothing from. The library aborts its request
 * as soon as `onopen` returns, so `onopen` waits until the caller is done.
 */
export function openResponse(request: ChatRequest, signal: AbortSignal, options: TransportOptions = {}): Promise<OpenedResponse> {
  return new Promise((resolve, reject) => {
    // fetch-event-source ignores a signal that is already aborted and sends anyway.
    if (signal.aborted) return reject(signal.reason);
    const otherOrigin = isCrossOrigin(request.url);
    const wire = wireRequest(request, otherOrigin && !options.turnHeadersCrossOrigin);
    let response: Response | undefined;
    let opened = false;
    fetchEventSource(request.url, {
      method: 'POST',
      // A plain object: the library silently drops a `Headers` instance.
      headers: wire.headers,
      body: wire.body,
      credentials: request.withCredentials ? 'include' : 'same-origin',
      signal,
      openWhenHidden: true,
      async fetch(input, init) {
        try {
          response = await fetch(input, init);
        } catch (cause) {
          // A refused cross-origin request and an unreachable server are the
          // same TypeError to the page: ask the server whether it is there.
          // A `no-cors` HEAD needs no leave: it resolves, unreadable, when
          // the server answers anything, and never reaches the route's POST.
          // Offline, nothing is there; an abort is no failure at all.
          const refused =
            otherOrigin &&
            navigator.onLine !== false &&
            !signal.aborted &&
            (await fetch(request.url, { method: 'HEAD', mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal }).then(
              () => true,
              () => false,
            ));
          if (!refused) throw cause;
          // What the server's CORS settings must allow: every header but `Accept` (safelisted for our value), as they spell them.
          const headers = Object.keys(wire.headers)
            .filter((name) => name !== 'accept')
            .map((name) => name.replace(/\b\w/g, (letter) => letter.toUpperCase()));
          throw new StreamFailureError(chatFailure('cross-origin', { origin: location.origin, headers: headers.join(', ') }));
        }
        // Status 200 because a copy of a 204 or 304 may not have a body at all.
        return new Response('', { status: 200, headers: response.headers });
      },
      async onopen() {
        let released!: () => void;
        const readingOver = new Promise<void>((done) => (released = done));
        resolve(await checkResponse(response!, released));
        opened = true;
        await readingOver;
      },
      onerror(error: unknown) {
        // Synchronous and always throwing: anything else makes the library retry.
        throw error;
      },
    }).then(
      // The library resolves quietly when the signal aborts.
      () => opened || reject(signal.aborted ? signal.reason : new StreamFailureError(chatFailure('unreachable'))),
      (cause: unknown) => {
        if (signal.aborted) reject(signal.reason);
        else reject(cause instanceof StreamFailureError ? cause : new StreamFailureError(chatFailure('unreachable'), { cause }));
      },
    );
  });
}
