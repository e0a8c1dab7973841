/**
 * spec/02-integration/04-admin_api/06-certificates_routes_spec.lua at 3.9.3.
 * Kong's spec/fixtures/ssl.lua pairs are our test/fixtures/tls ones:
 * cert/key → rsa, cert_alt/key_alt → rsa-alt, cert_ecdsa → ecdsa,
 * cert_alt_ecdsa → ecdsa-alt.
 */
import { TLS } from '../support';
import { fresh, kongSpec, uuid, type Harness } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ssl = {
  cert: TLS.rsa, key: TLS['rsa-key'], cert_alt: TLS['rsa-alt'], key_alt: TLS['rsa-alt-key'],
  cert_ecdsa: TLS.ecdsa, key_ecdsa: TLS['ecdsa-key'], cert_alt_ecdsa: TLS['ecdsa-alt'], key_alt_ecdsa: TLS['ecdsa-alt-key'],
};
const name = () => `${fresh('name')}.test`;

async function addCertificate(k: Harness): Promise<[Json, string[]]> {
  const names = [name(), name()];
  const certificate = { cert: ssl.cert, key: ssl.key, snis: names };
  const validated = await k.post('/schemas/certificates/validate', { body: certificate });
  expect(validated.status).toBe(200);
  expect(validated.body.message).toBe('schema validation successful');
  const res = await k.post('/certificates', { body: certificate });
  expect(res.status).toBe(201);
  return [res.body, names];
}

async function addCertificateWithAltCert(k: Harness): Promise<[Json, string[]]> {
  const names = [name(), name()];
  const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, cert_alt: ssl.cert_ecdsa, key_alt: ssl.key_ecdsa, snis: names } });
  expect(res.status).toBe(201);
  return [res.body, names];
}

async function getCertificates(k: Harness): Promise<Json> {
  const res = await k.get('/certificates');
  expect(res.status).toBe(200);
  for (const c of res.body.data) delete c.updated_at;
  return res.body;
}

kongSpec('spec/02-integration/04-admin_api/06-certificates_routes_spec.lua', (k) => {
  describe('/certificates', () => {
    describe('GET', () => {
      it('retrieves all certificates with snis', async () => {
        const mySnis = Array.from({ length: 150 }, (_, i) => `my-sni-${String(i + 1).padStart(3, '0')}.test`);
        expect((await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, snis: mySnis } })).status).toBe(201);
        const json = await getCertificates(k);
        expect(json.data).toHaveLength(1);
        expect(typeof json.data[0].cert).toBe('string');
        expect(typeof json.data[0].key).toBe('string');
        expect(json.data[0].cert_alt).toBeNull();
        expect(json.data[0].key_alt).toBeNull();
        expect(json.data[0].snis).toEqual(mySnis);
      });
    });

    describe('POST', () => {
      it('returns a conflict when duplicated snis are present in the request', async () => {
        const [n1, n2] = [name(), name()];
        const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, snis: [n1, n2, n1] } });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe(`schema violation (snis: ${n1} is duplicated)`);
        for (const c of (await getCertificates(k)).data) expect(c.snis).not.toEqual(expect.arrayContaining([n1]));
      });

      it('returns a conflict when a pre-existing sni is detected', async () => {
        const [n1, n2] = [name(), name()];
        expect((await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, snis: [n1] } })).status).toBe(201);
        const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, snis: [n1, n2] } });
        expect(res.status).toBe(400);
        expect(res.body.message).toContain(`snis: ${n1} already associated with existing certificate`);
        for (const c of (await getCertificates(k)).data) expect(c.snis).not.toContain(n2);
      });

      it('creates a certificate and returns it with the snis pseudo-property with application/json', async () => {
        const [n1, n2] = [name(), name()];
        const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, snis: [n1, n2] } });
        expect(res.status).toBe(201);
        expect(typeof res.body.cert).toBe('string');
        expect(typeof res.body.key).toBe('string');
        expect(res.body.cert_alt).toBeNull();
        expect(res.body.key_alt).toBeNull();
        expect(res.body.snis).toEqual([n1, n2]);
      });

      it('returns snis as [] when none is set with application/json', async () => {
        const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key } });
        expect(res.status).toBe(201);
        expect(res.body.cert_alt).toBeNull();
        expect(res.body.key_alt).toBeNull();
        expect(res.text).toContain('"snis":[]');
      });
    });
  });

  describe('/certificates/cert_id_or_sni', () => {
    describe('GET', () => {
      it('retrieves a certificate by id', async () => {
        const [certificate, names] = await addCertificate(k);
        const res = await k.get(`/certificates/${certificate.id}`);
        expect(res.status).toBe(200);
        expect(res.body.cert_alt).toBeNull();
        expect(res.body.key_alt).toBeNull();
        expect(res.body.snis).toEqual(names);
      });

      it('retrieves a certificate by id with alternate certificate', async () => {
        const [certificate, names] = await addCertificateWithAltCert(k);
        const res = await k.get(`/certificates/${certificate.id}`);
        expect(res.status).toBe(200);
        expect(typeof res.body.cert_alt).toBe('string');
        expect(typeof res.body.key_alt).toBe('string');
        expect(res.body.snis).toEqual(names);
      });

      it('retrieves a certificate by sni', async () => {
        const [, names] = await addCertificate(k);
        const one = await k.get(`/certificates/${names[0]}`);
        const two = await k.get(`/certificates/${names[1]}`);
        expect(one.status).toBe(200);
        expect(one.body.cert_alt).toBeNull();
        expect(one.body.snis).toEqual(names);
        expect(one.body).toEqual(two.body);
      });

      it('retrieves a certificate by sni with alternate certificate', async () => {
        const [, names] = await addCertificateWithAltCert(k);
        const one = await k.get(`/certificates/${names[0]}`);
        const two = await k.get(`/certificates/${names[1]}`);
        expect(one.status).toBe(200);
        expect(typeof one.body.cert_alt).toBe('string');
        expect(one.body.snis).toEqual(names);
        expect(one.body).toEqual(two.body);
      });

      it('returns 404 for a random non-existing uuid', async () => {
        expect((await k.get(`/certificates/${uuid()}`)).status).toBe(404);
      });

      it('returns 404 for a random non-existing sni', async () => {
        expect((await k.get('/certificates/doesntexist.test')).status).toBe(404);
      });
    });

    describe('PUT', () => {
      it('creates if not found', async () => {
        const n1 = name();
        const id = uuid();
        const res = await k.put(`/certificates/${id}`, { body: { cert: ssl.cert, key: ssl.key, snis: [n1] } });
        expect(res.status).toBe(200);
        expect(res.body.cert).toBe(ssl.cert);
        expect(res.body.cert_alt).toBeNull();
        expect(res.body.key_alt).toBeNull();
        expect(res.body.snis).toEqual([n1]);
        expect(k.kong.entities('certificates')).toEqual([res.body]);
      });

      it('creates a new sni when provided in the url', async () => {
        const [n1, n2] = [name(), name()];
        const res = await k.put(`/certificates/${n1}`, { body: { cert: ssl.cert, key: ssl.key, snis: [n2] } });
        expect(res.status).toBe(200);
        expect(res.body.cert).toBe(ssl.cert);
        expect(res.body.snis).toEqual([n1, n2]);
        expect(k.kong.entities('certificates')).toEqual([res.body]);
      });

      it('creates a new sni when provided in the url (with sni duplicated in url and body)', async () => {
        const [n1, n2] = [name(), name()];
        const res = await k.put(`/certificates/${n1}`, { body: { cert: ssl.cert, key: ssl.key, snis: [n1, n2] } });
        expect(res.status).toBe(200);
        expect(res.body.snis).toEqual([n1, n2]);
        expect(k.kong.entities('certificates')).toEqual([res.body]);
      });

      it('upserts if found', async () => {
        const [certificate] = await addCertificate(k);
        k.clock.advance(1);
        const res = await k.put(`/certificates/${certificate.id}`, { body: { cert: ssl.cert_alt, key: ssl.key_alt } });
        expect(res.status).toBe(200);
        expect(res.body.cert).toBe(ssl.cert_alt);
        expect(res.body.key).toBe(ssl.key_alt);
        expect(res.body.cert_alt).toBeNull();
        expect(res.body.key_alt).toBeNull();
        expect(res.body.snis).toEqual([]);
        expect(certificate.updated_at).toBeLessThan(res.body.updated_at);
        expect(k.kong.entities('certificates')).toEqual([res.body]);
      });

      it('upserts if found with alternate certificate', async () => {
        const [certificate] = await addCertificateWithAltCert(k);
        const res = await k.put(`/certificates/${certificate.id}`, { body: { cert: ssl.cert_alt, key: ssl.key_alt, cert_alt: ssl.cert_alt_ecdsa, key_alt: ssl.key_alt_ecdsa } });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ cert: ssl.cert_alt, key: ssl.key_alt, cert_alt: ssl.cert_alt_ecdsa, key_alt: ssl.key_alt_ecdsa, snis: [] });
        expect(k.kong.entities('certificates')).toEqual([res.body]);
      });

      it('handles invalid input', async () => {
        const res = await k.put(`/certificates/${uuid()}`, { body: {} });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          code: 2, name: 'schema violation', message: '2 schema violations (cert: required field missing; key: required field missing)',
          fields: { cert: 'required field missing', key: 'required field missing' },
        });
      });

      it('handles invalid input with alternate certificate', async () => {
        const res = await k.put(`/certificates/${uuid()}`, { body: { cert: ssl.cert, key: ssl.key, cert_alt: ssl.cert_ecdsa } });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          code: 2, name: 'schema violation', message: "schema violation (all or none of these fields must be set: 'cert_alt', 'key_alt')",
          fields: { '@entity': ["all or none of these fields must be set: 'cert_alt', 'key_alt'"] },
        });
      });

      it('handles mismatched keys/certificates', async () => {
        const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key_alt } });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          code: 2, name: 'schema violation', message: 'schema violation (certificate does not match key)', fields: { '@entity': ['certificate does not match key'] },
        });
      });

      it('handles mismatched keys/certificates with alternate certificate', async () => {
        const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, cert_alt: ssl.cert_ecdsa, key_alt: ssl.key_alt_ecdsa } });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          code: 2, name: 'schema violation', message: 'schema violation (alternative certificate does not match key)',
          fields: { '@entity': ['alternative certificate does not match key'] },
        });
      });

      it('errors on non-distinct certs', async () => {
        const message = 'certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type';
        const res = await k.post('/certificates', { body: { cert: ssl.cert, key: ssl.key, cert_alt: ssl.cert, key_alt: ssl.key } });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ code: 2, name: 'schema violation', message: `schema violation (${message})`, fields: { '@entity': [message] } });
      });
    });

    describe('PATCH', () => {
      it('updates a certificate by cert id with application/json', async () => {
        const [certificate] = await addCertificate(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { cert: ssl.cert_alt, key: ssl.key_alt } });
        expect(res.status).toBe(200);
        expect(res.body.cert).toBe(ssl.cert_alt);
        expect(res.body.cert_alt).toBeNull();
        expect(res.body.key_alt).toBeNull();
      });

      it('updates a certificate by cert id with alternate certificate with application/json', async () => {
        const [certificate] = await addCertificateWithAltCert(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { cert: ssl.cert_alt, key: ssl.key_alt, cert_alt: ssl.cert_alt_ecdsa, key_alt: ssl.key_alt_ecdsa } });
        expect(res.status).toBe(200);
        expect(res.body.cert).toBe(ssl.cert_alt);
        expect(res.body.cert_alt).toBe(ssl.cert_alt_ecdsa);
      });

      it('update by id returns full certificate with application/json', async () => {
        const [certificate] = await addCertificate(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: {} });
        expect(res.status).toBe(200);
        expect({ ...res.body, updated_at: undefined }).toEqual({ ...certificate, updated_at: undefined });
      });

      it('update by id returns full certificate with alternative certificate with application/json', async () => {
        const [certificate] = await addCertificateWithAltCert(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: {} });
        expect(res.status).toBe(200);
        expect({ ...res.body, updated_at: undefined }).toEqual({ ...certificate, updated_at: undefined });
      });

      it('updates a certificate by sni with application/json', async () => {
        const [, names] = await addCertificate(k);
        const res = await k.patch(`/certificates/${names[0]}`, { body: { cert: ssl.cert_alt, key: ssl.key_alt } });
        expect(res.status).toBe(200);
        expect(res.body.cert).toBe(ssl.cert_alt);
        expect(res.body.cert_alt).toBeNull();
        expect(res.body.key_alt).toBeNull();
      });

      it('updates a certificate by sni with alternate certificate with application/json', async () => {
        const [, names] = await addCertificateWithAltCert(k);
        const res = await k.patch(`/certificates/${names[0]}`, { body: { cert: ssl.cert_alt, key: ssl.key_alt, cert_alt: ssl.cert_alt_ecdsa, key_alt: ssl.key_alt_ecdsa } });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ cert: ssl.cert_alt, key: ssl.key_alt, cert_alt: ssl.cert_alt_ecdsa, key_alt: ssl.key_alt_ecdsa });
      });

      it('update by sni returns full certificate with application/json', async () => {
        const [certificate, names] = await addCertificate(k);
        const res = await k.patch(`/certificates/${names[0]}`, { body: {} });
        expect(res.status).toBe(200);
        expect({ ...res.body, updated_at: undefined }).toEqual({ ...certificate, updated_at: undefined });
      });

      it('update by sni returns full certificate with alternate certificate with application/json', async () => {
        const [certificate, names] = await addCertificateWithAltCert(k);
        const res = await k.patch(`/certificates/${names[0]}`, { body: {} });
        expect(res.status).toBe(200);
        expect({ ...res.body, updated_at: undefined }).toEqual({ ...certificate, updated_at: undefined });
      });

      it('returns 404 for a random non-existing id', async () => {
        const n1 = name();
        const res = await k.patch(`/certificates/${uuid()}`, { body: { cert: ssl.cert, key: ssl.key, snis: [n1] } });
        expect(res.status).toBe(404);
        for (const c of (await getCertificates(k)).data) expect(c.snis).not.toContain(n1);
      });

      it('updates snis associated with a certificate', async () => {
        const [certificate] = await addCertificate(k);
        const n1 = name();
        const before = await getCertificates(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { snis: [n1] } });
        expect(res.status).toBe(200);
        expect(res.body.snis).toEqual([n1]);
        const after = await getCertificates(k);
        expect(after.data).toHaveLength(before.data.length);
        for (const [i, c] of after.data.entries()) expect(c.snis).toEqual(c.id === certificate.id ? [n1] : before.data[i].snis);
      });

      it('updates snis associated with a certificate with alternate certificate', async () => {
        const [certificate] = await addCertificateWithAltCert(k);
        const n1 = name();
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { snis: [n1] } });
        expect(res.status).toBe(200);
        expect(res.body.snis).toEqual([n1]);
        expect((await getCertificates(k)).data.find((c: Json) => c.id === certificate.id).snis).toEqual([n1]);
      });

      it('updates only the certificate if no snis are specified', async () => {
        const [certificate, names] = await addCertificate(k);
        const before = await getCertificates(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { cert: ssl.cert, key: ssl.key } });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ snis: names, cert: ssl.cert, key: ssl.key, cert_alt: null, key_alt: null });
        const read = await k.get(`/certificates/${certificate.id}`);
        expect(read.body).toMatchObject({ cert: ssl.cert, key: ssl.key, cert_alt: null, key_alt: null });
        expect(await getCertificates(k)).toEqual(before);
      });

      it('returns a conflict when duplicated snis are present in the request', async () => {
        const [certificate] = await addCertificate(k);
        const before = await getCertificates(k);
        const n1 = name();
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { snis: [n1, n1] } });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe(`schema violation (snis: ${n1} is duplicated)`);
        expect(await getCertificates(k)).toEqual(before);
      });

      it('returns a conflict when a pre-existing sni present in the request is associated with another certificate', async () => {
        const [certificate] = await addCertificate(k);
        const [certificate2, names2] = await addCertificate(k);
        const before = await getCertificates(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { snis: names2 } });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe(`schema violation (snis: ${names2[0]} already associated with existing certificate '${certificate2.id}')`);
        expect(await getCertificates(k)).toEqual(before);
      });

      it('deletes all snis from a certificate if snis field is JSON null', async () => {
        const [certificate] = await addCertificate(k);
        const before = await getCertificates(k);
        const res = await k.patch(`/certificates/${certificate.id}`, { body: { snis: null } });
        expect(res.status).toBe(200);
        expect(res.body.snis).toHaveLength(0);
        expect(res.text).toContain('"snis":[]');
        const after = await getCertificates(k);
        expect(after.data).toHaveLength(before.data.length);
        for (const [i, c] of after.data.entries()) expect(c.snis).toEqual(c.id === certificate.id ? [] : before.data[i].snis);
      });
    });

    describe('DELETE', () => {
      it('deletes a certificate and all related snis', async () => {
        const before = await getCertificates(k);
        const [, names] = await addCertificate(k);
        expect((await k.delete(`/certificates/${names[0]}`)).status).toBe(204);
        expect(await getCertificates(k)).toEqual(before);
      });

      it('deletes a certificate by id', async () => {
        const before = await getCertificates(k);
        const [certificate] = await addCertificate(k);
        expect((await k.delete(`/certificates/${certificate.id}`)).status).toBe(204);
        expect(await getCertificates(k)).toEqual(before);
      });
    });
  });

  describe('/certificates/:certificate/snis', () => {
    describe('POST', () => {
      describe('errors', () => {
        it("certificate doesn't exist", async () => {
          const res = await k.post('/certificates/585e4c16-c656-11e6-8db9-5f512d8a12cd/snis', { body: { name: name() } });
          expect(res.status).toBe(404);
          expect(res.body.message).toBe('Not found');
        });
      });

      it('creates a sni using a certificate id with application/json', async () => {
        const [certificate] = await addCertificate(k);
        const n1 = name();
        const res = await k.post(`/certificates/${certificate.id}/snis`, { body: { name: n1 } });
        expect(res.status).toBe(201);
        expect(res.body.name).toBe(n1);
        expect(res.body.certificate.id).toBe(certificate.id);
      });

      it('creates a sni using a sni to id the certificate with application/json', async () => {
        const [certificate, names] = await addCertificate(k);
        const n1 = name();
        const res = await k.post(`/certificates/${names[0]}/snis`, { body: { name: n1 } });
        expect(res.status).toBe(201);
        expect(res.body.name).toBe(n1);
        expect(res.body.certificate.id).toBe(certificate.id);
      });

      it('returns a conflict when an sni already exists', async () => {
        const [certificate, names] = await addCertificate(k);
        const res = await k.post(`/certificates/${certificate.id}/snis`, { body: { name: names[0] } });
        expect(res.status).toBe(409);
        expect(res.body.name).toBe('unique constraint violation');
      });
    });

    describe('GET', () => {
      it('retrieves a list of snis', async () => {
        const n1 = name();
        const certificate = k.insert('certificates', { cert: ssl.cert, key: ssl.key });
        k.insert('snis', { name: n1, certificate: { id: certificate.id } });
        const res = await k.get(`/certificates/${certificate.id}/snis`);
        expect(res.status).toBe(200);
        expect(res.body.data).toHaveLength(1);
        expect(res.body.data[0].name).toBe(n1);
        expect(res.body.data[0].certificate.id).toBe(certificate.id);
      });
    });
  });

  describe('/snis/:name', () => {
    describe('wildcard snis', () => {
      describe('POST', () => {
        it('creates with prefix wildcard', async () => {
          const [certificate] = await addCertificate(k);
          const n1 = name();
          const res = await k.post('/snis', { body: { name: `*.${n1}`, certificate: { id: certificate.id } } });
          expect(res.status).toBe(201);
          expect(res.body.name).toBe(`*.${n1}`);
          expect(res.body.certificate.id).toBe(certificate.id);
        });

        it('creates with suffix wildcard', async () => {
          const [certificate] = await addCertificate(k);
          const n1 = name();
          const res = await k.post('/snis', { body: { name: `${n1}.*`, certificate: { id: certificate.id } } });
          expect(res.status).toBe(201);
          expect(res.body.name).toBe(`${n1}.*`);
        });

        it('rejects invalid SNIs', async () => {
          const [certificate] = await addCertificate(k);
          const res = await k.post('/snis', { body: { name: '*.wildcard.*', certificate: { id: certificate.id } } });
          expect(res.status).toBe(400);
          expect(res.body.fields.name).toBe('only one wildcard must be specified');
        });
      });

      describe('GET', () => {
        it('retrieves a wildcard SNI using the name', async () => {
          const [certificate] = await addCertificate(k);
          k.insert('snis', { name: '*.wildcard.test', certificate: { id: certificate.id } });
          const res = await k.get('/snis/%2A.wildcard.test');
          expect(res.status).toBe(200);
          expect(res.body.name).toBe('*.wildcard.test');
        });
      });
    });

    describe('GET', () => {
      it('retrieves a sni using the name', async () => {
        const [certificate, names] = await addCertificate(k);
        const res = await k.get(`/snis/${names[0]}`);
        expect(res.status).toBe(200);
        expect(res.body.name).toBe(names[0]);
        expect(res.body.certificate.id).toBe(certificate.id);
      });

      it('retrieves a sni using the id', async () => {
        const [certificate] = await addCertificate(k);
        const n1 = name();
        const sni = k.insert('snis', { name: n1, certificate: { id: certificate.id } });
        const res = await k.get(`/snis/${sni.id}`);
        expect(res.status).toBe(200);
        expect(res.body.name).toBe(n1);
        expect(res.body.certificate.id).toBe(certificate.id);
      });
    });

    describe('PUT', () => {
      it('creates if not found', async () => {
        const [certificate] = await addCertificate(k);
        const n1 = name();
        const id = uuid();
        const res = await k.put(`/snis/${id}`, { body: { certificate: { id: certificate.id }, name: n1 } });
        expect(res.status).toBe(200);
        expect(res.body.name).toBe(n1);
        expect(k.kong.entities('snis').find((s) => s.id === id)).toEqual(res.body);
      });

      it('updates if found', async () => {
        const [certificate] = await addCertificate(k);
        const sni = k.insert('snis', { name: name(), certificate: { id: certificate.id } });
        const n2 = name();
        k.clock.advance(1);
        const res = await k.put(`/snis/${sni.id}`, { body: { name: n2, certificate: { id: certificate.id } } });
        expect(res.status).toBe(200);
        expect(res.body.name).toBe(n2);
        expect(k.kong.entities('snis').find((s) => s.id === sni.id)).toEqual(res.body);
        expect(sni.updated_at).toBeLessThan(res.body.updated_at);
      });

      it('handles invalid input', async () => {
        const res = await k.put(`/snis/${uuid()}`, { body: {} });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          code: 2, name: 'schema violation', message: '2 schema violations (certificate: required field missing; name: required field missing)',
          fields: { certificate: 'required field missing', name: 'required field missing' },
        });
      });
    });

    describe('PATCH', () => {
      for (const [title, alt] of [['updates a sni', false], ['updates a sni with alternate certificate', true]] as const) {
        it(title, async () => {
          const [certificate, names] = await addCertificate(k);
          const certificate2 = k.insert('certificates', alt
            ? { cert: ssl.cert_alt, key: ssl.key_alt, cert_alt: ssl.cert_alt_ecdsa, key_alt: ssl.key_alt_ecdsa }
            : { cert: ssl.cert_alt, key: ssl.key_alt });
          const res = await k.patch(`/snis/${names[0]}`, { body: { certificate: { id: certificate2.id } } });
          expect(res.status).toBe(200);
          expect(res.body.certificate.id).toBe(certificate2.id);
          expect((await k.get(`/certificates/${certificate.id}`)).body.snis).toEqual([names[1]]);
          expect((await k.get(`/certificates/${certificate2.id}`)).body.snis).toEqual([names[0]]);
        });
      }
    });

    describe('DELETE', () => {
      it('deletes a sni', async () => {
        const [certificate] = await addCertificate(k);
        const n1 = name();
        k.insert('snis', { name: n1, certificate: { id: certificate.id } });
        expect((await k.delete(`/snis/${n1}`)).status).toBe(204);
      });
    });
  });
});
