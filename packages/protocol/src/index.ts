export * from './frames.js';
export * from './encode.js';
export * from './decode.js';
export { frameName } from './layout.js';
export * from './reasons.js';
export * from './ip.js';
