import { Stack, type StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { KongHybridGateway } from '@kong-hybrid/cdk';
import type { Construct } from 'constructs';

/** What the reference deployment needs to know about the user's DNS. */
export interface ReferenceStackProps extends StackProps {
  /** @default 'kong-gw.example.com' */
  readonly domainName?: string;
  /** @default 'example.com' */
  readonly zoneName?: string;
  /** @default 'Z0000000000000EXAMPLE' */
  readonly hostedZoneId?: string;
  /** @default - none: /kong-admin is blocked at the edge */
  readonly adminAllowedCidrs?: string[];
}

/** The reference deployment of Kong Gateway hybrid mode: the library's defaults for one domain. */
export class ReferenceStack extends Stack {
  public readonly gateway: KongHybridGateway;

  constructor(scope: Construct, id: string, props: ReferenceStackProps = {}) {
    super(scope, id, props);
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId ?? 'Z0000000000000EXAMPLE',
      zoneName: props.zoneName ?? 'example.com',
    });
    this.gateway = new KongHybridGateway(this, 'Kong', {
      domainName: props.domainName ?? 'kong-gw.example.com',
      hostedZone,
      adminAllowedCidrs: props.adminAllowedCidrs,
    });
  }
}
