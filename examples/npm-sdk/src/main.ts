import { createClient } from '@parley/client';
import { mount } from '@parley/widget';

const serverUrl = 'http://localhost:3000';
const widgetKey = 'pk_demo_harbor_and_pine';

// 1. Headless: our own markup, fed by the SDK's typed events. Text goes in with textContent, never innerHTML.
const client = createClient({ serverUrl, widgetKey });
const log = document.querySelector<HTMLDivElement>('#log')!;
const status = document.querySelector<HTMLParagraphElement>('#status')!;
const input = document.querySelector<HTMLInputElement>('#message')!;

client.on('status', (state) => {
  status.textContent = state;
});
client.on('message', (message) => {
  const line = document.createElement('div');
  line.className = message.author.kind;
  line.textContent = `${message.author.kind}: ${message.body}`;
  log.append(line);
});
document.querySelector<HTMLFormElement>('#composer')!.addEventListener('submit', (event) => {
  event.preventDefault();
  const body = input.value;
  if (!body.trim()) return;
  input.value = '';
  client.send(body).catch((error: unknown) => {
    status.textContent = `not sent: ${(error as Error).message}`;
  });
});

// 2. The ready-made widget, mounted as a module instead of the script tag.
mount({ serverUrl, widgetKey });
