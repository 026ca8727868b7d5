// The TOTP QR code, drawn from the SVG the server makes (the secret never goes to a QR service).
// Under the console's CSP a data: image is blocked and markup is never injected as HTML: the SVG is
// parsed and only its viewBox and the paths' geometry and colours are copied into Preact elements,
// so nothing else the text might hold (scripts, handlers, styles) can reach the page.

interface QrPath {
  d: string;
  fill?: string;
  stroke?: string;
}

const COLOUR = /^(#[0-9a-fA-F]{3,8}|none)$/;
const VIEW_BOX = /^[\d.\s-]+$/;
const PATH_DATA = /^[MmHhVvLlZz\d.\s,-]+$/;

function parseQr(svgText: string): { viewBox: string; paths: QrPath[] } | undefined {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') return undefined;
  const viewBox = svg.getAttribute('viewBox') ?? '';
  if (!VIEW_BOX.test(viewBox)) return undefined;
  const paths: QrPath[] = [];
  for (const p of Array.from(svg.getElementsByTagName('path'))) {
    const d = p.getAttribute('d') ?? '';
    if (!PATH_DATA.test(d)) return undefined;
    const path: QrPath = { d };
    const fill = p.getAttribute('fill');
    const stroke = p.getAttribute('stroke');
    if (fill && COLOUR.test(fill)) path.fill = fill;
    if (stroke && COLOUR.test(stroke)) path.stroke = stroke;
    paths.push(path);
  }
  return paths.length > 0 ? { viewBox, paths } : undefined;
}

export function QrCode(props: { svg: string; label: string }) {
  const qr = parseQr(props.svg);
  if (!qr) return <p class="muted">The QR code could not be shown: type the key below instead.</p>;
  return (
    <svg class="qr" viewBox={qr.viewBox} role="img" aria-label={props.label} data-testid="totp-qr">
      {qr.paths.map((p) => (
        <path key={p.d} d={p.d} fill={p.fill ?? 'none'} stroke={p.stroke ?? 'none'} />
      ))}
    </svg>
  );
}
