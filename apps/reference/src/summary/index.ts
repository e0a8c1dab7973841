export * from './cost-model';
export * from './inventory';
export * from './prices';
export * from './security-groups';
export * from './summary';
export * from './profiles';
