/**
 * spec/03-plugins/23-rate-limiting/03-api_spec.lua at 3.9.3: a traditional
 * node (database strategy). The DB-less (`off`) cases need `/config`.
 * On a control plane `cluster` is refused: the schema's own rule
 * (kong/plugins/rate-limiting/schema.lua:43 at 3.9.3), tested last.
 */
import { kongSpec } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

kongSpec('spec/03-plugins/23-rate-limiting/03-api_spec.lua', (k) => {
  describe('POST', () => {
    let route: Json;
    let route2: Json;
    beforeEach(() => {
      const service = k.insert('services', { host: 'example.test' });
      route = k.insert('routes', { hosts: ['test1.test'], protocols: ['http', 'https'], service: { id: service.id } });
      route2 = k.insert('routes', { hosts: ['test2.test'], protocols: ['http', 'https'], service: { id: service.id } });
    });

    it('should not save with empty config', async () => {
      const msg = "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'";
      const res = await k.post('/plugins', { body: { name: 'rate-limiting', route: { id: route.id } } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 2, fields: { '@entity': [msg] }, message: `schema violation (${msg})`, name: 'schema violation' });
    });

    it('should save with proper config', async () => {
      const res = await k.post('/plugins', { body: { name: 'rate-limiting', route: { id: route.id }, config: { second: 10 } } });
      expect(res.status).toBe(201);
      expect(res.body.config.second).toBe(10);
    });

    it('sets policy to local by default', async () => {
      const res = await k.post('/plugins', { body: { name: 'rate-limiting', config: { second: 10 } } });
      expect(res.status).toBe(201);
      expect(res.body.config.policy).toBe('local');
    });

    it('does allow setting policy to cluster on non-dbless', async () => {
      const res = await k.post('/plugins', { body: { name: 'rate-limiting', route: { id: route2.id }, config: { policy: 'cluster', second: 10 } } });
      expect(res.status).toBe(201);
      expect(res.body.config.policy).toBe('cluster');
    });
  });
}, { role: 'traditional' });

kongSpec('kong/plugins/rate-limiting/schema.lua:43 at 3.9.3 (a control plane has no `cluster` policy)', (k) => {
  it('refuses policy cluster on a control plane', async () => {
    const res = await k.post('/plugins', { body: { name: 'rate-limiting', config: { policy: 'cluster', second: 10 } } });
    expect(res.status).toBe(400);
    expect(res.body.fields.config).toEqual({ policy: 'expected one of: local, redis' });
  });
});
