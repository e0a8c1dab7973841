import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ClusterMtlsMode, GatewayEgress, type KongHybridGatewayProps } from '../src';
import { gatewayStack } from './support/stacks';

/** Each case: props that must fail at synth time, and what the message must say (the prop and the value). */
const cases: Array<[string, Partial<KongHybridGatewayProps>, RegExp]> = [
  ['database min capacity above max', { databaseMinCapacity: 4, databaseMaxCapacity: 2 }, /^databaseMinCapacity \(4\) must not be greater than databaseMaxCapacity \(2\)$/],
  ['database max capacity below 1', { databaseMaxCapacity: 0.5 }, /^databaseMaxCapacity must be between 1 and 256, got 0.5$/],
  ['database capacity not a multiple of 0.5', { databaseMaxCapacity: 2.3 }, /^databaseMaxCapacity must be a multiple of 0.5, got 2.3$/],
  ['data plane min tasks above max', { dataPlaneMinTasks: 5, dataPlaneMaxTasks: 3 }, /^dataPlaneMinTasks \(5\) must not be greater than dataPlaneMaxTasks \(3\)$/],
  ['data plane min tasks below 1', { dataPlaneMinTasks: 0 }, /^dataPlaneMinTasks must be between 1 and 1000, got 0$/],
  ['an invalid VPC CIDR', { vpcCidr: '10.0.0.0/33' }, /^vpcCidr must be an IPv4 CIDR block such as "10.0.0.0\/16", got "10.0.0.0\/33"$/],
  ['an invalid admin CIDR', { adminAllowedCidrs: ['203.0.113.0/24', 'not-a-cidr'] }, /adminAllowedCidrs\[1\] must be an IPv4 or IPv6 CIDR block .*got "not-a-cidr"/],
  ['an admin CIDR without prefix length', { adminAllowedCidrs: ['203.0.113.7'] }, /adminAllowedCidrs\[0\] .*got "203.0.113.7"/],
  ['a domain outside the hosted zone', { domainName: 'kong-gw.example.org' }, /domainName must be inside the hosted zone "example.com", got "kong-gw.example.org"/],
  ['a domain that only ends like the zone', { domainName: 'kong-gwexample.com' }, /domainName must be inside the hosted zone "example.com", got "kong-gwexample.com"/],
  ['a Kong image older than 3.3', { kongImage: 'kong:3.2.2' }, /kongImage must be Kong 3.3 or later .*got "kong:3.2.2"/],
  ['a Kong 2.x image', { kongImage: 'kong/kong-gateway:2.8.4.1' }, /kongImage must be Kong 3.3 or later .*got "kong\/kong-gateway:2.8.4.1"/],
  ['an auto-pause delay below 300 s', { databaseAutoPause: Duration.seconds(299) }, /^databaseAutoPause must be between 300 and 86400 seconds, got "299 s"$/],
  ['an auto-pause delay above 86400 s', { databaseAutoPause: Duration.hours(25) }, /^databaseAutoPause must be between 300 and 86400 seconds, got "90000 s"$/],
  ['an engine that cannot pause at 0 ACU', { databaseEngineVersion: rds.AuroraPostgresEngineVersion.VER_16_2 }, /^databaseEngineVersion must support 0 ACU auto-pause .* when databaseMinCapacity is 0, got "16.2"$/],
  ['a TLS policy that allows TLS 1.0', { sslPolicy: elbv2.SslPolicy.RECOMMENDED }, /sslPolicy must allow only TLS 1.2 or later, got "ELBSecurityPolicy-2016-08"/],
  ['a Fargate CPU that does not exist', { dataPlaneCpu: 300 }, /^dataPlaneCpu must be one of .* got 300$/],
  ['a memory size that does not fit the CPU', { controlPlaneCpu: 512, controlPlaneMemoryMiB: 512 }, /^controlPlaneMemoryMiB must be a Fargate memory size for controlPlaneCpu 512 .*got 512$/],
  ['a managed Kong setting in the environment', { dataPlaneEnvironment: { KONG_ROLE: 'control_plane' } }, /^dataPlaneEnvironment must not set KONG_ROLE/],
  ['zero NAT gateways', { natGateways: 0 }, /^natGateways must be between 1 and 6, got 0$/],
  ['a rate limit below WAF\'s minimum', { firewallRateLimit: 5 }, /^firewallRateLimit must be between 10 and 2000000000, got 5$/],
  ['firewall props without the firewall', { firewall: false, firewallRateLimit: 100 }, /firewallRateLimit needs the firewall, but firewall is false/],
  ['a cluster certificate secret in PKI mode without CA', { clusterMtls: ClusterMtlsMode.PKI }, /^clusterCaSecret is required when clusterMtls is ClusterMtlsMode.PKI .*got undefined$/],
  ['a data plane memory size that does not fit its CPU', { dataPlaneCpu: 512, dataPlaneMemoryMiB: 512 }, /^dataPlaneMemoryMiB must be a Fargate memory size for dataPlaneCpu 512 \(1024..4096 MiB in steps of 1024\), got 512$/],
  ['an idle scaler cooldown above a day', { idleScalerCooldown: Duration.days(2) }, /^idleScalerCooldown must be between 1 minute and 1 day, got 2 days$/],
  ['an idle scaler sync timeout above 14 minutes', { idleScalerSyncTimeout: Duration.minutes(20) }, /^idleScalerSyncTimeout must be between 10 seconds and 14 minutes, got 20 minutes$/],
  ['an idle scaler wake bound not longer than its sync timeout', { idleScalerWakeBound: Duration.minutes(4) }, /^idleScalerWakeBound must be longer than idleScalerSyncTimeout \(5 minutes\), got 4 minutes$/],
  ['an idle scaler sync timeout whose default wake bound is too short', { idleScalerSyncTimeout: Duration.seconds(15) }, /^the default idleScalerWakeBound \(three times idleScalerSyncTimeout\) must be between 1 minute and 1 day, got 45 seconds$/],
  ['an idle scaler cooldown extension below 2 minutes', { idleScalerCooldownExtension: Duration.minutes(1) }, /^idleScalerCooldownExtension must be between 2 minutes and 1 day, got 1 minute$/],
  ['a cluster certificate validity shorter than its expiry warning', { clusterCertificateValidity: Duration.days(45) }, /^clusterCertificateValidity must be longer than 60 days \(the default clusterCertificateExpiryWarning\), got 45 days$/],
  ['a cluster certificate validity shorter than its renewal', { clusterCertificateValidity: Duration.days(20), clusterCertificateExpiryWarning: Duration.days(10) }, /^clusterCertificateValidity must be longer than 30 days \(a deployment renews the certificate that long before it expires\), got 20 days$/],
  ['a cluster certificate generation below 1', { clusterCertificateGeneration: 0 }, /^clusterCertificateGeneration must be between 1 and \d+, got 0$/],
  ['a cluster certificate secret in PKI mode', { clusterMtls: ClusterMtlsMode.PKI, clusterCertificateSecret: {} as any }, /^clusterCertificateSecret is only for clusterMtls ClusterMtlsMode.SHARED: PKI mode issues both certificates from clusterCaSecret$/],
  ['NAT gateways with NAT instances', { egress: GatewayEgress.NAT_INSTANCE, natGateways: 2 }, /^natGateways applies only to egress NAT_GATEWAY, but egress is NAT_INSTANCE \(got natGateways 2\)$/],
  ['an on-demand base without Fargate Spot', { dataPlaneOnDemandBaseTasks: 1 }, /^dataPlaneOnDemandBaseTasks needs dataPlaneFargateSpot, but dataPlaneFargateSpot is not set \(got dataPlaneOnDemandBaseTasks 1\)$/],
  ['counted rules without the common rule set', { firewallManagedRuleGroups: ['AWSManagedRulesAmazonIpReputationList'], firewallCountedRules: ['NoUserAgent_HEADER'] }, /^firewallCountedRules apply to AWSManagedRulesCommonRuleSet, which firewallManagedRuleGroups does not include/],
  ['a managed rule group that is not one', { firewallManagedRuleGroups: ['MyRules'] }, /^firewallManagedRuleGroups\[0\] must be an AWS managed rule group name .*got "MyRules"$/],
  ['an admin API key generation below 1', { adminApiKeyGeneration: 0 }, /^adminApiKeyGeneration must be between 1 and \d+, got 0$/],
  ['a pull-through cache prefix for a registry no cache serves', { kongImage: 'registry.example.com/kong:3.9.3', kongImagePullThroughCachePrefix: 'ecr-public' }, /^kongImagePullThroughCachePrefix needs an image from public.ecr.aws or Docker Hub, got kongImage "registry.example.com\/kong:3.9.3"$/],
  ['trusted CIDRs that are not', { dataPlaneTrustedCidrs: ['10.0.0.0/8', 'everywhere'] }, /^dataPlaneTrustedCidrs\[1\] must be an IPv4 or IPv6 CIDR block .*got "everywhere"$/],
];

/** The same mistakes made from Python: the names jsii-pacmak gives the keyword arguments there. */
const pythonCases: Array<[string, Partial<KongHybridGatewayProps>, string]> = [
  ['database max capacity below 1', { databaseMaxCapacity: 0.5 }, 'database_max_capacity must be between 1 and 256, got 0.5'],
  ['a data plane memory size that does not fit its CPU', { dataPlaneCpu: 512, dataPlaneMemoryMiB: 512 }, 'data_plane_memory_mib must be a Fargate memory size for data_plane_cpu 512 (1024..4096 MiB in steps of 1024), got 512'],
  ['an idle scaler cooldown above a day', { idleScalerCooldown: Duration.days(2) }, 'idle_scaler_cooldown must be between 1 minute and 1 day, got 2 days'],
  ['PKI mode without CA', { clusterMtls: ClusterMtlsMode.PKI }, 'cluster_ca_secret is required when cluster_mtls is ClusterMtlsMode.PKI (the CA that issues both sides\' certificates), got None'],
  ['firewall props without the firewall', { firewall: false, firewallRateLimit: 100 }, 'firewall_rate_limit needs the firewall, but firewall is False (got firewall_rate_limit 100)'],
];

describe('synth-time validation', () => {
  test.each(cases)('GIVEN %s WHEN synthesized THEN it fails naming the prop and the value', (_name, props, message) => {
    expect(() => gatewayStack(props, 'Invalid')).toThrow(message);
  });

  describe('GIVEN a Python program (the jsii runtime says so in JSII_AGENT)', () => {
    const agent = process.env.JSII_AGENT;
    beforeEach(() => { process.env.JSII_AGENT = 'Python/3.11.7'; });
    afterEach(() => { if (agent === undefined) delete process.env.JSII_AGENT; else process.env.JSII_AGENT = agent; });

    test.each(pythonCases)('WHEN %s is synthesized THEN the error names the keyword argument the program passed', (_name, props, message) => {
      expect(() => gatewayStack(props, 'Invalid')).toThrow(new Error(message));
    });

    test('WHEN a zone imported by id only is given THEN the error names the Python methods to use instead', () => {
      expect(() => gatewayStack((stack) => ({ hostedZone: route53.HostedZone.fromHostedZoneId(stack, 'ById', 'Z999') }), 'ById'))
        .toThrow(new Error('hosted_zone must know its name (use HostedZone.from_hosted_zone_attributes() or from_lookup()): the alias record and the domain check need it, got a zone from HostedZone.from_hosted_zone_id()'));
    });
  });

  test('GIVEN a VPC and new-VPC props WHEN synthesized THEN it fails naming the prop that does not apply', () => {
    expect(() => gatewayStack((stack) => ({ vpc: new (require('aws-cdk-lib/aws-ec2').Vpc)(stack, 'Own'), natGateways: 2 }), 'Mixed'))
      .toThrow(/natGateways applies only to a new VPC, but vpc was given too \(got natGateways 2\)/);
  });

  test('GIVEN a zone imported by id only WHEN synthesized THEN it fails saying the zone needs its name', () => {
    expect(() => gatewayStack((stack) => ({ hostedZone: route53.HostedZone.fromHostedZoneId(stack, 'ById', 'Z999') }), 'ById'))
      .toThrow(/hostedZone must know its name .*fromHostedZoneId/);
  });

  test('GIVEN values only known at deploy time WHEN synthesized THEN the checks leave them alone', () => {
    expect(() => gatewayStack((stack) => ({ domainName: new (require('aws-cdk-lib').CfnParameter)(stack, 'Domain').valueAsString }), 'Tokens')).not.toThrow();
  });

  test('GIVEN an image without a version tag WHEN synthesized THEN it warns that the version cannot be checked', () => {
    const { stack } = gatewayStack({ kongImage: 'kong' }, 'Untagged');
    const { Annotations, Match } = require('aws-cdk-lib/assertions');
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('kongImage "kong" has no version tag'));
  });

  test('GIVEN deletion protection turned off on purpose WHEN synthesized THEN the cluster is deletable', () => {
    const { stack } = gatewayStack({ databaseRemovalPolicy: RemovalPolicy.DESTROY }, 'Destroy');
    const { Template } = require('aws-cdk-lib/assertions');
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false });
  });
});
