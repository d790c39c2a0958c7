import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessibilityViolations, launchChromium, root, screenshotDifference, startParley, type StartedParley } from './parley.js';

// The widget on the demo shop as visitors meet it: on phones and on a desktop, with replies arriving while it is
// closed, and on a network that blocks WebSockets.
const screenshots = join(root, '.artifacts/screenshots');

let parley: StartedParley;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  parley = await startParley();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await parley?.stop();
});

// A failed test leaves each of its pages as a screenshot and the widget's text beside it: a failure seen once in CI
// (the 390×844 files test, which passed on every local run) can then be read rather than guessed at.
beforeEach(({ task, onTestFailed }) => {
  const firstContext = contexts.length;
  onTestFailed(async () => {
    const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(-80);
    for (const [index, context] of contexts.slice(firstContext).entries()) {
      for (const [pageIndex, page] of context.pages().entries()) {
        const file = join(screenshots, `failed-${name}-${index}-${pageIndex}`);
        await page.screenshot({ path: `${file}.png` }).catch(() => {});
        const text = await page
          .evaluate(() => {
            const widget = document.querySelector('[data-parley-widget]')?.shadowRoot?.querySelector<HTMLElement>('.root');
            return widget?.innerText ?? document.body.innerText;
          })
          .catch((error: unknown) => String(error));
        writeFileSync(`${file}.txt`, text);
      }
    }
  });
});

async function newPage(viewport: { width: number; height: number }, options: { isMobile?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport, isMobile: options.isMobile ?? false, hasTouch: options.isMobile ?? false });
  contexts.push(context);
  return context.newPage();
}

/** The shop, made taller than the screen so that there is something behind the widget to scroll. */
async function openShop(page: Page) {
  await page.goto(`${parley.baseUrl}/`);
  await page.evaluate(() => (document.body.style.minHeight = '4000px'));
}

async function signIn(page: Page) {
  await page.goto(`${parley.baseUrl}/console/`);
  await page.getByRole('textbox', { name: 'Email' }).fill(parley.agentEmail);
  await page.getByRole('textbox', { name: 'Password' }).fill(parley.agentPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the widget on a phone', () => {
  it.each([
    { width: 390, height: 844 },
    { width: 360, height: 740 },
  ])('fills a $width×$height screen, locks the page behind it, and zooms nothing on focus', async (viewport) => {
    const page = await newPage(viewport, { isMobile: true });
    await openShop(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const panel = page.getByRole('dialog');
    await expect.poll(() => panel.boundingBox()).toEqual({ x: 0, y: 0, ...viewport });

    // The page behind doesn't scroll while the chat is open, neither on the panel nor past the end of its log (the
    // lock comes with a small chunk, loaded when the panel opens on a phone).
    await expect.poll(() => page.evaluate(() => document.documentElement.style.overflow)).toBe('hidden');
    await page.mouse.move(viewport.width / 2, viewport.height / 2);
    await page.mouse.wheel(0, 800);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // 16px and more: iOS zooms into a smaller input on focus.
    const composer = page.getByRole('textbox', { name: 'Message' });
    expect(await composer.evaluate((element) => getComputedStyle(element).fontSize)).toBe('16px');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, `widget-phone-${viewport.width}-open.png`) });

    // Its own close button stands in for the launcher it covers; the page scrolls again.
    await page.getByRole('dialog').getByRole('button', { name: 'Close chat' }).click();
    await expect.poll(() => panel.count()).toBe(0);
    await expect.poll(() => page.getByRole('button', { name: 'Open chat' }).isVisible()).toBe(true);
    await expect
      .poll(async () => {
        await page.mouse.wheel(0, 400);
        return page.evaluate(() => window.scrollY);
      })
      .toBeGreaterThan(0);
  });

  it('is a card beside the page on a desktop, which keeps scrolling', async () => {
    const page = await newPage({ width: 1280, height: 800 });
    await openShop(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = (await page.getByRole('dialog').boundingBox())!;
    expect(box.width).toBe(370);
    expect(box.x + box.width).toBe(1280 - 20);
    // On a desktop the launcher closes it: the header's close button is not there.
    expect(await page.getByRole('dialog').getByRole('button', { name: 'Close chat' }).count()).toBe(0);
    await page.mouse.move(200, 400);
    await expect
      .poll(async () => {
        await page.mouse.wheel(0, 400);
        return page.evaluate(() => window.scrollY);
      })
      .toBeGreaterThan(0);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});

describe('replies while the widget is closed', () => {
  it.each([
    { width: 1280, height: 800 },
    { width: 360, height: 740 },
  ])('counts them on the launcher, previews the newest, and names its author in the page title ($width×$height)', async (viewport) => {
    const shop = await newPage(viewport, { isMobile: viewport.width < 640 });
    await openShop(shop);
    const title = await shop.title();
    await shop.getByRole('button', { name: 'Open chat' }).click();
    // Each size's question is its own: the inbox's newest conversation must be this one.
    const question = `Do you ship tents to Norway? (${viewport.width} px)`;
    await shop.getByRole('textbox', { name: 'Message' }).fill(question);
    await shop.getByRole('button', { name: 'Send' }).click();
    // The bot answers first (the offline answerer, without an Anthropic key).
    await expect.poll(() => shop.locator('[data-author="bot"]').count(), { timeout: 10_000 }).toBe(1);
    // The launcher on a desktop, the panel's own button on a phone (where it covers the launcher).
    await shop.getByRole('button', { name: 'Close chat' }).click();

    const agent = await newPage({ width: 1280, height: 800 });
    await signIn(agent);
    await agent.locator('.conversation-list button').first().click();
    await expect.poll(() => agent.getByRole('log').textContent()).toContain(question);
    await agent.getByRole('textbox', { name: 'Reply' }).fill('We do, in 3 to 5 days.');
    await agent.getByRole('button', { name: 'Send' }).click();

    await expect.poll(() => shop.getByRole('button', { name: /^Open chat, \d+ new messages?$/ }).count(), { timeout: 10_000 }).toBe(1);
    // The title comes with a small chunk, loaded for the first unread reply.
    await expect.poll(() => shop.title()).toMatch(/^New message from /);
    const preview = shop.getByRole('button', { name: /We do, in 3 to 5 days\./ });
    expect(await preview.isVisible()).toBe(true);
    expect(await accessibilityViolations(shop)).toEqual([]);
    await shop.screenshot({ path: join(screenshots, `widget-unread-${viewport.width}.png`) });
    // The title blinks once, then is the page's again.
    await expect.poll(() => shop.title(), { timeout: 10_000 }).toBe(title);

    await preview.click();
    await expect.poll(() => shop.getByRole('log').textContent()).toContain('We do, in 3 to 5 days.');
    expect(await accessibilityViolations(shop)).toEqual([]);
    await shop.screenshot({ path: join(screenshots, `widget-unread-opened-${viewport.width}.png`) });
    await shop.getByRole('button', { name: 'Close chat' }).click();
    expect(await shop.getByRole('button', { name: 'Open chat' }).count()).toBe(1);
  });
});

describe('a network that blocks WebSockets', () => {
  it('falls back to long-polling, fetched only then, and the chat works', async () => {
    const page = await newPage({ width: 1280, height: 800 });
    // Every WebSocket fails its handshake, as behind a proxy that refuses them: an error, then a close with 1006.
    await page.addInitScript(() => {
      window.WebSocket = class RefusedWebSocket extends EventTarget {
        readyState = 0;
        onerror: ((event: Event) => void) | null = null;
        onclose: ((event: CloseEvent) => void) | null = null;
        constructor(readonly url: string) {
          super();
          setTimeout(() => {
            this.readyState = 3;
            const error = new Event('error');
            this.onerror?.(error);
            this.dispatchEvent(error);
            const close = new CloseEvent('close', { code: 1006 });
            this.onclose?.(close);
            this.dispatchEvent(close);
          }, 10);
        }
        send() {}
        close() {}
      } as unknown as typeof WebSocket;
    });
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await openShop(page);
    expect(scripts.some((path) => path.includes('polling-transport'))).toBe(false);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello from behind a proxy');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('[data-author="bot"]').count(), { timeout: 15_000 }).toBe(1);
    expect(scripts.some((path) => path.includes('polling-transport'))).toBe(true);
  });

  it('uses a WebSocket from the start where one works, and never loads long-polling', async () => {
    const page = await newPage({ width: 1280, height: 800 });
    const scripts: string[] = [];
    const polls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (request.resourceType() === 'script') scripts.push(url.pathname);
      if (url.pathname.startsWith('/socket.io/') && url.searchParams.get('transport') === 'polling') polls.push(url.href);
    });
    await openShop(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello over a WebSocket');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('[data-author="bot"]').count(), { timeout: 10_000 }).toBe(1);
    expect(polls).toEqual([]);
    expect(scripts.some((path) => path.includes('polling-transport'))).toBe(false);
  });
});

/** What the tests use of `window.Parley` (docs/widget.md), and what they record of its events. */
type PageWindow = Window & {
  Parley: {
    open(): void;
    close(): void;
    identify(details: { name?: string; email?: string }): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
    shutdown(options?: { clearSession?: boolean }): void;
  };
  parleyEvents: string[];
};

describe("the page's API (window.Parley)", () => {
  it('opens the chat, reports its events, tells agents who the visitor is, and shuts down', async () => {
    const shop = await newPage({ width: 1280, height: 800 });
    await openShop(shop);
    // Called as soon as the loader has run: before the chat has loaded, so these are queued and replayed.
    await shop.waitForFunction(() => 'Parley' in window);
    await shop.evaluate(() => {
      const page = window as unknown as PageWindow;
      page.parleyEvents = [];
      page.Parley.on('open', () => page.parleyEvents.push('open'));
      page.Parley.on('close', () => page.parleyEvents.push('close'));
      page.Parley.on('message', (message) => page.parleyEvents.push(`message ${(message as { author: { kind: string } }).author.kind}`));
      page.Parley.identify({ name: 'Ada Lovelace', email: 'ada@example.com' });
      page.Parley.open();
    });
    await shop.getByRole('textbox', { name: 'Message' }).fill('Can I change my delivery address?');
    await shop.getByRole('button', { name: 'Send' }).click();
    // The bot's reply streams in as a draft first (already shown, `[data-author="bot"]`); `message` reports it once whole.
    await expect
      .poll(() => shop.evaluate(() => (window as unknown as PageWindow).parleyEvents), { timeout: 10_000 })
      .toContain('message bot');
    await shop.evaluate(() => (window as unknown as PageWindow).Parley.close());
    const events = await shop.evaluate(() => (window as unknown as PageWindow).parleyEvents);
    expect(events[0]).toBe('open');
    expect(events).toContain('message visitor');
    expect(events).toContain('message bot');
    expect(events.at(-1)).toBe('close');

    // The agent sees the name and address the page gave, on the conversation.
    const agent = await newPage({ width: 1280, height: 800 });
    await signIn(agent);
    await expect.poll(() => agent.locator('.conversation-list').textContent(), { timeout: 10_000 }).toContain('Ada Lovelace');

    await shop.evaluate(() => (window as unknown as PageWindow).Parley.shutdown({ clearSession: true }));
    expect(await shop.locator('[data-parley-widget]').count()).toBe(0);
    expect(await shop.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('parley:')))).toEqual([]);
  });
});

describe('how it looks', () => {
  // Compared with the committed references in e2e/__screenshots__, which only change on purpose: after a deliberate
  // change of the look, run the browser tests with PARLEY_UPDATE_SCREENSHOTS=1, look at the new images, commit them.
  it.each([
    { name: 'desktop-closed', viewport: { width: 1280, height: 800 }, open: false, locale: 'en-US' },
    { name: 'desktop-open', viewport: { width: 1280, height: 800 }, open: true, locale: 'en-US' },
    { name: 'phone-open', viewport: { width: 390, height: 844 }, open: true, locale: 'en-US' },
    { name: 'phone-360-closed', viewport: { width: 360, height: 740 }, open: false, locale: 'en-US' },
    { name: 'phone-360-open', viewport: { width: 360, height: 740 }, open: true, locale: 'en-US' },
    { name: 'arabic-open', viewport: { width: 1280, height: 800 }, open: true, locale: 'ar' },
  ])('$name matches its reference, with no serious accessibility violation', async ({ name, viewport, open, locale }) => {
    const context = await browser.newContext({ viewport, locale, isMobile: viewport.width < 640, hasTouch: viewport.width < 640 });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${parley.baseUrl}/`);
    const launcher = page.locator('[data-parley-widget] .launcher');
    await launcher.waitFor();
    if (open) {
      await launcher.click();
      await page.locator('[data-parley-widget] textarea').waitFor();
      // The composer's attach button comes with a chunk of its own: the panel is drawn whole once it is in.
      await page.locator('[data-parley-widget] button.attach').waitFor();
    }
    const shot = open
      ? await page.locator('[data-parley-widget] .panel').screenshot({ animations: 'disabled' })
      : await launcher.screenshot({ animations: 'disabled' });
    writeFileSync(join(screenshots, `widget-reference-${name}.png`), shot);
    expect(screenshotDifference(`widget-${name}`, shot)).toBeLessThanOrEqual(0.001);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});

describe('a hostile host page', () => {
  it("changes nothing inside the widget with aggressive global CSS, while the page's custom properties restyle it", async () => {
    const page = await newPage({ width: 1280, height: 800 });
    await openShop(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const composer = page.getByRole('textbox', { name: 'Message' });
    await composer.waitFor();
    // The composer's buttons are all in: its attach button comes with a chunk of its own.
    await page.getByRole('button', { name: 'Attach files' }).waitFor();
    const look = () =>
      page.evaluate(() => {
        const shadow = document.querySelector('[data-parley-widget]')!.shadowRoot!;
        const style = (selector: string) => getComputedStyle(shadow.querySelector(selector)!);
        return {
          panel: [style('.panel').backgroundColor, style('.panel').width, style('.panel').fontFamily],
          composer: [style('textarea').fontSize, style('textarea').color, style('textarea').borderTopWidth],
          send: [style('.composer button[type="submit"]').backgroundColor, style('.composer button[type="submit"]').display],
          header: style('.header').backgroundColor,
        };
      });
    const before = await look();

    // The kind of CSS themes and resets ship: every element, with !important, buttons and text areas included.
    await page.addStyleTag({
      content:
        '* { all: unset !important; font: 40px/2 serif !important; color: red !important; box-sizing: content-box !important }' +
        ' button, textarea, div, section { display: inline !important; background: lime !important; border: 9px solid blue !important }',
    });
    await page.waitForTimeout(100);
    expect(await look()).toEqual(before);
    expect(await accessibilityViolations(page, '[data-parley-widget]')).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'widget-hostile-page.png') });

    // What a developer may set on the widget's element: its custom properties (docs/widget.md).
    await page.addStyleTag({ content: '[data-parley-widget] { --parley-accent: #7c3aed; --parley-accent-text: #fff; }' });
    await expect.poll(async () => (await look()).header).toBe('rgb(124, 58, 237)');
    expect((await look()).send[0]).toBe('rgb(124, 58, 237)');
  });
});

describe('languages', () => {
  it.each([
    { locale: 'de-AT', open: 'Chat öffnen', dir: 'ltr' },
    { locale: 'ar-EG', open: 'فتح المحادثة', dir: 'rtl' },
    { locale: 'ar-EG', open: 'فتح المحادثة', dir: 'rtl', viewport: { width: 390, height: 844 } },
    // A language the widget doesn't speak: English.
    { locale: 'ja-JP', open: 'Open chat', dir: 'ltr' },
  ])("speaks the browser's language ($locale), mirrored when it is written right to left", async ({ locale, open, dir, viewport }) => {
    const phone = viewport !== undefined;
    const context = await browser.newContext({
      locale,
      viewport: viewport ?? { width: 1280, height: 800 },
      isMobile: phone,
      hasTouch: phone,
    });
    contexts.push(context);
    const page = await context.newPage();
    await openShop(page);
    await page.getByRole('button', { name: open }).click();
    const panel = page.getByRole('dialog');
    await panel.waitFor();
    const widget = page.locator('[data-parley-widget] .root');
    expect(await widget.getAttribute('dir')).toBe(dir);
    expect(await widget.evaluate((element) => getComputedStyle(element).direction)).toBe(dir);
    // The title starts the header's line: on the right in Arabic.
    const header = (await page.locator('[data-parley-widget] .header').boundingBox())!;
    const title = (await page.locator('[data-parley-widget] .header h2').boundingBox())!;
    expect(title.x + title.width / 2 > header.x + header.width / 2).toBe(dir === 'rtl');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, `widget-language-${locale}${phone ? '-phone' : ''}.png`) });
  });
});

describe("the widget's own theme, set in the console", () => {
  it('shows the dark theme, the launcher label and the team to visitors, accessible in each state', async () => {
    const admin = await newPage({ width: 1280, height: 800 });
    await signIn(admin);
    await admin.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Widgets' }).click();
    await admin.getByLabel('Theme').selectOption('dark');
    await admin.getByLabel('Launcher label').fill('Questions?');
    await admin.getByLabel('Team name').fill('Harbor & Pine team');
    // The preview follows the form before it is saved.
    await expect
      .poll(() => admin.locator('.widget-settings-side [data-parley-widget] .root.dark, .widget-settings-side .root.dark').count())
      .toBeGreaterThan(0);
    await admin.screenshot({ path: join(screenshots, 'widget-settings-preview-dark.png') });
    await admin.getByRole('button', { name: 'Save appearance' }).click();
    await expect.poll(() => admin.getByRole('button', { name: 'Save appearance' }).isEnabled()).toBe(true);

    const shop = await newPage({ width: 1280, height: 800 });
    await openShop(shop);
    const launcher = shop.getByRole('button', { name: 'Questions?' });
    await expect.poll(() => launcher.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await accessibilityViolations(shop)).toEqual([]);
    await shop.screenshot({ path: join(screenshots, 'widget-theme-closed.png') });
    await launcher.click();
    const panel = shop.locator('[data-parley-widget] .panel');
    await panel.waitFor();
    await expect.poll(() => panel.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(31, 41, 55)');
    expect(await shop.locator('[data-parley-widget] .header').textContent()).toContain('Harbor & Pine team');
    await shop.getByRole('textbox', { name: 'Message' }).fill('Is the Ridgeline tent waterproof?');
    await shop.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => shop.locator('[data-author="bot"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await accessibilityViolations(shop)).toEqual([]);
    await shop.screenshot({ path: join(screenshots, 'widget-theme-open.png') });
  });
});

describe('proactive messages, set in the console', () => {
  it('speaks first on the pages it names, once in its period, without taking the focus; the answer starts the conversation with it', async () => {
    const admin = await newPage({ width: 1280, height: 800 });
    await signIn(admin);
    await admin.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Widgets' }).click();
    await admin.getByRole('button', { name: 'Add a proactive message' }).click();
    const rule = admin.locator('fieldset.proactive-rule').first();
    await rule.getByLabel('Message', { exact: true }).fill('Looking for a tent? We can help you choose.');
    await rule.getByLabel('Id', { exact: true }).fill('tent-help');
    // Only on the shop's page with this query, so that the other tests' pages stay as they were.
    await rule.getByLabel('URL pattern').fill('/?tents*');
    await rule.getByLabel('Delay (seconds)').fill('1');
    await admin.getByRole('button', { name: 'Save proactive messages' }).click();
    await expect.poll(() => admin.locator('fieldset.proactive-rule').locator('..').getByText('Saved.').count()).toBeGreaterThan(0);

    // The visitor is typing in the page's own search field when the bubble comes: the focus stays there.
    const shop = await newPage({ width: 1280, height: 800 });
    await shop.goto(`${parley.baseUrl}/?tents=1`);
    await shop.evaluate(() => {
      const search = document.createElement('input');
      search.id = 'page-search';
      search.setAttribute('aria-label', 'Search the shop');
      document.body.prepend(search);
      search.focus();
    });
    const bubble = shop.locator('[data-parley-widget] .invite .preview');
    await bubble.waitFor({ timeout: 15_000 });
    expect(await bubble.textContent()).toContain('Looking for a tent? We can help you choose.');
    expect(await shop.evaluate(() => document.activeElement?.id)).toBe('page-search');
    expect(await accessibilityViolations(shop)).toEqual([]);
    await shop.screenshot({ path: join(screenshots, 'widget-proactive.png') });

    // Dismissed, and not again on the next page of this visit.
    await shop.locator('[data-parley-widget]').getByRole('button', { name: 'Dismiss message' }).click();
    expect(await bubble.count()).toBe(0);
    await shop.reload();
    await shop.locator('[data-parley-widget] button.launcher').waitFor({ timeout: 15_000 });
    await shop.waitForTimeout(2500);
    expect(await bubble.count()).toBe(0);

    // A page without the query: no bubble. Another visitor (a new browser profile) on the named page: the bubble, and
    // their answer starts the conversation with it.
    const other = await newPage({ width: 1280, height: 800 });
    await other.goto(`${parley.baseUrl}/`);
    await other.locator('[data-parley-widget] button.launcher').waitFor({ timeout: 15_000 });
    await other.waitForTimeout(2500);
    expect(await other.locator('[data-parley-widget] .invite').count()).toBe(0);
    await other.goto(`${parley.baseUrl}/?tents=2`);
    const otherBubble = other.locator('[data-parley-widget] .invite .preview');
    await otherBubble.waitFor({ timeout: 15_000 });
    await otherBubble.click();
    await other.getByRole('textbox', { name: 'Message' }).fill('A tent for two, under 3 kg?');
    await other.getByRole('button', { name: 'Send' }).click();
    const authors = other.locator('[data-parley-widget] .message[data-author]');
    await expect.poll(() => authors.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(await authors.nth(0).getAttribute('data-author')).toBe('bot');
    expect(await authors.nth(0).textContent()).toContain('Looking for a tent? We can help you choose.');
    expect(await authors.nth(1).getAttribute('data-author')).toBe('visitor');
  });
});

describe('several conversations', () => {
  it('starts a new conversation after a resolved one and reads the earlier one again, accessible in each state', async () => {
    const login = await fetch(`${parley.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: parley.agentEmail, password: parley.agentPassword }),
    });
    const { token } = (await login.json()) as { token: string };

    const shop = await newPage({ width: 1280, height: 800 });
    await openShop(shop);
    // The launcher, whatever label an earlier test gave it.
    await shop.locator('[data-parley-widget] button.launcher').click();
    await shop.evaluate(() => {
      const page = window as unknown as { askedIn?: Promise<string> };
      page.askedIn = new Promise((resolve) => window.Parley!.on('message', (message) => resolve(message.conversationId)));
    });
    await shop.getByRole('textbox', { name: 'Message' }).fill('Do you ship to Norway?');
    await shop.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => shop.locator('[data-parley-widget] [data-author="bot"]').count(), { timeout: 10_000 }).toBe(1);

    // An agent resolves it (the inbox's Resolve, through the API here). The page's API says which conversation it is.
    const asked = { id: await shop.evaluate(() => (window as unknown as { askedIn: Promise<string> }).askedIn) };
    const resolved = await fetch(`${parley.baseUrl}/api/conversations/${asked.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved' }),
    });
    expect(resolved.status).toBe(200);

    const startNew = shop.getByRole('button', { name: 'Start a new conversation' });
    await startNew.waitFor({ timeout: 10_000 });
    expect(await accessibilityViolations(shop)).toEqual([]);
    await startNew.click();
    await expect.poll(() => shop.locator('[data-parley-widget] .log .message[data-author]').count()).toBe(0);
    // The composer takes the focus once the conversation has closed.
    await expect
      .poll(() => shop.evaluate(() => document.querySelector('[data-parley-widget]')!.shadowRoot!.activeElement?.tagName))
      .toBe('TEXTAREA');

    await shop.getByRole('button', { name: 'Earlier conversations' }).click();
    const history = shop.getByRole('dialog', { name: 'Earlier conversations' });
    const earlier = history.locator('.history-list button');
    await expect.poll(() => earlier.count()).toBe(1);
    await earlier.click();
    await expect
      .poll(() => history.locator('.log .message[data-author="visitor"]').first().textContent())
      .toContain('Do you ship to Norway?');
    expect(await accessibilityViolations(shop)).toEqual([]);
    await shop.screenshot({ path: join(screenshots, 'widget-earlier-conversation.png') });
    await shop.keyboard.press('Escape');
    await shop.keyboard.press('Escape');
    expect(await history.count()).toBe(0);
    // The chat is still open, ready for the new conversation's first message.
    expect(await shop.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(true);
  });
});

describe('files', () => {
  it.each([
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ])(
    'sends an image with its preview, an SVG and an HTML page only as downloads, and refuses a renamed executable, accessibly ($width×$height)',
    async (viewport) => {
      const shop = await newPage(viewport, { isMobile: viewport.width < 640 });
      await openShop(shop);
      // The launcher, whatever label an earlier test gave it.
      await shop.locator('[data-parley-widget] button.launcher').click();
      const attach = shop.getByRole('button', { name: 'Attach files' });
      await attach.waitFor({ timeout: 10_000 });
      // sharp is the server's dependency: made from there, as the server would read it.
      const sharp = createRequire(join(root, 'apps/server/package.json'))('sharp') as typeof import('sharp');
      const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2f6f5c' } })
        .png()
        .toBuffer();
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'pwned\'"><circle r="40"/></svg>');
      const elf = Buffer.alloc(300);
      elf.set([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01]);
      const picker = shop.locator('[data-parley-widget] .composer input[type="file"]');

      await picker.setInputFiles([{ name: 'tent.png', mimeType: 'image/png', buffer: png }]);
      const preview = shop.locator('[data-parley-widget] .message.visitor .files img');
      await preview.waitFor({ timeout: 10_000 });
      expect(await preview.getAttribute('alt')).toBe('tent.png');
      await expect.poll(() => preview.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBe(320);

      await picker.setInputFiles([{ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: svg }]);
      const download = shop.locator('[data-parley-widget] .files a[download="logo.svg"]');
      await download.waitFor({ timeout: 10_000 });
      expect(await shop.locator('[data-parley-widget] .files img[alt="logo.svg"]').count()).toBe(0);
      await expect.poll(() => download.getAttribute('href')).toContain('/api/files/');
      const served = await shop.evaluate(
        async (href) => {
          const response = await fetch(href);
          return { type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition') };
        },
        (await download.getAttribute('href'))!,
      );
      expect(served.type).toBe('text/plain; charset=utf-8');
      expect(served.disposition).toMatch(/^attachment; filename="logo.txt"/);
      expect(await shop.title()).not.toBe('pwned');

      // A page that would run its script if it were ever shown: a download too, served as text.
      const html = Buffer.from('<!doctype html><html><body><script>parent.document.title="pwned"</script><p>Invoice</p></body></html>');
      await picker.setInputFiles([{ name: 'invoice.html', mimeType: 'text/html', buffer: html }]);
      const page = shop.locator('[data-parley-widget] .files a[download="invoice.html"]');
      await page.waitFor({ timeout: 10_000 });
      await expect.poll(() => page.getAttribute('href')).toContain('/api/files/');
      expect(await shop.locator('[data-parley-widget] .files iframe, [data-parley-widget] .files object').count()).toBe(0);
      const servedPage = await shop.evaluate(
        async (href) => {
          const response = await fetch(href);
          return { type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition') };
        },
        (await page.getAttribute('href'))!,
      );
      expect(servedPage.type).toBe('text/plain; charset=utf-8');
      expect(servedPage.disposition).toMatch(/^attachment; filename="invoice.txt"/);
      expect(await shop.title()).not.toBe('pwned');

      await picker.setInputFiles([{ name: 'invoice.png', mimeType: 'image/png', buffer: elf }]);
      await expect
        .poll(() => shop.locator('[data-parley-widget] [role="alert"]').textContent(), { timeout: 10_000 })
        .toContain('This type of file is not accepted.');
      expect(await accessibilityViolations(shop)).toEqual([]);
      await shop.screenshot({ path: join(screenshots, `widget-files-${viewport.width}.png`) });
    },
  );
});

describe('the pre-chat form, set for the widget', () => {
  it('asks a phone visitor for their details, refuses a number that is none before sending, and starts the chat with them', async () => {
    const login = await fetch(`${parley.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: parley.agentEmail, password: parley.agentPassword }),
    });
    const { token } = (await login.json()) as { token: string };
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${parley.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    type Look = { theme: string; teamName: string; launcherLabel: string };
    const { widgets } = (await (await api('/api/widgets')).json()) as { widgets: Array<{ id: string; settings: Look }> };
    const widget = widgets[0]!;
    const setPreChat = (settings: object) => api(`/api/widgets/${widget.id}`, { method: 'PATCH', body: JSON.stringify({ settings }) });
    // The look as it is out of the box, whatever an earlier test set, so that the reference compares this form only.
    const { theme, teamName, launcherLabel } = widget.settings;
    const asked = await setPreChat({
      preChat: { name: 'required', email: 'optional', phone: 'required' },
      defaultCountry: 'GB',
      theme: 'light',
      teamName: '',
      launcherLabel: '',
    });
    expect(asked.status).toBe(200);
    try {
      const shop = await newPage({ width: 360, height: 740 }, { isMobile: true });
      await openShop(shop);
      await shop.locator('[data-parley-widget] button.launcher').click();
      const form = shop.locator('[data-parley-widget] form.pre-chat');
      await form.waitFor({ timeout: 10_000 });
      // The composer waits for the form.
      expect(await shop.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(false);
      expect(await accessibilityViolations(shop)).toEqual([]);
      // The whole screen, once the panel has risen into place.
      await expect.poll(() => shop.getByRole('dialog').boundingBox()).toEqual({ x: 0, y: 0, width: 360, height: 740 });
      const shot = await shop.locator('[data-parley-widget] .panel').screenshot({ animations: 'disabled' });
      writeFileSync(join(screenshots, 'widget-reference-prechat-phone.png'), shot);
      expect(screenshotDifference('widget-prechat-phone', shot)).toBeLessThanOrEqual(0.001);

      await shop.getByRole('textbox', { name: 'Name (required)' }).fill('Ada Lovelace');
      const phone = shop.getByRole('textbox', { name: 'Phone (required)' });
      await phone.fill('12345678');
      await shop.getByRole('button', { name: 'Start chat' }).click();
      await expect.poll(() => form.getByRole('alert').textContent()).toBe('That is not a phone number.');
      expect(await phone.getAttribute('aria-invalid')).toBe('true');
      expect(await accessibilityViolations(shop)).toEqual([]);
      await shop.screenshot({ path: join(screenshots, 'widget-prechat-refused.png') });

      // A national number, read in the widget's default country (GB) here and on the server, stored in E.164.
      await phone.fill('020 7946 0958');
      await shop.getByRole('button', { name: 'Start chat' }).click();
      const composer = shop.getByRole('textbox', { name: 'Message' });
      await expect.poll(() => composer.isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await form.count()).toBe(0);
      await composer.fill('Is the Ridgeline tent in stock?');
      await shop.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => shop.locator('[data-parley-widget] [data-author="bot"]').count(), { timeout: 10_000 }).toBe(1);
      const contacts = (await (await api(`/api/contacts?phone=${encodeURIComponent('+442079460958')}`)).json()) as {
        contacts: Array<{ name: string | null; phone: string | null }>;
      };
      expect(contacts.contacts.map((contact) => ({ name: contact.name, phone: contact.phone }))).toEqual([
        { name: 'Ada Lovelace', phone: '+442079460958' },
      ]);
    } finally {
      await setPreChat({ preChat: { name: 'off', email: 'off', phone: 'off' }, defaultCountry: null, theme, teamName, launcherLabel });
    }
  });
});

describe('reading back while a reply arrives', () => {
  it('keeps the place of a visitor who scrolled up and says there are new messages, accessibly', async () => {
    const login = await fetch(`${parley.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: parley.agentEmail, password: parley.agentPassword }),
    });
    const { token } = (await login.json()) as { token: string };
    const shop = await newPage({ width: 390, height: 844 }, { isMobile: true });
    await openShop(shop);
    await shop.locator('[data-parley-widget] button.launcher').click();
    await shop.evaluate(() => {
      const page = window as unknown as { askedIn?: Promise<string> };
      page.askedIn = new Promise((resolve) => window.Parley!.on('message', (message) => resolve(message.conversationId)));
    });
    // A message long enough to scroll the log.
    const order = Array.from({ length: 40 }, (_, index) => `${index + 1}. one tent peg`).join('\n');
    await shop.getByRole('textbox', { name: 'Message' }).fill(`My order was missing these:\n${order}`);
    await shop.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => shop.locator('[data-parley-widget] [data-author="bot"]').count(), { timeout: 10_000 }).toBe(1);
    const conversationId = await shop.evaluate(() => (window as unknown as { askedIn: Promise<string> }).askedIn);

    const log = shop.locator('[data-parley-widget] .log');
    await log.evaluate((element) => (element.scrollTop = 0));
    await shop.waitForTimeout(100);
    const replied = await fetch(`${parley.baseUrl}/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: crypto.randomUUID(), body: 'Sorry about that, 40 pegs are on their way.' }),
    });
    expect(replied.status).toBe(200);
    const pill = shop.locator('[data-parley-widget]').getByRole('button', { name: 'New messages' });
    await pill.waitFor({ timeout: 10_000 });
    // The visitor is still where they were reading.
    expect(await log.evaluate((element) => element.scrollTop)).toBeLessThan(50);
    expect(await accessibilityViolations(shop, '[data-parley-widget]')).toEqual([]);
    await shop.screenshot({ path: join(screenshots, 'widget-new-messages-pill.png') });

    await pill.click();
    await expect.poll(() => pill.count()).toBe(0);
    // At the end, as the widget judges it (within 40 px, as its own scroll handler does).
    await expect.poll(() => log.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThan(40);
  });
});
