import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, launchChromium, root, startParley, type StartedParley } from './parley.js';

// The agent's day in the console, at a desktop's size, a tablet's and a phone's: `parley start` on a fresh data
// folder, the demo shop's widget in one browser context and the console in another, in Debian's Chromium.
// Screenshots of every page at each size go to .artifacts/screenshots/console/; axe-core checks each page for serious
// and critical violations.
const screenshots = join(root, '.artifacts/screenshots/console');

let parley: StartedParley;
let baseUrl: string;
let agentEmail: string;
let agentPassword: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  parley = await startParley();
  ({ baseUrl, agentEmail, agentPassword } = parley);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

/** The page is no wider than the screen: nothing to scroll sideways. */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Checks a page as every page is checked, then keeps its screenshot. */
async function checkPage(page: Page, name: string) {
  expect(await accessibilityViolations(page), `axe on ${name}`).toEqual([]);
  const wide = await page.evaluate(() =>
    [...document.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 8)
      .map((element) => `${element.tagName}.${element.className} ${Math.round(element.getBoundingClientRect().right)}`),
  );
  expect(await horizontalOverflow(page), `horizontal scroll on ${name}: ${wide.join(' | ')}`).toBeLessThanOrEqual(0);
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
  // `menu`: the pages are behind the top bar's "Menu" button (below 1,100 px); `details`: the contact, follow-up and
  // AI help are behind the "Details" button (below 1,200 px); `phone`: the inbox and the conversation are two screens.
  { name: 'desktop', viewport: { width: 1280, height: 800 }, menu: false, details: false, phone: false },
  { name: 'tablet', viewport: { width: 768, height: 1024 }, menu: true, details: true, phone: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, menu: true, details: true, phone: true },
] as const;

/** Opens a page from the top bar, through its "Menu" button on narrower screens. */
async function goTo(page: Page, menu: boolean, label: string) {
  if (menu) await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: label }).click();
}

describe.each(sizes)(
  'the console at $name size ($viewport.width×$viewport.height)',
  ({ name: size, viewport, menu, details: detailsOnDemand, phone }) => {
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
      await goTo(agentPage, menu, 'Saved replies');
      const form = agentPage.getByRole('form', { name: 'Add a saved reply' });
      await form.getByRole('textbox', { name: 'Shortcut' }).fill(`welcome-${size}`);
      await form.getByRole('textbox', { name: 'Title' }).fill('Welcome');
      await form.getByRole('textbox', { name: 'Text' }).fill('Thanks for waiting, {agent.name} here. Let me check that for you.');
      await form.getByRole('button', { name: 'Add' }).click();
      await expect.poll(() => agentPage.getByText(`Added /welcome-${size}.`).count()).toBe(1);
      await checkPage(agentPage, `${size}-2-saved-replies`);

      // Desktop notifications on (the switch asks the browser, which grants); a preference of the agent's, so the
      // second size finds it on already.
      await goTo(agentPage, menu, 'Inbox');
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
      // The offer's quick reply, under it in the log: a click sends its words, which ask for a person.
      await shop.getByRole('log').getByRole('button', { name: 'Talk to a person' }).click();
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
      // Two screens on a phone: the inbox gives way to the conversation; side by side on larger screens.
      expect(await agentPage.getByRole('navigation', { name: 'Inbox' }).isVisible()).toBe(!phone);
      if (detailsOnDemand) await agentPage.getByRole('button', { name: 'Details' }).click();
      const details = agentPage.getByRole('complementary', { name: 'Details' });
      await expect.poll(() => details.getByRole('group').first().isVisible()).toBe(true);
      await expect.poll(() => details.textContent()).toContain('Browser');
      await expect.poll(() => details.textContent(), { timeout: 10_000 }).toContain('The visitor asked:');
      await checkPage(agentPage, `${size}-4-conversation-details`);
      if (detailsOnDemand) await agentPage.getByRole('button', { name: 'Details' }).click();

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

      // Files both ways: the visitor's photo shows as a preview in the transcript; the agent's PDF reaches the widget as
      // a download.
      const sharp = createRequire(join(root, 'apps/server/package.json'))('sharp') as typeof import('sharp');
      const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7a5c3c' } })
        .jpeg()
        .toBuffer();
      await shop
        .locator('[data-parley-widget] .composer input[type="file"]')
        .setInputFiles([{ name: `tent-${size}.jpg`, mimeType: 'image/jpeg', buffer: photo }]);
      const preview = transcript.locator(`img[alt="tent-${size}.jpg"]`);
      await preview.waitFor({ timeout: 10_000 });
      await expect.poll(() => preview.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBe(320);
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
      await agentPage.getByRole('group', { name: 'Write' }).getByRole('button', { name: 'Reply', exact: true }).click();
      await agentPage.getByRole('button', { name: 'Attach files' }).waitFor();
      await agentPage
        .locator('input[type="file"]')
        .setInputFiles([{ name: `care-guide-${size}.pdf`, mimeType: 'application/pdf', buffer: pdf }]);
      const download = shop.locator(`[data-parley-widget] .files a[download="care-guide-${size}.pdf"]`);
      await download.waitFor({ timeout: 10_000 });
      expect(await accessibilityViolations(agentPage)).toEqual([]);

      await agentPage.getByRole('button', { name: 'Resolve', exact: true }).click();
      await expect.poll(widgetText, { timeout: 10_000 }).toContain('The conversation was resolved.');
      expect(await widgetText()).not.toContain('checked stock');

      // The other pages, each checked the same way.
      await goTo(agentPage, menu, 'Knowledge base');
      await expect.poll(() => agentPage.getByRole('table').first().textContent(), { timeout: 10_000 }).toContain('Shipping and delivery');
      await checkPage(agentPage, `${size}-7-knowledge-base`);
      await goTo(agentPage, menu, 'Widgets');
      await expect.poll(() => agentPage.locator('textarea[aria-label="Embed code"]').count(), { timeout: 10_000 }).toBe(1);
      await checkPage(agentPage, `${size}-8-settings-widgets`);
      await goTo(agentPage, menu, 'People');
      await expect.poll(() => agentPage.getByRole('main').textContent(), { timeout: 10_000 }).toContain(agentEmail);
      await checkPage(agentPage, `${size}-9-settings-people`);

      // An HTTP action for the bot, added on the API & webhooks page and listed there.
      await goTo(agentPage, menu, 'API & webhooks');
      const actions = agentPage.getByRole('region', { name: 'Bot actions' });
      const actionForm = actions.getByRole('region', { name: 'New action' });
      await actionForm.getByRole('textbox', { name: 'Name', exact: true }).fill(`lookup_order_${size}`);
      await actionForm.getByRole('textbox', { name: 'Description for the bot' }).fill('Finds an order by its number: status and carrier.');
      await actionForm.getByRole('textbox', { name: 'URL', exact: true }).fill('https://shop.example/api/orders/{{order_number}}');
      await actionForm
        .getByRole('textbox', { name: 'Input schema' })
        .fill('{"type":"object","properties":{"order_number":{"type":"string"}},"required":["order_number"]}');
      await actionForm.getByRole('button', { name: 'Add action' }).click();
      await expect.poll(() => actions.getByRole('listitem', { name: `lookup_order_${size}` }).count(), { timeout: 10_000 }).toBe(1);
      await checkPage(agentPage, `${size}-10-settings-api`);
      if (menu) {
        await agentPage.getByRole('button', { name: 'Menu' }).click();
        await checkPage(agentPage, `${size}-11-menu`);
      }
      expect(pageErrors).toEqual([]);
    });
  },
);
