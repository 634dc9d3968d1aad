export * from './contract';
export * from './views';
export * from './calls-sync';
export * from './calls-duplicates';
