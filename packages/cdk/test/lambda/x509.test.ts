import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { issue, subjectOf } from '../../lambda/cluster-certificate/x509';

const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2029-01-01T00:00:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'kong-x509-'));
const file = (name: string, content: string) => { const f = path.join(dir, name); writeFileSync(f, content); return f; };
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('x509: Kong cluster certificates from Node.js crypto', () => {
  // GIVEN a shared-mode certificate, issued once for the file
  const shared = issue({ commonName: 'kong_clustering', notBefore: now, notAfter: later });
  const cert = new X509Certificate(shared.cert);

  test('GIVEN a shared-mode certificate WHEN parsed THEN it is a self-signed ECDSA P-384 certificate for CN kong_clustering', () => {
    expect(cert.subject).toBe('CN=kong_clustering');
    expect(cert.issuer).toBe('CN=kong_clustering');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'secp384r1' });
    expect(new Date(cert.validFrom).toISOString()).toBe(now.toISOString());
    expect(new Date(cert.validTo).toISOString()).toBe(later.toISOString());
  });

  test('GIVEN a shared-mode certificate WHEN its key is parsed THEN it is the PKCS#8 key of that certificate', () => {
    expect(shared.key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(cert.checkPrivateKey(createPrivateKey(shared.key))).toBe(true);
  });

  test('GIVEN a shared-mode certificate WHEN OpenSSL checks it strictly THEN it is a valid trust anchor for itself', () => {
    const f = file('shared.crt', shared.cert);
    expect(openssl('verify', '-x509_strict', '-CAfile', f, f).trim()).toBe(`${f}: OK`);
    expect(openssl('x509', '-in', f, '-noout', '-ext', 'basicConstraints,keyUsage')).toMatch(/CA:TRUE[\s\S]*Digital Signature, Certificate Sign/);
  });

  test('GIVEN two issues WHEN compared THEN each has its own key and serial', () => {
    const other = issue({ commonName: 'kong_clustering', notBefore: now, notAfter: later });
    expect(new X509Certificate(other.cert).serialNumber).not.toBe(cert.serialNumber);
    expect(createPublicKey(other.key).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(false);
  });

  test.each([
    ['an RSA CA', ['-newkey', 'rsa:2048']],
    ['an EC P-256 CA', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']],
  ])('GIVEN %s made by OpenSSL WHEN a PKI leaf is issued THEN OpenSSL verifies it as server and client, with its name', (_name, keyArgs) => {
    // GIVEN
    const caKey = path.join(dir, `ca-${keyArgs[1]}.key`);
    const caCert = path.join(dir, `ca-${keyArgs[1]}.crt`);
    openssl('req', '-x509', ...keyArgs, '-nodes', '-keyout', caKey, '-out', caCert, '-days', '30', '-subj', '/CN=Kong Test CA',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature');
    const ca = { cert: require('node:fs').readFileSync(caCert, 'utf8'), key: require('node:fs').readFileSync(caKey, 'utf8') };
    // WHEN
    const leaf = issue({ commonName: 'kong-cp.kong.internal', dnsNames: ['kong-cp.kong.internal'], notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), issuer: ca });
    // THEN
    const f = file(`leaf-${keyArgs[1]}.crt`, leaf.cert);
    for (const purpose of ['sslserver', 'sslclient']) {
      expect(openssl('verify', '-x509_strict', '-purpose', purpose, '-CAfile', caCert, f).trim()).toBe(`${f}: OK`);
    }
    const parsed = new X509Certificate(leaf.cert);
    expect(parsed.issuer).toBe('CN=Kong Test CA');
    expect(parsed.subjectAltName).toBe('DNS:kong-cp.kong.internal');
    expect(parsed.checkHost('kong-cp.kong.internal')).toBe('kong-cp.kong.internal');
    expect(parsed.checkPrivateKey(createPrivateKey(leaf.key))).toBe(true);
    expect(subjectOf(leaf.cert).keyIdentifier).toBeDefined();
  });

  test('GIVEN a CA whose key does not match its certificate WHEN a leaf is issued THEN it refuses', () => {
    const ca = issue({ commonName: 'CA one', notBefore: now, notAfter: later });
    const other = issue({ commonName: 'CA two', notBefore: now, notAfter: later });
    expect(() => issue({ commonName: 'x', notBefore: now, notAfter: later, issuer: { cert: ca.cert, key: other.key } })).toThrow('the CA certificate and the CA key do not match');
  });
});
