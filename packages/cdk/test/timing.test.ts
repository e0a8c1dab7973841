import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CONFIG_PROPAGATION_MS, EXPORT_RETRY_MS } from '@kong-hybrid/idle-scaler/src/timing';
import {
  ADMIN_API_MIN_WAIT_SECONDS, ALB_HEALTH_CHECK, ALB_HEALTHY_SECONDS, COLD_START_SECONDS, CONFIG_PROPAGATION_SECONDS, CONTROL_PLANE_HEALTH_CHECK, CONTROL_PLANE_WAKE_PATH,
  coldStartTimeline, DATA_PLANE_GRACE_SECONDS, DATA_PLANE_SYNC_PATH, dataPlaneReadyTimelines, ECS_HEALTH_CHECK_LIMITS, FALLBACK_FETCH_TIMEOUT_SECONDS,
  FALLBACK_START_PATH, FALLBACK_START_SECONDS, FIGURES, MARGIN, START_SCRIPT_BUDGET_SECONDS,
} from '../src/private/timing';
import { gatewayStack } from './support/stacks';

const sum = (figures: ReadonlyArray<{ seconds: number }>) => figures.reduce((t, f) => t + f.seconds, 0);
const inRange = (value: number, [min, max]: readonly [number, number]) => value >= min && value <= max;

describe('timing: every figure has a source, every setting follows from the figures', () => {
  test('GIVEN the figures WHEN listed THEN each names where it comes from: Kong file:line at 3.9.3, an AWS page, our setting, or says it is an estimate', () => {
    for (const [name, f] of Object.entries(FIGURES)) {
      expect([name, f.seconds > 0]).toEqual([name, true]);
      if (f.kind === 'kong') expect([name, f.source]).toEqual([name, expect.stringMatching(/^kong\/[\w/.]+\.lua:\d+(-\d+)? at 3\.9\.3/)]);
      if (f.kind === 'aws') expect([name, f.source]).toEqual([name, expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\//)]);
      if (f.kind === 'setting') expect([name, f.source]).toEqual([name, expect.stringMatching(/^setting: /)]);
      if (f.kind === 'estimate') expect([name, f.source]).toEqual([name, expect.stringMatching(/^estimate: /)]);
    }
  });

  test('WHEN the data plane grace period is derived THEN it covers the whole cold start with the margin, and is at least 5 minutes', () => {
    expect(COLD_START_SECONDS).toBe(sum(CONTROL_PLANE_WAKE_PATH) + sum(DATA_PLANE_SYNC_PATH) + ALB_HEALTHY_SECONDS);
    expect(DATA_PLANE_GRACE_SECONDS).toBeGreaterThanOrEqual(COLD_START_SECONDS * MARGIN);
    expect(DATA_PLANE_GRACE_SECONDS % 60).toBe(0);
    expect(DATA_PLANE_GRACE_SECONDS).toBeGreaterThanOrEqual(300);
    // The path includes every wait the issue names: Aurora's resume, Fargate's start, the DNS caches, the reconnect, migrations.
    expect(CONTROL_PLANE_WAKE_PATH).toEqual(expect.arrayContaining([FIGURES.fargateTaskStart, FIGURES.auroraResumeAfterLongPause, FIGURES.kongMigrations]));
    expect(DATA_PLANE_SYNC_PATH).toEqual(expect.arrayContaining([FIGURES.kongDnsNotFoundTtl, FIGURES.namespaceNegativeTtl, FIGURES.dpReconnectDelayMax]));
    expect(ALB_HEALTHY_SECONDS).toBe(ALB_HEALTH_CHECK.intervalSeconds * ALB_HEALTH_CHECK.healthyThreshold);
  });

  test('WHEN the start script budget is derived THEN it covers a stopped cluster starting and resuming, with the margin (about 15 minutes)', () => {
    expect(START_SCRIPT_BUDGET_SECONDS).toBeGreaterThanOrEqual((FIGURES.auroraStoppedClusterStart.seconds + FIGURES.auroraResumeAfterLongPause.seconds) * MARGIN);
    expect(START_SCRIPT_BUDGET_SECONDS).toBeGreaterThanOrEqual(15 * 60);
    expect(START_SCRIPT_BUDGET_SECONDS).toBeLessThanOrEqual(20 * 60);
  });

  test('WHEN the control plane health check is derived THEN it never condemns a task still within the start budget, and stays inside ECS limits', () => {
    const h = CONTROL_PLANE_HEALTH_CHECK;
    expect(h.startPeriodSeconds + h.intervalSeconds * h.retries).toBeGreaterThanOrEqual(START_SCRIPT_BUDGET_SECONDS + FIGURES.kongMigrations.seconds + FIGURES.kongStart.seconds);
    expect(inRange(h.startPeriodSeconds, ECS_HEALTH_CHECK_LIMITS.startPeriodSeconds)).toBe(true);
    expect(inRange(h.intervalSeconds, ECS_HEALTH_CHECK_LIMITS.intervalSeconds)).toBe(true);
    expect(inRange(h.retries, ECS_HEALTH_CHECK_LIMITS.retries)).toBe(true);
    expect(inRange(h.timeoutSeconds, ECS_HEALTH_CHECK_LIMITS.timeoutSeconds)).toBe(true);
    expect(h.timeoutSeconds).toBeLessThan(h.intervalSeconds);
  });

  test('WHEN the fallback start is derived THEN it needs nothing of the control plane, and is shorter than the cold start (the grace period still covers a start without an export)', () => {
    expect(FALLBACK_START_SECONDS).toBe(sum(FALLBACK_START_PATH) + ALB_HEALTHY_SECONDS);
    expect(FALLBACK_START_PATH).toEqual(expect.arrayContaining([FIGURES.dataPlaneTaskStart, FIGURES.fallbackFetchImagePull, FIGURES.fallbackFetch, FIGURES.fallbackParse, FIGURES.dataPlaneKongStart]));
    for (const f of [...CONTROL_PLANE_WAKE_PATH, ...DATA_PLANE_SYNC_PATH]) expect(FALLBACK_START_PATH).not.toContain(f);
    expect(FALLBACK_START_SECONDS).toBeLessThan(COLD_START_SECONDS);
    // A task whose fetch fails or finds nothing starts as before: the grace period still covers the cold start.
    expect(DATA_PLANE_GRACE_SECONDS).toBeGreaterThanOrEqual(COLD_START_SECONDS * MARGIN);
    expect(FALLBACK_FETCH_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(FIGURES.fallbackFetch.seconds * MARGIN);
    expect(FALLBACK_FETCH_TIMEOUT_SECONDS % 60).toBe(0);
  });

  test('WHEN the exporter\'s second look is timed THEN it waits what the idle scaler counts for a configuration to reach the data planes', () => {
    expect(CONFIG_PROPAGATION_SECONDS * 1000).toBe(CONFIG_PROPAGATION_MS);
    // The scaler asks again after a while; the exporter must be done long before (its timeout is 5 minutes).
    expect(EXPORT_RETRY_MS).toBeGreaterThan(5 * 60_000);
  });

  test('WHEN the admin bootstrap\'s default wait is compared THEN it covers a control plane woken from sleep, with the margin', () => {
    expect(ADMIN_API_MIN_WAIT_SECONDS).toBeGreaterThanOrEqual(sum(CONTROL_PLANE_WAKE_PATH) * MARGIN);
    expect(10 * 60).toBeGreaterThanOrEqual(ADMIN_API_MIN_WAIT_SECONDS); // AdminApiProxy's waitTimeout default
  });
});

describe('timing: the synthesized template uses the derived settings', () => {
  // GIVEN the default gateway
  const { stack, gateway } = gatewayStack();
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, any>;
  const kongContainer = (role: string) => Object.values(resources)
    .filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
    .map((r) => r.Properties.ContainerDefinitions[0])
    .find((c) => c.Environment.some((e: any) => e.Name === 'KONG_ROLE' && e.Value === role));

  test('THEN the data plane service has the derived grace period and the load balancer checks /status/ready as derived', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      HealthCheckGracePeriodSeconds: DATA_PLANE_GRACE_SECONDS,
      LoadBalancers: [{ ContainerPort: gateway.dataPlane.proxyPort }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/status/ready',
      HealthCheckIntervalSeconds: ALB_HEALTH_CHECK.intervalSeconds,
      HealthCheckTimeoutSeconds: ALB_HEALTH_CHECK.timeoutSeconds,
      HealthyThresholdCount: ALB_HEALTH_CHECK.healthyThreshold,
      UnhealthyThresholdCount: ALB_HEALTH_CHECK.unhealthyThreshold,
    });
  });

  test('THEN the control plane container runs the start script with the derived budget and has the derived health check', () => {
    const cp = kongContainer('control_plane');
    expect(cp.Command.join(' ')).toContain(`+ ${START_SCRIPT_BUDGET_SECONDS} ))`);
    expect(cp.HealthCheck).toEqual({
      Command: ['CMD-SHELL', 'kong health'],
      Interval: CONTROL_PLANE_HEALTH_CHECK.intervalSeconds,
      Timeout: CONTROL_PLANE_HEALTH_CHECK.timeoutSeconds,
      Retries: CONTROL_PLANE_HEALTH_CHECK.retries,
      StartPeriod: CONTROL_PLANE_HEALTH_CHECK.startPeriodSeconds,
    });
  });

  test('THEN the data plane\'s fetch container is bounded by the derived timeout, and the exporter waits the derived propagation delay', () => {
    const fetch = Object.values(resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((r) => r.Properties.ContainerDefinitions).find((c: any) => c.Name === 'fallback-config-fetch');
    expect(fetch.Command[0]).toContain(`timeout ${FALLBACK_FETCH_TIMEOUT_SECONDS} aws s3api get-object`);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CONFIRM_DELAY_SECONDS: String(CONFIG_PROPAGATION_SECONDS) }) },
    });
  });

  test('THEN the Cloud Map record and the namespace\'s negative caching have the TTLs the timeline counts', () => {
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      DnsConfig: { DnsRecords: [{ Type: 'A', TTL: FIGURES.cloudMapRecordTtl.seconds }] },
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Properties: { DnsProperties: { SOA: { TTL: FIGURES.namespaceNegativeTtl.seconds } } },
    });
  });
});

describe('timing: the README prints the timeline the code uses', () => {
  test('GIVEN the library README WHEN read THEN it holds the cold-start timeline exactly as derived', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(coldStartTimeline());
    // The fallback configuration's section: the start with it, next to the cold start without it.
    expect(readme).toContain(dataPlaneReadyTimelines().after);
    expect(readme).toContain(`for ${START_SCRIPT_BUDGET_SECONDS} s`);
    expect(readme).toContain(`start period ${CONTROL_PLANE_HEALTH_CHECK.startPeriodSeconds} s, interval ${CONTROL_PLANE_HEALTH_CHECK.intervalSeconds} s,\n  ${CONTROL_PLANE_HEALTH_CHECK.retries} retries`);
  });

  if (process.env.PRINT_TIMELINE) {
    test('prints the timeline', () => console.log(coldStartTimeline()));
    test('prints the fallback timelines', () => console.log(`${dataPlaneReadyTimelines().before}\n\n${dataPlaneReadyTimelines().after}`));
  }
});
