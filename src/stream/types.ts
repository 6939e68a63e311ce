/**
 * One event as the WHATWG "interpreting an event stream" rules dispatch it.
 * `id` is the stream's last event ID at dispatch time: it persists across
 * events until an `id:` field changes it.
 */
export interface StreamEvent {
  /** The event type; `message` when the stream named none. */
  type: string;
  data: string;
  id: string;
}
