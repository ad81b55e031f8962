export * from './domain-errors.js';
export * from './errors.js';
export * from './token-types.js';
