/**
 * spec/02-integration/04-admin_api/02-kong_routes_spec.lua at 3.9.3, database
 * strategy (the `off` strategy is DB-less, not a control plane).
 */
import { CERT, KEY } from '../support';
import { kongSpec } from './harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

kongSpec('spec/02-integration/04-admin_api/02-kong_routes_spec.lua', (k) => {
  describe('/', () => {
    it('returns headers with HEAD method', async () => {
      const get = await k.get('/');
      expect(get.status).toBe(200);
      expect(get.text).not.toBe('');
      const head = await k.send('HEAD', '/');
      expect(head.status).toBe(200);
      expect(head.text).toBe('');
      const strip = (h: Headers) => Object.fromEntries([...h].filter(([name]) => !['date', 'x-kong-admin-latency'].includes(name)));
      expect(strip(head.headers)).toEqual(strip(get.headers));
    });

    it('returns allow and CORS headers with OPTIONS method', async () => {
      const res = await k.send('OPTIONS', '/', { undocumented: true });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
      expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('x-kong-admin-latency')).not.toBeNull();
    });

    it("returns Kong's version number, edition info and tagline", async () => {
      const res = await k.get('/');
      expect(res.status).toBe(200);
      expect(res.body.version).toBe('3.9.3');
      expect(res.body.edition).toBe('community');
      expect(res.body.tagline).toBe('Welcome to kong');
    });

    it('returns a UUID as the node_id', async () => {
      expect((await k.get('/')).body.node_id).toMatch(UUID);
    });

    it('response has the correct Server header', async () => {
      const res = await k.get('/');
      expect(res.status).toBe(200);
      expect(res.headers.get('server')).toBe('kong/3.9.3');
      expect(res.headers.get('via')).toBeNull();
    });

    it('returns 405 on invalid method', async () => {
      // `GEEEET` is left out: Node's HTTP parser (llhttp) refuses unknown method tokens (400) before any emulator code runs
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const res = await k.send(method, '/', { body: {} });
        expect(res.status).toBe(405);
        expect(res.body).toEqual({ message: 'Method not allowed' });
      }
    });

    it("exposes the node's configuration", async () => {
      expect(typeof (await k.get('/')).body.configuration).toBe('object');
    });

    it('enabled_in_cluster property is an array', async () => {
      expect((await k.get('/')).text).toContain('"enabled_in_cluster":[]');
    });

    it('obfuscates sensitive settings from the configuration', async () => {
      const { configuration } = (await k.get('/')).body;
      expect(typeof configuration.pg_password).toBe('string');
      expect(configuration.pg_password).not.toBe('hide_me');
    });

    it('returns process ids', async () => {
      const { pids } = (await k.get('/')).body;
      expect(String(pids.master)).toMatch(/\d+/);
      for (const w of pids.workers) expect(String(w)).toMatch(/\d+/);
    });

    it('does not return PRNG seeds', async () => {
      expect((await k.get('/')).body.prng_seeds).toBeUndefined();
    });
  });

  describe('/endpoints', () => {
    it('only returns base, plugin, and custom-plugin endpoints', async () => {
      const res = await k.get('/endpoints');
      expect(res.status).toBe(200);
      expect(res.body.data).toContain('/plugins');
      expect(res.body.data).toContain('/basic-auths/{basicauth_credentials}');
      // `/reports/send-ping` comes from the spec's reports-api fixture plugin: not in Kong OSS
    });
  });

  describe('/status', () => {
    it('returns status info', async () => {
      const res = await k.get('/status');
      expect(res.status).toBe(200);
      for (const f of ['connections_accepted', 'connections_active', 'connections_handled', 'connections_reading', 'connections_writing', 'connections_waiting', 'total_requests']) {
        expect(typeof res.body.server[f]).toBe('number');
      }
      expect(res.body.configuration_hash).toBeUndefined();
      expect(typeof res.body.database.reachable).toBe('boolean');
    });

    it('database.reachable is `true` when DB connection is healthy', async () => {
      expect((await k.get('/status')).body.database.reachable).toBe(true);
    });

    describe('memory stats', () => {
      it('returns lua_shared_dicts memory stats', async () => {
        const dicts = (await k.get('/status')).body.memory.lua_shared_dicts;
        for (const d of ['kong', 'kong_db_cache']) {
          expect(dicts[d].capacity).toMatch(/\d+\.\d+ MiB/);
          expect(dicts[d].allocated_slabs).toMatch(/\d+\.\d+ MiB/);
        }
      });

      it('returns workers Lua VM allocated memory', async () => {
        for (const w of (await k.get('/status')).body.memory.workers_lua_vms) {
          expect(w.http_allocated_gc).toMatch(/\d+\.\d+ MiB/);
          expect(typeof w.pid).toBe('number');
        }
      });

      it("accepts a 'unit' querystring argument", async () => {
        const { memory } = (await k.get('/status?unit=k')).body;
        expect(memory.lua_shared_dicts.kong.capacity).toMatch(/\d+\.\d+ KiB/);
        expect(memory.workers_lua_vms[0].http_allocated_gc).toMatch(/\d+\.\d+ KiB/);
      });

      it('when unit is bytes, returned properties are numbers', async () => {
        const { memory } = (await k.get('/status?unit=b')).body;
        expect(typeof memory.lua_shared_dicts.kong.capacity).toBe('number');
        expect(typeof memory.lua_shared_dicts.kong.allocated_slabs).toBe('number');
        expect(typeof memory.workers_lua_vms[0].http_allocated_gc).toBe('number');
      });

      it("accepts a 'scale' querystring argument", async () => {
        const { memory } = (await k.get('/status?scale=3')).body;
        expect(memory.lua_shared_dicts.kong.capacity).toMatch(/\d+\.\d{3} MiB/);
        expect(memory.workers_lua_vms[0].http_allocated_gc).toMatch(/\d+\.\d{3} MiB/);
      });

      it("returns HTTP 400 on invalid 'unit' querystring parameter", async () => {
        const res = await k.get('/status?unit=V');
        expect(res.status).toBe(400);
        expect(res.body.message).toBe("invalid unit 'V' (expected 'k/K', 'm/M', or 'g/G')");
      });
    });
  });

  describe('/schemas/:entity', () => {
    it('returns the schema of all DB entities', async () => {
      for (const name of ['services', 'routes', 'consumers', 'plugins', 'certificates', 'snis', 'ca_certificates', 'upstreams', 'targets',
        'vaults', 'keys', 'key_sets', 'keyauth_credentials', 'basicauth_credentials', 'acls']) {
        const res = await k.get(`/schemas/${name}`);
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body.fields)).toBe(true);
        expect(Array.isArray(res.body.entity_checks)).toBe(true);
      }
    });

    it('returns 404 on a missing entity', async () => {
      const res = await k.get('/schemas/not-present');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: "No entity named 'not-present'" });
    });

    it('does not return schema of a foreign key', async () => {
      const { fields } = (await k.get('/schemas/routes')).body;
      const service = fields.find((f: Record<string, unknown>) => 'service' in f).service;
      expect(service.type).toBe('foreign');
      expect(service.schema).toBeUndefined();
    });
  });

  describe('/schemas/vaults/:name', () => {
    it('returns schema of all vaults', async () => {
      expect(Array.isArray((await k.get('/schemas/vaults/env')).body.fields)).toBe(true);
    });

    it('returns 404 on a non-existent vault', async () => {
      const res = await k.get('/schemas/vaults/not-present');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: "No vault named 'not-present'" });
    });

    it('does not return 405 on /schemas/vaults/validate', async () => {
      const res = await k.post('/schemas/vaults/validate');
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('schema violation (name: required field missing)');
    });
  });

  describe('/schemas/:entity (plugins)', () => {
    it('returns schema of all plugins', async () => {
      for (const name of (await k.get('/plugins/enabled')).body.enabled_plugins) {
        const res = await k.get(`/schemas/plugins/${name}`);
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body.fields)).toBe(true);
      }
    });

    it('returns 404 on a non-existent plugin', async () => {
      const res = await k.get('/schemas/plugins/not-present');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ message: "No plugin named 'not-present'" });
    });
  });

  describe('/schemas/:db_entity_name/validate', () => {
    it('returns 200 on a valid schema', async () => {
      const res = await k.post('/schemas/services/validate', { body: { host: 'example.com' } });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('schema validation successful');
    });

    it('returns 200 on certificates schema with snis', async () => {
      const res = await k.post('/schemas/certificates/validate', { body: { cert: CERT, key: KEY, snis: ['a', 'b', 'c'] } });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('schema validation successful');
    });

    it('returns 400 on certificates schema with invalid snis', async () => {
      const res = await k.post('/schemas/certificates/validate', { body: { cert: CERT, key: KEY, snis: ['120.0.9.32:90'] } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ fields: { snis: ['must not be an IP'] }, name: 'schema violation', message: 'schema violation (snis.1: must not be an IP)', code: 2 });
    });

    it('returns 200 on a valid plugin schema', async () => {
      const res = await k.post('/schemas/plugins/validate', { body: { name: 'key-auth', config: { key_names: ['foo', 'bar'], hide_credentials: true } } });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('schema validation successful');
    });

    it('returns 400 on an invalid plugin subschema', async () => {
      const res = await k.post('/schemas/plugins/validate', { body: { name: 'key-auth', config: { keys: 'foo' } } });
      expect(res.status).toBe(400);
      expect(res.body.name).toBe('schema violation');
    });

    it('returns 200 on a valid plugin schema which contains dot in the key of custom_fields_by_lua', async () => {
      const res = await k.post('/schemas/plugins/validate', {
        body: { name: 'file-log', config: { path: 'tmp/test', custom_fields_by_lua: { 'new_field': 'return 123', 'request.headers.myheader': 'return nil' } } },
      });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('schema validation successful');
    });
  });

  describe('/non-existing', () => {
    it('returns 404 with HEAD', async () => {
      const res = await k.send('HEAD', '/non-existing');
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
    });

    for (const method of ['OPTIONS', 'GET', 'POST', 'PUT', 'DELETE']) {
      it(`returns 404 with ${method}`, async () => {
        const res = await k.send(method, '/non-existing');
        expect(res.status).toBe(404);
        expect(res.body.message).toBe('Not found');
      });
    }
  });
});
