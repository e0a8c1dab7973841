import { Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { GatewayEgress, KongHybridGateway } from '@kong-hybrid/cdk';
import type { Construct } from 'constructs';
import type { ReferenceConfig } from './config';

/** Properties of {@link ReferenceStack}. */
export interface ReferenceStackProps extends StackProps {
  readonly config: ReferenceConfig;
}

/**
 * The reference deployment of Kong Gateway hybrid mode: one KongHybridGateway
 * for one domain, with the library's safe defaults and the team's sizes.
 */
export class ReferenceStack extends Stack {
  public readonly gateway: KongHybridGateway;

  constructor(scope: Construct, id: string, props: ReferenceStackProps) {
    super(scope, id, props);
    const { config } = props;

    // The zone exists already (the domain's DNS belongs to the team); no lookup,
    // so that synthesis needs no AWS credentials.
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: config.hostedZoneId,
      zoneName: config.zoneName,
    });

    this.gateway = new KongHybridGateway(this, 'Kong', {
      domainName: config.domainName,
      hostedZone,
      adminAllowedCidrs: config.adminAllowedCidrs,
      dataPlaneMinTasks: config.dataPlaneMinTasks,
      dataPlaneMaxTasks: config.dataPlaneMaxTasks,
      dataPlaneCpu: config.dataPlaneCpu,
      dataPlaneMemoryMiB: config.dataPlaneMemoryMiB,
      dataPlaneFargateSpot: config.dataPlaneFargateSpot,
      dataPlaneOnDemandBaseTasks: config.dataPlaneOnDemandBaseTasks,
      databaseMaxCapacity: config.databaseMaxCapacity,
      egress: config.egress === 'natInstance' ? GatewayEgress.NAT_INSTANCE : GatewayEgress.NAT_GATEWAY,
      ...(config.egress === 'natInstance' ? { natInstances: config.natCount } : { natGateways: config.natCount }),
      controlPlaneAlwaysOn: config.controlPlaneAlwaysOn,
      adminApiKeyGeneration: config.adminApiKeyGeneration,
      clusterCertificateGeneration: config.clusterCertificateGeneration,
      kongImage: config.kongImage,
      kongImagePullThroughCachePrefix: config.kongImagePullThroughCachePrefix || undefined,
      dataPlaneTrustedCidrs: config.dataPlaneTrustedCidrs.length > 0 ? config.dataPlaneTrustedCidrs : undefined,
      // Every alarm of the gateway (idle scaler, certificate expiry, …) notifies the team's topic.
      alarmAction: config.alarmTopicArn ? new cloudwatchActions.SnsAction(sns.Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn)) : undefined,
    });
  }
}
