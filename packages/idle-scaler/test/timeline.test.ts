import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ECSClient } from '@aws-sdk/client-ecs';
import { alarmStateChange, deploymentStateChange, taskStateChange } from './support/events';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startMoto, type MotoServer } from './support/moto';
import { HASH_2, Harness, T0 } from './support/timeline';

/**
 * Whole timelines on a virtual clock: the scaler with its real adapters,
 * ECS, RDS and DynamoDB on moto server, the CP's Admin API on the emulator.
 */

const MIN = 60_000;
let moto: MotoServer;
const harnesses: Harness[] = [];

beforeAll(async () => {
  moto = await startMoto();
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});
afterAll(async () => {
  await moto?.stop();
});

async function harness(options: Parameters<typeof Harness.start>[1] = {}): Promise<Harness> {
  const h = await Harness.start(moto, options);
  harnesses.push(h);
  return h;
}

/** Keeps a timeline for the record (test-reports/timelines/<name>.txt). */
function record(name: string, h: Harness): void {
  const dir = path.join(__dirname, '..', 'test-reports', 'timelines');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.txt`), `${h.timeline()}\n`);
}

const at = (entry: { time: string }) => Date.parse(entry.time);

describe('timelines', () => {
  test('GIVEN an idle gateway WHEN the DP scales out THEN the CP starts, the DPs sync, a config push extends the cooldown, and the CP stops', async () => {
    const h = await harness({ dataPlaneTasks: 2, databaseStopped: true });

    // Idle: the schedule looks at ECS only; the CP stays stopped.
    await h.ticks(2 * MIN);
    expect(await h.world.controlPlaneDesiredCount()).toBe(0);
    expect(h.world.emulator.requests).toHaveLength(0);

    // A third DP task starts: the invocation it triggers polls until the DPs are in sync.
    await h.world.scaleDataPlane(3);
    const woke = await h.dataPlaneTaskStarting('dp-task-3');
    expect(woke).toMatchObject({ phase: 'cooldown', decision: 'synced' });
    expect(await h.world.controlPlaneDesiredCount()).toBe(1);
    const wake = h.decisions('wake')[0];
    const synced = h.decisions('synced')[0];
    expect(wake.actions).toEqual(['start-control-plane']);
    expect(h.logs.some((l) => (l.actions as string[] | undefined)?.includes('start-database'))).toBe(true);
    // The scaler sees what happened within one poll interval of it happening.
    const running = h.logs.find((l) => l.WakeToRunning !== undefined)!;
    expect(at(running) - h.world.milestones.controlPlaneAnswering!).toBeLessThanOrEqual(h.config.pollIntervalMs);
    expect(at(synced) - h.world.milestones.dataPlanesSynced!).toBeLessThanOrEqual(h.config.pollIntervalMs);
    expect(synced.reason).toContain('3 on-cp-config');

    // Cooldown; an admin pushes a config 20 minutes in.
    await h.ticks(20 * MIN);
    h.world.pushConfig(HASH_2);
    await h.ticks(40 * MIN);

    const extend = h.decisions('extend');
    expect(extend).toHaveLength(1);
    expect(extend[0].reason).toContain('config push');
    const stops = h.decisions('stop');
    expect(stops).toHaveLength(1);
    // 30 minutes from sync, plus exactly one 15-minute extension, on the next tick.
    const due = at(synced) + h.config.cooldownMs + h.config.extensionMs;
    expect(at(stops[0])).toBeGreaterThanOrEqual(due);
    expect(at(stops[0]) - due).toBeLessThan(MIN);
    expect(await h.world.controlPlaneDesiredCount()).toBe(0);
    expect(h.logs.filter((l) => l.Wakes !== undefined)).toHaveLength(1);

    record('scale-out-sync-cooldown-push-stop', h);
    process.stdout.write(`\nTimeline: idle → DP scale-out → CP started → DPs in sync → cooldown → config push → CP stopped\n${h.timeline()}\n\n`);
  });

  test('GIVEN the CP\'s Admin API never answers WHEN the DP scales out THEN the scaler gives up waiting after the sync timeout, and at the wake bound stops the CP that never became healthy', async () => {
    const h = await harness();
    h.world.adminApiBroken = true;

    const woke = await h.dataPlaneTaskStarting('dp-task-9');

    expect(woke).toMatchObject({ phase: 'cooldown', decision: 'sync-timeout' });
    const timeout = h.decisions('sync-timeout')[0];
    expect(timeout.SyncTimeouts).toBe(1);
    expect(timeout.reason).toContain('admin-api unreadable');
    expect(at(timeout) - T0).toBeGreaterThanOrEqual(h.config.syncTimeoutMs);

    await h.ticks(h.config.wakeBoundMs);
    const stop = h.decisions('stop')[0];
    expect(stop).toMatchObject({ NeverHealthy: 1 });
    expect(stop.reason).toContain('has not answered once');
    expect(at(stop) - T0).toBeGreaterThanOrEqual(h.config.wakeBoundMs);
    expect(at(stop) - T0).toBeLessThan(h.config.wakeBoundMs + MIN);
    expect(await h.world.controlPlaneDesiredCount()).toBe(0);

    record('admin-api-never-answers', h);
  });

  test('GIVEN the CP answered once WHEN its Admin API then cannot be read past the cooldown THEN the CP stays (fail safe), each deferred stop reports how long it has been due, and the next readable look stops it', async () => {
    const h = await harness();
    await h.dataPlaneTaskStarting('dp-task-9');
    expect(h.decisions('synced')).toHaveLength(1);
    h.world.adminApiBroken = true;

    await h.ticks(h.config.cooldownMs + 5 * MIN);
    const deferred = h.decisions('stop-deferred');
    expect(deferred.length).toBeGreaterThanOrEqual(4);
    expect(deferred.every((d) => d.Failures === 1 && d.reason.includes('admin-api unreadable') && typeof d.StopDeferredFor === 'number')).toBe(true);
    expect(h.decisions('stop')).toHaveLength(0);
    expect(await h.world.controlPlaneDesiredCount()).toBe(1);

    // Back: the next looks stop it.
    h.world.adminApiBroken = false;
    await h.ticks(2 * MIN);
    expect(h.decisions('stopped')).toHaveLength(1);
    expect(await h.world.controlPlaneDesiredCount()).toBe(0);

    record('admin-api-down-after-sync', h);
  });

  describe('with ECS throttling the scaler', () => {
    let proxy: FaultProxy;
    let throttledEcs: ECSClient;
    beforeAll(async () => {
      proxy = await startFaultProxy(moto.endpoint);
      throttledEcs = new ECSClient({ ...moto.clientConfig, endpoint: proxy.endpoint, maxAttempts: 2 });
    });
    afterAll(async () => {
      throttledEcs?.destroy();
      await proxy?.stop();
    });

    test('GIVEN ECS throttles the start WHEN a DP task starts THEN the next look starts the CP again', async () => {
      const h = await harness({ scalerEcs: throttledEcs });
      proxy.throttle('UpdateService', 2);

      const woke = await h.dataPlaneTaskStarting('dp-task-4');

      expect(h.decisions('action-failed')[0]).toMatchObject({ reason: expect.stringContaining('start-control-plane: ThrottlingException'), Failures: 1 });
      expect(h.logs.some((l) => l.decision === 'waiting' && l.reason.includes('desired count was 0: starting it again'))).toBe(true);
      expect(woke).toMatchObject({ phase: 'cooldown', decision: 'synced' });
      expect(await h.world.controlPlaneDesiredCount()).toBe(1);
      record('ecs-throttles-start', h);
    });

    test('GIVEN ECS throttles the reads WHEN the cooldown ends THEN the CP stays until ECS answers', async () => {
      const h = await harness({ scalerEcs: throttledEcs });
      await h.dataPlaneTaskStarting('dp-task-5');
      await h.ticks(h.config.cooldownMs - MIN);
      expect(h.decisions('stop')).toHaveLength(0);

      // Two looks in a row fail (each after the SDK's own retry).
      proxy.throttle('DescribeServices', 4);
      await h.ticks(2 * MIN);
      const deferred = h.decisions('stop-deferred');
      expect(deferred.length).toBeGreaterThanOrEqual(1);
      expect(deferred.every((d) => d.reason.includes('ecs unreadable (ThrottlingException') && d.Failures === 1)).toBe(true);
      expect(await h.world.controlPlaneDesiredCount()).toBe(1);

      await h.ticks(2 * MIN);
      expect(h.decisions('stop')).toHaveLength(1);
      expect(await h.world.controlPlaneDesiredCount()).toBe(0);
      record('ecs-throttles-reads', h);
    });
  });

  test('GIVEN duplicated and out-of-order events WHEN they arrive THEN each start counts once and a late older version is dropped', async () => {
    const h = await harness();
    const event = (version: number, lastStatus: string) => taskStateChange({ cluster: h.world.where.cluster, service: 'kong-dp', taskId: 'dp-task-7', lastStatus, version, time: h.world.t });

    await h.invoke(event(2, 'PENDING'));
    await h.invoke(event(2, 'PENDING'));
    await h.invoke(event(1, 'PROVISIONING'));

    expect(h.decisions('wake')).toHaveLength(1);
    expect(h.decisions('duplicate')).toHaveLength(2);
    expect(h.logs.filter((l) => l.Wakes !== undefined)).toHaveLength(1);
  });

  test('GIVEN a cooldown WHEN a DP deployment starts and the scale-out alarm fires THEN both extend it, as one burst', async () => {
    const h = await harness();
    await h.dataPlaneTaskStarting('dp-task-1');
    await h.ticks(5 * MIN);
    const before = h.decisions('synced')[0];

    await h.invoke(deploymentStateChange({ cluster: h.world.where.cluster, service: 'kong-dp', deploymentId: 'ecs-svc/123', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', time: h.world.t }));
    await h.invoke(alarmStateChange({ alarmName: 'kong-dp-cpu-high', value: 'ALARM', time: h.world.t }));

    const extend = h.decisions('extend');
    expect(extend).toHaveLength(1);
    expect(extend[0].reason).toContain('dp-deployment: data plane deployment ecs-svc/123 in progress');
    expect(Date.parse(extend[0].cooldownUntil as string)).toBe(at(before) + h.config.cooldownMs + h.config.extensionMs);
    expect(h.decisions('already-extended')[0].reason).toContain('scale-out-alarm: alarm kong-dp-cpu-high in ALARM');
  });

  test('GIVEN an idle gateway WHEN ten DP tasks start at once THEN one wake, none lost, through conditional writes', async () => {
    const h = await harness({ dataPlaneTasks: 10 });

    await Promise.all(Array.from({ length: 10 }, (_, i) =>
      h.invoke(taskStateChange({ cluster: h.world.where.cluster, service: 'kong-dp', taskId: `dp-task-${i}`, lastStatus: 'PROVISIONING', version: 1, time: h.world.t }), { timeoutMs: 10_000 })));

    expect(h.decisions('wake')).toHaveLength(1);
    expect(h.decisions('already-waking')).toHaveLength(9);
    expect(h.logs.some((l) => typeof l.conflicts === 'number' && l.conflicts > 0)).toBe(true);
    const status = await h.status();
    const taskArn = (i: number) => `arn:aws:ecs:us-east-1:123456789012:task/${h.world.where.cluster}/dp-task-${i}`;
    expect(Object.keys(status.state.seen).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `task:${taskArn(i)}`).sort());
    expect(status.state.phase).toBe('waking');
    expect(await h.world.controlPlaneDesiredCount()).toBe(1);
  });

  test('GIVEN a stop in flight WHEN a DP task starts between the stop decision and its ECS call THEN the CP is started again', async () => {
    let between: (() => Promise<unknown>) | undefined;
    const h = await harness({
      wrapServices: (services) => ({
        read: () => services.read(),
        listDataPlaneTasks: () => services.listDataPlaneTasks(),
        describeTask: (arn) => services.describeTask(arn),
        async setControlPlaneDesiredCount(count) {
          const wake = count === 0 ? between : undefined;
          between = undefined;
          await wake?.();
          await services.setControlPlaneDesiredCount(count);
        },
      }),
    });
    await h.dataPlaneTaskStarting('dp-task-1');
    await h.ticks(h.config.cooldownMs - MIN);
    between = () => h.invoke(taskStateChange({ cluster: h.world.where.cluster, service: 'kong-dp', taskId: 'dp-task-2', lastStatus: 'PROVISIONING', version: 1, time: h.world.t }), { timeoutMs: 10_000 });

    await h.ticks(2 * MIN);

    expect(h.decisions('stop')).toHaveLength(1);
    expect(h.decisions('wake')).toHaveLength(2);
    expect(h.decisions('restart-after-race')).toHaveLength(1);
    expect(await h.world.controlPlaneDesiredCount()).toBe(1);
    record('stop-wake-race', h);
  });
});
