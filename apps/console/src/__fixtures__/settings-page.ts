/**
 * What the tests of Settings → API & webhooks share (api-tokens, webhooks-page, bot-actions, mcp-servers): a fresh
 * element to render into, a fake `fetch` that records what the page sends and can refuse the next request, and the
 * helpers that find and use the page's fields and buttons the way an admin would.
 * @module
 */
import { act } from 'preact/test-utils';
import { render } from 'preact';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { FetchFunction } from '../api.js';
import { settle } from './render.js';

/**
 * Gives each test of the file a fresh element in the document to render into, and after it unmounts what was rendered,
 * removes the element and restores any global stubbed (`confirm`, `navigator`). Call it once, at the top of the file.
 */
export function freshContainerEachTest(): () => HTMLElement {
  let container: HTMLElement | undefined;
  beforeEach(() => {
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container!);
    container!.remove();
    vi.unstubAllGlobals();
  });
  return () => container!;
}

/** A JSON answer, as the API gives it. */
export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A request the page made: its body parsed from JSON. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** A request as the fake routes read it: its body as JSON.parse gives it, read as the route expects. */
type ParsedRequest = Omit<RecordedRequest, 'body'> & { body: ReturnType<typeof JSON.parse> };

// What the page's sections list, each empty: a test of one section answers the others with these.
const emptyLists: Record<string, unknown> = {
  '/api/tokens': { tokens: [] },
  '/api/webhooks': { webhooks: [] },
  '/api/bot/actions': { actions: [] },
  '/api/bot/mcp-servers': { servers: [] },
};

/** The empty list of one of the page's other sections, if `path` is one (not `own`, the section tested). */
export function otherSectionList(path: string, own: string): Response | undefined {
  return path !== own && path in emptyLists ? json(200, emptyLists[path]) : undefined;
}

/**
 * A fake `fetch` over `answer`, the routes a test plays: it records every request (`requests`, `writes` for those that
 * are not GET), and `refuseNext` answers the next request `refusable` accepts with the answer given instead.
 */
export function fakeFetch(
  answer: (request: ParsedRequest) => Response | Promise<Response>,
  refusable: (request: RecordedRequest) => boolean = () => true,
) {
  const requests: RecordedRequest[] = [];
  const refusals: Response[] = [];
  // Not async itself: `answer`'s promise is returned as it is, so a request takes as many ticks as the route's own code.
  const fetch: FetchFunction = (path, init) => {
    const request: ParsedRequest = { method: init.method ?? 'GET', path, body: init.body ? JSON.parse(String(init.body)) : undefined };
    requests.push(request);
    if (refusals.length > 0 && refusable(request)) return Promise.resolve(refusals.shift()!);
    return Promise.resolve(answer(request));
  };
  return {
    fetch,
    requests,
    writes: () => requests.filter((request) => request.method !== 'GET'),
    /** Answers the next request it may refuse with `refusal`, whatever it is. */
    refuseNext(refusal: Response) {
      refusals.push(refusal);
    },
  };
}

/** The control of the field labelled `label` (its `.field-label`) in `root`. */
export const fieldIn = <T extends HTMLElement>(root: ParentNode, label: string) =>
  [...root.querySelectorAll('label')]
    .find((candidate) => candidate.querySelector('.field-label')?.textContent === label)!
    .querySelector<T>('input, select, textarea')!;

/** The button named `name` in `root`, if any. */
export const buttonIn = (root: ParentNode, name: string) =>
  [...root.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name);

/** The checkbox labelled `label` in `root`: its label's whole text, or else its start (a tool's label goes on with its description). */
export function checkbox(root: ParentNode, label: string) {
  const labels = [...root.querySelectorAll('label.checkbox-field')];
  return (labels.find((candidate) => candidate.textContent === label) ??
    labels.find((candidate) => candidate.textContent?.startsWith(label)))!.querySelector<HTMLInputElement>('input')!;
}

/** The error said under a control: the element its aria-describedby names with class field-error. */
export const errorOf = (control: HTMLElement) =>
  (control.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id))
    .find((element) => element?.classList.contains('field-error'))?.textContent;

/** Types `value` in a field (chooses it, in a select). */
export async function type(element: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string) {
  await act(async () => {
    element.value = value;
    element.dispatchEvent(new Event(element.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  });
  await settle();
}

/** Checks a checkbox, or unchecks it. */
export async function tick(element: HTMLInputElement) {
  await act(async () => {
    element.checked = !element.checked;
    element.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** Clicks a button, which must be there. */
export async function click(button: HTMLButtonElement | undefined) {
  expect(button).toBeDefined();
  await act(async () => button!.click());
  await settle();
}

/** Submits a form, as its submit button or Enter would. */
export async function submit(form: HTMLFormElement) {
  await act(async () => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}
