import { DENY_ALL, desiredState, describeWrite, NAMES, planConvergence, planRemoval, type CurrentState, type DesiredState, type KongWrite } from '../../lambda/admin-api-proxy/plan';
import { readSettings, type ProxySettings } from '../../lambda/admin-api-proxy/settings';
import { wakeStep } from '../../lambda/admin-api-proxy/wake';

const PROPS = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:proxy',
  AdminApiUrl: 'http://kong-cp.kong.internal:8001',
  RoutePath: '/kong-admin',
  AllowedCidrs: ['203.0.113.0/24'],
  ManagerOrigins: [],
  ApiKeySecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:key-AbCdEf',
  ApiKeyGeneration: '1',
  Cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/kong',
  ControlPlaneService: 'kong-cp',
  DatabaseCluster: 'kong-db',
  WaitSeconds: '600',
};

const settings = (extra: Partial<Record<keyof typeof PROPS, unknown>> = {}): ProxySettings => readSettings({ ...PROPS, ...extra });
const EMPTY: CurrentState = { plugins: [], credentials: [], aclGroups: [] };
const TAGS = [NAMES.tag];

/** What Kong holds after a run that converged on `desired` (as the adapter would read it back). */
function converged(desired: DesiredState, extra: Partial<CurrentState> = {}): CurrentState {
  return {
    service: { id: 's1', ...desired.service, enabled: true, tags: TAGS },
    route: { id: 'r1', paths: [desired.routePath], strip_path: true, service: { id: 's1' }, tags: TAGS },
    plugins: desired.plugins.map((p, i) => ({ id: `p${i}`, name: p.name, instance_name: p.instanceName, enabled: true, config: { ...p.config, run_on_preflight: true }, tags: TAGS })),
    consumer: { id: 'c1', tags: TAGS },
    credentials: [{ id: 'k1', tags: TAGS, matchesKey: true }],
    aclGroups: [{ id: 'a1', group: NAMES.aclGroup, tags: TAGS }],
    ...extra,
  };
}

const ops = (writes: KongWrite[]) => writes.map((w) => w.op);

describe('settings', () => {
  test('GIVEN the properties CloudFormation passes WHEN read THEN they are typed, the URL keeps no trailing slash and lists are deduplicated', () => {
    const s = settings({ AdminApiUrl: 'http://kong-cp.kong.internal:8001/', AllowedCidrs: ['203.0.113.0/24', '203.0.113.0/24'] });
    expect(s).toEqual({
      adminApiUrl: 'http://kong-cp.kong.internal:8001', routePath: '/kong-admin', allowedCidrs: ['203.0.113.0/24'], managerOrigins: [],
      apiKeySecretId: PROPS.ApiKeySecretId, apiKeyGeneration: 1, cluster: PROPS.Cluster, controlPlaneService: 'kong-cp', databaseCluster: 'kong-db', waitSeconds: 600,
    });
  });

  test('GIVEN no lists and no database WHEN read THEN lists are empty and no database is watched', () => {
    const { AllowedCidrs: _a, ManagerOrigins: _m, DatabaseCluster: _d, ...rest } = PROPS;
    const s = readSettings(rest);
    expect([s.allowedCidrs, s.managerOrigins, s.databaseCluster]).toEqual([[], [], undefined]);
  });

  test.each([
    ['AdminApiUrl', 'kong-cp:8001', /AdminApiUrl must be an http\(s\) URL without a path.*got "kong-cp:8001"/],
    ['AdminApiUrl', 'http://kong-cp:8001/admin', /without a path/],
    ['RoutePath', '/kong/admin', /RoutePath must be one path segment.*got "\/kong\/admin"/],
    ['ApiKeyGeneration', '0', /ApiKeyGeneration must be a whole number from 1 .*got "0"/],
    ['ApiKeyGeneration', '1.5', /got "1.5"/],
    ['WaitSeconds', '901', /WaitSeconds must be a whole number from 1 to 900, got "901"/],
    ['AllowedCidrs', 'x', /AllowedCidrs must be a list of non-empty strings, got "x"/],
    ['ApiKeySecretId', undefined, /ApiKeySecretId must be a non-empty string, got undefined/],
  ])('GIVEN %s = %p WHEN read THEN it fails naming the property and the value', (name, value, message) => {
    expect(() => settings({ [name]: value })).toThrow(message);
  });
});

describe('desired state', () => {
  test('GIVEN admin CIDRs WHEN planned THEN key-auth reads the apikey header only and hides it, acl admits the kong-admin group, ip-restriction allows the CIDRs', () => {
    const desired = desiredState(settings());
    expect(desired.service).toEqual({ protocol: 'http', host: 'kong-cp.kong.internal', port: 8001, path: null });
    expect(desired.plugins.map((p) => [p.name, p.config])).toEqual([
      ['key-auth', { key_names: ['apikey'], hide_credentials: true, key_in_header: true, key_in_query: false, key_in_body: false, anonymous: null }],
      ['acl', { allow: ['kong-admin'], hide_groups_header: true }],
      ['ip-restriction', { allow: ['203.0.113.0/24'], deny: null }],
    ]);
  });

  test('GIVEN no admin CIDRs WHEN planned THEN ip-restriction denies every IPv4 and IPv6 address', () => {
    const ip = desiredState(settings({ AllowedCidrs: [] })).plugins.find((p) => p.name === 'ip-restriction')!;
    expect(ip.config).toEqual({ allow: null, deny: ['0.0.0.0/0', '::/0'] });
    expect(DENY_ALL).toEqual(['0.0.0.0/0', '::/0']);
  });

  test('GIVEN Kong Manager origins WHEN planned THEN a cors plugin allows exactly them, without credentials', () => {
    const cors = desiredState(settings({ ManagerOrigins: ['http://localhost:8002'] })).plugins.find((p) => p.name === 'cors')!;
    expect(cors.config).toEqual({ origins: ['http://localhost:8002'], methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS'], credentials: false, max_age: 3600 });
  });

  test('GIVEN an https admin URL without a port WHEN planned THEN the service uses 443', () => {
    expect(desiredState(settings({ AdminApiUrl: 'https://admin.internal' })).service).toEqual({ protocol: 'https', host: 'admin.internal', port: 443, path: null });
  });
});

describe('planConvergence', () => {
  const desired = desiredState(settings());

  test('GIVEN an empty Kong WHEN planned THEN the service and its protections come before the consumer and key, and the route comes last', () => {
    const plan = planConvergence(EMPTY, desired);
    expect(plan.writes.map(describeWrite)).toEqual([
      'PUT service kong-admin',
      'PUT plugin key-auth as kong-admin-key-auth',
      'PUT plugin acl as kong-admin-acl',
      'PUT plugin ip-restriction as kong-admin-ip-restriction',
      'PUT consumer kong-admin',
      'POST ACL group kong-admin to consumer kong-admin',
      'POST key-auth credential to consumer kong-admin (the key from Secrets Manager)',
      'PUT route kong-admin (/kong-admin)',
    ]);
    const route = plan.writes.at(-1) as Extract<KongWrite, { op: 'put-route' }>;
    expect(route.body).toEqual({ name: 'kong-admin', paths: ['/kong-admin'], strip_path: true, service: { name: 'kong-admin' }, tags: TAGS });
    expect(plan.notes).toEqual([]);
  });

  test('GIVEN Kong already holds exactly that (with defaults of its own) WHEN planned THEN there is no write', () => {
    expect(planConvergence(converged(desired), desired)).toEqual({ writes: [], notes: [] });
  });

  test('GIVEN other admin CIDRs WHEN planned THEN the one write is a PATCH of ip-restriction\'s allow list', () => {
    const next = desiredState(settings({ AllowedCidrs: ['198.51.100.7/32', '2001:db8::/48'] }));
    const plan = planConvergence(converged(desired), next);
    expect(plan.writes).toEqual([{ op: 'patch-plugin', id: 'p2', name: 'ip-restriction', body: { config: { allow: ['198.51.100.7/32', '2001:db8::/48'] } } }]);
  });

  test('GIVEN CIDRs removed WHEN planned THEN the one write switches ip-restriction to deny everything', () => {
    const plan = planConvergence(converged(desired), desiredState(settings({ AllowedCidrs: [] })));
    expect(plan.writes).toEqual([{ op: 'patch-plugin', id: 'p2', name: 'ip-restriction', body: { config: { allow: null, deny: DENY_ALL } } }]);
  });

  test('GIVEN Kong Manager origins added, then removed WHEN planned THEN a cors plugin is put, then deleted', () => {
    const withCors = desiredState(settings({ ManagerOrigins: ['http://localhost:8002'] }));
    expect(ops(planConvergence(converged(desired), withCors).writes)).toEqual(['put-plugin']);
    expect(planConvergence(converged(withCors), desired).writes).toEqual([{ op: 'delete-plugin', id: 'p3', name: 'cors' }]);
  });

  test('GIVEN a cors plugin that is not ours WHEN no origins are wanted THEN it is left, with a note', () => {
    const current = converged(desired, { plugins: [...converged(desired).plugins, { id: 'x', name: 'cors', instance_name: null, enabled: true, config: {}, tags: null }] });
    const plan = planConvergence(current, desired);
    expect(plan.writes).toEqual([]);
    expect(plan.notes).toEqual([expect.stringMatching(/^cors plugin x .* not tagged kong-hybrid-admin-proxy/)]);
  });

  test('GIVEN a key in the secret that no credential holds (a rotation) WHEN planned THEN the new credential is added before the old one of ours is deleted', () => {
    const plan = planConvergence(converged(desired, { credentials: [{ id: 'old', tags: TAGS, matchesKey: false }] }), desired);
    expect(plan.writes).toEqual([
      { op: 'add-key-credential', consumer: 'kong-admin', tags: TAGS },
      { op: 'delete-key-credential', consumer: 'kong-admin', id: 'old' },
    ]);
  });

  test('GIVEN a credential someone else added to the consumer WHEN planned THEN it is kept, with a note that it opens the admin API too', () => {
    const plan = planConvergence(converged(desired, { credentials: [{ id: 'k1', tags: TAGS, matchesKey: true }, { id: 'theirs', tags: null, matchesKey: false }] }), desired);
    expect(plan.writes).toEqual([]);
    expect(plan.notes).toEqual([expect.stringContaining('credential theirs of consumer kong-admin is not tagged kong-hybrid-admin-proxy: left as it is (it opens the admin API too)')]);
  });

  test('GIVEN a disabled key-auth plugin and a changed config WHEN planned THEN one PATCH re-enables it and sets only the fields that differ', () => {
    const current = converged(desired);
    const plugins = current.plugins.map((p) => (p.name === 'key-auth' ? { ...p, enabled: false, config: { ...p.config, key_in_query: true } } : p));
    expect(planConvergence({ ...current, plugins }, desired).writes).toEqual([
      { op: 'patch-plugin', id: 'p0', name: 'key-auth', body: { config: { key_in_query: false }, enabled: true } },
    ]);
  });

  test('GIVEN entities named like ours but untagged WHEN planned THEN they are adopted: our tag is added, their other tags kept', () => {
    const current = converged(desired);
    const plan = planConvergence({ ...current, service: { ...current.service!, tags: ['team-a'] }, consumer: { id: 'c1', tags: null } }, desired);
    expect(plan.writes).toEqual([
      { op: 'patch-service', id: 's1', body: { tags: ['team-a', NAMES.tag] } },
      { op: 'patch-consumer', id: 'c1', body: { tags: [NAMES.tag] } },
    ]);
  });

  test('GIVEN a service pointing elsewhere and a route on another service and path WHEN planned THEN both are patched in place', () => {
    const current = converged(desired);
    const plan = planConvergence({
      ...current,
      service: { ...current.service!, host: 'old-cp.kong.internal', port: 8444, protocol: 'https' },
      route: { ...current.route!, paths: ['/admin'], strip_path: false, service: { id: 'other' } },
    }, desired);
    expect(plan.writes).toEqual([
      { op: 'patch-service', id: 's1', body: { protocol: 'http', host: 'kong-cp.kong.internal', port: 8001 } },
      { op: 'patch-route', id: 'r1', body: { paths: ['/kong-admin'], strip_path: true, service: { id: 's1' } } },
    ]);
  });

  test('GIVEN a route that exists without its service WHEN planned THEN the service is created and the route pointed at it by name', () => {
    const { service: _s, ...current } = converged(desired);
    const plan = planConvergence({ ...current, plugins: [] }, desired);
    expect(plan.writes[0].op).toBe('put-service');
    expect(plan.writes.at(-1)).toEqual({ op: 'patch-route', id: 'r1', body: { service: { name: 'kong-admin' } } });
  });
});

describe('planRemoval', () => {
  const desired = desiredState(settings({ ManagerOrigins: ['http://localhost:8002'] }));

  test('GIVEN everything of ours WHEN planned THEN the route goes first, then the plugins, the service and the consumer', () => {
    expect(planRemoval(converged(desired)).writes.map(describeWrite)).toEqual([
      'DELETE route r1',
      'DELETE plugin key-auth p0',
      'DELETE plugin acl p1',
      'DELETE plugin ip-restriction p2',
      'DELETE plugin cors p3',
      'DELETE service s1',
      'DELETE consumer c1 (with its credentials and ACL groups)',
    ]);
  });

  test('GIVEN nothing WHEN planned THEN nothing is removed', () => {
    expect(planRemoval(EMPTY)).toEqual({ writes: [], notes: [] });
  });

  test('GIVEN a route and consumer that are not ours WHEN planned THEN they stay, with notes', () => {
    const current = converged(desired);
    const plan = planRemoval({ ...current, route: { ...current.route!, tags: null }, consumer: { id: 'c1', tags: ['team-a'] } });
    expect(ops(plan.writes)).toEqual(['delete-plugin', 'delete-plugin', 'delete-plugin', 'delete-plugin', 'delete-service']);
    expect(plan.notes).toEqual(['route kong-admin is not tagged kong-hybrid-admin-proxy: left as it is', 'consumer kong-admin is not tagged kong-hybrid-admin-proxy: left as it is']);
  });
});

describe('wakeStep', () => {
  const up = { desired: 1, running: 1, pending: 0 };
  const down = { desired: 0, running: 0, pending: 0 };

  test('GIVEN a running control plane and a ready Admin API WHEN looked at THEN it is ready and nothing is done', () => {
    expect(wakeStep({ controlPlane: up, databaseStatus: 'available', adminApi: 'ready' })).toEqual({
      actions: [], ready: true, waitingFor: 'Admin API ready (control plane desired 1, running 1, pending 0; database available)',
    });
  });

  test('GIVEN a stopped control plane and a stopped database WHEN looked at THEN both are started and it waits', () => {
    const d = wakeStep({ controlPlane: down, databaseStatus: 'stopped', adminApi: 'unreachable' });
    expect(d.actions).toEqual(['start-control-plane', 'start-database']);
    expect(d.ready).toBe(false);
    expect(d.waitingFor).toBe('Admin API not answering (control plane desired 1, running 0, pending 0; database stopped)');
  });

  test('GIVEN a control plane being stopped whose task still answers WHEN looked at THEN it is woken anyway, and the Admin API is used', () => {
    expect(wakeStep({ controlPlane: { desired: 0, running: 1, pending: 0 }, adminApi: 'ready' })).toMatchObject({ actions: ['start-control-plane'], ready: true });
  });

  test('GIVEN an Admin API whose database is not reachable yet (Aurora resuming) WHEN looked at THEN it waits without acting', () => {
    expect(wakeStep({ controlPlane: up, databaseStatus: 'available', adminApi: 'database-unreachable' })).toMatchObject({ actions: [], ready: false, waitingFor: expect.stringContaining('its database not reachable yet') });
  });

  test.each(['starting', 'stopping', 'available', 'backing-up'])('GIVEN a database %s WHEN looked at THEN it is not started again', (status) => {
    expect(wakeStep({ controlPlane: { desired: 1, running: 0, pending: 1 }, databaseStatus: status, adminApi: 'unreachable' }).actions).toEqual([]);
  });
});
