/** A JSON message with a `type`; the handoff messages are in handoff/messages.ts. */
export interface TransportMessage {
  type: string;
  [field: string]: unknown;
}

/**
 * A two-party message channel between the phone and its companion: WatchConnectivity,
 * the Wear Data Layer, a local WebSocket... The handoff needs nothing more. Messages
 * that arrive before anyone listens are kept until the first handler subscribes.
 */
export interface Transport {
  send(message: TransportMessage): Promise<void>;
  /** Subscribes; returns the unsubscribe function. */
  onMessage(handler: (message: TransportMessage) => void): () => void;
  close(): Promise<void>;
}

/** The receiving half every transport shares: parses frames, buffers until someone listens. */
export class Inbox {
  private readonly handlers = new Set<(message: TransportMessage) => void>();
  private readonly pending: TransportMessage[] = [];

  /** Takes one frame off the wire; anything but a JSON object with a string `type` is dropped. */
  receive(frame: string): void {
    let message: unknown;
    try {
      message = JSON.parse(frame);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof (message as TransportMessage).type !== 'string')
      return;
    if (this.handlers.size === 0) this.pending.push(message as TransportMessage);
    for (const handler of this.handlers) handler(message as TransportMessage);
  }

  subscribe(handler: (message: TransportMessage) => void): () => void {
    this.handlers.add(handler);
    const pending = this.pending.splice(0);
    // Delivered on the next tick, so the subscriber holds its unsubscribe function first.
    if (pending.length)
      queueMicrotask(() => {
        for (const message of pending) handler(message);
      });
    return () => this.handlers.delete(handler);
  }
}
