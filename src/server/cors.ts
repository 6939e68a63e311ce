import { HttpError } from './errors.js';

export interface CorsPolicy {
  allowedOrigins: readonly string[];
  allowCredentials: boolean;
  allowedHeaders: readonly string[];
}

/** What the widget sends: JSON, and the two headers that resume an answer. */
const DEFAULT_HEADERS = ['Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'Authorization'];

export function corsPolicy(
  allowedOrigins: readonly string[] = [],
  allowCredentials = false,
  allowedHeaders: readonly string[] = [],
): CorsPolicy {
  if (allowCredentials && allowedOrigins.includes('*')) {
    // Browsers refuse `Access-Control-Allow-Origin: *` with credentials; echoing
    // every origin instead would let any site act with the user's cookies.
    throw new TypeError(
      "createChatHandler: `allowedOrigins: ['*']` cannot be combined with `allowCredentials: true`, or any site could call the handler with your users' cookies. List the origins that may send credentials.",
    );
  }
  return {
    allowedOrigins: allowedOrigins.map((origin) => origin.replace(/\/+$/, '')),
    allowCredentials,
    allowedHeaders: [...new Set([...DEFAULT_HEADERS, ...allowedHeaders])],
  };
}

/**
 * Whether `origin` is the handler's own. Only the host is compared: behind a
 * TLS-terminating proxy the request URL says `http:` while the page says `https:`.
 */
function isSameOrigin(origin: string, request: Request): boolean {
  try {
    return new URL(origin).host === new URL(request.url).host;
  } catch {
    return false;
  }
}

function isListed(origin: string, policy: CorsPolicy): boolean {
  return policy.allowedOrigins.includes('*') || policy.allowedOrigins.includes(origin);
}

/** Headers every response carries for the request's origin; empty when it is not allowed. */
export function corsHeaders(request: Request, policy: CorsPolicy): Record<string, string> {
  if (policy.allowedOrigins.length === 0) return {};
  const origin = request.headers.get('origin');
  // The answer depends on Origin whenever a list exists, allowed or not.
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (!origin || !isListed(origin, policy)) return headers;
  headers['Access-Control-Allow-Origin'] = origin;
  headers['Access-Control-Expose-Headers'] = 'Retry-After';
  if (policy.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}

/** The answer to `OPTIONS`: 204, with the allow headers only for a listed origin. */
export function preflightResponse(request: Request, policy: CorsPolicy): Response {
  const headers = corsHeaders(request, policy);
  if (headers['Access-Control-Allow-Origin']) {
    headers['Access-Control-Allow-Methods'] = 'POST, DELETE, OPTIONS';
    headers['Access-Control-Allow-Headers'] = policy.allowedHeaders.join(', ');
    headers['Access-Control-Max-Age'] = '600';
  }
  return new Response(null, { status: 204, headers: { Allow: 'POST, DELETE, OPTIONS', ...headers } });
}

/**
 * Refuses a browser request from another site that is not listed. CORS alone
 * only hides the answer from such a page; refusing here also keeps it from
 * spending provider tokens.
 */
export function checkOrigin(request: Request, policy: CorsPolicy): void {
  const origin = request.headers.get('origin');
  if (!origin || isSameOrigin(origin, request) || isListed(origin, policy)) return;
  throw new HttpError(403, 'origin_not_allowed', 'Requests from this origin are not allowed; add it to `allowedOrigins`.');
}
