/**
 * The cluster-certificate custom resource: makes sure that a Secrets Manager
 * secret holds a Kong cluster certificate and key that match the requested
 * spec, issuing a new one only when needed (missing, spec changed, expiring).
 *
 * The key is generated here, written straight to Secrets Manager, and never
 * returned, logged or put in an error message.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createHash, X509Certificate } from 'node:crypto';
import { log, type CustomResourceResult } from '../shared/custom-resource';
import { fingerprint, issue, type KeyPairPem } from './x509';

/** Where the secrets live (Secrets Manager in Lambda, moto in tests). */
export interface SecretStore {
  /** The current value and its version, or undefined when the secret has no value yet. */
  read(secretId: string): Promise<{ value: string; versionId: string } | undefined>;
  /** Writes a new current version; `token` makes a retried write idempotent. Returns the version id. */
  write(secretId: string, value: string, token: string): Promise<string>;
}

/** The resource properties, as the construct sends them (all strings: CloudFormation stringifies). */
export interface CertificateProperties {
  /** `shared` or `pki`. */
  readonly Mode: string;
  /** Secret that receives the control plane's certificate (the only one in shared mode). */
  readonly ControlPlaneSecretId: string;
  /** Secret that receives the data plane's certificate (pki only). */
  readonly DataPlaneSecretId?: string;
  /** Secret holding the CA as JSON `{"cert","key"}` (pki only). */
  readonly CaSecretId?: string;
  /** Shared: the certificate's CN. PKI: the control plane's CN and DNS name (the DPs' cluster_server_name). */
  readonly ControlPlaneCommonName: string;
  /** PKI: the data plane certificate's CN. */
  readonly DataPlaneCommonName?: string;
  readonly ValidityDays: string;
  readonly RenewBeforeDays: string;
  /** Bumped by the user to force a new certificate (rotation). */
  readonly Generation: string;
}

/** What the secret holds: `cert` and `key` (and `ca` in pki mode) feed Kong; `spec` says what it was issued for. */
export interface StoredCertificate extends KeyPairPem {
  readonly ca?: string;
  readonly spec: string;
}

export type Decision = { readonly action: 'keep' } | { readonly action: 'issue'; readonly reason: 'missing' | 'spec-changed' | 'expiring' };

const DAY_MS = 86_400_000;

/** Pure: keep what the secret holds, or issue a new certificate (and why). */
export function decide(current: StoredCertificate | undefined, spec: string, now: Date, renewBeforeDays: number): Decision {
  if (!current) return { action: 'issue', reason: 'missing' };
  if (current.spec !== spec) return { action: 'issue', reason: 'spec-changed' };
  const notAfter = new Date(new X509Certificate(current.cert).validTo);
  if (notAfter.getTime() - now.getTime() < renewBeforeDays * DAY_MS) return { action: 'issue', reason: 'expiring' };
  return { action: 'keep' };
}

/** Parses a secret value without ever echoing it (JSON.parse errors quote their input). */
export function parseStored(value: string | undefined): StoredCertificate | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const v = parsed as Partial<StoredCertificate> | null;
  if (!v || typeof v.cert !== 'string' || typeof v.key !== 'string' || typeof v.spec !== 'string') return undefined;
  try {
    new X509Certificate(v.cert);
  } catch {
    return undefined;
  }
  return v as StoredCertificate;
}

function readCa(value: string | undefined, secretId: string): KeyPairPem {
  let parsed: { cert?: unknown; key?: unknown } | null = null;
  try {
    parsed = value === undefined ? null : JSON.parse(value);
  } catch {
    // fall through to the error below, without quoting the value
  }
  if (!parsed || typeof parsed.cert !== 'string' || typeof parsed.key !== 'string') {
    throw new Error(`CA secret ${secretId} must hold JSON with string fields "cert" and "key" (PEM)`);
  }
  return { cert: parsed.cert, key: parsed.key };
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function specOf(parts: Record<string, string | number | undefined>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** A short, deterministic idempotency token for one write of one request. */
function token(requestId: string, secretId: string): string {
  return createHash('sha256').update(`${requestId}\n${secretId}`).digest('hex').slice(0, 64);
}

interface Ensured { readonly versionId: string; readonly fingerprint: string; readonly notAfter: string; readonly outcome: string }

async function ensure(store: SecretStore, secretId: string, spec: string, now: Date, renewBeforeDays: number, requestId: string,
  make: () => KeyPairPem & { ca?: string }): Promise<Ensured> {
  const existing = await store.read(secretId);
  const current = parseStored(existing?.value);
  const decision = decide(current, spec, now, renewBeforeDays);
  if (decision.action === 'keep' && current && existing) {
    return { versionId: existing.versionId, fingerprint: fingerprint(current.cert), notAfter: new Date(new X509Certificate(current.cert).validTo).toISOString(), outcome: 'kept' };
  }
  const issued = make();
  const stored: StoredCertificate = { ...issued, spec };
  const versionId = await store.write(secretId, JSON.stringify(stored), token(requestId, secretId));
  return {
    versionId,
    fingerprint: fingerprint(issued.cert),
    notAfter: new Date(new X509Certificate(issued.cert).validTo).toISOString(),
    outcome: decision.action === 'issue' ? `issued (${decision.reason})` : 'issued',
  };
}

/** Handles one custom-resource event. */
export async function handleCertificateEvent(event: CloudFormationCustomResourceEvent, store: SecretStore, now: () => Date = () => new Date()): Promise<CustomResourceResult> {
  const props = event.ResourceProperties as unknown as CertificateProperties;
  const logged = { handler: 'cluster-certificate', requestType: event.RequestType, logicalResourceId: event.LogicalResourceId };

  // The secrets belong to CloudFormation (they are resources of the stack): on
  // delete there is nothing of ours to remove, and a replaced secret is simply
  // a new physical id.
  if (event.RequestType === 'Delete') {
    log({ ...logged, outcome: 'nothing to delete' });
    return { physicalResourceId: event.PhysicalResourceId };
  }

  const validityDays = positiveInt('ValidityDays', props.ValidityDays);
  const renewBeforeDays = positiveInt('RenewBeforeDays', props.RenewBeforeDays);
  const time = now();
  const notBefore = new Date(time.getTime() - 5 * 60_000); // clock skew between tasks
  const notAfter = new Date(time.getTime() + validityDays * DAY_MS);

  if (props.Mode === 'shared') {
    const spec = specOf({ mode: 'shared', cn: props.ControlPlaneCommonName, validityDays, generation: props.Generation });
    const r = await ensure(store, props.ControlPlaneSecretId, spec, time, renewBeforeDays, event.RequestId,
      () => issue({ commonName: props.ControlPlaneCommonName, notBefore, notAfter }));
    log({ ...logged, mode: 'shared', outcome: r.outcome, fingerprint: r.fingerprint, notAfter: r.notAfter, versionId: r.versionId });
    return {
      physicalResourceId: props.ControlPlaneSecretId,
      data: { ControlPlaneVersionId: r.versionId, DataPlaneVersionId: r.versionId, Fingerprint: r.fingerprint, NotAfter: r.notAfter },
    };
  }

  if (props.Mode === 'pki') {
    if (!props.CaSecretId || !props.DataPlaneSecretId || !props.DataPlaneCommonName) {
      throw new Error('pki mode needs CaSecretId, DataPlaneSecretId and DataPlaneCommonName');
    }
    const ca = readCa((await store.read(props.CaSecretId))?.value, props.CaSecretId);
    const caFingerprint = fingerprint(ca.cert);
    const common = { mode: 'pki', validityDays, generation: props.Generation, ca: caFingerprint };
    const cp = await ensure(store, props.ControlPlaneSecretId, specOf({ ...common, role: 'cp', cn: props.ControlPlaneCommonName }), time, renewBeforeDays, event.RequestId,
      () => ({ ...issue({ commonName: props.ControlPlaneCommonName, dnsNames: [props.ControlPlaneCommonName], notBefore, notAfter, issuer: ca }), ca: ca.cert }));
    const dp = await ensure(store, props.DataPlaneSecretId, specOf({ ...common, role: 'dp', cn: props.DataPlaneCommonName }), time, renewBeforeDays, event.RequestId,
      () => ({ ...issue({ commonName: props.DataPlaneCommonName!, dnsNames: [props.DataPlaneCommonName!], notBefore, notAfter, issuer: ca }), ca: ca.cert }));
    log({ ...logged, mode: 'pki', caFingerprint, controlPlane: { outcome: cp.outcome, fingerprint: cp.fingerprint, versionId: cp.versionId }, dataPlane: { outcome: dp.outcome, fingerprint: dp.fingerprint, versionId: dp.versionId } });
    return {
      physicalResourceId: props.ControlPlaneSecretId,
      data: { ControlPlaneVersionId: cp.versionId, DataPlaneVersionId: dp.versionId, Fingerprint: cp.fingerprint, NotAfter: cp.notAfter },
    };
  }

  throw new Error(`Mode must be "shared" or "pki", got ${JSON.stringify(props.Mode)}`);
}
