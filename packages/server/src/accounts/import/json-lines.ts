// Splits a byte stream into numbered lines without holding more than one chunk and one line: the
// stream is pulled (for await), so a million-line file is read in bounded memory. A line longer
// than `maxLineBytes` is reported, not buffered.

export interface NumberedLine {
  line: number;
  text: string | undefined; // undefined: the line was too long
}

export async function* numberedLines(
  source: AsyncIterable<Buffer | string>,
  maxLineBytes = 64 * 1024,
): AsyncGenerator<NumberedLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let line = 0;
  const finish = (): NumberedLine => {
    line += 1;
    const text = tooLong
      ? undefined
      : Buffer.concat(pending, pendingBytes).toString('utf8').replace(/\r$/, '');
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    return { line, text };
  };
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      if (!tooLong) pending.push(buf.subarray(start, nl));
      pendingBytes += nl - start;
      if (pendingBytes > maxLineBytes) tooLong = true;
      yield finish();
      start = nl + 1;
    }
    if (start < buf.length) {
      pendingBytes += buf.length - start;
      if (pendingBytes > maxLineBytes) {
        tooLong = true;
        pending = [];
      } else {
        // Copy: the stream may reuse its chunk buffers.
        pending.push(Buffer.from(buf.subarray(start)));
      }
    }
  }
  if (pendingBytes > 0 || tooLong) yield finish();
}
