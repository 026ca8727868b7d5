// A text/event-stream parser (WHATWG HTML §9.2.6), fed decoded text chunks of any size. We parse the
// stream ourselves over fetch's body instead of using EventSource, which Node 20 lacks and which
// cannot send an Authorization header.

export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

export interface SseHandlers {
  onEvent(event: SseEvent): void;
  /** A comment line (`: ping`): proof the connection is alive. */
  onComment?(text: string): void;
  onRetry?(ms: number): void;
}

export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #lastEventId: string | undefined;
  #sawCr = false;
  readonly #handlers: SseHandlers;

  constructor(handlers: SseHandlers, lastEventId?: string) {
    this.#handlers = handlers;
    this.#lastEventId = lastEventId;
  }

  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  push(chunk: string): void {
    let text = chunk;
    // A CRLF split across two chunks: the LF was already counted with the CR.
    if (this.#sawCr && text.startsWith('\n')) text = text.slice(1);
    this.#sawCr = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#line(this.#buffer + text.slice(start, i));
      this.#buffer = '';
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#sawCr = true;
        }
      }
      start = i + 1;
    }
    this.#buffer += text.slice(start);
    // A peer that never sends a newline must not grow our memory without bound.
    if (this.#buffer.length > 1 << 20) throw new RangeError('event-stream line too long');
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      this.#handlers.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#handlers.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored, as the spec says
    }
  }

  #dispatch(): void {
    if (this.#data.length === 0) {
      this.#event = '';
      return;
    }
    const event: SseEvent = {
      event: this.#event || 'message',
      data: this.#data.join('\n'),
      id: this.#lastEventId,
    };
    this.#data = [];
    this.#event = '';
    this.#handlers.onEvent(event);
  }
}
