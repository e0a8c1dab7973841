/**
 * Behaviour for which Kong's source at 3.9.3 is the only reference (no spec
 * case covers it), each test naming the file and line it follows: the false
 * greens the emulator used to have, and what our code relies on.
 */
import { kongSpec } from './harness';

kongSpec("Kong's source at 3.9.3", (k) => {
  it('kong/plugins/key-auth/schema.lua:7 (typedefs.lua:400 no_consumer): a key-auth plugin cannot be scoped to a consumer', async () => {
    const consumer = k.insert('consumers', { username: 'bob' });
    const res = await k.post('/plugins', { body: { name: 'key-auth', consumer: { id: consumer.id } } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (consumer: value must be null)', fields: { consumer: 'value must be null' } });
  });

  it('kong/plugins/acl/schema.lua:25: an acl plugin takes `allow` or `deny`, not both', async () => {
    const res = await k.post('/plugins', { body: { name: 'acl', config: { allow: ['a'], deny: ['b'] } } });
    expect(res.status).toBe(400);
    expect(res.body.fields['@entity']).toEqual(["exactly one of these fields must be non-empty: 'config.allow', 'config.deny'"]);
  });

  it('kong/plugins/acl/schema.lua:18-19: an acl plugin answers every default', async () => {
    const res = await k.post('/plugins', { body: { name: 'acl', config: { allow: ['admins'] } } });
    expect(res.status).toBe(201);
    expect(res.body.config).toEqual({ allow: ['admins'], deny: null, hide_groups_header: false, always_use_authenticated_groups: false });
    expect(res.body.protocols).toEqual(['grpc', 'grpcs', 'http', 'https']);
  });

  it('kong/plugins/ip-restriction/schema.lua:11 (typedefs.lua:53): an invalid address is refused at its position', async () => {
    const res = await k.post('/plugins', { body: { name: 'ip-restriction', config: { allow: ['10.0.0.0/8', '300.1.1.1'] } } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({ config: { allow: [null, "invalid ip or cidr range: '300.1.1.1'"] } });
    expect(res.body.message).toBe(`schema violation (config.allow: {\n  [2] = "invalid ip or cidr range: '300.1.1.1'"\n})`);
  });

  it('kong/plugins/cors/schema.lua:33-51: cors has no `allow_origin_absent` in 3.9.3', async () => {
    const res = await k.post('/plugins', { body: { name: 'cors', config: { allow_origin_absent: true } } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({ config: { allow_origin_absent: 'unknown field' } });
  });

  it('kong/plugins/rate-limiting/schema.lua:86: `limit_by` has no `consumer-group` in 3.9.3', async () => {
    const res = await k.post('/plugins', { body: { name: 'rate-limiting', config: { minute: 1, limit_by: 'consumer-group' } } });
    expect(res.status).toBe(400);
    expect(res.body.fields.config).toEqual({ limit_by: 'expected one of: consumer, credential, ip, service, header, path' });
  });

  it('kong/db/schema/init.lua:1897-1900: a read-modify-write round trip (GET, then PUT and PATCH with the timestamps) is accepted; `created_at` is kept, `updated_at` set', async () => {
    const created = await k.post('/services', { body: { name: 'billing', host: 'billing.internal' } });
    k.clock.advance(5);
    const read = (await k.get('/services/billing')).body;
    const put = await k.put('/services/billing', { body: { ...read, retries: 3 } });
    expect(put.status).toBe(200);
    expect(put.body.created_at).toBe(created.body.created_at);
    expect(put.body.updated_at).toBe(created.body.updated_at + 5);
    k.clock.advance(5);
    const patch = await k.patch('/services/billing', { body: { ...put.body, retries: 4 } });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ retries: 4, created_at: created.body.created_at, updated_at: created.body.updated_at + 10 });
  });

  it('kong/db/dao/init.lua:604: a PUT by name keeps the name of the URL', async () => {
    const res = await k.put('/consumers/alice', { body: { username: 'mallory' } });
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('alice');
  });

  it('kong/api/endpoints.lua:254 and kong/db/dao/init.lua:1009: an entity without an endpoint key is read by id only (400 code 1 otherwise)', async () => {
    const res = await k.get('/ca_certificates/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 1, name: 'invalid primary key', message: `invalid primary key: '{id="expected a valid UUID"}'`, fields: { id: 'expected a valid UUID' } });
  });

  it('kong/db/dao/plugins.lua:57: a plugin must share a protocol with its route', async () => {
    const route = k.insert('routes', { protocols: ['tcp'], destinations: [{ port: 9000 }] });
    const res = await k.post('/plugins', { body: { name: 'ip-restriction', route: { id: route.id }, protocols: ['http'], config: { allow: ['10.0.0.0/8'] } } });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({ protocols: "must match the associated route's protocols" });
  });

  it('kong/api/routes/snis.lua:6: `/snis/{sni}/certificate` is disabled', async () => {
    expect((await k.get('/snis/example.com/certificate')).status).toBe(404);
  });

  it('kong/api/routes/config.lua:89-94 and :112-117: a node with a database (a control plane) answers /config 400', async () => {
    const message = { message: 'this endpoint is only available when Kong is configured to not use a database' };
    const got = await k.get('/config');
    expect(got.status).toBe(400);
    expect(got.body).toEqual(message);
    const posted = await k.post('/config', { body: { _format_version: '3.0', services: [{ name: 's', host: 'h.internal' }] } });
    expect(posted.status).toBe(400);
    expect(posted.body).toEqual(message);
    expect(k.kong.entities('services')).toEqual([]);
  });

  it('kong/db/schema/entity.lua:53 (make_records_required): an entity\'s records come back whole, unset fields null', async () => {
    const res = await k.post('/upstreams', { body: { name: 'u.internal', healthchecks: { passive: { unhealthy: { http_failures: 3 } } } } });
    expect(res.status).toBe(201);
    expect(res.body.healthchecks.active).toMatchObject({ headers: null, https_sni: null });
    expect(res.body.healthchecks.passive.unhealthy.http_failures).toBe(3);
  });
});
