/**
 * A discrete-event simulation on a virtual clock. Everything in the simulated
 * world (ECS, RDS, DynamoDB, the Kong control plane and data planes,
 * EventBridge, Lambda) schedules its changes here, and every wait of the
 * scaler (its Clock port, the latency of each API call) is a timer here, so
 * that overlapping invocations interleave in virtual time, deterministically
 * for a given seed.
 */

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** mulberry32: a small, seeded, good-enough PRNG. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Sim {
  public t: number;
  /** Steps run so far (one per timer). */
  public steps = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];

  constructor(start: number, public readonly random: () => number) {
    this.t = start;
  }

  /** A uniform number in [min, max). */
  public between(min: number, max: number): number {
    return min + (max - min) * this.random();
  }

  /** True with probability p. */
  public chance(p: number): boolean {
    return p > 0 && this.random() < p;
  }

  public at(at: number, fn: () => void): void {
    this.push({ at: Math.max(at, this.t), seq: this.seq++, fn });
  }

  public after(ms: number, fn: () => void): void {
    this.at(this.t + ms, fn);
  }

  /** Resolves after `ms` of virtual time. */
  public sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(Math.max(0, ms), resolve));
  }

  /**
   * Lets every promise chain that waits on no timer run to its next wait.
   * Our fakes and the code under test wait only on microtasks and on this
   * simulation's timers; a few macrotask turns drain both kinds of queue.
   */
  public async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Runs every timer up to `end` (inclusive), calling `check` after each step. */
  public async run(end: number, check: () => void): Promise<void> {
    await this.settle();
    check();
    while (this.heap.length > 0 && this.heap[0].at <= end) {
      const next = this.pop();
      this.t = next.at;
      this.steps++;
      next.fn();
      await this.settle();
      check();
    }
    this.t = Math.max(this.t, end);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A promise that never settles: what a call of a killed Lambda invocation waits on. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
