/**
 * spec/02-integration/04-admin_api/10-services_routes_spec.lua at 3.9.3.
 * Its two "returns 409 on id conflict (same plugin id)" tests return a closure
 * that busted never calls: they assert nothing and contradict each other, so
 * they are not translated (Kong answers a duplicate id with 400, code 3:
 * kong/api/endpoints.lua:28 at 3.9.3).
 */
import { fresh, kongSpec, uuid, type Harness } from './harness';

const service = (k: Harness, extra: Record<string, unknown> = {}) => k.insert('services', { host: 'example.test', ...extra });
const named = (k: Harness) => service(k, { name: fresh('service-') });

kongSpec('spec/02-integration/04-admin_api/10-services_routes_spec.lua', (k) => {
  describe('/services', () => {
    describe('POST', () => {
      it('creates a service with application/json', async () => {
        const res = await k.post('/services', { body: { protocol: 'http', host: 'service.test' } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: null, protocol: 'http', host: 'service.test', port: 80, connect_timeout: 60000, write_timeout: 60000, read_timeout: 60000 });
        expect(typeof res.body.id).toBe('string');
        expect(typeof res.body.created_at).toBe('number');
        expect(typeof res.body.updated_at).toBe('number');
      });

      it('creates a service with url with application/json', async () => {
        const res = await k.post('/services', { body: { url: 'http://service.test/' } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ name: null, protocol: 'http', host: 'service.test', path: '/', port: 80, connect_timeout: 60000 });
      });

      it("'port' defaults to 443 when 'url' scheme is https with application/json", async () => {
        const res = await k.post('/services', { body: { url: 'https://service.test/' } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ protocol: 'https', host: 'service.test', path: '/', port: 443 });
      });

      it('client error with with empty url with application/json', async () => {
        expect((await k.post('/services', { body: { url: '' } })).status).toBe(400);
      });

      it('client error with invalid url with application/json', async () => {
        expect((await k.post('/services', { body: { url: ' ' } })).status).toBe(400);
      });
    });

    describe('GET', () => {
      describe('with data', () => {
        beforeEach(() => {
          for (let i = 0; i < 10; i++) named(k);
        });

        it('retrieves the first page', async () => {
          expect((await k.get('/services')).body.data).toHaveLength(10);
        });

        it('paginates a set', async () => {
          const pages: unknown[] = [];
          let offset: string | undefined;
          for (let i = 1; i <= 4; i++) {
            const res = await k.get('/services', { query: { size: 3, ...(offset ? { offset } : {}) } });
            expect(res.body.data).toHaveLength(i < 4 ? 3 : 1);
            if (i > 1) expect(res.body).not.toEqual(pages[i - 2]);
            offset = res.body.offset;
            pages.push(res.body);
          }
        });

        it('propagate in next a page size', async () => {
          const res = await k.get('/services', { query: { size: 3 } });
          expect(res.body.next).toBe(`/services?offset=${encodeURIComponent(res.body.offset)}&size=3`);
        });
      });

      describe('with no data', () => {
        it('data property is an empty array and not an empty hash', async () => {
          const res = await k.get('/services');
          expect(res.text).toMatch(/"data":\[\]/);
          expect(res.body).toEqual({ data: [], next: null });
        });
      });

      describe('errors', () => {
        it('handles invalid filters', async () => {
          const res = await k.get('/services', { query: { foo: 'bar' }, undocumented: true });
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ data: [], next: null });
        });

        it('ignores an invalid body', async () => {
          expect((await k.get('/services', { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });
      });
    });

    describe('/services/{service}', () => {
      describe('GET', () => {
        it('retrieves by id', async () => {
          const s = service(k);
          expect((await k.get(`/services/${s.id}`)).body).toEqual(s);
        });

        it('retrieves by name', async () => {
          const s = named(k);
          expect((await k.get(`/services/${s.name}`)).body).toEqual(s);
        });

        it('retrieves by utf-8 name and percent-escaped utf-8 name', async () => {
          const s = service(k, { name: '円' });
          const res = await k.get('/services/%E5%86%86');
          expect(res.status).toBe(200);
          expect(res.body).toEqual(s);
        });

        it('returns 404 if not found', async () => {
          expect((await k.get(`/services/${uuid()}`)).status).toBe(404);
        });

        it('returns 404 if not found by name', async () => {
          expect((await k.get('/services/not-found')).status).toBe(404);
        });

        it('ignores an invalid body', async () => {
          const s = service(k);
          expect((await k.get(`/services/${s.id}`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });

        it('ignores an invalid body by name', async () => {
          const s = named(k);
          expect((await k.get(`/services/${s.name}`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });
      });

      describe('PATCH', () => {
        it('updates if found with application/json', async () => {
          const s = service(k);
          const res = await k.patch(`/services/${s.id}`, { body: { name: null, protocol: 'https' } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ name: null, protocol: 'https', id: s.id });
          expect(k.kong.entities('services')).toEqual([res.body]);
        });

        it('updates if found by name with application/json', async () => {
          const s = named(k);
          const res = await k.patch(`/services/${s.name}`, { body: { protocol: 'https' } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ protocol: 'https', id: s.id, name: s.name });
          expect(k.kong.entities('services')).toEqual([res.body]);
        });

        it('updates with url with application/json', async () => {
          const s = service(k);
          let res = await k.patch(`/services/${s.id}`, { body: { url: 'http://example.test:443' } });
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ protocol: 'http', host: 'example.test', port: 443, path: null, id: s.id });
          res = await k.patch(`/services/${s.id}`, { body: { url: 'https://example2.test:80/' } });
          expect(res.body).toMatchObject({ protocol: 'https', host: 'example2.test', port: 80, path: '/', id: s.id });
          res = await k.patch(`/services/${s.id}`, { body: { url: 'http://example2.test' } });
          expect(res.body).toMatchObject({ protocol: 'http', host: 'example2.test', port: 80, path: null, id: s.id });
          expect(k.kong.entities('services')).toEqual([res.body]);
        });
      });

      describe('DELETE', () => {
        it('deletes a service', async () => {
          const s = service(k);
          const res = await k.delete(`/services/${s.id}`);
          expect(res.status).toBe(204);
          expect(res.text).toBe('');
          expect(k.kong.entities('services')).toEqual([]);
        });

        it('deletes a service by name', async () => {
          const s = named(k);
          expect((await k.delete(`/services/${s.name}`)).status).toBe(204);
          expect(k.kong.entities('services')).toEqual([]);
        });

        describe('errors', () => {
          it('returns HTTP 204 even if not found', async () => {
            expect((await k.delete(`/services/${uuid()}`)).status).toBe(204);
          });

          it('returns HTTP 204 even if not found by name', async () => {
            expect((await k.delete('/services/not-found')).status).toBe(204);
          });
        });
      });
    });

    describe('/services/{service}/routes', () => {
      it('lists all routes belonging to service with application/json', async () => {
        const s = k.insert('services', { protocol: 'http', host: 'service.test' });
        const r = k.insert('routes', { protocols: ['http'], hosts: ['service.test'], service: { id: s.id } });
        k.insert('routes', { protocols: ['http'], hosts: ['service.test'] });
        const res = await k.get(`/services/${s.id}/routes`, { headers: { 'content-type': 'application/json' } });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ data: [r], next: null });
      });
    });

    describe('/services/{service}/plugins', () => {
      describe('POST', () => {
        it('creates a plugin config for a Service with application/json', async () => {
          const s = service(k);
          const res = await k.post(`/services/${s.id}/plugins`, { body: { name: 'key-auth', config: { key_names: ['apikey', 'key'] } } });
          expect(res.status).toBe(201);
          expect(res.body.name).toBe('key-auth');
          expect(res.body.config.key_names).toEqual(['apikey', 'key']);
        });

        it('references a Service by name with application/json', async () => {
          const s = named(k);
          const res = await k.post(`/services/${s.name}/plugins`, { body: { name: 'key-auth', config: { key_names: ['apikey', 'key'] } } });
          expect(res.status).toBe(201);
          expect(res.body.config.key_names).toEqual(['apikey', 'key']);
        });

        describe('errors', () => {
          it('handles invalid input with application/json', async () => {
            const s = service(k);
            const res = await k.post(`/services/${s.id}/plugins`, { body: {} });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ code: 2, name: 'schema violation', message: 'schema violation (name: required field missing)', fields: { name: 'required field missing' } });
          });

          it('returns 409 on conflict (same plugin name) with application/json', async () => {
            const s = service(k);
            expect((await k.post(`/services/${s.id}/plugins`, { body: { name: 'basic-auth' } })).status).toBe(201);
            const res = await k.post(`/services/${s.id}/plugins`, { body: { name: 'basic-auth' } });
            expect(res.status).toBe(409);
            expect(res.body).toEqual({
              code: 5, name: 'unique constraint violation',
              fields: { consumer: null, name: 'basic-auth', route: null, service: { id: s.id } },
              message: `UNIQUE violation detected on '{consumer=null,name="basic-auth",route=null,service={id="${s.id}"}}'`,
            });
          });
        });
      });

      describe('PATCH', () => {
        const setup = () => {
          const s = service(k);
          k.insert('routes', { service: { id: s.id }, hosts: ['example.test'] });
          return { s, plugin: k.insert('plugins', { name: 'key-auth', service: { id: s.id }, config: { key_names: ['testkey'] } }) };
        };

        it('updates a plugin', async () => {
          const { s, plugin } = setup();
          const res = await k.patch(`/services/${s.id}/plugins/${plugin.id}`, { body: { enabled: false } });
          expect(res.status).toBe(200);
          expect(res.body.enabled).toBe(false);
          expect(k.kong.entities('plugins')).toEqual([res.body]);
        });

        it('updates a plugin bis', async () => {
          const { s, plugin } = setup();
          const body: Record<string, unknown> = { ...plugin, enabled: !plugin.enabled };
          delete body.created_at;
          delete body.updated_at;
          const res = await k.patch(`/services/${s.id}/plugins/${plugin.id}`, { body });
          expect(res.status).toBe(200);
          expect(res.body.enabled).toBe(body.enabled);
        });

        it('updates a plugin (removing foreign key reference)', async () => {
          const s = service(k);
          const plugin = k.insert('plugins', { name: 'key-auth', service: { id: s.id } });
          const res = await k.patch(`/services/${s.id}/plugins/${plugin.id}`, { body: { service: null } });
          expect(res.status).toBe(200);
          expect(res.body.service).toBeNull();
          expect(k.kong.entities('plugins')).toEqual([res.body]);
        });

        describe('errors', () => {
          it('handles invalid input', async () => {
            const { s, plugin } = setup();
            const res = await k.patch(`/services/${s.id}/plugins/${plugin.id}`, { body: { foo: 'bar' } });
            expect(res.status).toBe(400);
            expect(res.body).toEqual({ message: 'schema violation (foo: unknown field)', name: 'schema violation', fields: { foo: 'unknown field' }, code: 2 });
            expect(k.kong.entities('plugins')).toEqual([plugin]);
          });

          it('returns 404 if not found', async () => {
            const s = service(k);
            expect((await k.patch(`/services/${s.id}/plugins/f4aecadc-05c7-11e6-8d41-1f3b3d5fa15c`, { body: { enabled: false } })).status).toBe(404);
          });
        });
      });

      describe('GET', () => {
        it('retrieves the first page', async () => {
          const s = service(k);
          k.insert('plugins', { name: 'key-auth', service: { id: s.id } });
          expect((await k.get(`/services/${s.id}/plugins`)).body.data).toHaveLength(1);
        });

        it('ignores an invalid body', async () => {
          const s = service(k);
          expect((await k.get(`/services/${s.id}/plugins`, { raw: 'this fails if decoded as json', headers: { 'content-type': 'application/json' }, undocumented: true })).status).toBe(200);
        });
      });
    });

    describe('/services/{service}/plugins/{plugin}', () => {
      const setup = (instanceName?: string) => {
        const s = service(k);
        return { s, plugin: k.insert('plugins', { name: 'key-auth', service: { id: s.id }, ...(instanceName ? { instance_name: instanceName } : {}) }) };
      };

      it('retrieves a plugin by id', async () => {
        const { s, plugin } = setup();
        expect((await k.get(`/services/${s.id}/plugins/${plugin.id}`)).body).toEqual(plugin);
      });

      it('retrieves a plugin by instance_name', async () => {
        const { s, plugin } = setup(`name-${uuid()}`);
        expect((await k.get(`/services/${s.id}/plugins/${plugin.instance_name}`)).body).toEqual(plugin);
      });

      it('deletes a plugin by id', async () => {
        const { s, plugin } = setup();
        expect((await k.delete(`/services/${s.id}/plugins/${plugin.id}`)).status).toBe(204);
        expect(k.kong.entities('plugins')).toEqual([]);
      });

      it('deletes a plugin by instance_name', async () => {
        const { s, plugin } = setup(`name-${uuid()}`);
        expect((await k.delete(`/services/${s.id}/plugins/${plugin.instance_name}`)).status).toBe(204);
        expect(k.kong.entities('plugins')).toEqual([]);
      });
    });

    describe('errors', () => {
      it('handles malformed JSON body', async () => {
        const res = await k.post('/services', { raw: '{"hello": "world"', headers: { 'content-type': 'application/json' } });
        expect(res.status).toBe(400);
        expect(res.text).toBe('{"message":"Cannot parse JSON body"}');
      });

      it('handles invalid input with application/json', async () => {
        let res = await k.post('/services', { body: {} });
        expect(res.status).toBe(400);
        expect(res.body.fields).toEqual({ host: 'required field missing' });
        res = await k.post('/services', { body: { host: 'example.test', protocol: 'foo' } });
        expect(res.status).toBe(400);
        expect(res.body.fields).toEqual({ protocol: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp' });
      });

      it('handles invalid url  with application/json', async () => {
        const res = await k.post('/services', { body: { url: 'invalid url' } });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          name: 'schema violation', code: 2, message: '2 schema violations (host: required field missing; path: should start with: /)',
          fields: { host: 'required field missing', path: 'should start with: /' },
        });
      });
    });
  });
});
