/**
 * The admin bootstrap: on create and update (the custom resource) it wakes
 * the control plane if needed, waits for the Admin API, and converges Kong to
 * the proxied Admin API (service, plugins, consumer, key, route); on delete
 * it removes what it created, within a bounded wait, and never fails.
 *
 * The same convergence runs as a *repair* (`handleRepair`) when the control
 * plane's task starts (a wake, a deployment, a replacement) and after every
 * stack update: what a `deck gateway sync` or a stray DELETE removed comes
 * back without a new key. A repair never wakes anything, never writes a new
 * key, and never deletes a credential (a rotation may be under way with a
 * newer key than the one it read).
 *
 * The API key is read from Secrets Manager at run time. It is never logged,
 * never returned to CloudFormation, never put in a URL, and scrubbed from any
 * error message on its way out.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { CustomResourceResult } from '../shared/custom-resource';
import type { ApiKeyStore } from './aws';
import { isConflict, isRetryable, type KongProxyStore } from './kong';
import { describeWrite, desiredState, NAMES, planConvergence, planRemoval, type DesiredState, type KongWrite } from './plan';
import { readSettings, type ProxySettings } from './settings';
import { ControlPlaneAsleep, waitForAdminApi, type AdminApiProbe, type Clock, type ControlPlanePort, type DatabasePort } from './wake';

/** The physical id of the one set of entities the resource owns. */
export const PHYSICAL_ID = 'kong-admin-api-proxy';

/** The longest a delete waits for the Admin API before giving up (and succeeding). */
export const DELETE_WAIT_MS = 5 * 60_000;

/** What the handler talks to, for one resource's settings. */
export interface Connections {
  readonly controlPlane: ControlPlanePort;
  readonly database?: DatabasePort;
  readonly adminApi: AdminApiProbe;
  readonly kong: KongProxyStore;
}

export interface Dependencies {
  connect(settings: ProxySettings): Connections;
  readonly keys: ApiKeyStore;
  readonly clock: Clock;
  /** One JSON log line (the handler never passes a secret). */
  readonly log: (fields: Record<string, unknown>) => void;
  /** Between two looks at the control plane, and between two convergence attempts. */
  readonly pollIntervalMs: number;
  /** Time left in this invocation, from the Lambda context. */
  readonly remainingMs: () => number;
}

/** Time kept, at the end of the invocation, to converge after the wait (and to answer CloudFormation). */
const CONVERGE_RESERVE_MS = 60_000;
const ANSWER_RESERVE_MS = 15_000;

function redact(error: unknown, key: string | undefined): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(key ? message.split(key).join('[redacted]') : message);
}

export async function handleAdminProxyEvent(event: CloudFormationCustomResourceEvent, deps: Dependencies): Promise<CustomResourceResult> {
  const context = { handler: 'admin-api-proxy', requestType: event.RequestType, logicalResourceId: event.LogicalResourceId };
  const log = (fields: Record<string, unknown>) => deps.log({ ...context, ...fields });
  const start = deps.clock.now();
  const invocationEnd = start + deps.remainingMs();

  if (event.RequestType === 'Delete') {
    await remove(event.ResourceProperties, deps, log, { start, invocationEnd });
    return { physicalResourceId: event.PhysicalResourceId };
  }

  const settings = readSettings(event.ResourceProperties);
  const desired = desiredState(settings);
  const c = deps.connect(settings);

  const wait = await waitForAdminApi({ ...c, clock: deps.clock, log }, {
    deadlineMs: Math.min(start + settings.waitSeconds * 1000, invocationEnd - CONVERGE_RESERVE_MS),
    pollIntervalMs: deps.pollIntervalMs,
  });

  // A bumped generation writes a new key first; a rollback (lower generation) keeps the current one.
  if (event.RequestType === 'Update') {
    const previous = Number(event.OldResourceProperties?.ApiKeyGeneration ?? settings.apiKeyGeneration);
    if (settings.apiKeyGeneration > previous) {
      const outcome = await deps.keys.rotate(settings.apiKeySecretId, settings.apiKeyGeneration);
      log({ event: 'api-key', outcome, generation: settings.apiKeyGeneration });
    }
  }
  const key = await deps.keys.read(settings.apiKeySecretId);

  const done = await converge(c.kong, key, desired, deps, log, { invocationEnd, keepCredentials: false });
  log({
    event: 'done',
    outcome: done.length === 0 ? 'unchanged' : 'converged',
    writes: done.length,
    woke: wait.woke,
    route: settings.routePath,
    allowedCidrs: settings.allowedCidrs.length,
    managerOrigins: settings.managerOrigins.length,
  });
  return {
    physicalResourceId: event.RequestType === 'Create' ? PHYSICAL_ID : event.PhysicalResourceId,
    data: { ServiceName: NAMES.service, RoutePath: settings.routePath, ConsumerName: NAMES.consumer, Writes: String(done.length) },
  };
}

/** How many times a write that met an entity created meanwhile (409) is planned again before giving up. */
const CONFLICT_REPLANS = 3;

/**
 * Reads what Kong holds, plans, writes; again while Kong or its database
 * settle (5xx, 429, timeouts), and again when another writer created an
 * entity between our read and our write (409). Returns the writes made.
 * With `keepCredentials`, older key-auth credentials of ours are kept.
 */
async function converge(kong: KongProxyStore, key: string, desired: DesiredState, deps: Dependencies, log: (fields: Record<string, unknown>) => void,
  options: { invocationEnd: number; keepCredentials: boolean }): Promise<string[]> {
  const done: string[] = [];
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const plan = planConvergence(await kong.read(key), desired);
      for (const note of plan.notes) log({ event: 'note', note });
      const writes = options.keepCredentials ? plan.writes.filter((w) => w.op !== 'delete-key-credential') : plan.writes;
      for (const w of writes) {
        await kong.apply(w, key);
        done.push(describeWrite(w));
        log({ event: 'write', write: describeWrite(w) });
      }
      return done;
    } catch (error) {
      const conflict = isConflict(error) && ++conflicts <= CONFLICT_REPLANS;
      const retry = (conflict || isRetryable(error)) && deps.clock.now() + deps.pollIntervalMs < options.invocationEnd - ANSWER_RESERVE_MS;
      log({ event: retry ? 'retry' : 'failed', attempt, error: redact(error, key).message });
      if (!retry) throw redact(error, key);
      if (!conflict) await deps.clock.sleep(deps.pollIntervalMs);
    }
  }
}

/** Why a repair runs. */
export type RepairTrigger = 'stack-updated' | 'control-plane-started' | 'manual';

/** What a repair did. */
export interface RepairResult {
  readonly outcome: 'repaired' | 'unchanged' | 'skipped';
  readonly writes: string[];
  readonly reason?: string;
}

/**
 * Re-converges Kong to `settings` without waking anything and without a new
 * key: the same plan as a deployment, minus the wake, the key rotation and
 * the removal of older credentials. When the control plane is stopped (or
 * its database is), there is nothing to repair now: its next start triggers
 * a repair. Throws when the Admin API does not answer in time, so that
 * Lambda retries the event.
 */
export async function handleRepair(trigger: RepairTrigger, settings: ProxySettings, deps: Dependencies, detail: Record<string, unknown> = {}): Promise<RepairResult> {
  const log = (fields: Record<string, unknown>) => deps.log({ handler: 'admin-api-proxy', mode: 'repair', trigger, ...detail, ...fields });
  const start = deps.clock.now();
  const invocationEnd = start + deps.remainingMs();
  const c = deps.connect(settings);
  try {
    await waitForAdminApi({ ...c, clock: deps.clock, log }, {
      deadlineMs: Math.min(start + settings.waitSeconds * 1000, invocationEnd - CONVERGE_RESERVE_MS),
      pollIntervalMs: deps.pollIntervalMs,
      wake: false,
    });
  } catch (error) {
    if (!(error instanceof ControlPlaneAsleep)) throw error;
    log({ event: 'done', outcome: 'skipped', reason: error.message });
    return { outcome: 'skipped', writes: [], reason: error.message };
  }
  const key = await deps.keys.read(settings.apiKeySecretId);
  const writes = await converge(c.kong, key, desiredState(settings), deps, log, { invocationEnd, keepCredentials: true });
  const outcome = writes.length === 0 ? 'unchanged' : 'repaired';
  log({ event: 'done', outcome, writes: writes.length, route: settings.routePath });
  return { outcome, writes };
}

/** Everything the bootstrap may have created, for a log line when it cannot tell. */
const EVERYTHING = `service ${NAMES.service} with its plugins (key-auth, acl, ip-restriction, cors), route ${NAMES.route}, consumer ${NAMES.consumer} with its key-auth credential and ACL group`;

async function remove(properties: Record<string, unknown>, deps: Dependencies, log: (fields: Record<string, unknown>) => void,
  times: { start: number; invocationEnd: number }): Promise<void> {
  let settings: ProxySettings;
  try {
    settings = readSettings(properties);
  } catch (error) {
    log({ event: 'done', outcome: 'left', left: EVERYTHING, reason: `unreadable properties: ${(error as Error).message}` });
    return;
  }
  const pending: KongWrite[] = [];
  const removed: string[] = [];
  try {
    const c = deps.connect(settings);
    await waitForAdminApi({ ...c, clock: deps.clock, log }, {
      deadlineMs: Math.min(times.start + Math.min(settings.waitSeconds * 1000, DELETE_WAIT_MS), times.invocationEnd - CONVERGE_RESERVE_MS),
      pollIntervalMs: deps.pollIntervalMs,
    });
    const plan = planRemoval(await c.kong.read(undefined));
    for (const note of plan.notes) log({ event: 'note', note });
    pending.push(...plan.writes);
    while (pending.length > 0) {
      await c.kong.apply(pending[0], undefined);
      removed.push(describeWrite(pending.shift()!));
      log({ event: 'write', write: removed[removed.length - 1] });
    }
    log({ event: 'done', outcome: removed.length === 0 ? 'nothing to remove' : 'removed', removed });
  } catch (error) {
    // Never block a stack deletion: say what is left, and succeed.
    const left = removed.length === 0 && pending.length === 0 ? EVERYTHING : pending.map(describeWrite).join('; ') || 'nothing';
    log({ event: 'done', outcome: 'left', removed, left, reason: (error as Error).message ?? String(error) });
  }
}
