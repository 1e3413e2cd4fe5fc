export * from './envelope.js';
export * from './errors.js';
export * from './planning/release-events.js';
export * from './streams.js';
