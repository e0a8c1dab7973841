import { DEFAULT_CONFIG } from '@kong-hybrid/idle-scaler';

/**
 * Checks a cooldown the CLI printed, and returns what it left, in seconds. The
 * wall clock runs on between the wake and the screen the test reads (minutes,
 * on a loaded machine), so the test cannot know the exact figure; it checks
 * what must hold whatever the delay: some of the scaler's cooldown
 * (DEFAULT_CONFIG.cooldownMs) is left, no more than all of it, and the clock
 * time printed beside it is `left` from the moment the CLI printed it, which
 * is at or before now (times are UTC: the test gateway sets TZ=UTC).
 */
export function expectCooldownShown(left: { minutes: string; seconds: string }, until: string, now = new Date()): number {
  const leftSeconds = Number(left.minutes) * 60 + Number(left.seconds);
  expect(Number(left.seconds)).toBeLessThan(60);
  expect(leftSeconds).toBeGreaterThan(0);
  expect(leftSeconds).toBeLessThanOrEqual(DEFAULT_CONFIG.cooldownMs / 1000);
  const [h, m, s] = until.split(':').map(Number);
  const day = 24 * 3600;
  const nowSeconds = now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds();
  const untilFromNow = (h * 3600 + m * 60 + s - nowSeconds + day) % day;
  // Printed at or before now: the stop is no further from now than `left` (1 s for rounding).
  expect(untilFromNow).toBeLessThanOrEqual(leftSeconds + 1);
  expect(untilFromNow).toBeGreaterThan(0);
  return leftSeconds;
}
