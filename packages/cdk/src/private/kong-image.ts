import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { PropNamer } from './prop-names';

/**
 * The Kong image when none is given: Kong 3.9.3, the last open-source patch
 * (Kong/kong tags end at 3.9.3), from the Docker official-image mirror on
 * Amazon ECR Public rather than Docker Hub.
 *
 * Why that registry: every control plane wake, data plane scale-out and
 * crash-looping task is a pull (Fargate caches no image), all through one
 * NAT address, and Docker Hub allows unauthenticated clients 10 pulls an hour
 * per IPv4 address (https://docs.docker.com/docker-hub/usage/). ECR Public
 * allows 10 image pulls a second to resources running on ECS, Fargate or EC2,
 * and 1 a second unauthenticated from elsewhere
 * (https://docs.aws.amazon.com/AmazonECR/latest/public/public-service-quotas.html).
 * AWS mirrors the Docker Official Images under public.ecr.aws/docker/library
 * (aws/containers-roadmap#1168, shipped); `kong` is an official image, and
 * docker-library/official-images `library/kong` (commit 37079fb, 2026-08-21)
 * tags 3.9.3 for amd64 and arm64v8, built from Kong/docker-kong at tag 3.9.3.
 * We could not pull from the registry on the build machines: if the mirror
 * lagged, set `kongImage` (for example `kong:3.9.3`) or use a pull-through
 * cache (`kongImagePullThroughCachePrefix`).
 */
export const DEFAULT_KONG_IMAGE = 'public.ecr.aws/docker/library/kong:3.9.3';

/** `/status/ready` appeared in Kong 3.3; the data plane's health check needs it. */
const MINIMUM = [3, 3];

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Splits `registry/repo:tag@digest` into repository, tag and digest. */
export function parseImage(ref: string): { repository: string; tag?: string; digest?: string } {
  const [nameAndTag, digest] = ref.split('@');
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  if (colon > slash) return { repository: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest };
  return { repository: nameAndTag, digest };
}

/**
 * Where the image is inside an ECR pull-through cache whose rule maps
 * `prefix` to the image's registry: `<prefix>/<path in that registry>`
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html).
 * Docker Hub's official images live under `library/`.
 */
export function cachedRepositoryName(n: PropNamer, ref: string, repository: string, prefix: string): string {
  if (repository.startsWith('public.ecr.aws/')) return `${prefix}/${repository.slice('public.ecr.aws/'.length)}`;
  const hub = repository.replace(/^(docker\.io|registry-1\.docker\.io|index\.docker\.io)\//, '');
  const firstPart = hub.split('/')[0];
  const isDockerHub = hub === repository ? !firstPart.includes('.') && !firstPart.includes(':') && firstPart !== 'localhost' : true;
  if (!isDockerHub) throw new Error(`${n('kongImagePullThroughCachePrefix')} needs an image from public.ecr.aws or Docker Hub, got ${n('kongImage')} ${JSON.stringify(ref)}`);
  return `${prefix}/${hub.includes('/') ? hub : `library/${hub}`}`;
}

/** Options of {@link kongContainerImage}. */
export interface KongImageOptions {
  /** An ECR pull-through cache rule's repository prefix in this account and region. */
  readonly pullThroughCachePrefix?: string;
}

/**
 * The container image for a Kong image reference, after checking its version
 * and digest. An ECR reference gets an image whose pull permission CDK
 * grants; with a pull-through cache prefix the image comes from this
 * account's cache (`grantCacheImport` adds what the cache needs); anything
 * else is pulled from its registry.
 */
export function kongContainerImage(scope: Construct, n: PropNamer, ref: string, options: KongImageOptions = {}): { image: ecs.ContainerImage; grantCacheImport?: (role: iam.IRole) => void } {
  if (Token.isUnresolved(ref)) return { image: ecs.ContainerImage.fromRegistry(ref) };
  const { repository, tag, digest } = parseImage(ref);
  const prop = n('kongImage');
  if (!repository || /\s/.test(ref)) throw new Error(`${prop} must be an image reference such as "${DEFAULT_KONG_IMAGE}", got ${JSON.stringify(ref)}`);
  if (digest !== undefined && !DIGEST.test(digest)) throw new Error(`${prop} must pin a digest as @sha256:<64 hex digits>, got ${JSON.stringify(ref)}`);

  const version = tag?.match(/^(\d+)\.(\d+)/);
  if (version) {
    const [major, minor] = [Number(version[1]), Number(version[2])];
    if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
      throw new Error(`${prop} must be Kong ${MINIMUM.join('.')} or later (the data plane's health check is /status/ready), got ${JSON.stringify(ref)}`);
    }
  } else if (!digest) {
    Annotations.of(scope).addWarningV2('@kong-hybrid/cdk:kongImageVersion',
      `${prop} ${JSON.stringify(ref)} has no version tag: it cannot be checked for Kong >= 3.3, and deployments are not repeatable. Pin a tag such as "${DEFAULT_KONG_IMAGE}".`);
  }

  const prefix = options.pullThroughCachePrefix;
  if (prefix !== undefined) {
    if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(prefix) || prefix.length < 2 || prefix.length > 30) {
      throw new Error(`${n('kongImagePullThroughCachePrefix')} must be an ECR repository prefix (2-30 lowercase letters, digits, '.', '_' or '-'), got ${JSON.stringify(prefix)}`);
    }
    const name = cachedRepositoryName(n, ref, repository, prefix);
    const stack = Stack.of(scope);
    const repo = ecr.Repository.fromRepositoryAttributes(scope, 'KongImageCache', {
      repositoryName: name,
      repositoryArn: stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: name }),
    });
    return {
      image: ecs.ContainerImage.fromEcrRepository(repo, digest ?? tag ?? 'latest'),
      // The first pull imports the image and creates the cached repository
      // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html).
      grantCacheImport: (role) => role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'KongImagePullThroughCache',
        actions: ['ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
        resources: [repo.repositoryArn],
      })),
    };
  }

  const ecrMatch = repository.match(/^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/);
  if (ecrMatch) {
    const [, account, region, name] = ecrMatch;
    const repo = ecr.Repository.fromRepositoryAttributes(scope, 'KongImageRepository', {
      repositoryName: name,
      repositoryArn: `arn:${region.startsWith('cn-') ? 'aws-cn' : 'aws'}:ecr:${region}:${account}:repository/${name}`,
    });
    return { image: ecs.ContainerImage.fromEcrRepository(repo, digest ?? tag ?? 'latest') };
  }
  return { image: ecs.ContainerImage.fromRegistry(ref) };
}
