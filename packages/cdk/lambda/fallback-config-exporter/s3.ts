import { GetObjectTaggingCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ExportStore } from './handler';

/**
 * The export in S3: one object (`key`) in a versioned bucket, so that every
 * export is a version and the last ones are kept (the bucket's lifecycle
 * expires older versions). Each version carries the configuration hash it
 * came from, the file's MD5 (what a data plane started from it reports) and
 * when it was made, as tags (readable with s3:GetObjectTagging, which reads
 * no content: the exporter never reads an export back) and as metadata (which
 * the data plane's fetch prints). Encrypted with SSE-KMS: the bucket's key,
 * or the AWS managed key aws/s3.
 */
export class S3ExportStore implements ExportStore {
  constructor(private readonly s3: Pick<S3Client, 'send'>, private readonly bucket: string, private readonly key: string, private readonly kmsKeyId?: string) {}

  public async currentConfigHash(): Promise<string | undefined> {
    try {
      const { TagSet } = await this.s3.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: this.key }));
      return TagSet?.find((t) => t.Key === 'kong-config-hash')?.Value;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  public async put(body: Uint8Array, tags: { configHash: string; fallbackHash: string; exportedAt: string }): Promise<string | undefined> {
    const answer = await this.s3.send(new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.key,
      Body: body,
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      ...(this.kmsKeyId ? { SSEKMSKeyId: this.kmsKeyId } : {}),
      BucketKeyEnabled: true,
      Metadata: { 'kong-config-hash': tags.configHash, 'fallback-hash': tags.fallbackHash, 'exported-at': tags.exportedAt },
      Tagging: new URLSearchParams({ 'kong-config-hash': tags.configHash, 'fallback-hash': tags.fallbackHash }).toString(),
    }));
    return answer.VersionId;
  }
}
