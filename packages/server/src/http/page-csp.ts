// The Content Security Policy of the HTML pages the server hosts (the console, the API docs): this
// origin only, no inline scripts or styles, no framing, forms only to this origin.

/** `dataImages`: also allow `data:` images (icons embedded in a third-party stylesheet). */
export function pageCsp(opts: { dataImages?: boolean } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    opts.dataImages ? "img-src 'self' data:" : "img-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
