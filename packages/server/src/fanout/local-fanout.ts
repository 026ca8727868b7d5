// In-process fan-out (SQLite): several servers started in one process on the same database file
// (tests, the CLI) hear each other at once. Separate processes on one SQLite file still meet
// through the store poll.
import { EventEmitter } from 'node:events';
import type { FanoutMessage, FanoutSignal, FanoutTransport } from './types.js';

const bus = new EventEmitter();
bus.setMaxListeners(0);

export function createLocalFanout(opts: { channel: string; instanceId: string }): FanoutTransport {
  let listener: ((message: FanoutMessage) => void) | undefined;
  return {
    mode: 'local',
    connected: true,
    async start(onSignal) {
      listener = (message) => {
        if (message.from !== opts.instanceId) onSignal(message.signal);
      };
      bus.on(opts.channel, listener);
    },
    publish(signal: FanoutSignal) {
      // Deliver on a later tick: a publisher's request never runs other instances' handlers.
      const message: FanoutMessage = { from: opts.instanceId, signal };
      setImmediate(() => bus.emit(opts.channel, message));
    },
    async stop() {
      if (listener) bus.off(opts.channel, listener);
      listener = undefined;
    },
  };
}
