export * from './cost-model';
export * from './figures';
export * from './inventory';
export * from './prices';
export * from './security-groups';
export * from './template';
