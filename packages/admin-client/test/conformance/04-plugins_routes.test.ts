/** spec/02-integration/04-admin_api/04-plugins_routes_spec.lua at 3.9.3. */
import { kongSpec, uuid, type Harness } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The spec's lazy_setup: four services, a route each but the last, a key-auth plugin each (the fourth named `円`). */
function setup(k: Harness) {
  const services: Json[] = [];
  const plugins: Json[] = [];
  for (let i = 1; i <= 3; i++) {
    const service = k.insert('services', { name: `service-${i}`, protocol: 'http', host: '127.0.0.1', port: 15555 });
    k.insert('routes', { service: { id: service.id }, hosts: [`route_${i}.test`] });
    services.push(service);
    plugins.push(k.insert('plugins', { name: 'key-auth', instance_name: `key-auth-${i}`, service: { id: service.id }, config: { key_names: ['testkey'] } }));
  }
  const s4 = k.insert('services', { name: 'service-4', protocol: 'http', host: '127.0.0.1', port: 15555 });
  services.push(s4);
  plugins.push(k.insert('plugins', { name: 'key-auth', instance_name: '円', service: { id: s4.id }, config: { key_names: ['testkey'] } }));
  return { services, plugins };
}

kongSpec('spec/02-integration/04-admin_api/04-plugins_routes_spec.lua', (k) => {
  describe('/plugins/enabled', () => {
    it('returns a list of enabled plugins on this node', async () => {
      const res = await k.get('/plugins/enabled');
      expect(res.status).toBe(200);
      expect(res.body.enabled_plugins.length).toBeGreaterThan(0);
    });
  });

  describe('/plugins', () => {
    let services: Json[];
    let plugins: Json[];
    beforeEach(() => {
      ({ services, plugins } = setup(k));
    });

    describe('GET', () => {
      it('retrieves all plugins configured', async () => {
        const res = await k.get('/plugins');
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(4);
      });
    });

    it('returns 405 on invalid method', async () => {
      for (const method of ['DELETE', 'PATCH']) {
        const res = await k.send(method, '/plugins', { body: {} });
        expect(res.status).toBe(405);
        expect(res.body).toEqual({ message: 'Method not allowed' });
      }
    });

    describe('/plugins/{plugin}', () => {
      describe('GET', () => {
        it('retrieves a plugin by id', async () => {
          const res = await k.get(`/plugins/${plugins[0].id}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(plugins[0]);
        });

        it('retrieves a plugin by instance_name', async () => {
          const res = await k.get(`/plugins/${plugins[0].instance_name}`);
          expect(res.status).toBe(200);
          expect(res.body).toEqual(plugins[0]);
        });

        it('returns 404 if not found', async () => {
          expect((await k.get('/plugins/f4aecadc-05c7-11e6-8d41-1f3b3d5fa15c')).status).toBe(404);
        });

        it('returns 404 if not found by instance_name', async () => {
          expect((await k.get('/plugins/not-found')).status).toBe(404);
        });

        it('retrieves by utf-8 name and percent-escaped utf-8 name', async () => {
          const res = await k.get('/plugins/%E5%86%86');
          expect(res.status).toBe(200);
          expect(res.body).toEqual(plugins[3]);
        });
      });

      describe('PUT', () => {
        it('can create a plugin', async () => {
          const service = k.insert('services', { host: 'example.test' });
          k.insert('routes', { paths: ['/mypath'], service: { id: service.id } });
          const res = await k.put(`/plugins/${uuid()}`, { body: { name: 'key-auth', service: { id: service.id } } });
          expect(res.status).toBe(200);
        });

        it('can create a plugin by instance_name', async () => {
          const service = k.insert('services', { host: 'example.test' });
          const instanceName = `name-${uuid()}`;
          const res = await k.put(`/plugins/${instanceName}`, { body: { name: 'key-auth', service: { id: service.id } } });
          expect(res.status).toBe(200);
          expect(res.body.instance_name).toBe(instanceName);
        });

        it('can upsert a plugin by instance_name', async () => {
          const service = k.insert('services', { host: 'example.test' });
          const instanceName = `name-${uuid()}`;
          const first = await k.put(`/plugins/${instanceName}`, { body: { name: 'key-auth', service: { id: service.id }, config: { key_names: ['testkey'] } } });
          expect(first.status).toBe(200);
          const second = await k.put(`/plugins/${instanceName}`, { body: { name: 'key-auth', service: { id: service.id }, config: { key_names: ['testkey2'] } } });
          expect(second.status).toBe(200);
          // the spec's `assert(plugin_id, json.id)` asserts nothing: the upsert keeps the id
          expect(second.body.id).toBe(first.body.id);
          expect(second.body.config.key_names[0]).toBe('testkey2');
        });
      });

      describe('PATCH', () => {
        it('updates a plugin', async () => {
          const res = await k.patch(`/plugins/${plugins[0].id}`, { body: { enabled: false } });
          expect(res.status).toBe(200);
          expect(res.body.enabled).toBe(false);
          expect(k.kong.entities('plugins').find((p) => p.id === plugins[0].id)).toEqual(res.body);
        });

        it('updates a plugin by instance_name', async () => {
          const res = await k.patch(`/plugins/${plugins[1].instance_name}`, { body: { enabled: false } });
          expect(res.status).toBe(200);
          expect(res.body.enabled).toBe(false);
          expect(k.kong.entities('plugins').find((p) => p.id === plugins[1].id)).toEqual(res.body);
        });

        it('updates a plugin bis', async () => {
          const plugin = { ...plugins[1], enabled: !plugins[1].enabled };
          delete plugin.created_at;
          delete plugin.updated_at;
          const res = await k.patch(`/plugins/${plugin.id}`, { body: plugin });
          expect(res.status).toBe(200);
          expect(res.body.enabled).toBe(plugin.enabled);
        });

        it('updates a plugin (removing foreign key reference)', async () => {
          expect(plugins[1].service.id).toBe(services[1].id);
          const res = await k.patch(`/plugins/${plugins[1].id}`, { body: { service: null } });
          expect(res.status).toBe(200);
          expect(res.body.service).toBeNull();
          expect(k.kong.entities('plugins').find((p) => p.id === plugins[1].id)).toEqual(res.body);
        });

        it('does not infer json input', async () => {
          expect((await k.patch(`/plugins/${plugins[1].id}`, { body: { tags: null } })).status).toBe(200);
        });

        describe('errors', () => {
          it('handles invalid input', async () => {
            const res = await k.patch(`/plugins/${plugins[0].id}`, { body: { foo: 'bar' } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ message: 'schema violation (foo: unknown field)', name: 'schema violation', fields: { foo: 'unknown field' }, code: 2 });
            expect(k.kong.entities('plugins').find((p) => p.id === plugins[0].id)).toEqual(plugins[0]);
          });

          it('handles invalid config, see #9224', async () => {
            const res = await k.patch(`/plugins/${plugins[0].id}`, { body: { config: 'bar' } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ message: 'schema violation (config: expected a record)', name: 'schema violation', fields: { config: 'expected a record' }, code: 2 });
            expect(k.kong.entities('plugins').find((p) => p.id === plugins[0].id)?.config.key_names).toEqual(['testkey']);
          });

          it('returns 404 if not found', async () => {
            expect((await k.patch('/plugins/f4aecadc-05c7-11e6-8d41-1f3b3d5fa15c', { body: { enabled: false } })).status).toBe(404);
          });
        });
      });

      describe('DELETE', () => {
        it('deletes by id', async () => {
          expect((await k.delete(`/plugins/${plugins[2].id}`)).status).toBe(204);
        });

        it('deletes by instance_name', async () => {
          const res = await k.delete(`/plugins/${encodeURIComponent(plugins[3].instance_name)}`);
          expect(res.status).toBe(204);
          expect(res.text).toBe('');
          expect((await k.get(`/plugins/${encodeURIComponent(plugins[3].instance_name)}`)).status).toBe(404);
        });

        describe('errors', () => {
          it('returns 204 if not found', async () => {
            expect((await k.delete('/plugins/f4aecadc-05c7-11e6-8d41-1f3b3d5fa15c')).status).toBe(204);
          });

          it('returns 204 if not found by instance_name', async () => {
            expect((await k.delete('/plugins/not-found')).status).toBe(204);
          });
        });
      });
    });
  });

  describe('/schemas/plugins/{plugin}', () => {
    describe('GET', () => {
      it('returns the schema of all bundled plugins', async () => {
        for (const name of (await k.get('/plugins/enabled')).body.enabled_plugins) {
          const res = await k.get(`/schemas/plugins/${name}`);
          expect(res.status).toBe(200);
          expect(Array.isArray(res.body.fields)).toBe(true);
          expect(Array.isArray(res.body.entity_checks)).toBe(true);
        }
      });

      it('returns 404 on invalid plugin', async () => {
        const res = await k.get('/schemas/plugins/foobar');
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ message: "No plugin named 'foobar'" });
      });
    });
  });
});
