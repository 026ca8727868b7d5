// Redis pub/sub fan-out. A subscriber connection cannot run other commands, so there are two:
// one subscribed, one publishing. While Redis is down publishes are dropped (the store poll
// covers them); ioredis re-subscribes on reconnect.
import type { Redis } from 'ioredis';
import { closeRedis, openRedis } from './redis-connection.js';
import { type FanoutLogger, type FanoutMessage, type FanoutTransport, parseMessage } from './types.js';

export interface RedisFanoutOptions {
  url: string;
  channel: string;
  instanceId: string;
  logger?: FanoutLogger;
}

export function createRedisFanout(opts: RedisFanoutOptions): FanoutTransport {
  let pub: Redis | undefined;
  let sub: Redis | undefined;

  return {
    mode: 'redis',
    get connected() {
      return pub?.status === 'ready' && sub?.status === 'ready';
    },
    async start(onSignal) {
      pub = openRedis({ url: opts.url, role: 'fanout-publish', logger: opts.logger });
      sub = openRedis({ url: opts.url, role: 'fanout-subscribe', logger: opts.logger });
      sub.on('message', (channel: string, text: string) => {
        if (channel !== opts.channel) return;
        const message = parseMessage(text);
        if (message && message.from !== opts.instanceId) onSignal(message.signal);
      });
      // The first subscription needs the connection; a Redis that is down at boot is not fatal.
      // ioredis queues SUBSCRIBE in its own resubscribe list and replays it on connect.
      await new Promise<void>((resolve) => {
        const s = sub as Redis;
        const subscribe = () => {
          s.subscribe(opts.channel).then(
            () => resolve(),
            () => resolve(),
          );
        };
        if (s.status === 'ready') subscribe();
        else {
          s.once('ready', subscribe);
          // Do not hold start-up for a dead Redis; subscribe when it comes.
          setTimeout(resolve, 2_000).unref();
        }
      });
    },
    publish(signal) {
      if (pub?.status !== 'ready') return;
      const message: FanoutMessage = { from: opts.instanceId, signal };
      pub.publish(opts.channel, JSON.stringify(message)).catch(() => undefined);
    },
    async stop() {
      await Promise.all([pub && closeRedis(pub), sub && closeRedis(sub)]);
      pub = undefined;
      sub = undefined;
    },
  };
}
