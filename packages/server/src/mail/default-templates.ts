// The built-in mail templates. An operator replaces any of them with files in
// TESSERA_MAIL_TEMPLATES (templates.ts): NAME.txt (first line "Subject: ...", a blank line, the
// plain-text body) and NAME.html. Placeholders: {{link}}, {{email}}, {{new_email}}, {{expires_in}},
// {{public_url}}, and in the security notices {{changed_at}}, {{ip}}, {{device}}, {{factor}}; in
// HTML they are escaped. The notices carry no link and no secret: they say what changed, when and
// from where, and what to do if it was not the user (security-notices.ts).

export const TEMPLATE_NAMES = [
  'verify-email',
  'reset-password',
  'confirm-email-change',
  'email-change-notice',
  'registration-attempt',
  'factors-reset',
  'password-changed',
  'password-reset-notice',
  'factor-added',
  'factor-removed',
  'recovery-codes-regenerated',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface TemplateSource {
  subject: string;
  text: string;
  html: string;
}

const html = (title: string, body: string) => `<!doctype html>
<html><body style="font-family: sans-serif; max-width: 36em; margin: 2em auto; color: #222">
<h1 style="font-size: 1.3em">${title}</h1>
${body}
<p style="color: #777; font-size: .85em">Sent by {{public_url}}</p>
</body></html>
`;

const button = (label: string) =>
  `<p><a href="{{link}}" style="display: inline-block; padding: .6em 1.2em; background: #2456d6; color: #fff; text-decoration: none; border-radius: 4px">${label}</a></p>
<p style="font-size: .9em">Or open this address: <br><a href="{{link}}">{{link}}</a></p>`;

/** When and from where a security notice's change was made. */
const where = `<p>When: {{changed_at}}<br>From: {{ip}} ({{device}})</p>`;

export const DEFAULT_TEMPLATES: Readonly<Record<TemplateName, TemplateSource>> = Object.freeze({
  'verify-email': {
    subject: 'Confirm your email address',
    text: `Confirm that {{email}} is your address by opening this link:

{{link}}

The link works once and expires in {{expires_in}}. If you did not create an account, ignore this mail.
`,
    html: html(
      'Confirm your email address',
      `<p>Confirm that <b>{{email}}</b> is your address.</p>
${button('Confirm my address')}
<p>The link works once and expires in {{expires_in}}. If you did not create an account, ignore this mail.</p>`,
    ),
  },
  'reset-password': {
    subject: 'Reset your password',
    text: `Someone (hopefully you) asked to reset the password of {{email}}. Choose a new one here:

{{link}}

The link works once and expires in {{expires_in}}. Resetting signs you out everywhere.
If you did not ask for this, ignore this mail: your password stays as it is.
`,
    html: html(
      'Reset your password',
      `<p>Someone (hopefully you) asked to reset the password of <b>{{email}}</b>.</p>
${button('Choose a new password')}
<p>The link works once and expires in {{expires_in}}. Resetting signs you out everywhere.
If you did not ask for this, ignore this mail: your password stays as it is.</p>`,
    ),
  },
  'confirm-email-change': {
    subject: 'Confirm your new email address',
    text: `Confirm that {{new_email}} should become the address of your account (now {{email}}):

{{link}}

The link works once and expires in {{expires_in}}. If you did not ask for this, ignore this mail.
`,
    html: html(
      'Confirm your new email address',
      `<p>Confirm that <b>{{new_email}}</b> should become the address of your account (now {{email}}).</p>
${button('Confirm the new address')}
<p>The link works once and expires in {{expires_in}}. If you did not ask for this, ignore this mail.</p>`,
    ),
  },
  'email-change-notice': {
    subject: 'Your email address is being changed',
    text: `Someone signed in to your account asked to change its address from {{email}} to {{new_email}}.
The change happens when the new address confirms it.

If this was not you, change your password now and contact the administrator.
`,
    html: html(
      'Your email address is being changed',
      `<p>Someone signed in to your account asked to change its address from <b>{{email}}</b> to <b>{{new_email}}</b>.
The change happens when the new address confirms it.</p>
<p>If this was not you, change your password now and contact the administrator.</p>`,
    ),
  },
  'registration-attempt': {
    subject: 'Someone tried to register with your address',
    text: `Someone tried to create an account with {{email}}, which already has one.

If it was you, sign in instead, or reset your password: {{link}}
If it was not you, ignore this mail; nothing changed.
`,
    html: html(
      'Someone tried to register with your address',
      `<p>Someone tried to create an account with <b>{{email}}</b>, which already has one.</p>
<p>If it was you, sign in instead, or <a href="{{link}}">reset your password</a>.
If it was not you, ignore this mail; nothing changed.</p>`,
    ),
  },
  'factors-reset': {
    subject: 'The second factors of your account were reset',
    text: `An administrator removed every second factor and recovery code of the account {{email}}.

You now sign in with your password alone; enrol a new authenticator app or passkey after signing in.
If you did not ask for this, contact your administrator at once.
`,
    html: html(
      'The second factors of your account were reset',
      `<p>An administrator removed every second factor and recovery code of the account <b>{{email}}</b>.</p>
<p>You now sign in with your password alone; enrol a new authenticator app or passkey after signing in.
If you did not ask for this, contact your administrator at once.</p>`,
    ),
  },
  'password-changed': {
    subject: 'Your password was changed',
    text: `The password of the account {{email}} was changed by someone signed in to it.

When: {{changed_at}}
From: {{ip}} ({{device}})

Your other sessions were signed out. If this was you, there is nothing more to do.
If it was not you, someone knows your password: choose a new one at once with "Forgot password" on
the sign-in page, and contact your administrator.
`,
    html: html(
      'Your password was changed',
      `<p>The password of the account <b>{{email}}</b> was changed by someone signed in to it.</p>
${where}
<p>Your other sessions were signed out. If this was you, there is nothing more to do.
If it was not you, someone knows your password: choose a new one at once with "Forgot password" on
the sign-in page, and contact your administrator.</p>`,
    ),
  },
  'password-reset-notice': {
    subject: 'Your password was replaced',
    text: `The password of the account {{email}} was replaced through a password reset link mailed to
this address. Every session of the account was signed out.

When: {{changed_at}}
From: {{ip}} ({{device}})

If this was you, there is nothing more to do.
If it was not you, someone can read your mail or got hold of a reset link: secure your mailbox,
choose a new password with "Forgot password" on the sign-in page, and contact your administrator.
`,
    html: html(
      'Your password was replaced',
      `<p>The password of the account <b>{{email}}</b> was replaced through a password reset link mailed
to this address. Every session of the account was signed out.</p>
${where}
<p>If this was you, there is nothing more to do.
If it was not you, someone can read your mail or got hold of a reset link: secure your mailbox,
choose a new password with "Forgot password" on the sign-in page, and contact your administrator.</p>`,
    ),
  },
  'factor-added': {
    subject: 'A second factor was added to your account',
    text: `A second factor was added to the account {{email}}: {{factor}}.

When: {{changed_at}}
From: {{ip}} ({{device}})

If this was you, there is nothing more to do.
If it was not you, someone has signed in to your account: choose a new password with "Forgot
password" on the sign-in page, and contact your administrator to have the factor removed.
`,
    html: html(
      'A second factor was added to your account',
      `<p>A second factor was added to the account <b>{{email}}</b>: {{factor}}.</p>
${where}
<p>If this was you, there is nothing more to do.
If it was not you, someone has signed in to your account: choose a new password with "Forgot
password" on the sign-in page, and contact your administrator to have the factor removed.</p>`,
    ),
  },
  'factor-removed': {
    subject: 'A second factor was removed from your account',
    text: `A second factor was removed from the account {{email}}: {{factor}}.

When: {{changed_at}}
From: {{ip}} ({{device}})

If this was you, there is nothing more to do.
If it was not you, someone has signed in to your account: choose a new password with "Forgot
password" on the sign-in page, and contact your administrator at once.
`,
    html: html(
      'A second factor was removed from your account',
      `<p>A second factor was removed from the account <b>{{email}}</b>: {{factor}}.</p>
${where}
<p>If this was you, there is nothing more to do.
If it was not you, someone has signed in to your account: choose a new password with "Forgot
password" on the sign-in page, and contact your administrator at once.</p>`,
    ),
  },
  'recovery-codes-regenerated': {
    subject: 'New recovery codes were made for your account',
    text: `New recovery codes were made for the account {{email}}; the previous ones no longer work.
The codes are shown once to whoever made them and are never sent by mail.

When: {{changed_at}}
From: {{ip}} ({{device}})

If this was you, there is nothing more to do.
If it was not you, someone has signed in to your account with a second factor: choose a new
password with "Forgot password" on the sign-in page, and contact your administrator at once.
`,
    html: html(
      'New recovery codes were made for your account',
      `<p>New recovery codes were made for the account <b>{{email}}</b>; the previous ones no longer work.
The codes are shown once to whoever made them and are never sent by mail.</p>
${where}
<p>If this was you, there is nothing more to do.
If it was not you, someone has signed in to your account with a second factor: choose a new
password with "Forgot password" on the sign-in page, and contact your administrator at once.</p>`,
    ),
  },
});
