/** `45s`, `4m 05s`, `2h 03m`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The time of day of an ISO time, in the local time zone: `09:31:05`. */
export function clock(isoTime: string | number): string {
  const d = new Date(isoTime);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Cuts a line to `width` visible columns with an ellipsis (ANSI colors are not counted). */
export function fit(line: string, width: number): string {
  if (!Number.isFinite(width)) return line;
  // eslint-disable-next-line no-control-regex
  const visible = line.replace(/\x1b\[[0-9;]*m/g, '');
  if ([...visible].length <= width) return line;
  // Colored lines are cut on their plain text: the colors were decoration.
  return `${[...visible].slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** The first 8 characters of a config hash, as Kong's tools show it. */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 8) : '?';
}

/**
 * Data planes serving the fallback configuration they started from (the
 * idle scaler's `on-fallback`): `on fallback config 1a2b3c4d` (each distinct
 * hash once). Its hash is the export's, not the control plane's.
 */
export function fallbackWords(hashes: ReadonlyArray<string | null | undefined>): string {
  return `on fallback config ${[...new Set(hashes.map(shortHash))].join(', ')}`;
}

/** Wraps text to `width` columns; continuation lines start with `indent`. Off a terminal (Infinity) it stays one line. */
export function wrap(text: string, width: number, indent: string): string[] {
  if (!Number.isFinite(width)) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    // eslint-disable-next-line no-control-regex
    if (line && candidate.replace(/\x1b\[[0-9;]*m/g, '').length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => fit(l, width));
}
