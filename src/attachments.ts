/**
 * The reader's files, checked before anything is read or sent: pure
 * functions of a file's name, type and size, so they are tested without a
 * DOM. The element wires them to the picker, drops and pastes.
 */

/** `max-file-size` by default: `createChatHandler`'s `files.maxBytes`, so the widget never sends what its handler refuses. */
export const DEFAULT_MAX_FILE_SIZE = 5_000_000;

/** `max-files` by default: the handler's `files.maxFiles`. */
export const DEFAULT_MAX_FILES = 4;

/** Why a file was refused: its type is not in `accept`, it is over `max-file-size`, or one too many for `max-files`. */
export const REJECT_REASONS = ['type', 'size', 'count'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What the checks read of a file (a `File` has all three). */
export interface FileFacts {
  name: string;
  type: string;
  size: number;
}

/**
 * Whether `accept` (as on `<input type=file>`: comma-separated media types,
 * `family/*` wildcards and `.ext` extensions) lets the file in. An empty
 * list accepts nothing: attachments are off.
 */
export function accepts(accept: string, { name, type }: FileFacts): boolean {
  const lowerName = name.toLowerCase();
  const lowerType = type.toLowerCase();
  return accept.split(',').some((entry) => {
    const token = entry.trim().toLowerCase();
    if (!token) return false;
    if (token.startsWith('.')) return lowerName.endsWith(token);
    if (token.endsWith('/*')) return lowerType.startsWith(token.slice(0, -1));
    return lowerType === token;
  });
}

/**
 * Sorts new files into the accepted and the refused, each refused one with
 * its reason, in the order given: `held` files are already attached, so
 * `maxFiles` counts them.
 */
export function checkFiles<F extends FileFacts>(
  files: readonly F[],
  limits: { accept: string; maxFileSize: number; maxFiles: number; held: number },
): { accepted: F[]; rejected: Array<{ file: F; reason: RejectReason }> } {
  const accepted: F[] = [];
  const rejected: Array<{ file: F; reason: RejectReason }> = [];
  for (const file of files) {
    const reason: RejectReason | undefined = !accepts(limits.accept, file)
      ? 'type'
      : file.size > limits.maxFileSize
        ? 'size'
        : limits.held + accepted.length >= limits.maxFiles
          ? 'count'
          : undefined;
    if (reason) rejected.push({ file, reason });
    else accepted.push(file);
  }
  return { accepted, rejected };
}

/**
 * A size as a reader reads it: 68 B, 12 KB, 1.2 MB (decimal units, like the
 * limits), in a language's `units` and decimal `mark` (French: 1,2 Mo).
 */
export function formatSize(bytes: number, units = ['B', 'KB', 'MB'], mark = '.'): string {
  const [value, unit] =
    bytes < 1000 ? [bytes, units[0]] : bytes < 1_000_000 ? [Math.round(bytes / 1000), units[1]] : [Math.round(bytes / 100_000) / 10, units[2]];
  return `${String(value).replace('.', mark)} ${unit}`;
}

/** The bytes a base64 `data:` URL holds once decoded (0 for a link). */
export function dataBytes(url: string): number {
  if (!url.startsWith('data:')) return 0;
  const comma = url.indexOf(',');
  const base64 = url.slice(comma + 1);
  return Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
}
