// Admin · a user's second factors (GET /v1/admin/users/:id/factors) and their reset (DELETE, after
// a confirmation), for a user who lost every factor and every recovery code. Loaded only when the
// user's row is opened.
import { api } from '../session.js';
import { Alert } from '../ui/alert.js';
import { ConfirmButton } from '../ui/confirm.js';
import { When } from '../ui/format.js';
import { useAction, useLoad } from '../ui/use-load.js';
import { type FactorList, factorKind } from './factor-names.js';

export function AdminUserFactors(props: { userId: string; email: string }) {
  const path = `/v1/admin/users/${encodeURIComponent(props.userId)}/factors`;
  const { data, error, reload } = useLoad(async () => (await api('GET', path)) as FactorList, [path]);
  const action = useAction();
  const reset = () =>
    action.run(async () => {
      const { removed } = await api('DELETE', path);
      await reload();
      return `Removed ${removed} second factor${removed === 1 ? '' : 's'} and every recovery code of ${props.email}.`;
    });

  return (
    <div class="factors" data-testid="user-factors">
      <h2>Second factors</h2>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      {data ? (
        data.factors.length === 0 ? (
          <p>None: the password alone signs this user in.</p>
        ) : (
          <>
            <ul>
              {data.factors.map((f) => (
                <li key={f.id}>
                  {factorKind(f.type)} “{f.name}”{f.confirmed ? '' : ' (not confirmed)'}, added{' '}
                  <When iso={f.created_at} />
                </li>
              ))}
            </ul>
            <p>{data.recovery_codes_remaining} unused recovery codes.</p>
          </>
        )
      ) : null}
      <ConfirmButton
        label="Reset second factors"
        title={`Reset the second factors of ${props.email}?`}
        confirmLabel="Reset"
        danger
        disabled={!data || data.factors.length === 0}
        onConfirm={() => reset().then(() => undefined)}
      >
        <p>
          Every second factor and recovery code of this user is removed (and the user is mailed, when mail is
          set up). Do it only once you are sure who is asking: afterwards the password alone signs in, or a
          role that requires a second factor must enrol a new one.
        </p>
      </ConfirmButton>
    </div>
  );
}
