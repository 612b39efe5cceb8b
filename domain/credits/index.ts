export * from './errors';
export * from './expiry';
export * from './types';
