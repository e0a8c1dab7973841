import { Annotations, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';

/** The Kong image when none is given: the last open-source line, pinned (facts.md). */
export const DEFAULT_KONG_IMAGE = 'kong:3.9.1';

/** `/status/ready` appeared in Kong 3.3; the data plane's health check needs it. */
const MINIMUM = [3, 3];

/** Splits `registry/repo:tag@digest` into repository, tag and digest. */
export function parseImage(ref: string): { repository: string; tag?: string; digest?: string } {
  const [nameAndTag, digest] = ref.split('@');
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  if (colon > slash) return { repository: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest };
  return { repository: nameAndTag, digest };
}

/**
 * The container image for a Kong image reference, after checking its version.
 * An ECR reference gets an image whose pull permission CDK grants; anything
 * else is pulled from its registry (Docker Hub for `kong:…`).
 */
export function kongContainerImage(scope: Construct, prop: string, ref: string): ecs.ContainerImage {
  if (Token.isUnresolved(ref)) return ecs.ContainerImage.fromRegistry(ref);
  const { repository, tag, digest } = parseImage(ref);
  if (!repository || /\s/.test(ref)) throw new Error(`${prop} must be an image reference such as "kong:3.9.1", got ${JSON.stringify(ref)}`);

  const version = tag?.match(/^(\d+)\.(\d+)/);
  if (version) {
    const [major, minor] = [Number(version[1]), Number(version[2])];
    if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
      throw new Error(`${prop} must be Kong ${MINIMUM.join('.')} or later (the data plane's health check is /status/ready), got ${JSON.stringify(ref)}`);
    }
  } else if (!digest) {
    Annotations.of(scope).addWarningV2('@kong-hybrid/cdk:kongImageVersion',
      `${prop} ${JSON.stringify(ref)} has no version tag: it cannot be checked for Kong >= 3.3, and deployments are not repeatable. Pin a tag such as "kong:3.9.1".`);
  }

  const ecrMatch = repository.match(/^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/);
  if (ecrMatch) {
    const [, account, region, name] = ecrMatch;
    const repo = ecr.Repository.fromRepositoryAttributes(scope, 'KongImageRepository', {
      repositoryName: name,
      repositoryArn: `arn:${region.startsWith('cn-') ? 'aws-cn' : 'aws'}:ecr:${region}:${account}:repository/${name}`,
    });
    return ecs.ContainerImage.fromEcrRepository(repo, digest ?? tag ?? 'latest');
  }
  return ecs.ContainerImage.fromRegistry(ref);
}
