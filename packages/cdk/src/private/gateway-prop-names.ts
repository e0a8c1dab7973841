/**
 * What each sub-construct's props are called on `KongHybridGateway`, so that
 * an error from a sub-construct's check names the prop the user set
 * (`databaseMaxCapacity`, not `maxCapacity`). Props not listed keep their
 * names (`kongImage`, `domainName`, …). test/prop-names.test.ts holds each
 * name to a prop that exists on both sides.
 */
export const GATEWAY_PROP_NAMES = {
  Network: {
    cidr: 'vpcCidr', flowLogs: 'vpcFlowLogs', flowLogRetention: 'logRetention',
  },
  Database: {
    minCapacity: 'databaseMinCapacity', maxCapacity: 'databaseMaxCapacity', autoPause: 'databaseAutoPause',
    engineVersion: 'databaseEngineVersion', removalPolicy: 'databaseRemovalPolicy',
    deletionProtection: 'databaseDeletionProtection', backupRetention: 'databaseBackupRetention',
    storageEncryptionKey: 'databaseEncryptionKey',
  },
  ClusterCertificate: {
    mode: 'clusterMtls', secret: 'clusterCertificateSecret', caSecret: 'clusterCaSecret',
    validity: 'clusterCertificateValidity', generation: 'clusterCertificateGeneration',
    expiryWarning: 'clusterCertificateExpiryWarning', controlPlaneName: 'namespaceName', dataPlaneName: 'namespaceName',
  },
  LoadBalancer: {},
  ControlPlane: {
    cpu: 'controlPlaneCpu', memoryLimitMiB: 'controlPlaneMemoryMiB', environment: 'controlPlaneEnvironment',
  },
  DataPlane: {
    minTasks: 'dataPlaneMinTasks', maxTasks: 'dataPlaneMaxTasks', cpuTargetPercent: 'dataPlaneCpuTargetPercent',
    requestsPerTarget: 'dataPlaneRequestsPerTarget', cpu: 'dataPlaneCpu', memoryLimitMiB: 'dataPlaneMemoryMiB',
    fargateSpot: 'dataPlaneFargateSpot', onDemandBaseTasks: 'dataPlaneOnDemandBaseTasks',
    environment: 'dataPlaneEnvironment', trustedCidrs: 'dataPlaneTrustedCidrs',
  },
  Firewall: {
    managedRuleGroups: 'firewallManagedRuleGroups', countedRules: 'firewallCountedRules',
    rateLimit: 'firewallRateLimit', logging: 'firewallLogging',
  },
  IdleScaler: {
    syncTimeout: 'idleScalerSyncTimeout', cooldown: 'idleScalerCooldown', cooldownExtension: 'idleScalerCooldownExtension',
    wakeBound: 'idleScalerWakeBound',
  },
  AdminApiProxy: {
    allowedCidrs: 'adminAllowedCidrs', apiKeyGeneration: 'adminApiKeyGeneration',
  },
  FallbackConfig: {
    exportsKept: 'fallbackConfigExportsKept',
  },
} as const;
