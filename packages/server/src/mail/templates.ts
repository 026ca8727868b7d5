// Mail templates: the built-ins (default-templates.ts), each replaceable by files in the operator's
// folder (TESSERA_MAIL_TEMPLATES): NAME.txt holds "Subject: ..." on its first line, a blank line and
// the plain-text body; NAME.html the HTML body. Files are read once at start-up; a missing file
// keeps the built-in, a malformed one (or a folder that is not there: a typo would otherwise send
// the built-ins unnoticed) stops the start as a configuration error naming TESSERA_MAIL_TEMPLATES.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config.js';
import {
  DEFAULT_TEMPLATES,
  TEMPLATE_NAMES,
  type TemplateName,
  type TemplateSource,
} from './default-templates.js';

export type TemplateVars = Partial<
  Record<
    'link' | 'email' | 'new_email' | 'expires_in' | 'public_url' | 'changed_at' | 'ip' | 'device' | 'factor',
    string
  >
>;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface Templates {
  render(name: TemplateName, vars: TemplateVars): RenderedMail;
}

const VARIABLE = 'TESSERA_MAIL_TEMPLATES';

function parseTextFile(path: string, content: string): { subject: string; text: string } {
  const m = /^Subject:[ \t]*(.+)\r?\n\r?\n([\s\S]*)$/.exec(content);
  if (!m) {
    throw new ConfigError(
      VARIABLE,
      `${path}: the first line must be "Subject: ..." followed by a blank line`,
    );
  }
  return { subject: (m[1] as string).trim(), text: m[2] as string };
}

export function loadTemplates(dir: string | undefined): Templates {
  if (dir !== undefined && !isFolder(dir)) throw new ConfigError(VARIABLE, `${dir} is not a folder`);
  const sources = new Map<TemplateName, TemplateSource>();
  for (const name of TEMPLATE_NAMES) {
    const source = { ...DEFAULT_TEMPLATES[name] };
    if (dir !== undefined) {
      const txt = join(dir, `${name}.txt`);
      const htm = join(dir, `${name}.html`);
      if (existsSync(txt)) Object.assign(source, parseTextFile(txt, readFileSync(txt, 'utf8')));
      if (existsSync(htm)) source.html = readFileSync(htm, 'utf8');
    }
    sources.set(name, source);
  }
  return {
    render(name, vars) {
      const source = sources.get(name) as TemplateSource;
      return {
        // Header values never carry a line break (no header injection through a variable).
        subject: fill(source.subject, vars, (v) => v.replace(/[\r\n]+/g, ' ')),
        text: fill(source.text, vars, (v) => v),
        html: fill(source.html, vars, escapeHtml),
      };
    },
  };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function fill(template: string, vars: TemplateVars, encode: (v: string) => string): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) => {
    const value = (vars as Record<string, string | undefined>)[key];
    return value === undefined ? whole : encode(value);
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** "30 minutes", "24 hours", "7 days": for {{expires_in}}. */
export function humanDuration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds % 86400 === 0 && seconds > 86400) return unit(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}
