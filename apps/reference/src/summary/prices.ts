/**
 * AWS list prices (us-east-1) the cost model uses, as recorded in the
 * project's design facts (shared/design/facts.md) in November 2026.
 * A month is 730 hours.
 */
export const PRICES = {
  asOf: '2026-11',
  region: 'us-east-1',
  source: 'AWS list prices recorded in shared/design/facts.md',
  hoursPerMonth: 730,
  fargate: {
    x86: { vcpuHour: 0.04048, gbHour: 0.004445 },
    arm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  alb: { hour: 0.0225, lcuHour: 0.008 },
  natGateway: { hour: 0.045, gbProcessed: 0.045 },
  aurora: { acuHour: 0.12, acuHourIoOptimized: 0.16, storageGbMonth: 0.1 },
  secretsManager: { secretMonth: 0.4 },
  waf: { webAclMonth: 5, ruleMonth: 1, perMillionRequests: 0.6 },
  route53: { hostedZoneMonth: 0.5 },
  cloudMap: { instanceMonth: 0.1 },
  vpcEndpoint: { azHour: 0.01 },
  publicIpv4: { hour: 0.005 },
  logs: { ingestGb: 0.5, storeGbMonth: 0.03 },
  lambda: { perMillionRequests: 0.2, gbSecondX86: 0.0000166667, gbSecondArm64: 0.0000133334 },
} as const;

export type PriceList = typeof PRICES;
