/**
 * spec/02-integration/04-admin_api/02-kong_routes_spec.lua at 3.9.3, its
 * `/status` cases as Kong runs them with `strategy = "off"` (a DB-less node).
 */
import { kongSpec } from './harness';

const EMPTY_CONFIG_HASH = '0'.repeat(32);

kongSpec('spec/02-integration/04-admin_api/02-kong_routes_spec.lua (strategy off)', (k) => {
  describe('/status', () => {
    it('returns status info', async () => {
      const res = await k.get('/status');
      expect(res.status).toBe(200);
      for (const f of ['connections_accepted', 'connections_active', 'connections_handled', 'connections_reading', 'connections_writing', 'connections_waiting', 'total_requests']) {
        expect(typeof res.body.server[f]).toBe('number');
      }
      // all 0 in DBLESS mode until configuration is applied
      expect(res.body.configuration_hash).toBe(EMPTY_CONFIG_HASH);
      expect(res.body.database).toBeUndefined();
    });

    it('returns status info including a configuration_hash in DBLESS mode if an initial configuration has been provided #off', async () => {
      const posted = await k.post('/config', { body: { config: '_format_version: "1.1"\nservices:\n- host: "konghq.com"\n' } });
      expect(posted.status).toBe(201);
      const res = await k.get('/status');
      expect(res.status).toBe(200);
      expect(res.body.database).toBeUndefined();
      for (const f of ['connections_accepted', 'connections_active', 'connections_handled', 'connections_reading', 'connections_writing', 'connections_waiting', 'total_requests']) {
        expect(typeof res.body.server[f]).toBe('number');
      }
      expect(typeof res.body.configuration_hash).toBe('string');
      expect(res.body.configuration_hash).toHaveLength(32);
      expect(res.body.configuration_hash).not.toBe(EMPTY_CONFIG_HASH);
    });

    it('database.reachable is `true` when DB connection is healthy', async () => {
      expect((await k.get('/status')).body.database).toBeUndefined();
    });
  });
}, { database: 'off' });
