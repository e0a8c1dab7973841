/**
 * The status API cases of spec/02-integration/09-hybrid_mode/01-sync_spec.lua
 * at 3.9.3: what a control plane lists about its data planes. The data planes
 * themselves are the test's (the emulator runs no data plane): these cases
 * check the shape and the routes, not the clustering protocol.
 */
import { kongSpec } from './harness';

const NOW = Math.floor(Date.now() / 1000);
const dataPlane = (over: Record<string, unknown> = {}) => ({
  id: '00000000-0000-4000-8000-000000000001', ip: '127.0.0.1', hostname: 'dp-1', version: '3.9.3', sync_status: 'normal' as const,
  config_hash: 'a'.repeat(32), last_seen: NOW, updated_at: NOW, ttl: 14 * 86400, ...over,
});

kongSpec('spec/02-integration/09-hybrid_mode/01-sync_spec.lua', (k) => {
  describe('status API', () => {
    it('shows DP status', async () => {
      k.kong.setDataPlanes([dataPlane({ labels: { deployment: 'mycloud', region: 'us-east-1' } })]);
      const res = await k.get('/clustering/data-planes');
      expect(res.status).toBe(200);
      const dp = res.body.data.find((v: { ip: string }) => v.ip === '127.0.0.1');
      expect(Math.abs(dp.ttl - 14 * 86400)).toBeLessThanOrEqual(3);
      expect(dp.version).toMatch(/^(\d+\.\d+)\.\d+/);
      expect(dp.sync_status).toBe('normal');
      expect(dp.labels).toEqual({ deployment: 'mycloud', region: 'us-east-1' });
    });

    it('shows DP status (#deprecated)', async () => {
      k.kong.setDataPlanes([dataPlane()]);
      // `/clustering/status` is deprecated and not in our document
      const res = await k.get('/clustering/status', { undocumented: true });
      expect(res.status).toBe(200);
      expect(Object.values(res.body).some((v) => (v as { ip: string }).ip === '127.0.0.1')).toBe(true);
      expect(res.headers.get('deprecation')).toBe('true');
    });

    it('disallow updates on the status endpoint', async () => {
      k.kong.setDataPlanes([dataPlane()]);
      const { id } = (await k.get('/clustering/data-planes')).body.data[0];
      expect((await k.delete(`/clustering/data-planes/${id}`)).status).toBe(404);
      expect((await k.patch(`/clustering/data-planes/${id}`)).status).toBe(404);
    });

    it('disables the auto-generated collection endpoints', async () => {
      expect((await k.get('/clustering_data_planes')).status).toBe(404);
    });

    it('shows DP cert details', async () => {
      k.kong.setDataPlanes([dataPlane({ cert_details: { expiry_timestamp: 1888983905 } })]);
      const dp = (await k.get('/clustering/data-planes')).body.data.find((v: { ip: string }) => v.ip === '127.0.0.1');
      expect(dp.cert_details.expiry_timestamp).toBe(1888983905);
    });
  });
});

kongSpec('kong/api/routes/clustering.lua:15 at 3.9.3 (a node that is not a control plane)', (k) => {
  it('answers 400 to /clustering/data-planes', async () => {
    const res = await k.get('/clustering/data-planes');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'this endpoint is only available when Kong is configured to run as Control Plane for the cluster' });
  });
}, { role: 'traditional' });
