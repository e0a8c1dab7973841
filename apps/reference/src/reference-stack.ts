import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IdleScaler } from '@kong-hybrid/cdk';
import type { Construct } from 'constructs';

/** The reference deployment of Kong Gateway hybrid mode. */
export class ReferenceStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    // Stand-ins until the KongHybridGateway construct provides the services.
    new IdleScaler(this, 'IdleScaler', {
      controlPlaneService: ecs.FargateService.fromFargateServiceAttributes(this, 'ControlPlane', { cluster, serviceName: 'kong-cp' }),
      dataPlaneService: ecs.FargateService.fromFargateServiceAttributes(this, 'DataPlane', { cluster, serviceName: 'kong-dp' }),
      adminApiUrl: 'http://kong-cp.kong.local:8001',
    });
  }
}
