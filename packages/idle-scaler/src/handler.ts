import { DEFAULT_CONFIG, type ScalerConfig } from './core';
import type { MetricsSettings } from './emf';
import { classify } from './events';
import { Scaler, type InvocationResult, type ScalerPorts, type StatusReport } from './scaler';

/** What the handler needs besides its ports. */
export interface HandlerOptions {
  /** The data plane's ECS service name: whose events count. */
  readonly dataPlaneService: string;
  /** @default DEFAULT_CONFIG */
  readonly config?: ScalerConfig;
  readonly metrics: MetricsSettings;
  /**
   * Polling stops when less than this much invocation time is left.
   * @default 15000
   */
  readonly reserveMs?: number;
}

/** The part of the Lambda context the handler reads. */
export interface InvocationInfo {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** What the function answers: a decision, a status report, or why the event was ignored. */
export type HandlerResult = InvocationResult | StatusReport | IgnoredResult;

/** An event the scaler does not act on, and why. */
export interface IgnoredResult {
  readonly kind: 'ignored';
  readonly ignored: string;
}

export type Handler = (event: unknown, context?: InvocationInfo) => Promise<HandlerResult>;

/**
 * Builds the Lambda handler over the given ports: EventBridge events (ECS
 * task and deployment state changes of the DP, the scale-out alarm, the
 * schedule) and operator requests (`{"action":"wake"}`, `{"action":"sleep"}`,
 * `{"action":"status"}`). The Lambda entry point builds the real ports from
 * its environment; tests and tools pass their own.
 */
export function createHandler(ports: ScalerPorts, options: HandlerOptions): Handler {
  const scaler = new Scaler(ports, {
    config: options.config ?? DEFAULT_CONFIG,
    metrics: options.metrics,
    reserveMs: options.reserveMs ?? 15_000,
  });
  let invocations = 0;
  return async (event, context) => {
    invocations++;
    const ctx = {
      invocationId: context?.awsRequestId ?? `local-${ports.clock.now()}-${invocations}`,
      remainingMs: () => context?.getRemainingTimeInMillis() ?? 60_000,
    };
    const incoming = classify(event, { dataPlaneService: options.dataPlaneService });
    switch (incoming.kind) {
      case 'ignored':
        scaler.logIgnored(incoming.reason, ctx);
        return { kind: 'ignored', ignored: incoming.reason };
      case 'status':
        return scaler.status();
      case 'event':
        try {
          return await scaler.handle(incoming.event, ctx);
        } catch (error) {
          // The state could not be read or written: fail, so that Lambda retries the event.
          scaler.logFailure('invocation failed', error, ctx);
          throw error;
        }
    }
  };
}
