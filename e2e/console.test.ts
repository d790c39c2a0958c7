import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The agent's day in the console, at a desktop's size and at a phone's: `parley start` on a fresh data folder, the
// demo shop's widget in one browser context and the console in another, in Debian's Chromium. Screenshots of every
// page at both sizes go to .artifacts/screenshots/console/; axe-core checks each page for serious and critical
// violations.
const root = join(import.meta.dirname, '..');
const screenshots = join(root, '.artifacts/screenshots/console');

let server: ChildProcess;
let baseUrl: string;
let agentEmail: string;
let agentPassword: string;
let browser: Browser;
let dataDir: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-console-'));
  const port = await freePort();
  baseUrl = `http://localhost:${port}`;
  server = spawn(process.execPath, [join(root, 'apps/server/dist/cli.js'), 'start'], {
    env: { ...process.env, PORT: String(port), HOST: 'localhost', PARLEY_DATA_DIR: dataDir, DATABASE_URL: '', PARLEY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const email = output.match(/e-mail:\s+(\S+)/);
      const password = output.match(/password:\s+(\S+)/);
      if (email && password) {
        agentEmail = email[1]!;
        agentPassword = password[1]!;
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the whole page, as `rule: target` lines. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (context: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }>;
        };
      }
    ).axe;
    const { violations } = await axe.run(document);
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${JSON.stringify(node.target)}`));
  });
}

/** The page is no wider than the screen: nothing to scroll sideways. */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Checks a page as every page is checked, then keeps its screenshot. */
async function checkPage(page: Page, name: string) {
  expect(await accessibilityViolations(page), `axe on ${name}`).toEqual([]);
  expect(await horizontalOverflow(page), `horizontal scroll on ${name}`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

/**
 * The browser's Notification API, granted and recorded: each notification the console shows is kept in
 * `window.parleyNotifications` (the real one shows nothing in a headless browser).
 */
function recordNotifications() {
  const shown: Array<{ title: string; body?: string }> = [];
  (window as unknown as { parleyNotifications: typeof shown }).parleyNotifications = shown;
  class RecordedNotification extends EventTarget {
    static readonly permission = 'granted';
    static requestPermission() {
      return Promise.resolve('granted');
    }
    constructor(title: string, options?: { body?: string }) {
      super();
      shown.push({ title, body: options?.body });
    }
    close() {}
  }
  Object.defineProperty(window, 'Notification', { value: RecordedNotification, configurable: true });
}

const sizes = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, phone: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, phone: true },
] as const;

/** On a phone, the pages are behind the top bar's "Menu" button. */
async function goTo(page: Page, phone: boolean, label: string) {
  if (phone) await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: label }).click();
}

describe.each(sizes)('the console at $name size ($viewport.width×$viewport.height)', ({ name: size, viewport, phone }) => {
  let agentContext: BrowserContext;
  let visitorContext: BrowserContext;

  beforeAll(async () => {
    agentContext = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone });
    await agentContext.addInitScript(recordNotifications);
    visitorContext = await browser.newContext({ viewport });
  });

  afterAll(async () => {
    await agentContext?.close();
    await visitorContext?.close();
  });

  it('alerts the agent, shows who is asking and a summary, sends a saved reply and a note, and resolves', async () => {
    const agentPage = await agentContext.newPage();
    const pageErrors: string[] = [];
    agentPage.on('pageerror', (error) => pageErrors.push(error.message));
    await agentPage.goto(`${baseUrl}/console/`);
    await checkPage(agentPage, `${size}-1-login`);
    await agentPage.getByRole('textbox', { name: 'Email' }).fill(agentEmail);
    await agentPage.getByRole('textbox', { name: 'Password' }).fill(agentPassword);
    await agentPage.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => agentPage.getByRole('status').filter({ hasText: 'Live' }).count(), { timeout: 10_000 }).toBe(1);

    // A saved reply with a variable, on its page.
    await goTo(agentPage, phone, 'Saved replies');
    const form = agentPage.getByRole('form', { name: 'Add a saved reply' });
    await form.getByRole('textbox', { name: 'Shortcut' }).fill(`welcome-${size}`);
    await form.getByRole('textbox', { name: 'Title' }).fill('Welcome');
    await form.getByRole('textbox', { name: 'Text' }).fill('Thanks for waiting, {agent.name} here. Let me check that for you.');
    await form.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => agentPage.getByText(`Added /welcome-${size}.`).count()).toBe(1);
    await checkPage(agentPage, `${size}-2-saved-replies`);

    // Desktop notifications on (the switch asks the browser, which grants); a preference of the agent's, so the
    // second size finds it on already.
    await goTo(agentPage, phone, 'Inbox');
    await agentPage.getByRole('button', { name: 'Alerts' }).click();
    const desktopSwitch = agentPage.getByRole('switch', { name: 'Desktop notifications' });
    if (!(await desktopSwitch.isChecked())) await desktopSwitch.click();
    await expect.poll(() => desktopSwitch.isChecked()).toBe(true);
    await agentPage.getByRole('button', { name: 'Alerts' }).click();
    await checkPage(agentPage, `${size}-3-inbox`);

    // The visitor asks for a person: routing gives the online agent the conversation, who is told.
    const shop = await visitorContext.newPage();
    await shop.goto(`${baseUrl}/`);
    await shop.getByRole('button', { name: 'Open chat' }).click();
    await shop.getByRole('textbox', { name: 'Message' }).fill(`Does the Ridgeline tent fit two people? (${size})`);
    await shop.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => shop.getByRole('log').textContent(), { timeout: 10_000 }).toContain('talk to a person');
    await shop.getByRole('button', { name: 'Talk to a person' }).click();
    const widgetText = () => shop.locator('[data-parley-widget]').evaluate((host) => host.shadowRoot?.textContent ?? '');
    await expect.poll(widgetText, { timeout: 10_000 }).toContain('Robin (demo agent) joined the conversation.');

    const notifications = () => agentPage.evaluate(() => (window as unknown as { parleyNotifications: unknown[] }).parleyNotifications);
    await expect
      .poll(notifications, { timeout: 10_000 })
      .toContainEqual({ title: expect.stringMatching(/^Visitor [0-9a-f]{8}$/), body: expect.stringContaining('Assigned to you') });
    await expect.poll(() => agentPage.title(), { timeout: 10_000 }).toMatch(/^\(\d+\) /);

    // The agent opens it: the transcript, then the contact panel and the summary (beside it, or behind "Details").
    await agentPage.locator('.conversation-list').getByRole('button').first().click();
    const transcript = agentPage.getByRole('log', { name: 'Messages' });
    await expect.poll(() => transcript.textContent()).toContain(`Does the Ridgeline tent fit two people? (${size})`);
    if (phone) {
      // Two screens: the inbox gives way to the conversation.
      expect(await agentPage.getByRole('navigation', { name: 'Inbox' }).isVisible()).toBe(false);
      await agentPage.getByRole('button', { name: 'Details' }).click();
    }
    const details = agentPage.getByRole('complementary', { name: 'Details' });
    await expect.poll(() => details.getByRole('group').first().isVisible()).toBe(true);
    await expect.poll(() => details.textContent()).toContain('Browser');
    await expect.poll(() => details.textContent(), { timeout: 10_000 }).toContain('The visitor asked:');
    await checkPage(agentPage, `${size}-4-conversation-details`);
    if (phone) await agentPage.getByRole('button', { name: 'Details' }).click();

    // A saved reply, picked with /shortcut, its variable filled in.
    const reply = agentPage.getByRole('textbox', { name: 'Reply' });
    await reply.click();
    await reply.pressSequentially(`/welcome-${size}`);
    await agentPage.getByRole('listbox', { name: 'Saved replies' }).getByRole('option').first().click();
    await expect.poll(() => reply.inputValue()).toBe('Thanks for waiting, Robin (demo agent) here. Let me check that for you.');
    await agentPage.getByRole('button', { name: 'Send' }).click();

    // An internal note: only agents see it.
    await agentPage.getByRole('button', { name: 'Internal note' }).click();
    const note = agentPage.getByRole('textbox', { name: 'Internal note — only agents see this' });
    await note.fill(`Customer asked about tent sizes; checked stock (${size}).`);
    await agentPage.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => transcript.textContent()).toContain(`checked stock (${size})`);
    await checkPage(agentPage, `${size}-5-conversation`);

    // The visitor sees the reply, never the note.
    await expect.poll(widgetText, { timeout: 10_000 }).toContain('Thanks for waiting, Robin (demo agent) here.');
    expect(await widgetText()).not.toContain('checked stock');
    await shop.screenshot({ path: join(screenshots, `${size}-6-visitor.png`) });

    await agentPage.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(widgetText, { timeout: 10_000 }).toContain('The conversation was resolved.');
    expect(await widgetText()).not.toContain('checked stock');

    // The other pages, each checked the same way.
    await goTo(agentPage, phone, 'Knowledge base');
    await expect.poll(() => agentPage.getByRole('table').first().textContent(), { timeout: 10_000 }).toContain('Shipping and delivery');
    await checkPage(agentPage, `${size}-7-knowledge-base`);
    await goTo(agentPage, phone, 'Widgets');
    await expect.poll(() => agentPage.locator('textarea[aria-label="Embed code"]').count(), { timeout: 10_000 }).toBe(1);
    await checkPage(agentPage, `${size}-8-settings-widgets`);
    await goTo(agentPage, phone, 'People');
    await expect.poll(() => agentPage.getByRole('main').textContent(), { timeout: 10_000 }).toContain(agentEmail);
    await checkPage(agentPage, `${size}-9-settings-people`);
    if (phone) {
      await agentPage.getByRole('button', { name: 'Menu' }).click();
      await checkPage(agentPage, `${size}-10-menu`);
    }
    expect(pageErrors).toEqual([]);
  });
});
