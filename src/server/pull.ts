/**
 * An async iterator that can also hand its next result without a promise:
 * {@link Pull.pull} returns it when it is there now, else returns undefined
 * and calls `later` with it once. The handler's loops use it when a source
 * has it (the mock provider's chunks, the handler's own frames, the memory
 * store's reads) and `next()` otherwise: per token, that is no promise, no
 * reaction and no microtask between the provider's timer and the socket.
 */
export interface Pull<T> {
  pull(later: (result: IteratorResult<T>) => void): IteratorResult<T> | undefined;
}

export function canPull<T>(source: object): source is Pull<T> {
  return typeof (source as Partial<Pull<T>>).pull === 'function';
}
