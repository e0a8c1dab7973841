export { createKongAdminClient, type KongAdminClient, type KongAdminClientOptions } from './client.js';
export type { Clock, RetryEvent } from './resilient-fetch.js';
export {
  KongAdminError, KongAdminTimeoutError, isConflict, isKongAdminError, isNotFound, isTimeout, isUnauthorized, unwrap, type FetchResult,
} from './errors.js';
export { listAll, paginate, type ListItem, type ListPath, type PaginateArgs, type PaginateOptions } from './paginate.js';
export { allTags, anyTags, type TagList } from './tags.js';
export { upsert, type UpsertBody, type UpsertEntity, type UpsertResult } from './upsert.js';
export {
  DATA_PLANE_PING_INTERVAL_SECONDS, EMPTY_CONFIG_HASH, readDataPlaneSync, summarizeDataPlaneSync,
  type DataPlaneSyncOptions, type DataPlaneSyncSummary, type ReadDataPlaneSyncOptions,
} from './data-planes.js';
export type * from './types.js';
// The export itself is in its own entry point, `@kong-hybrid/admin-client/declarative`; its types are here too.
export type { DeclarativeConfig, DeclarativeConfigExport, ExportDeclarativeConfigOptions } from './declarative.js';
