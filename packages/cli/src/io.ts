import { createColors } from 'picocolors';

/** A stream the CLI writes to, with what a terminal tells about itself. */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Where the CLI reads and writes, and its environment: the process's, or a test's. */
export interface Io {
  /** Results: what a script reads. */
  readonly stdout: OutputStream;
  /** Progress, questions, warnings and errors: what a person reads. */
  readonly stderr: OutputStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type Colors = ReturnType<typeof createColors>;

/**
 * Colors on a terminal only: off when the stream is not a TTY, when
 * `NO_COLOR` is set to anything but an empty string (https://no-color.org),
 * when TERM is `dumb`, or with `--no-color`; `FORCE_COLOR` (not `0`) turns
 * them on anywhere.
 */
export function colorsEnabled(stream: OutputStream, env: Io['env'], flag = true): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function colors(stream: OutputStream, env: Io['env'], flag = true): Colors {
  return createColors(colorsEnabled(stream, env, flag));
}

/** Whether a person is there to answer a question (stdin and stderr are terminals). */
export function interactive(io: Io): boolean {
  return Boolean(io.stdin.isTTY && io.stderr.isTTY) && io.env.CI === undefined;
}

/** The columns a line may take on `stream`: the terminal's width, or unbounded off a terminal. */
export function widthOf(stream: OutputStream): number {
  return stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : Infinity;
}

/** The process's own streams and environment. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
