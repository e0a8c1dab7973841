export * from './idle-scaler';
