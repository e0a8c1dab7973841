import { DescribeDBClustersCommand, StartDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { DatabasePort } from '../ports';

/** The Aurora cluster through the RDS API. */
export class AuroraCluster implements DatabasePort {
  constructor(private readonly rds: Pick<RDSClient, 'send'>, private readonly clusterIdentifier: string) {}

  public async status(): Promise<string> {
    const out = await this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: this.clusterIdentifier }));
    const status = out.DBClusters?.[0]?.Status;
    if (!status) throw new Error(`database cluster ${this.clusterIdentifier}: no status returned`);
    return status;
  }

  public async start(): Promise<void> {
    try {
      await this.rds.send(new StartDBClusterCommand({ DBClusterIdentifier: this.clusterIdentifier }));
    } catch (error) {
      // Not stopped any more (another invocation was first, or it is still
      // stopping): the next look at its status decides again.
      if ((error as Error).name === 'InvalidDBClusterStateFault') return;
      throw error;
    }
  }
}
