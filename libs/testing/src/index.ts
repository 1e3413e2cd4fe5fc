export * from './given-when-then.js';
export * from './grant-history.js';
export * from './http-specification.js';
export * from './infra.js';
export * from './nats-server.js';
export * from './projection-specification.js';
export * from './tamper.js';
export * from './wait-for.js';
