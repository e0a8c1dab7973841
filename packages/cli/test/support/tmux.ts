import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * A real pseudo-terminal: tmux runs the command in a detached session of a
 * given size; the test reads the screen as a person sees it (capture-pane).
 * tmux comes from Debian (`apt-get install tmux`; .ci/run installs it).
 */
export class Terminal {
  private static counter = 0;
  private readonly socket = `kong-hybrid-test-${process.pid}`;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'kong-hybrid-tmux-'));

  constructor() {
    try {
      execFileSync('tmux', ['-V'], { stdio: 'pipe' });
    } catch {
      throw new Error('tmux is not installed: these tests run the CLI in a real terminal (apt-get install tmux; .ci/run installs it)');
    }
  }

  /** Starts `command` (argv) with `env` in a `width`×`height` terminal; the pane stays after it exits, with `[exit N]`. */
  public start(argv: string[], env: Record<string, string>, size: { width: number; height: number }): string {
    const name = `s${++Terminal.counter}`;
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const script = path.join(this.dir, `${name}.sh`);
    writeFileSync(script, [
      '#!/bin/sh',
      // Exactly `env`, nothing inherited: the tmux server's own environment is the test runner's
      // (with CI=true on CI, which makes the CLI non-interactive and would skip its questions).
      `env -i ${Object.entries(env).map(([k, v]) => quote(`${k}=${v}`)).join(' ')} ${argv.map(quote).join(' ')}`,
      'echo "[exit $?]"',
      'exec sleep 600',
    ].join('\n'));
    // The server outlives its sessions (exit-empty off, tmux 2.7+): by default it exits with its
    // last session, and a new-session racing that exit fails with "server exited unexpectedly".
    this.tmux('new-session', '-d', '-s', name, '-x', String(size.width), '-y', String(size.height), `sh ${quote(script)}`, ';', 'set-option', '-g', 'exit-empty', 'off');
    return name;
  }

  /** The screen: plain text, wrapped lines joined (so a line wider than the terminal shows as such). */
  public screen(name: string, options: { escapes?: boolean } = {}): string {
    return this.tmux('capture-pane', '-p', '-J', ...(options.escapes ? ['-e'] : []), '-t', name).replace(/\n+$/, '');
  }

  /**
   * Polls the screen until `done` holds, keeping every distinct screen seen (the frames of a live
   * display). A command that exited without `done` holding fails at once, not at the timeout.
   */
  public async until(name: string, done: (screen: string) => boolean, timeoutMs = 120_000): Promise<string[]> {
    const frames: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen(name);
      if (frames[frames.length - 1] !== screen) frames.push(screen);
      if (done(screen)) return frames;
      if (/^\[exit \d+\]$/m.test(screen)) throw new Error(`the command exited before the screen got there; last screen:\n${screen}`);
      if (Date.now() > deadline) throw new Error(`the screen did not get there in ${timeoutMs} ms; last screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Types keys into the terminal (tmux key names: `Enter`, `Left`, or text). */
  public keys(name: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', name, ...keys);
  }

  public kill(name: string): void {
    try {
      this.tmux('kill-session', '-t', name);
    } catch {
      // already gone
    }
  }

  public close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // no server left
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
}
