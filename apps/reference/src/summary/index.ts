// The cost model lives in @kong-hybrid/cost-model (the kong-hybrid CLI prices deployed stacks with it too).
export * from '@kong-hybrid/cost-model';
export * from './summary';
export * from './profiles';
