// Shared by the size checks: the bytes a browser receives for some URL paths, as the server sends them.
import { request } from 'node:http';

/** The encodings measured: the name printed, the Accept-Encoding sent, and the Content-Encoding expected back. */
export const encodings = [
  ['brotli', 'br, gzip', 'br'],
  ['gzip', 'gzip', 'gzip'],
  ['raw', 'identity', 'identity'],
];

/** Bytes of the body as it came over the wire (node:http does not decode it), and the encoding the server chose. */
function served(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk) => (bytes += chunk.length));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${url}: HTTP ${response.statusCode}`));
        else resolve({ bytes, encoding: response.headers['content-encoding'] ?? 'identity' });
      });
    })
      .on('error', reject)
      .end();
  });
}

/** Served bytes of `paths` together, per encoding; fails when the server did not send the expected encoding. */
export async function measure(baseUrl, paths) {
  const sizes = {};
  for (const [name, acceptEncoding, expected] of encodings) {
    sizes[name] = 0;
    for (const path of paths) {
      const { bytes, encoding } = await served(baseUrl + path, acceptEncoding);
      if (encoding !== expected) throw new Error(`${path} was sent as ${encoding} for Accept-Encoding: ${acceptEncoding}`);
      sizes[name] += bytes;
    }
  }
  return sizes;
}
