/**
 * One event as the WHATWG "interpreting an event stream" rules dispatch it,
 * named by the stream's own fields; this is what `parseEvent` receives.
 */
export interface StreamEvent {
  /** The event's data lines, joined with LF. */
  data: string;
  /** The `event:` field; `message` when the stream named none. */
  event: string;
  /**
   * The stream's last event ID at dispatch time: it persists across events
   * until an `id:` field changes it (so an event without `id:` carries the
   * previous one).
   */
  id: string;
}
