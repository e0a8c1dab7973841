import type { components, operations, paths } from './generated/kong-admin.js';

export type { components, operations, paths };

type Schemas = components['schemas'];

/** A data plane of a control plane, as `GET /clustering/data-planes` lists it. */
export type DataPlane = Schemas['DataPlane'];
/** `unknown`, `normal`, or why the control plane cannot configure the data plane. */
export type DataPlaneSyncStatus = DataPlane['sync_status'];
export type Service = Schemas['Service'];
export type Route = Schemas['Route'];
export type Consumer = Schemas['Consumer'];
/** Any plugin: `name` narrows it to a typed configuration (key-auth, ip-restriction, cors, rate-limiting). */
export type Plugin = Schemas['Plugin'];
export type Certificate = Schemas['Certificate'];
export type Sni = Schemas['Sni'];
export type CaCertificate = Schemas['CaCertificate'];
export type Upstream = Schemas['Upstream'];
export type Target = Schemas['Target'];
export type Vault = Schemas['Vault'];
export type Key = Schemas['Key'];
export type KeySet = Schemas['KeySet'];
export type KeyAuth = Schemas['KeyAuth'];
export type BasicAuth = Schemas['BasicAuth'];
export type Acl = Schemas['Acl'];
export type TaggedEntity = Schemas['TaggedEntity'];
/** An error body: `{ code, name, message, fields }`, or just `{ message }`. */
export type KongErrorBody = Schemas['Error'];
