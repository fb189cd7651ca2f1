/**
 * Where a subcommand writes: injected so tests capture exactly what a person
 * would see.
 *
 * @module
 */

/** Output channels of a subcommand; each call writes one line. */
export interface CliIo {
  /** Normal output (stdout). */
  out(line: string): void;
  /** Problems and hints (stderr). */
  err(line: string): void;
}

/** The process's stdout and stderr. */
export const consoleIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};
