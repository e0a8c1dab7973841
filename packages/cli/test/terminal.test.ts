import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startMoto, type MotoServer } from '@kong-hybrid/idle-scaler/test/support/moto';
import { BIN, HASH, TestGateway } from './support/gateway';
import { expectCooldownShown } from './support/cooldown';
import { Terminal } from './support/tmux';

/**
 * The terminal as a person sees it: `kong-hybrid wake --wait` and `status` in
 * a real pseudo-terminal (tmux), wide and 80 columns narrow. The screens are
 * kept in test-reports/screens/ for the record.
 */

let moto: MotoServer;
let gw: TestGateway;
let term: Terminal;
const SHORT = HASH.slice(0, 8);
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[/;

beforeAll(async () => {
  term = new Terminal();
  moto = await startMoto();
  gw = await TestGateway.start(moto);
});
afterAll(async () => {
  term?.close();
  await gw?.stop();
  await moto?.stop();
});

function keep(name: string, frames: string[]): void {
  const dir = path.join(__dirname, '..', 'test-reports', 'screens');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.txt`), frames.map((f, i) => `--- frame ${i + 1} ---\n${f}`).join('\n'));
}

const exited = (screen: string) => /^\[exit \d+\]$/m.test(screen);
const widest = (screen: string) => Math.max(...screen.split('\n').map((l) => [...l].length));

test('GIVEN a sleeping gateway WHEN wake --wait runs in an 80-column terminal THEN a live spinner walks through the steps, each kept once done, and the result fits the width', async () => {
  const session = term.start([process.execPath, BIN, 'wake', '--wait', '--stack', gw.stackName], gw.env({ TERM: 'xterm-256color' }), { width: 80, height: 24 });
  try {
    const frames = await term.until(session, exited);
    keep('wake-wait-80', frames);
    const final = frames[frames.length - 1];
    expect(final).toContain('[exit 0]');
    // The steps, in order, each on its own line.
    const steps = ['database available (Aurora resumes as the control plane connects)', 'control plane answering (1/1 running)', `data planes in sync: 2 of 2 on config ${SHORT}`];
    const at = steps.map((s) => final.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(final).toMatch(new RegExp(`^In sync: 2 data planes on the control plane's configuration \\(${SHORT}\\) after \\d+s\\.$`, 'm'));
    // Wrapped to the terminal's width.
    const stays = final.match(/^The control plane stays up until (\d\d:\d\d:\d\d) \(cooldown: (\d+)m (\d\d)s left\); a wake, a\ndata plane start or a config change extends it\.$/m);
    expect(stays).not.toBeNull();
    expectCooldownShown({ minutes: stays![2], seconds: stays![3] }, stays![1]);
    // While it ran, a spinner showed the step under way with its elapsed time; each step done keeps the time it took.
    expect(frames.some((f) => /^[◒◐◓◑] {2}(asking the idle scaler|control plane|data planes)[^\n]*\[\d+s\]$/m.test(f) && !exited(f))).toBe(true);
    for (const step of steps) expect(final).toMatch(new RegExp(`^◇ {2}${step.replace(/[()]/g, '\\$&')} \\[\\d+s\\]$`, 'm'));
    expect(final).not.toMatch(/^[◒◐◓◑]/m);
    // Nothing wrapped: 80 columns hold every line.
    expect(widest(final)).toBeLessThanOrEqual(80);
  } finally {
    term.kill(session);
  }
});

test('GIVEN the control plane up WHEN status runs in a 160-column and an 80-column terminal THEN both show every part, the narrow one within 80 columns, in color', async () => {
  const screens: Record<number, string> = {};
  const capturedAt: Record<number, Date> = {};
  for (const width of [160, 80]) {
    const session = term.start([process.execPath, BIN, 'status', '--stack', gw.stackName], gw.env({ TERM: 'xterm-256color' }), { width, height: 50 });
    try {
      const frames = await term.until(session, exited);
      screens[width] = frames[frames.length - 1];
      capturedAt[width] = new Date();
      keep(`status-${width}`, [screens[width]]);
      expect(term.screen(session, { escapes: true })).toMatch(ESCAPE);
    } finally {
      term.kill(session);
    }
  }
  for (const [width, screen] of Object.entries(screens).map(([w, sc]) => [Number(w), sc] as const)) {
    expect(screen).toContain('[exit 0]');
    expect(screen).toMatch(/^Control plane +running 1\/1 since \d\d:\d\d:\d\d \(\d+s\), Admin API answering$/m);
    expect(screen).toMatch(/^Database +available, \d(\.\d+)? ACU/m);
    expect(screen).toMatch(/^Data planes +2\/2 running$/m);
    expect(screen.match(new RegExp(`^ +in sync, config ${SHORT}, seen \\d+s ago, Kong 3\\.9\\.3$`, 'gm'))).toHaveLength(2);
    const cooldown = screen.match(/^Idle scaler +cooldown, (\d+)m (\d\d)s left \(stops after (\d\d:\d\d:\d\d) if nothing changes\)$/m);
    expect(cooldown).not.toBeNull();
    expectCooldownShown({ minutes: cooldown![1], seconds: cooldown![2] }, cooldown![3], capturedAt[width]);
    expect(screen).toMatch(/^ {2}\d\d:\d\d:\d\d {2}synced {11}control plane running and every data plane/m);
  }
  expect(widest(screens[80])).toBeLessThanOrEqual(80);
  // The wide terminal shows more of each decision's reason than the narrow one cuts it to.
  expect(widest(screens[160])).toBeGreaterThan(80);
  expect(screens[80]).toMatch(/^ {2}\d\d:\d\d:\d\d {2}synced .*…$/m);
});

test('GIVEN NO_COLOR WHEN status runs in a terminal THEN the screen has no color', async () => {
  const session = term.start([process.execPath, BIN, 'status', '--stack', gw.stackName], gw.env({ TERM: 'xterm-256color', NO_COLOR: '1' }), { width: 100, height: 50 });
  try {
    await term.until(session, exited);
    const screen = term.screen(session, { escapes: true });
    expect(screen).toContain('Control plane');
    expect(screen).not.toMatch(ESCAPE);
  } finally {
    term.kill(session);
  }
});

test('GIVEN a terminal WHEN admin DELETE THEN it asks first; no deletes nothing, yes deletes', async () => {
  gw.emulator.seed('services', [{ name: 'to-delete', url: 'https://example.com' }]);
  const ask = () => term.start([process.execPath, BIN, 'admin', 'DELETE', '/services/to-delete', '--stack', gw.stackName], gw.env({ TERM: 'xterm-256color' }), { width: 80, height: 20 });
  const question = (screen: string) => screen.includes(`Delete /services/to-delete on ${gw.stackName}?`);
  const no = ask();
  try {
    await term.until(no, question);
    term.keys(no, 'n', 'Enter');
    const screen = (await term.until(no, exited)).pop()!;
    expect(screen).toContain('Nothing deleted.');
    expect(screen).toContain('[exit 1]');
    expect(gw.emulator.entities('services').map((e) => e.name)).toContain('to-delete');
  } finally {
    term.kill(no);
  }
  const yes = ask();
  try {
    await term.until(yes, question);
    term.keys(yes, 'y', 'Enter');
    const screen = (await term.until(yes, exited)).pop()!;
    expect(screen).toContain('204 No Content');
    expect(screen).toContain('[exit 0]');
    expect(gw.emulator.entities('services').map((e) => e.name)).not.toContain('to-delete');
  } finally {
    term.kill(yes);
  }
});
