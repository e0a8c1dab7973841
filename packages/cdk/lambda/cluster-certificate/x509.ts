/**
 * Just enough X.509 (RFC 5280) to issue Kong's cluster certificates with
 * Node.js's own crypto: a DER writer for the TBSCertificate, a DER reader to
 * take a CA certificate's subject and key identifier, and `crypto.sign` for
 * the signature. No third-party code touches the private keys.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';

// ---------------------------------------------------------------- DER writer

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octetString = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);
/** A named-bit BIT STRING (DER: trailing zero bits dropped), for key usage. */
function namedBits(byte: number): Buffer {
  let unused = 0;
  while (unused < 8 && !(byte & (1 << unused))) unused++;
  return tlv(0x03, Buffer.from([unused === 8 ? 0 : unused]), unused === 8 ? Buffer.alloc(0) : Buffer.from([byte]));
}
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);

/** A positive INTEGER from unsigned big-endian bytes. */
function integer(unsigned: Buffer): Buffer {
  let b = unsigned;
  while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
  if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0] + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const OID = {
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
};

const KEY_USAGE = { digitalSignature: 0x80, keyCertSign: 0x04 };

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid(OID.commonName), utf8(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [bool(true)] : []), octetString(value));
}

// ---------------------------------------------------------------- DER reader

interface Node { readonly tag: number; readonly start: number; readonly header: number; readonly end: number }

function read(der: Buffer, at: number): Node {
  const tag = der[at];
  let len = der[at + 1];
  let header = 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + der[at + 2 + i];
    header += count;
  }
  if (at + header + len > der.length) throw new Error('truncated DER');
  return { tag, start: at, header, end: at + header + len };
}

function children(der: Buffer, parent: Node): Node[] {
  const out: Node[] = [];
  for (let at = parent.start + parent.header; at < parent.end; at = out[out.length - 1].end) out.push(read(der, at));
  return out;
}

/** The raw subject Name and the subject key identifier (if any) of a certificate. */
export function subjectOf(certificatePem: string): { name: Buffer; keyIdentifier?: Buffer } {
  const der = new X509Certificate(certificatePem).raw;
  const tbs = children(der, read(der, 0))[0];
  const fields = children(der, tbs);
  const offset = fields[0].tag === 0xa0 ? 1 : 0; // [0] version
  const subject = fields[offset + 4];
  let keyIdentifier: Buffer | undefined;
  const extensions = fields.find((f) => f.tag === 0xa3);
  if (extensions) {
    for (const ext of children(der, children(der, extensions)[0])) {
      const [id, ...rest] = children(der, ext);
      if (der.subarray(id.start, id.end).equals(oid(OID.subjectKeyIdentifier))) {
        const value = rest[rest.length - 1]; // OCTET STRING wrapping an OCTET STRING
        const inner = read(der, value.start + value.header);
        keyIdentifier = der.subarray(inner.start + inner.header, inner.end);
      }
    }
  }
  return { name: der.subarray(subject.start, subject.end), keyIdentifier };
}

// ---------------------------------------------------------------- issuing

/** A certificate and its private key, both PEM. */
export interface KeyPairPem {
  readonly cert: string;
  readonly key: string;
}

export interface IssueOptions {
  /** Subject common name. */
  readonly commonName: string;
  /** DNS subject alternative names. @default none */
  readonly dnsNames?: string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Signs with this CA; self-signed (and a CA itself) when absent. */
  readonly issuer?: KeyPairPem;
}

function signatureAlgorithm(key: KeyObject): { oid: string; hash: string } {
  if (key.asymmetricKeyType === 'rsa') return { oid: OID.sha256WithRsa, hash: 'sha256' };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { oid: OID.ecdsaWithSha256, hash: 'sha256' };
    if (curve === 'secp384r1') return { oid: OID.ecdsaWithSha384, hash: 'sha384' };
    if (curve === 'secp521r1') return { oid: OID.ecdsaWithSha512, hash: 'sha512' };
  }
  throw new Error(`unsupported CA key type ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1). */
function keyIdentifier(spki: Buffer): Buffer {
  const seq = read(spki, 0);
  const bits = children(spki, seq)[1];
  return createHash('sha1').update(spki.subarray(bits.start + bits.header + 1, bits.end)).digest();
}

/**
 * Issues an ECDSA P-384 certificate, self-signed like `kong hybrid gen_cert`
 * (and the `openssl req -x509` of Kong's docs), or signed by `issuer`.
 */
export function issue(options: IssueOptions): KeyPairPem {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ski = keyIdentifier(spki);

  const signer = options.issuer ? createPrivateKey(options.issuer.key) : privateKey;
  if (options.issuer) {
    const caPublic = createPublicKey(options.issuer.cert).export({ type: 'spki', format: 'der' });
    const derived = createPublicKey(signer).export({ type: 'spki', format: 'der' });
    if (!caPublic.equals(derived)) throw new Error('the CA certificate and the CA key do not match');
  }
  const algorithm = signatureAlgorithm(signer);
  const issuerSubject = options.issuer ? subjectOf(options.issuer.cert) : undefined;
  const subject = name(options.commonName);

  const extensions: Buffer[] = [];
  if (options.issuer) {
    extensions.push(extension(OID.basicConstraints, true, sequence()));
    extensions.push(extension(OID.keyUsage, true, namedBits(KEY_USAGE.digitalSignature)));
    extensions.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth), oid(OID.clientAuth))));
  } else {
    extensions.push(extension(OID.basicConstraints, true, sequence(bool(true))));
    extensions.push(extension(OID.keyUsage, true, namedBits(KEY_USAGE.digitalSignature | KEY_USAGE.keyCertSign)));
  }
  if (options.dnsNames?.length) {
    extensions.push(extension(OID.subjectAltName, false, sequence(...options.dnsNames.map((d) => tlv(0x82, Buffer.from(d))))));
  }
  extensions.push(extension(OID.subjectKeyIdentifier, false, octetString(ski)));
  const authorityKeyId = options.issuer ? issuerSubject!.keyIdentifier : ski;
  if (authorityKeyId) extensions.push(extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, authorityKeyId))));

  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive, at most 20 octets
  const algorithmId = sequence(oid(algorithm.oid));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithmId,
    issuerSubject ? issuerSubject.name : subject,
    sequence(time(options.notBefore), time(options.notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign(algorithm.hash, tbs, signer);
  const der = sequence(tbs, algorithmId, bitString(signature));

  return {
    cert: toPem('CERTIFICATE', der),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** SHA-256 fingerprint of a PEM certificate, as `AB:CD:…` (what `openssl x509 -fingerprint -sha256` prints). */
export function fingerprint(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256;
}
