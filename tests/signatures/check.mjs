// check.mjs: checks the kiosk's signed requests with an implementation of RFC 9421 written by
// others (http-message-signatures from npm) and Node's own SHA-256 and HMAC, and signs a request
// with it for the reference portal to verify.
//
//   node check.mjs verify KEY_FILE REQUESTS_JSON   one line per request: "ok …" or "not ok …"
//   node check.mjs sign KEY_FILE KIOSK_ID URL      prints the header lines of a signed GET
import { readFileSync } from 'node:fs';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { httpbis } from 'http-message-signatures';

const [mode, keyFile, ...rest] = process.argv.slice(2);
const key = readFileSync(keyFile);

const hmacKey = {
  id: undefined,
  algs: ['hmac-sha256'],
  async verify(data, signature) {
    const expected = createHmac('sha256', key).update(data).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  },
};

function contentDigest(body) {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

if (mode === 'verify') {
  const requests = JSON.parse(readFileSync(rest[0], 'utf8')).data.requests;
  let failed = 0;
  for (const request of requests) {
    const headers = {};
    for (const [name, value] of request.headers) {
      const lower = name.toLowerCase();
      headers[lower] = lower in headers ? `${headers[lower]}, ${value}` : value;
    }
    const body = Buffer.from(request.body ?? '', 'base64');
    let verdict;
    try {
      const verified = await httpbis.verifyMessage({
        keyLookup: async () => hmacKey,
        requiredParams: ['created', 'keyid', 'nonce', 'alg'],
        requiredFields: ['@method', '@target-uri', 'content-digest', 'x-kiosk-id'],
        maxAge: 300,
        tolerance: 0,
      }, { method: request.method, url: request.uri, headers });
      if (verified !== true)
        verdict = 'signature does not verify';
      else if (headers['content-digest'] !== contentDigest(body))
        verdict = 'Content-Digest is not the body\'s SHA-256';
      else
        verdict = null;
    } catch (e) {
      verdict = e.message;
    }
    if (verdict)
      failed++;
    console.log(`${verdict ? 'not ok' : 'ok'} ${request.method} ${request.uri} ${headers['signature-input'] ?? ''}${verdict ? ' # ' + verdict : ''}`);
  }
  process.exit(failed === 0 && requests.length > 0 ? 0 : 1);
} else if (mode === 'sign') {
  const [kioskId, url] = rest;
  const request = {
    method: 'GET',
    url,
    headers: { 'x-kiosk-id': kioskId, 'content-digest': contentDigest(Buffer.alloc(0)) },
  };
  const signed = await httpbis.signMessage({
    key: {
      id: kioskId,
      alg: 'hmac-sha256',
      async sign(data) { return createHmac('sha256', key).update(data).digest(); },
    },
    name: 'sig1',
    params: ['created', 'keyid', 'nonce', 'alg'],
    paramValues: { nonce: randomBytes(16).toString('base64') },
    fields: ['@method', '@target-uri', 'content-digest', 'x-kiosk-id'],
  }, request);
  for (const [name, value] of Object.entries(signed.headers))
    console.log(`${name}: ${value}`);
} else {
  console.error('usage: check.mjs verify KEY_FILE REQUESTS_JSON | sign KEY_FILE KIOSK_ID URL');
  process.exit(2);
}
