import { readSettings } from '../src/config';
import { logLine } from '../src/emf';
import { classify } from '../src/events';
import { alarmStateChange, deploymentStateChange, scheduledEvent, taskStateChange } from './support/events';

const filter = { dataPlaneService: 'kong-dp' };
const T = Date.UTC(2026, 0, 1);

describe('classify', () => {
  test('GIVEN a DP task PROVISIONING WHEN classified THEN it is a wake keyed by the task, with its version, its time and the task', () => {
    const incoming = classify(taskStateChange({ cluster: 'kong', service: 'kong-dp', taskId: 'abc', lastStatus: 'PROVISIONING', version: 3, time: T }), filter);

    expect(incoming).toEqual({
      kind: 'event',
      event: {
        type: 'wake',
        cause: 'dp-task-starting',
        detail: 'data plane task abc PROVISIONING',
        delivery: { key: 'task:arn:aws:ecs:us-east-1:123456789012:task/kong/abc', version: 3 },
        // The event's own time: a late delivery is known as such.
        occurredAt: T,
        task: { arn: 'arn:aws:ecs:us-east-1:123456789012:task/kong/abc', status: 'PROVISIONING' },
      },
    });
  });

  test.each([
    ['a CP task', taskStateChange({ cluster: 'kong', service: 'kong-cp', taskId: 'a', lastStatus: 'PENDING', version: 1, time: T }), 'not of the data plane service'],
    ['a DP task RUNNING', taskStateChange({ cluster: 'kong', service: 'kong-dp', taskId: 'a', lastStatus: 'RUNNING', version: 4, time: T }), 'data plane task RUNNING'],
    ['a finished DP deployment', deploymentStateChange({ cluster: 'kong', service: 'kong-dp', deploymentId: 'ecs-svc/1', eventName: 'SERVICE_DEPLOYMENT_COMPLETED', time: T }), 'SERVICE_DEPLOYMENT_COMPLETED'],
    ['a CP deployment', deploymentStateChange({ cluster: 'kong', service: 'kong-cp', deploymentId: 'ecs-svc/1', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', time: T }), 'another service'],
    ['an alarm back to OK', alarmStateChange({ alarmName: 'dp-cpu', value: 'OK', time: T }), 'alarm dp-cpu is OK'],
    ['an S3 event', { 'detail-type': 'Object Created', 'source': 'aws.s3', 'detail': {} }, 'unsupported event "Object Created"'],
  ])('GIVEN %s WHEN classified THEN it is ignored, saying why', (_, raw, reason) => {
    const incoming = classify(raw, filter);

    expect(incoming.kind).toBe('ignored');
    expect((incoming as { reason: string }).reason).toContain(reason);
  });

  test('GIVEN a DP deployment in progress, an alarm in ALARM and the schedule WHEN classified THEN a wake, a wake and a tick', () => {
    expect(classify(deploymentStateChange({ cluster: 'kong', service: 'kong-dp', deploymentId: 'ecs-svc/9', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', time: T }), filter))
      .toMatchObject({ event: { type: 'wake', cause: 'dp-deployment', delivery: { key: 'deployment:ecs-svc/9' } } });
    expect(classify(alarmStateChange({ alarmName: 'dp-cpu', value: 'ALARM', time: T }), filter))
      .toMatchObject({ event: { type: 'wake', cause: 'scale-out-alarm', delivery: { key: `alarm:dp-cpu:${new Date(T).toISOString()}` } } });
    expect(classify(scheduledEvent(T), filter)).toEqual({ kind: 'event', event: { type: 'tick' } });
  });

  test('GIVEN operator requests WHEN classified THEN wake, sleep and status', () => {
    expect(classify({ action: 'wake', reason: 'config work' }, filter)).toEqual({ kind: 'event', event: { type: 'wake', cause: 'operator', detail: 'config work' } });
    expect(classify({ action: 'sleep' }, filter)).toEqual({ kind: 'event', event: { type: 'sleep' } });
    expect(classify({ action: 'status' }, filter)).toEqual({ kind: 'status' });
  });

  test('GIVEN an unknown action WHEN classified THEN the error names it and the accepted ones', () => {
    expect(() => classify({ action: 'restart' }, filter)).toThrow('unsupported action "restart": expected one of "wake", "sleep", "status", "tick"');
    expect(() => classify('wake', filter)).toThrow('unsupported invocation "wake"');
  });
});

describe('readSettings', () => {
  const env = {
    CLUSTER_ARN: 'arn:aws:ecs:us-east-1:123456789012:cluster/kong',
    CONTROL_PLANE_SERVICE: 'kong-cp',
    DATA_PLANE_SERVICE: 'kong-dp',
    STATE_TABLE: 'state',
    ADMIN_API_URL: 'http://kong-cp.kong.local:8001',
  };

  test('GIVEN the construct\'s environment WHEN read THEN the seed\'s timings apply by default', () => {
    const settings = readSettings(env);

    expect(settings.config).toMatchObject({ syncTimeoutMs: 300_000, cooldownMs: 1_800_000, extensionMs: 900_000, pollIntervalMs: 5_000, wakeBoundMs: 900_000 });
    expect(settings.databaseCluster).toBeUndefined();
  });

  test('GIVEN an exporter function WHEN read THEN the scaler exports the fallback configuration; without one it does not', () => {
    expect(readSettings(env).config.exportFallback).toBe(false);
    expect(readSettings(env).exporterFunction).toBeUndefined();
    const settings = readSettings({ ...env, EXPORTER_FUNCTION: 'kong-fallback-exporter' });
    expect(settings.exporterFunction).toBe('kong-fallback-exporter');
    expect(settings.config.exportFallback).toBe(true);
  });

  test('GIVEN a sync timeout and no wake bound WHEN read THEN the bound is three sync timeouts', () => {
    expect(readSettings({ ...env, SYNC_TIMEOUT_SECONDS: '120' }).config.wakeBoundMs).toBe(360_000);
    expect(readSettings({ ...env, SYNC_TIMEOUT_SECONDS: '120', WAKE_BOUND_SECONDS: '3600' }).config.wakeBoundMs).toBe(3_600_000);
  });

  test.each([
    [{ STATE_TABLE: undefined }, 'environment variable STATE_TABLE is not set'],
    [{ ADMIN_API_URL: 'kong-cp:8001' }, 'environment variable ADMIN_API_URL is "kong-cp:8001": expected an http(s) URL'],
    [{ COOLDOWN_SECONDS: 'half an hour' }, 'environment variable COOLDOWN_SECONDS is "half an hour": expected a number of seconds from 60 to 86400'],
    [{ SYNC_TIMEOUT_SECONDS: '900' }, 'environment variable SYNC_TIMEOUT_SECONDS is "900": expected a number of seconds from 10 to 840'],
    [{ WAKE_BOUND_SECONDS: '300' }, 'environment variable WAKE_BOUND_SECONDS is "300": expected more seconds than SYNC_TIMEOUT_SECONDS (300)'],
  ])('GIVEN %o WHEN read THEN the error names the variable and the value', (override, message) => {
    expect(() => readSettings({ ...env, ...override })).toThrow(message);
  });
});

describe('logLine', () => {
  const settings = { namespace: 'KongHybrid/IdleScaler', dimensions: { ControlPlaneService: 'kong/kong-cp' } };

  test('GIVEN a decision with metrics WHEN logged THEN one JSON line carries them in the embedded metric format', () => {
    const line = JSON.parse(logLine({ decision: 'synced', reason: 'r' }, { WakeToSynced: 42_000, Failures: undefined }, settings, 1_000));

    expect(line).toEqual({
      _aws: { Timestamp: 1_000, CloudWatchMetrics: [{ Namespace: 'KongHybrid/IdleScaler', Dimensions: [['ControlPlaneService']], Metrics: [{ Name: 'WakeToSynced', Unit: 'Milliseconds' }] }] },
      ControlPlaneService: 'kong/kong-cp',
      decision: 'synced',
      reason: 'r',
      WakeToSynced: 42_000,
    });
  });

  test('GIVEN a decision without metrics WHEN logged THEN the line has no metric directive', () => {
    expect(JSON.parse(logLine({ decision: 'cooldown' }, {}, settings, 1_000))).toEqual({ decision: 'cooldown' });
  });
});
