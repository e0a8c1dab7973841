import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { INITIAL_STATE, type ScalerState } from '../core';
import type { Clock, DecisionRecord, Lease, StateStore, StoredState } from '../ports';
import { InvalidStateError, parseState } from '../state';

/** The partition key attribute of the state table. */
export const STATE_TABLE_KEY = 'pk';

/**
 * The scaler's state as one DynamoDB item, written only if its `version` is
 * still the one read (optimistic concurrency): concurrent invocations never
 * overwrite each other's decisions; the loser reads again and decides again.
 */
export class DynamoStateStore implements StateStore {
  /**
   * @param ddb any client that sends DynamoDB commands (the SDK's, or a test's)
   * @param clock the time written as `updatedAt`
   */
  constructor(
    private readonly ddb: Pick<DynamoDBClient, 'send'>,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly itemKey = 'idle-scaler',
  ) {}

  public async load(): Promise<StoredState> {
    const out = await this.ddb.send(new GetItemCommand({
      TableName: this.tableName,
      Key: { [STATE_TABLE_KEY]: { S: this.itemKey } },
      ConsistentRead: true,
    }));
    const item = out.Item;
    if (!item) return { state: INITIAL_STATE, version: 0 };
    const version = Number(item.version?.N ?? '0');
    const owner = item.leaseOwner?.S;
    const until = item.leaseUntil?.N;
    const lease = owner !== undefined && until !== undefined ? { owner, until: Number(until) } : undefined;
    const history = parseHistory(item.history?.S);
    try {
      return { state: parseState(item.state?.S), version, lease, ...(history ? { history } : {}) };
    } catch (error) {
      if (!(error instanceof InvalidStateError)) throw error;
      return { state: INITIAL_STATE, version, lease, ...(history ? { history } : {}), invalid: error.message };
    }
  }

  public async save(state: ScalerState, expectedVersion: number, lease: Lease | undefined, history?: readonly DecisionRecord[]): Promise<boolean> {
    const item: Record<string, AttributeValue> = {
      [STATE_TABLE_KEY]: { S: this.itemKey },
      version: { N: String(expectedVersion + 1) },
      state: { S: JSON.stringify(state) },
      phase: { S: state.phase },
      updatedAt: { S: new Date(this.clock.now()).toISOString() },
      ...(history ? { history: { S: JSON.stringify(history) } } : {}),
    };
    if (lease) {
      item.leaseOwner = { S: lease.owner };
      item.leaseUntil = { N: String(lease.until) };
    }
    try {
      await this.ddb.send(new PutItemCommand({
        TableName: this.tableName,
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': STATE_TABLE_KEY } }
          : { ConditionExpression: '#version = :version', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': { N: String(expectedVersion) } } }),
      }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

/** The decision history, or nothing when it is absent or unreadable (it is for operators, not decisions). */
function parseHistory(json: string | undefined): DecisionRecord[] | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((r): r is DecisionRecord => typeof r?.at === 'string' && typeof r?.decision === 'string') : undefined;
  } catch {
    return undefined;
  }
}
