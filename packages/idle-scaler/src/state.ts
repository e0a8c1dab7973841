import { INITIAL_STATE, type Phase, type ScalerState, type SeenMark } from './core';

const PHASES: readonly Phase[] = ['idle', 'waking', 'cooldown', 'stopping'];
const NUMBERS = ['wokeAt', 'controlPlaneRunningAt', 'answeredAt', 'syncedAt', 'cooldownUntil', 'lastExtendedAt', 'extensions', 'sleepRequestedAt', 'stoppingSince', 'stopFailures', 'stoppedAt', 'cleanLookAt', 'exportRequestedAt'] as const;
const STRINGS = ['wakeReason', 'configHash', 'cleanLookHash', 'exportedHash'] as const;

/** Thrown when a stored state cannot be read back. */
export class InvalidStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStateError';
  }
}

/**
 * Reads a stored state back, checking its shape. An absent state is the
 * initial one; a malformed one is an {@link InvalidStateError}.
 */
export function parseState(json: string | undefined): ScalerState {
  if (json === undefined) return INITIAL_STATE;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidStateError(`stored state is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) throw new InvalidStateError(`stored state is not an object: ${json.slice(0, 100)}`);
  const s = value as Record<string, unknown>;
  if (!PHASES.includes(s.phase as Phase)) throw new InvalidStateError(`stored state has phase ${JSON.stringify(s.phase)}: expected one of ${PHASES.join(', ')}`);
  for (const key of NUMBERS) {
    if (s[key] !== undefined && (typeof s[key] !== 'number' || !Number.isFinite(s[key]))) throw new InvalidStateError(`stored state has ${key} ${JSON.stringify(s[key])}: expected a number`);
  }
  for (const key of STRINGS) {
    if (s[key] !== undefined && typeof s[key] !== 'string') throw new InvalidStateError(`stored state has ${key} ${JSON.stringify(s[key])}: expected a string`);
  }
  if (s.phase !== 'idle' && typeof s.wokeAt !== 'number') throw new InvalidStateError(`stored state in phase ${s.phase} has no wokeAt`);
  if (s.phase === 'cooldown' && typeof s.cooldownUntil !== 'number') throw new InvalidStateError('stored state in phase cooldown has no cooldownUntil');
  const seen = s.seen ?? {};
  if (typeof seen !== 'object' || seen === null || Array.isArray(seen)) throw new InvalidStateError('stored state has no seen map');
  for (const [key, mark] of Object.entries(seen)) {
    const m = mark as Partial<SeenMark>;
    if (typeof m?.version !== 'number' || typeof m?.at !== 'number') throw new InvalidStateError(`stored state has a malformed seen entry ${JSON.stringify(key)}`);
  }
  return { ...(s as unknown as ScalerState), seen: seen as Record<string, SeenMark> };
}
