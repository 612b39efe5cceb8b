export * from './types';
export * from './ordering';
export * from './stance';
export * from './deadlines';
export * from './evidence';
