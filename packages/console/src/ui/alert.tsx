// Status lines: errors are role=alert (read out at once), the rest role=status (polite).
import type { ComponentChildren } from 'preact';

export function Alert(props: { kind: 'error' | 'info' | 'success'; children: ComponentChildren }) {
  return (
    <div class={`alert ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}
