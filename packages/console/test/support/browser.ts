// Debian's Chromium driven by playwright-core, with guards that fail a test on any console error,
// uncaught exception, CSP violation or request to another origin. Without Chromium the tests skip,
// except under CI=true, where they fail (CI installs it).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TESSERA_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** undefined when the browser tests can run; else why not (a skip reason). Throws under CI. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true')
    throw new Error(`CI=true but ${CHROMIUM} is missing (apt-get install chromium)`);
  return `${CHROMIUM} not found (install Debian's chromium)`;
}

export async function launch(): Promise<Browser> {
  // playwright's launch() starts from a new, empty profile directory of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Guarded {
  context: BrowserContext;
  page: Page;
  /** Everything that went wrong in the page so far (console errors, CSP, foreign requests). */
  problems: string[];
  /** Every request URL with its body, to prove what left the browser. */
  requests: Array<{ url: string; body: string | null }>;
}

/** A new context (its own cookies) with one page, watched for problems. */
export async function guardedContext(
  browser: Browser,
  origin: string,
  viewport = { width: 1280, height: 860 },
): Promise<Guarded> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' });
  const problems: string[] = [];
  const requests: Guarded['requests'] = [];
  context.on('request', (request) => {
    const url = request.url();
    requests.push({ url, body: request.postData() });
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'))
      problems.push(`request to another origin: ${url}`);
  });
  // Reported from inside the page (init scripts are injected by the driver, not subject to the CSP).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const page = await context.newPage();
  watch(page, problems);
  return { context, page, problems, requests };
}

export function watch(page: Page, problems: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page (WCAG 2 A/AA rules and best practices). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the driver (not a <script> tag), so the page's CSP stays strict.
  await page.evaluate(`${axeSource};0`);
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
  };
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
