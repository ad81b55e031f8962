import { BatonSdkError } from '../errors.js';
import type { Transport, TransportMessage } from './transport.js';

/** The first message `pick` accepts (returns non-undefined for), or a `timeout` error. */
export function nextMessage<T>(
  transport: Transport,
  pick: (message: TransportMessage) => T | undefined,
  timeoutMs: number,
  waitingFor: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new BatonSdkError('timeout', `No ${waitingFor} within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const unsubscribe = transport.onMessage((message) => {
      const picked = pick(message);
      if (picked === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(picked);
    });
  });
}
