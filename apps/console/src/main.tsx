/**
 * Entry point of the Parley agent console, served by the server under `/console/`.
 * @module
 */
import { render } from 'preact';
import { App } from './components/app.js';
import { browserSessionStorage } from './session.js';
import { connectAgent } from './socket.js';

const root = document.getElementById('app');
if (!root) throw new Error('The console page has no #app element.');

render(<App storage={browserSessionStorage()} connect={(token) => connectAgent({ token })} basePath={import.meta.env.BASE_URL} />, root);
