/**
 * AWS list prices (us-east-1, USD) the cost model uses, each with the AWS
 * pricing page it belongs to. A month is 730 hours.
 *
 * The pages were read on 2026-12-01 from stored copies. Most of them render
 * their rate tables in the browser, so the stored copy shows no figure; where
 * that is so, `shownOnPage` is false and `note` says where the figure was
 * taken from instead. Check the pages before relying on a figure.
 */
export interface PriceSource {
  /** The AWS pricing page the figure belongs to. */
  readonly url: string;
  /** Whether the stored copy of that page, read on {@link PRICES}.read, showed the figure. */
  readonly shownOnPage: boolean;
  /** Where the figure comes from when the page did not show it, or what the page says. */
  readonly note: string;
}

export const PRICES = {
  region: 'us-east-1',
  read: '2026-12-01',
  hoursPerMonth: 730,
  fargate: {
    x86: { vcpuHour: 0.04048, gbHour: 0.004445 },
    arm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
    /** Fargate Spot's discount on the on-demand price of the same architecture (the page's "up to"). */
    spotDiscount: 0.7,
  },
  ec2: {
    /** On-demand Linux instance-hours, for the instance types the constructs use. */
    instanceHour: { 't4g.nano': 0.0042 } as Record<string, number>,
  },
  ebs: { gp3GbMonth: 0.08 },
  alb: { hour: 0.0225, lcuHour: 0.008 },
  natGateway: { hour: 0.045, gbProcessed: 0.045 },
  aurora: { acuHour: 0.12, acuHourIoOptimized: 0.156, storageGbMonth: 0.1 },
  secretsManager: { secretMonth: 0.4 },
  waf: { webAclMonth: 5, ruleMonth: 1, perMillionRequests: 0.6 },
  route53: { hostedZoneMonth: 0.5 },
  cloudMap: { instanceMonth: 0.1 },
  vpcEndpoint: { azHour: 0.01 },
  publicIpv4: { hour: 0.005 },
  logs: { ingestGb: 0.5, storeGbMonth: 0.03 },
  lambda: { perMillionRequests: 0.2, gbSecondX86: 0.0000166667, gbSecondArm64: 0.0000133334 },
  sources: {
    fargate: {
      url: 'https://aws.amazon.com/fargate/pricing/',
      shownOnPage: false,
      note: 'The page renders its rates in the browser. The x86 vCPU rate matches the example on https://aws.amazon.com/ecs/pricing/ '
        + '($0.000011244 per vCPU-second = $0.04048 per hour); the GB-hour and ARM rates are unverified on an AWS page, '
        + 'as published by vantage.sh/blog/fargate-pricing and cloudburn.io (March 2026).',
    },
    fargateSpot: {
      url: 'https://aws.amazon.com/fargate/pricing/',
      shownOnPage: true,
      note: 'The page says Fargate Spot runs tasks "at up to a 70% discount off the regular Fargate price"; the current Spot rates are '
        + 'rendered in the browser and vary with supply and demand. 70% is the best case: at 50% off, Spot tasks cost 5/3 of this figure.',
    },
    ec2: {
      url: 'https://aws.amazon.com/ec2/pricing/on-demand/',
      shownOnPage: false,
      note: 'Rendered in the browser; t4g.nano at $0.0042 per hour as quoted by the fck-nat project (github.com/AndrewGuenther/fck-nat). '
        + 'Other instance types are not priced (the estimate lists them as unpriced).',
    },
    ebs: {
      url: 'https://aws.amazon.com/ebs/pricing/',
      shownOnPage: false,
      note: 'Rendered in the browser; gp3 at $0.08 per GB-month as quoted by fck-nat ($0.64 for an 8 GB root volume).',
    },
    alb: {
      url: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
      shownOnPage: false,
      note: 'No stored copy of the page itself; a transcription of it (api-evangelist, read 2026-09-20) quotes its US East (N. Virginia) '
        + 'pricing example: $0.0225 per ALB-hour and $0.008 per LCU-hour.',
    },
    natGateway: {
      url: 'https://aws.amazon.com/vpc/pricing/',
      shownOnPage: false,
      note: 'No stored copy of the page itself; a transcription of it (api-evangelist, read 2026-09-20) quotes its NAT gateway example '
        + '(US East (Ohio)): $0.045 per hour and $0.045 per GB processed; the same figures for us-east-1 per the fck-nat and SST docs.',
    },
    publicIpv4: {
      url: 'https://aws.amazon.com/vpc/pricing/',
      shownOnPage: false,
      note: 'Rendered in the browser; $0.005 per public IPv4 address-hour as quoted by several deployment READMEs that cite this page.',
    },
    aurora: {
      url: 'https://aws.amazon.com/rds/aurora/pricing/',
      shownOnPage: false,
      note: 'Rendered in the browser; the figures are the us-east-1 defaults in AWS\'s own aws/agent-toolkit-for-aws (Aurora serverless '
        + 'advisory, dated 2026-03-28): $0.12 per ACU-hour, $0.156 I/O-Optimized, $0.10 per GB-month.',
    },
    secretsManager: {
      url: 'https://aws.amazon.com/secrets-manager/pricing/',
      shownOnPage: false,
      note: 'Rendered in the browser; $0.40 per secret-month as quoted by several projects that cite this page.',
    },
    waf: {
      url: 'https://aws.amazon.com/waf/pricing/',
      shownOnPage: false,
      note: 'Unverified: the stored copies show no figures; $5 per web ACL-month, $1 per rule-month and $0.60 per million requests '
        + 'are the project\'s earlier figures.',
    },
    route53: { url: 'https://aws.amazon.com/route53/pricing/', shownOnPage: false, note: 'Unverified: the project\'s earlier figure.' },
    cloudMap: { url: 'https://aws.amazon.com/cloud-map/pricing/', shownOnPage: false, note: 'Unverified: the project\'s earlier figure.' },
    vpcEndpoint: { url: 'https://aws.amazon.com/privatelink/pricing/', shownOnPage: false, note: 'Unverified: the project\'s earlier figure.' },
    logs: { url: 'https://aws.amazon.com/cloudwatch/pricing/', shownOnPage: false, note: 'Unverified: the project\'s earlier figures.' },
    lambda: { url: 'https://aws.amazon.com/lambda/pricing/', shownOnPage: false, note: 'Unverified: the project\'s earlier figures.' },
  } satisfies Record<string, PriceSource>,
};

export type PriceList = typeof PRICES;

/** One line naming the price source, for the summary. */
export function priceSourceLine(prices: PriceList = PRICES): string {
  return `${prices.region} list prices from AWS's pricing pages (aws.amazon.com/<service>/pricing), read ${prices.read}; ${prices.hoursPerMonth} h a month`;
}
