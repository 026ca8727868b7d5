export { type AttachedFanout, attachFanout, type PollableRevocations } from './attach-fanout.js';
export { type CreateFanoutOptions, createFanoutTransport } from './create-fanout.js';
export { createLocalFanout } from './local-fanout.js';
export { createPostgresFanout, type PostgresFanoutOptions } from './postgres-fanout.js';
export { closeRedis, openRedis, type RedisConnectionOptions, redactRedisUrl } from './redis-connection.js';
export { createRedisFanout, type RedisFanoutOptions } from './redis-fanout.js';
export type { FanoutLogger, FanoutMessage, FanoutMode, FanoutSignal, FanoutTransport } from './types.js';
export { parseMessage } from './types.js';
