/**
 * spec/02-integration/04-admin_api/16-ca_certificates_routes_spec.lua at 3.9.3.
 * Kong's fixtures map to ours: cert_ca and the spec's inline CA → ca; cert
 * (not a CA) → rsa; cert_alt, the expired one → expired-ca.
 */
import { TLS } from '../support';
import { kongSpec } from './harness';

const NOT_CA = 'schema violation (certificate does not appear to be a CA because it is missing the "CA" basic constraint)';
const EXPIRED = 'schema violation (certificate expired, "Not After" time is in the past)';

kongSpec('spec/02-integration/04-admin_api/16-ca_certificates_routes_spec.lua', (k) => {
  it('GET', async () => {
    expect((await k.get('/ca_certificates')).body.data).toHaveLength(0);
    expect((await k.post('/ca_certificates', { body: { cert: TLS.ca } })).status).toBe(201);
    const res = await k.get('/ca_certificates');
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].cert).toBe(TLS.ca);
  });

  describe('POST', () => {
    it('succeeds', async () => {
      expect((await k.post('/ca_certificates', { body: { cert: TLS.ca } })).status).toBe(201);
    });

    it('missing field', async () => {
      const res = await k.post('/ca_certificates', { body: {} });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('schema violation (cert: required field missing)');
    });

    it('non CA cert', async () => {
      const res = await k.post('/ca_certificates', { body: { cert: TLS.rsa } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(NOT_CA);
    });

    it('expired cert', async () => {
      const res = await k.post('/ca_certificates', { body: { cert: TLS['expired-ca'] } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(EXPIRED);
    });

    it('multiple certs', async () => {
      const res = await k.post('/ca_certificates', { body: { cert: `${TLS.rsa}\n${TLS.rsa}` } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('schema violation (please submit only one certificate at a time)');
    });
  });

  describe('DELETE', () => {
    it('not allowed to delete if it is referenced by other entities', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      const service = await k.post('/services/', { body: { url: 'https://127.0.0.1:15555', protocol: 'https', ca_certificates: [ca.id] } });
      expect(service.status).toBe(201);
      const res = await k.delete(`/ca_certificates/${ca.id}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(`ca certificate ${ca.id} is still referenced by services (id = ${service.body.id})`);
      expect((await k.delete(`/services/${service.body.id}`)).status).toBe(204);
    });

    it('works', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      expect((await k.delete(`/ca_certificates/${ca.id}`)).status).toBe(204);
      expect((await k.get('/ca_certificates')).body.data).toHaveLength(0);
    });
  });

  describe('PATCH', () => {
    it('non CA cert', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      const res = await k.patch(`/ca_certificates/${ca.id}`, { body: { cert: TLS.rsa } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(NOT_CA);
    });

    it('expired cert', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      const res = await k.patch(`/ca_certificates/${ca.id}`, { body: { cert: TLS['expired-ca'] } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(EXPIRED);
    });

    it('works', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca, tags: ['before'] });
      k.clock.advance(1);
      const res = await k.patch(`/ca_certificates/${ca.id}`, { body: { cert: TLS.ca } });
      expect(res.status).toBe(200);
      expect(ca.updated_at).toBeLessThan(res.body.updated_at);
    });
  });

  describe('PUT', () => {
    it('missing field', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      const res = await k.put(`/ca_certificates/${ca.id}`, { body: {} });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('schema violation (cert: required field missing)');
    });

    it('non CA cert', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      const res = await k.put(`/ca_certificates/${ca.id}`, { body: { cert: TLS.rsa } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(NOT_CA);
    });

    it('expired cert', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      const res = await k.put(`/ca_certificates/${ca.id}`, { body: { cert: TLS['expired-ca'] } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(EXPIRED);
    });

    it('updates existing cert', async () => {
      const ca = k.insert('ca_certificates', { cert: TLS.ca });
      expect((await k.put(`/ca_certificates/${ca.id}`, { body: { cert: TLS.ca } })).status).toBe(200);
      const res = await k.get('/ca_certificates');
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0].cert).toBe(TLS.ca);
    });

    it('creates new cert when uuid does not exist', async () => {
      expect((await k.put('/ca_certificates/123e4567-e89b-12d3-a456-426655440000', { body: { cert: TLS.ca } })).status).toBe(200);
      const res = await k.get('/ca_certificates/123e4567-e89b-12d3-a456-426655440000');
      expect(res.status).toBe(200);
      expect(res.body.cert).toBe(TLS.ca);
    });
  });
});
