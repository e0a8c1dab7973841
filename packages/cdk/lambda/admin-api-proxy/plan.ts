/**
 * The pure core of the admin bootstrap: what Kong should hold for the proxied
 * Admin API, and the writes that take Kong from what it holds to that (or,
 * on delete, back to nothing of ours). No I/O, no clock, no secret: the
 * reader reports whether a credential matches the key, never the key itself,
 * so a plan can be logged whole.
 *
 * Every entity is found by its name (plugins by their plugin name on our
 * service) and tagged `kong-hybrid-admin-proxy`. Only the fields we set are
 * compared: an unchanged input plans no write at all, a changed one plans a
 * PATCH of the fields that differ, a missing entity a PUT by name (or a POST
 * for credentials and ACL groups, whose keys must stay out of URLs).
 *
 * Order matters for safety: on the way up the service gets its plugins
 * (key-auth, acl, ip-restriction) before the route exists, so the path is
 * never reachable unprotected; on the way down the route goes first.
 */
import type { ProxySettings } from './settings';

/** The names of what the bootstrap owns in Kong. */
export const NAMES = {
  service: 'kong-admin',
  route: 'kong-admin',
  consumer: 'kong-admin',
  aclGroup: 'kong-admin',
  tag: 'kong-hybrid-admin-proxy',
} as const;

/** The header key-auth reads the key from. */
export const API_KEY_HEADER = 'apikey';

/** What ip-restriction denies when no address is allowed: everything. */
export const DENY_ALL = ['0.0.0.0/0', '::/0'];

type Config = Record<string, unknown>;
type Tags = string[] | null;

/** A plugin on our service, as the reader reports it. */
export interface PluginView {
  readonly id: string;
  readonly name: string;
  readonly instance_name: string | null;
  readonly enabled: boolean;
  readonly config: Config;
  readonly tags: Tags;
}

/** A key-auth credential of our consumer: whether it holds the key, never the key. */
export interface CredentialView {
  readonly id: string;
  readonly tags: Tags;
  readonly matchesKey: boolean;
}

/** What Kong holds now, as far as the bootstrap is concerned. */
export interface CurrentState {
  readonly service?: { readonly id: string; readonly protocol: string; readonly host: string; readonly port: number; readonly path: string | null; readonly enabled: boolean; readonly tags: Tags };
  readonly route?: { readonly id: string; readonly paths: string[] | null; readonly strip_path: boolean; readonly service: { readonly id: string } | null; readonly tags: Tags };
  /** Plugins scoped to our service alone (no route, no consumer). */
  readonly plugins: readonly PluginView[];
  readonly consumer?: { readonly id: string; readonly tags: Tags };
  readonly credentials: readonly CredentialView[];
  readonly aclGroups: ReadonlyArray<{ readonly id: string; readonly group: string; readonly tags: Tags }>;
}

/** A plugin the bootstrap wants on its service. */
export interface DesiredPlugin {
  readonly name: 'key-auth' | 'acl' | 'ip-restriction' | 'cors';
  readonly instanceName: string;
  readonly config: Config;
}

/** What Kong should hold. */
export interface DesiredState {
  readonly service: { readonly protocol: 'http' | 'https'; readonly host: string; readonly port: number; readonly path: null };
  readonly routePath: string;
  /** In the order they are written. */
  readonly plugins: readonly DesiredPlugin[];
}

const TAGS = [NAMES.tag];

/** A write to the Admin API. Bodies never hold the API key: `add-key-credential` gets it from the adapter. */
export type KongWrite =
  | { readonly op: 'put-service'; readonly name: string; readonly body: { name: string; protocol: 'http' | 'https'; host: string; port: number; path: null; enabled: true; tags: string[] } }
  | { readonly op: 'patch-service'; readonly id: string; readonly body: Config }
  | { readonly op: 'delete-service'; readonly id: string }
  | { readonly op: 'put-plugin'; readonly instanceName: string; readonly body: { name: DesiredPlugin['name']; service: { name: string }; config: Config; enabled: true; tags: string[] } }
  | { readonly op: 'patch-plugin'; readonly id: string; readonly name: string; readonly body: Config }
  | { readonly op: 'delete-plugin'; readonly id: string; readonly name: string }
  | { readonly op: 'put-consumer'; readonly username: string; readonly body: { username: string; tags: string[] } }
  | { readonly op: 'patch-consumer'; readonly id: string; readonly body: { tags: string[] } }
  | { readonly op: 'delete-consumer'; readonly id: string }
  | { readonly op: 'add-acl-group'; readonly consumer: string; readonly body: { group: string; tags: string[] } }
  | { readonly op: 'add-key-credential'; readonly consumer: string; readonly tags: string[] }
  | { readonly op: 'delete-key-credential'; readonly consumer: string; readonly id: string }
  | { readonly op: 'put-route'; readonly name: string; readonly body: { name: string; paths: string[]; strip_path: true; service: { id: string } | { name: string }; tags: string[] } }
  | { readonly op: 'patch-route'; readonly id: string; readonly body: Config }
  | { readonly op: 'delete-route'; readonly id: string };

/** A plan: the writes, in order, and what was seen but left alone (for the log). */
export interface Plan {
  readonly writes: KongWrite[];
  readonly notes: string[];
}

/** The Kong Admin API the service points at, from `http(s)://host:port`. */
function upstreamOf(adminApiUrl: string): DesiredState['service'] {
  const url = new URL(adminApiUrl);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { protocol, host: url.hostname, port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, path: null };
}

/** What Kong should hold for these settings. */
export function desiredState(settings: ProxySettings): DesiredState {
  const plugins: DesiredPlugin[] = [
    {
      name: 'key-auth',
      instanceName: `${NAMES.service}-key-auth`,
      // Header only: a key in the query string would land in the load balancer's access logs.
      config: { key_names: [API_KEY_HEADER], hide_credentials: true, key_in_header: true, key_in_query: false, key_in_body: false, anonymous: null },
    },
    {
      // Only our consumer's key opens the admin API, not any consumer's key-auth credential.
      name: 'acl',
      instanceName: `${NAMES.service}-acl`,
      config: { allow: [NAMES.aclGroup], hide_groups_header: true },
    },
    {
      name: 'ip-restriction',
      instanceName: `${NAMES.service}-ip-restriction`,
      config: settings.allowedCidrs.length > 0 ? { allow: settings.allowedCidrs, deny: null } : { allow: null, deny: DENY_ALL },
    },
  ];
  if (settings.managerOrigins.length > 0) {
    plugins.push({
      name: 'cors',
      instanceName: `${NAMES.service}-cors`,
      config: {
        origins: settings.managerOrigins,
        methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS'],
        credentials: false,
        max_age: 3600,
      },
    });
  }
  return { service: upstreamOf(settings.adminApiUrl), routePath: settings.routePath, plugins };
}

/** Equal as JSON values, `undefined` counting as `null`. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The fields of `desired` whose values differ in `current`. */
function differing(current: Config, desired: Config): Config {
  const out: Config = {};
  for (const [k, v] of Object.entries(desired)) if (!same(current[k], v)) out[k] = v;
  return out;
}

const ours = (tags: Tags) => (tags ?? []).includes(NAMES.tag);
const withOurTag = (tags: Tags) => (ours(tags) ? undefined : [...(tags ?? []), NAMES.tag]);
const isEmpty = (o: Config) => Object.keys(o).length === 0;

/** The writes that make Kong hold `desired`; none when it already does. */
export function planConvergence(current: CurrentState, desired: DesiredState): Plan {
  const writes: KongWrite[] = [];
  const notes: string[] = [];

  // 1. The service, unreachable until the route exists.
  if (!current.service) {
    writes.push({ op: 'put-service', name: NAMES.service, body: { name: NAMES.service, ...desired.service, enabled: true, tags: TAGS } });
  } else {
    const changes = differing(current.service as unknown as Config, { ...desired.service, enabled: true });
    const tags = withOurTag(current.service.tags);
    if (tags) changes.tags = tags;
    if (!isEmpty(changes)) writes.push({ op: 'patch-service', id: current.service.id, body: changes });
  }

  // 2. Its plugins: authentication and address checks before any route.
  for (const plugin of desired.plugins) {
    const existing = current.plugins.find((p) => p.name === plugin.name);
    if (!existing) {
      writes.push({ op: 'put-plugin', instanceName: plugin.instanceName, body: { name: plugin.name, service: { name: NAMES.service }, config: plugin.config, enabled: true, tags: TAGS } });
      continue;
    }
    const changes: Config = {};
    const config = differing(existing.config, plugin.config);
    if (!isEmpty(config)) changes.config = config;
    if (!existing.enabled) changes.enabled = true;
    const tags = withOurTag(existing.tags);
    if (tags) changes.tags = tags;
    if (!isEmpty(changes)) writes.push({ op: 'patch-plugin', id: existing.id, name: plugin.name, body: changes });
  }
  const cors = current.plugins.find((p) => p.name === 'cors');
  if (cors && !desired.plugins.some((p) => p.name === 'cors')) {
    if (ours(cors.tags)) writes.push({ op: 'delete-plugin', id: cors.id, name: 'cors' });
    else notes.push(`cors plugin ${cors.id} on service ${NAMES.service} is not tagged ${NAMES.tag}: left as it is`);
  }

  // 3. The consumer, its ACL group and its key.
  if (!current.consumer) {
    writes.push({ op: 'put-consumer', username: NAMES.consumer, body: { username: NAMES.consumer, tags: TAGS } });
  } else {
    const tags = withOurTag(current.consumer.tags);
    if (tags) writes.push({ op: 'patch-consumer', id: current.consumer.id, body: { tags } });
  }
  if (!current.aclGroups.some((g) => g.group === NAMES.aclGroup)) {
    writes.push({ op: 'add-acl-group', consumer: NAMES.consumer, body: { group: NAMES.aclGroup, tags: TAGS } });
  }
  if (!current.credentials.some((c) => c.matchesKey)) {
    writes.push({ op: 'add-key-credential', consumer: NAMES.consumer, tags: TAGS });
  }
  // Older keys of ours go once the current one is in (a rotation).
  for (const c of current.credentials) {
    if (c.matchesKey) continue;
    if (ours(c.tags)) writes.push({ op: 'delete-key-credential', consumer: NAMES.consumer, id: c.id });
    else notes.push(`key-auth credential ${c.id} of consumer ${NAMES.consumer} is not tagged ${NAMES.tag}: left as it is (it opens the admin API too)`);
  }

  // 4. The route, last: from here on the path answers, protected.
  const serviceRef = current.service ? { id: current.service.id } : { name: NAMES.service };
  if (!current.route) {
    writes.push({ op: 'put-route', name: NAMES.route, body: { name: NAMES.route, paths: [desired.routePath], strip_path: true, service: serviceRef, tags: TAGS } });
  } else {
    const changes = differing(current.route as unknown as Config, { paths: [desired.routePath], strip_path: true });
    if (!current.service || current.route.service?.id !== current.service.id) changes.service = serviceRef;
    const tags = withOurTag(current.route.tags);
    if (tags) changes.tags = tags;
    if (!isEmpty(changes)) writes.push({ op: 'patch-route', id: current.route.id, body: changes });
  }
  return { writes, notes };
}

/** The writes that remove what the bootstrap created (tagged entities only), route first. */
export function planRemoval(current: CurrentState): Plan {
  const writes: KongWrite[] = [];
  const notes: string[] = [];
  const skip = (what: string) => notes.push(`${what} is not tagged ${NAMES.tag}: left as it is`);
  if (current.route) {
    if (ours(current.route.tags)) writes.push({ op: 'delete-route', id: current.route.id });
    else skip(`route ${NAMES.route}`);
  }
  for (const p of current.plugins) {
    if (ours(p.tags)) writes.push({ op: 'delete-plugin', id: p.id, name: p.name });
  }
  if (current.service) {
    if (ours(current.service.tags)) writes.push({ op: 'delete-service', id: current.service.id });
    else skip(`service ${NAMES.service}`);
  }
  if (current.consumer) {
    // Its credentials and ACL groups go with it.
    if (ours(current.consumer.tags)) writes.push({ op: 'delete-consumer', id: current.consumer.id });
    else skip(`consumer ${NAMES.consumer}`);
  }
  return { writes, notes };
}

/** One line per write for the logs: what and which fields, never a value that could be secret. */
export function describeWrite(w: KongWrite): string {
  switch (w.op) {
    case 'put-service': return `PUT service ${w.name}`;
    case 'patch-service': return `PATCH service ${w.id} (${Object.keys(w.body).join(', ')})`;
    case 'delete-service': return `DELETE service ${w.id}`;
    case 'put-plugin': return `PUT plugin ${w.body.name} as ${w.instanceName}`;
    case 'patch-plugin': return `PATCH plugin ${w.name} ${w.id} (${Object.entries(w.body).map(([k, v]) => (k === 'config' ? Object.keys(v as Config).map((c) => `config.${c}`).join(', ') : k)).join(', ')})`;
    case 'delete-plugin': return `DELETE plugin ${w.name} ${w.id}`;
    case 'put-consumer': return `PUT consumer ${w.username}`;
    case 'patch-consumer': return `PATCH consumer ${w.id} (tags)`;
    case 'delete-consumer': return `DELETE consumer ${w.id} (with its credentials and ACL groups)`;
    case 'add-acl-group': return `POST ACL group ${w.body.group} to consumer ${w.consumer}`;
    case 'add-key-credential': return `POST key-auth credential to consumer ${w.consumer} (the key from Secrets Manager)`;
    case 'delete-key-credential': return `DELETE key-auth credential ${w.id} of consumer ${w.consumer}`;
    case 'put-route': return `PUT route ${w.name} (${w.body.paths.join(', ')})`;
    case 'patch-route': return `PATCH route ${w.id} (${Object.keys(w.body).join(', ')})`;
    case 'delete-route': return `DELETE route ${w.id}`;
  }
}
