// The field for a code from an authenticator app: numeric keyboard, one-time-code autofill, 6 to 8
// digits (spaces allowed, as apps show them).
export function TotpCodeInput(props: { id?: string }) {
  return (
    <input
      id={props.id}
      name="code"
      inputMode="numeric"
      autocomplete="one-time-code"
      pattern="[0-9 ]{6,8}"
      maxLength={8}
      required
    />
  );
}
