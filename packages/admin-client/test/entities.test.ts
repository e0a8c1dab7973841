import { createHash, createPublicKey } from 'node:crypto';
import { KongAdminError, isConflict, isNotFound } from '../src';
import { CA_CERT, CERT, KEY, TLS, emulated } from './support';

const kong = emulated();

/** One entity family: a top-level collection, how to create one, what a PATCH changes, what a PUT resets. */
interface Family {
  readonly collection: string;
  readonly setup?: () => void;
  readonly create: Record<string, unknown>;
  /** The endpoint key and its value, when the family has one. */
  readonly key?: [string, string];
  readonly patch: Record<string, unknown>;
  /** A PUT body that leaves a defaulted field out, and that field's default. */
  readonly replace?: { body: Record<string, unknown>; field: string; default: unknown; other?: Record<string, unknown> };
}

const consumer = () => kong.emulator.seed('consumers', [{ username: 'alice' }]);
const FAMILIES: Family[] = [
  { collection: 'services', create: { name: 'billing', url: 'https://billing.internal:8443/v1', retries: 3 }, key: ['name', 'billing'], patch: { read_timeout: 5000 },
    replace: { body: { host: 'billing.internal' }, field: 'retries', default: 5 } },
  { collection: 'routes', create: { name: 'billing', paths: ['/billing'], strip_path: false }, key: ['name', 'billing'], patch: { methods: ['GET'] },
    replace: { body: { paths: ['/b'] }, field: 'strip_path', default: true } },
  { collection: 'consumers', create: { username: 'alice', custom_id: 'a-1', tags: ['team-a'] }, key: ['username', 'alice'], patch: { custom_id: 'a-2' },
    replace: { body: {}, field: 'custom_id', default: null } },
  { collection: 'plugins', create: { name: 'rate-limiting', instance_name: 'rl', config: { minute: 5, policy: 'redis', redis: { host: 'redis.internal' } } }, key: ['instance_name', 'rl'],
    patch: { config: { minute: 10 } },
    // a second rate-limiting plugin of the same (global) scope would be a 409: Kong allows one per scope
    replace: { body: { name: 'rate-limiting', config: { hour: 100 } }, field: 'enabled', default: true, other: { name: 'key-auth' } } },
  { collection: 'certificates', create: { cert: CERT, key: KEY, tags: ['edge'] }, patch: { tags: ['edge', 'rotated'] } },
  { collection: 'snis', setup: () => kong.emulator.seed('certificates', [{ id: '00000000-0000-4000-8000-000000000001', cert: CERT, key: KEY }]),
    create: { name: 'api.example.com', certificate: { id: '00000000-0000-4000-8000-000000000001' } }, key: ['name', 'api.example.com'], patch: { tags: ['public'] } },
  { collection: 'ca_certificates', create: { cert: CA_CERT }, patch: { tags: ['internal-ca'] } },
  { collection: 'upstreams', create: { name: 'billing.upstream', slots: 100 }, key: ['name', 'billing.upstream'], patch: { algorithm: 'least-connections' },
    replace: { body: {}, field: 'slots', default: 10000 } },
  { collection: 'vaults', create: { name: 'env', prefix: 'secrets', config: { prefix: 'KONG_' } }, key: ['prefix', 'secrets'], patch: { description: 'environment' },
    replace: { body: { name: 'env' }, field: 'description', default: null } },
  { collection: 'keys', create: { name: 'signing', kid: 'k1', jwk: JSON.stringify({ kid: 'k1', kty: 'RSA' }) }, key: ['name', 'signing'], patch: { tags: ['jwt'] } },
  { collection: 'key-sets', create: { name: 'jwks' }, key: ['name', 'jwks'], patch: { tags: ['idp'] } },
  { collection: 'key-auths', setup: consumer, create: { consumer: { username: 'alice' }, key: 's3cret' }, key: ['key', 's3cret'], patch: { tags: ['rotated'] } },
  { collection: 'basic-auths', setup: consumer, create: { consumer: { username: 'alice' }, username: 'alice-basic', password: 'pw' }, key: ['username', 'alice-basic'], patch: { password: 'new-pw' } },
  { collection: 'acls', setup: consumer, create: { consumer: { username: 'alice' }, group: 'admins' }, patch: { group: 'operators' } },
];

describe.each(FAMILIES)('$collection', (family) => {
  beforeEach(() => family.setup?.());
  const item = (id: string) => `/${family.collection}/${encodeURIComponent(id)}`;

  test('GIVEN a new entity WHEN POSTed THEN Kong answers 201 with every field, defaults filled and no write-only field', async () => {
    const { data, response } = await kong.raw.POST(`/${family.collection}`, { body: family.create });
    expect(response.status).toBe(201);
    expect(data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof data.created_at).toBe('number');
    expect(data).not.toHaveProperty('url');
    for (const [k, v] of Object.entries(family.create)) if (!['url', 'password', 'consumer', 'certificate', 'config'].includes(k)) expect(data[k]).toEqual(v);
    expect(kong.emulator.entities(family.collection)).toEqual([data]);
  });

  test('GIVEN an entity WHEN read by id (and by its endpoint key) and listed THEN each answers it', async () => {
    const { data: created } = await kong.raw.POST(`/${family.collection}`, { body: family.create });
    expect((await kong.raw.GET(item(created.id))).data).toEqual(created);
    if (family.key) expect((await kong.raw.GET(item(family.key[1]))).data).toEqual(created);
    const { data: page } = await kong.raw.GET(`/${family.collection}`);
    expect(page).toEqual({ data: [created], next: null });
  });

  test('GIVEN an entity WHEN PATCHed THEN only the given fields change', async () => {
    const { data: created } = await kong.raw.POST(`/${family.collection}`, { body: family.create });
    const { data: updated, response } = await kong.raw.PATCH(item(created.id), { body: family.patch });
    expect(response.status).toBe(200);
    expect(updated.id).toBe(created.id);
    expect(updated.created_at).toBe(created.created_at);
    for (const [k, v] of Object.entries(family.patch)) {
      if (k === 'password') expect(updated.password).toBe(createHash('sha1').update(`${v}${created.consumer.id}`).digest('hex'));
      else if (k === 'config') expect(updated.config).toEqual({ ...created.config, ...(v as object) });
      else expect(updated[k]).toEqual(v);
    }
  });

  test('GIVEN no such entity WHEN PATCHed THEN Kong answers 404 (code 6; a plugin PATCH without `name` reads the plugin first and answers a bare 404)', async () => {
    const { error, response } = await kong.raw.PATCH(item('00000000-0000-4000-8000-00000000dead'), { body: family.patch });
    expect(response.status).toBe(404);
    // kong/api/routes/plugins.lua:89 at 3.9.3
    if (family.collection === 'plugins') expect(error).toEqual({ message: 'Not found' });
    else expect(error).toMatchObject({ code: 6, name: 'not found' });
  });

  test('GIVEN an entity WHEN DELETEd, twice THEN both answer 204 and it is gone', async () => {
    const { data: created } = await kong.raw.POST(`/${family.collection}`, { body: family.create });
    expect((await kong.raw.DELETE(item(created.id))).response.status).toBe(204);
    expect((await kong.raw.DELETE(item(created.id))).response.status).toBe(204);
    const { error, response } = await kong.raw.GET(item(created.id));
    expect(response.status).toBe(404);
    // a certificate is read with its SNI list, which answers a `not found` error (kong/db/dao/certificates.lua:171 at 3.9.3)
    if (family.collection === 'certificates') expect(error).toMatchObject({ code: 6, name: 'not found' });
    else expect(error).toEqual({ message: 'Not found' });
  });

  if (family.key) {
    const [field, value] = family.key;
    test(`GIVEN an entity WHEN another takes its ${field} THEN Kong answers 409 (code 5)`, async () => {
      await kong.raw.POST(`/${family.collection}`, { body: family.create });
      const { error, response } = await kong.raw.POST(`/${family.collection}`, { body: family.create });
      expect(response.status).toBe(409);
      expect(error).toMatchObject({ code: 5, name: 'unique constraint violation', fields: { [field]: value } });
      expect(error.message).toContain('UNIQUE violation detected on');
    });
  }

  if (family.key && family.replace) {
    const replace = family.replace;
    test('GIVEN an entity WHEN PUT by its key THEN it is replaced whole (same id, left-out fields back to defaults); WHEN PUT a new key THEN created (200)', async () => {
      const { data: created } = await kong.raw.POST(`/${family.collection}`, { body: family.create });
      const { data: replaced, response } = await kong.raw.PUT(item(family.key![1]), { body: replace.body });
      expect(response.status).toBe(200);
      expect(replaced.id).toBe(created.id);
      expect(replaced[replace.field]).toEqual(replace.default);
      const { data: fresh, response: second } = await kong.raw.PUT(item(`${family.key![1]}-2`.replace('.upstream-2', '-2.upstream')), { body: replace.other ?? replace.body });
      expect(second.status).toBe(200);
      expect(fresh.id).not.toBe(created.id);
      expect(kong.emulator.entities(family.collection)).toHaveLength(2);
    });
  }
});

describe('nested routes and plugins', () => {
  test('GIVEN a service WHEN routes and plugins are created under it THEN they belong to it, and other parents do not see them', async () => {
    kong.emulator.seed('services', [{ name: 'a', host: 'a.internal' }, { name: 'b', host: 'b.internal' }]);
    const { data: route, response } = await kong.raw.POST('/services/a/routes', { body: { name: 'a-route', hosts: ['a.example.com'] } });
    expect(response.status).toBe(201);
    const service = (await kong.raw.GET('/services/a')).data;
    expect(route.service).toEqual({ id: service.id });
    const { data: plugin } = await kong.raw.POST('/routes/a-route/plugins', { body: { name: 'cors', config: { origins: ['https://manager.example.com'] } } });
    expect(plugin.route).toEqual({ id: route.id });
    expect(plugin.config.methods).toContain('OPTIONS');

    expect((await kong.raw.GET('/services/a/routes')).data).toEqual({ data: [route], next: null });
    expect((await kong.raw.GET('/services/b/routes')).data).toEqual({ data: [], next: null });
    expect((await kong.raw.GET('/services/b/routes/a-route')).response.status).toBe(404);
    expect((await kong.raw.DELETE('/services/b/routes/a-route')).response.status).toBe(404);
    expect((await kong.raw.GET('/routes/a-route/service')).data).toEqual(service);
    expect((await kong.raw.GET(`/plugins/${plugin.id}/route`)).data).toEqual(route);
    expect((await kong.raw.GET(`/plugins/${plugin.id}/service`)).response.status).toBe(404);
  });

  test('GIVEN a parent that does not exist WHEN listing or creating under it THEN 404', async () => {
    expect((await kong.raw.GET('/services/nope/routes')).response.status).toBe(404);
    expect((await kong.raw.POST('/consumers/nope/key-auth', { body: {} })).response.status).toBe(404);
  });

  test('GIVEN a service with routes WHEN deleted THEN Kong refuses (400, code 4); its plugins go with it once the routes are gone', async () => {
    kong.emulator.seed('services', [{ name: 'a', host: 'a.internal' }]);
    await kong.raw.POST('/services/a/routes', { body: { name: 'r', paths: ['/a'] } });
    await kong.raw.POST('/services/a/plugins', { body: { name: 'key-auth' } });
    const { error, response } = await kong.raw.DELETE('/services/a');
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 4, name: 'foreign key violation', fields: { '@referenced_by': 'routes' } });
    expect((await kong.raw.DELETE('/routes/r')).response.status).toBe(204);
    expect((await kong.raw.DELETE('/services/a')).response.status).toBe(204);
    expect(kong.emulator.entities('plugins')).toEqual([]);
  });

  test('GIVEN a consumer with credentials WHEN deleted THEN its key-auth, basic-auth and ACLs are deleted too', async () => {
    kong.emulator.seed('consumers', [{ username: 'alice' }]);
    const { data: key } = await kong.raw.POST('/consumers/alice/key-auth', { body: {} });
    // random_string (kong/tools/rand.lua:123 at 3.9.3): 32 alphanumerics
    expect(key.key).toMatch(/^[A-Za-z0-9]{32}$/);
    await kong.raw.POST('/consumers/alice/basic-auth', { body: { username: 'alice', password: 'pw' } });
    await kong.raw.POST('/consumers/alice/acls', { body: { group: 'admins' } });
    expect((await kong.raw.GET('/consumers/alice/acls/admins')).data.group).toBe('admins');
    expect((await kong.raw.GET(`/key-auths/${key.key}/consumer`)).data.username).toBe('alice');
    await kong.raw.DELETE('/consumers/alice');
    for (const c of ['key-auths', 'basic-auths', 'acls']) expect(kong.emulator.entities(c)).toEqual([]);
  });

  test('GIVEN a certificate created with SNIs WHEN read THEN it lists them, and the SNIs point at it', async () => {
    const { data: cert } = await kong.raw.POST('/certificates', { body: { cert: CERT, key: KEY, snis: ['a.example.com', 'b.example.com'] } });
    expect(cert.snis).toEqual(['a.example.com', 'b.example.com']);
    const { data: snis } = await kong.raw.GET(`/certificates/${cert.id}/snis`);
    expect(snis.data.map((s: { certificate: unknown }) => s.certificate)).toEqual([{ id: cert.id }, { id: cert.id }]);
    // `/snis/{sni}/certificate` is disabled (kong/api/routes/snis.lua at 3.9.3): a certificate is read by SNI name instead
    expect((await kong.raw.GET('/snis/a.example.com/certificate')).response.status).toBe(404);
    kong.emulator.takeViolations();
    expect((await kong.raw.GET('/certificates/a.example.com')).data.id).toBe(cert.id);
  });

  test('GIVEN an upstream WHEN targets are added THEN the port defaults to 8000, a target is found by address, and PUT by address replaces its weight', async () => {
    kong.emulator.seed('upstreams', [{ name: 'billing.upstream' }]);
    const { data: target } = await kong.raw.POST('/upstreams/billing.upstream/targets', { body: { target: '10.0.1.7' } });
    expect(target).toMatchObject({ target: '10.0.1.7:8000', weight: 100 });
    expect((await kong.raw.GET('/upstreams/billing.upstream/targets/10.0.1.7:8000')).data.id).toBe(target.id);
    const { data: replaced } = await kong.raw.PUT('/upstreams/billing.upstream/targets/10.0.1.7:8000', { body: { weight: 0 } });
    expect(replaced).toMatchObject({ id: target.id, weight: 0 });
    await kong.raw.DELETE('/upstreams/billing.upstream');
    expect(kong.emulator.entities('targets')).toEqual([]);
  });

  test('GIVEN a key set WHEN keys are added under it THEN /keys/{key}/set answers the set', async () => {
    const { data: set } = await kong.raw.POST('/key-sets', { body: { name: 'jwks' } });
    const publicKey = createPublicKey(TLS['rsa-key']).export({ type: 'spki', format: 'pem' }).toString();
    expect((await kong.raw.POST('/key-sets/jwks/keys', { body: { name: 'k1', kid: 'k1', pem: { public_key: publicKey } } })).response.status).toBe(201);
    expect((await kong.raw.GET('/keys/k1/set')).data).toEqual(set);
  });
});

describe('tags', () => {
  beforeEach(() => {
    kong.emulator.seed('services', [
      { name: 'a', host: 'a.internal', tags: ['team-a', 'prod'] },
      { name: 'b', host: 'b.internal', tags: ['team-b', 'prod'] },
      { name: 'c', host: 'c.internal', tags: ['team-a', 'dev'] },
    ]);
  });
  const names = async (tags: string) => (await kong.raw.GET('/services', { params: { query: { tags } } })).data.data.map((s: { name: string }) => s.name).sort();

  test('`a,b` is AND', async () => {
    expect(await names('team-a,prod')).toEqual(['a']);
  });

  test('`a/b` is OR', async () => {
    expect(await names('team-b/dev')).toEqual(['b', 'c']);
  });

  test('/tags lists every (entity, tag) pair and /tags/{tag} the entities of one tag', async () => {
    expect((await kong.raw.GET('/tags')).data.data).toHaveLength(6);
    const { data } = await kong.raw.GET('/tags/{tags}', { params: { path: { tags: 'prod' } } });
    expect(data.data.map((t: { entity_name: string }) => t.entity_name)).toEqual(['services', 'services']);
  });
});

describe('errors Kong answers', () => {
  test('GIVEN a route that matches nothing WHEN created THEN 400 schema violation naming the fields', async () => {
    const { error, response } = await kong.raw.POST('/routes', { body: { name: 'empty' } });
    expect(response.status).toBe(400);
    // the default protocols are http and https: the https rule applies (routes_subschemas.lua:12 at 3.9.3)
    expect(error).toMatchObject({ code: 2, name: 'schema violation', fields: { '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"] } });
  });

  test('GIVEN a reference by name to a missing service WHEN a route is created THEN 400 foreign keys unresolved (code 13); by id, foreign key violation (code 4)', async () => {
    const byName = await kong.raw.POST('/routes', { body: { paths: ['/x'], service: { name: 'nope' } } });
    expect(byName.error).toMatchObject({
      code: 13, name: 'foreign keys unresolved',
      fields: { service: { name: "the foreign key cannot be resolved with '{name=\"nope\"}' for an existing 'services' entity" } },
    });
    const id = '00000000-0000-4000-8000-00000000dead';
    const byId = await kong.raw.POST('/routes', { body: { paths: ['/x'], service: { id } } });
    expect(byId.error).toMatchObject({ code: 4, name: 'foreign key violation', fields: { service: { id } } });
  });

  test('GIVEN a service without host WHEN created THEN 400 naming host', async () => {
    const { error } = await kong.raw.POST('/services', { body: { name: 'nohost' } });
    expect(error).toMatchObject({ code: 2, fields: { host: 'required field missing' } });
  });

  test('GIVEN an ip-restriction without allow or deny WHEN created THEN 400', async () => {
    const { error } = await kong.raw.POST('/plugins', { body: { name: 'ip-restriction', config: {} } });
    expect(error.fields['@entity'][0]).toContain("'config.allow', 'config.deny'");
  });

  test('GIVEN a bad offset WHEN listing THEN 400 code 7', async () => {
    expect((await kong.raw.GET('/consumers', { params: { query: { offset: 'not base64!' } } })).error).toMatchObject({ code: 7, name: 'invalid offset' });
  });

  test('GIVEN a page size over 1000 WHEN listing THEN Kong answers 400 code 9, and the emulator reports the break of the document', async () => {
    expect((await kong.raw.GET('/consumers', { params: { query: { size: 2000 } } })).error).toMatchObject({ code: 9, name: 'invalid size' });
    const [violation] = kong.emulator.takeViolations();
    expect(violation).toMatchObject({ kind: 'request', method: 'GET', path: '/consumers' });
    expect(violation.problems[0]).toMatch(/^query parameter size: must be <= 1000/);
  });

  test('the client maps them to KongAdminError', async () => {
    kong.emulator.seed('consumers', [{ username: 'alice' }]);
    const error = new KongAdminError(409, (await kong.raw.POST('/consumers', { body: { username: 'alice' } })).error, 'x');
    expect(isConflict(error)).toBe(true);
    expect(isNotFound(error)).toBe(false);
  });
});

describe('information and schemas', () => {
  test('/ tells the version and the plugins in use; /status the database; /endpoints every path', async () => {
    kong.emulator.seed('plugins', [{ name: 'key-auth' }]);
    const { data } = await kong.kong.GET('/');
    expect(data).toMatchObject({ version: '3.9.3', edition: 'community', plugins: { enabled_in_cluster: ['key-auth'] } });
    expect((await kong.kong.GET('/status')).data?.database).toEqual({ reachable: true });
    expect((await kong.kong.GET('/endpoints')).data?.data).toContain('/clustering/data-planes');
    expect((await kong.kong.GET('/plugins/enabled')).data?.enabled_plugins).toContain('ip-restriction');
  });

  test('/schemas answers entity and plugin schemas and validates without saving', async () => {
    const { data } = await kong.kong.GET('/schemas/{entity}', { params: { path: { entity: 'services' } } });
    expect(data?.fields.map((f) => Object.keys(f)[0])).toContain('host');
    const plugin = await kong.kong.GET('/schemas/plugins/{name}', { params: { path: { name: 'key-auth' } } });
    expect(JSON.stringify(plugin.data)).toContain('key_names');
    expect((await kong.kong.GET('/schemas/plugins/{name}', { params: { path: { name: 'nope' } } })).response.status).toBe(404);
    expect((await kong.kong.POST('/schemas/plugins/validate', { body: { name: 'rate-limiting', config: { minute: 1 } } })).data).toEqual({ message: 'schema validation successful' });
    expect((await kong.kong.POST('/schemas/{entity}/validate', { params: { path: { entity: 'consumers' } }, body: {} })).response.status).toBe(400);
    expect(kong.emulator.entities('plugins')).toEqual([]);
  });
});
