export * from './errors.js';
export * from './token-types.js';
