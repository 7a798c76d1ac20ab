/**
 * A problem with a whole file (unreadable, wrong encoding, wrong header, not CSV at all): the file is
 * refused before any of its rows is written, and the message names the file and, where known, the line.
 */
export class FileError extends Error {
  override name = 'FileError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`);
  }
}
