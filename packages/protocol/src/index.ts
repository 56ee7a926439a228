export * from './frames.js';
export * from './codec.js';
export * from './reasons.js';
export * from './ip.js';
