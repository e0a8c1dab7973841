import { fit } from './format';
import type { Io } from './io';
import { colors } from './io';

/** Live progress on stderr: a spinner on a terminal, one line per change elsewhere. */
export interface Progress {
  /** The step under way (replaces the spinner's text; printed once off a terminal). */
  active(text: string): void;
  /** A step that finished: kept on screen. */
  done(text: string): void;
  /** A step that failed: kept on screen. */
  failed(text: string): void;
  /** Removes the spinner. */
  close(): void;
}

/**
 * A terminal gets @clack/prompts' spinner (with the elapsed time) on stderr;
 * anything else (a pipe, a CI log) gets plain lines, each printed once.
 */
export async function createProgress(io: Io, color: boolean): Promise<Progress> {
  const c = colors(io.stderr, io.env, color);
  if (!io.stderr.isTTY) return plainProgress(io, c);
  const { spinner } = await import('@clack/prompts');
  const s = spinner({ output: io.stderr as unknown as import('node:stream').Writable, indicator: 'timer', withGuide: false });
  let running = false;
  let current = '';
  // The spinner's line holds its frame, the text and the timer (`[12s]`): keep it within the terminal.
  const cut = (text: string) => fit(text, Math.max(20, (io.stderr.columns ?? 80) - 12));
  const ensure = (full: string) => {
    const text = cut(full);
    if (!running) {
      s.start(text);
      running = true;
    } else if (text !== current) {
      s.message(text);
    }
    current = text;
  };
  return {
    active: ensure,
    done: (text) => {
      ensure(text);
      s.stop(c.green(cut(text)));
      running = false;
    },
    failed: (text) => {
      ensure(text);
      s.error(c.red(cut(text)));
      running = false;
    },
    close: () => {
      if (running) s.clear();
      running = false;
    },
  };
}

function plainProgress(io: Io, c: ReturnType<typeof colors>): Progress {
  let last = '';
  const line = (text: string) => {
    if (text === last) return;
    last = text;
    io.stderr.write(`${text}\n`);
  };
  return {
    active: (text) => line(`… ${text}`),
    done: (text) => line(`${c.green('✔')} ${text}`),
    failed: (text) => line(`${c.red('✘')} ${text}`),
    close: () => undefined,
  };
}
