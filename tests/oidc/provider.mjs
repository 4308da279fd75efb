/* provider.mjs: an OpenID Provider for the account suite, written by others (panva's
 * oidc-provider, OpenID Certified), with the device flow, revocation, userinfo and
 * introspection, on loopback.
 *
 * node provider.mjs PORT_FILE: listens on 127.0.0.1 on a free port, writes the issuer URL to
 * PORT_FILE once it listens. Every login is accepted (its name is the account's `sub`); the
 * account `marie.wamytan` has the test citizen's standard claims. Client `kiosk` gets RS256 ID
 * tokens, `kiosk-es256` ES256 ones; both are public clients (no secret), as a terminal is. */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const portFile = process.argv[2];

function signingKey (type, options, alg, kid) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
}

const citizens = {
  'marie.wamytan': {
    given_name: 'Marie',
    family_name: 'Wamytan',
    birthdate: '1987-03-14',
    email: 'marie.wamytan@example.nc',
    email_verified: true,
    phone_number: '+687 77 12 34',
    address: { street_address: '12 rue Jules Ferry', postal_code: '98800', locality: 'Nouméa', country: 'NC' },
  },
};

const deviceClient = (id, alg) => ({
  client_id: id,
  grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'none',
  id_token_signed_response_alg: alg,
});

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [deviceClient('kiosk', 'RS256'), deviceClient('kiosk-es256', 'ES256')],
    jwks: {
      keys: [
        signingKey('rsa', { modulusLength: 2048 }, 'RS256', 'rsa-1'),
        signingKey('ec', { namedCurve: 'P-256' }, 'ES256', 'ec-1'),
      ],
    },
    cookies: { keys: ['kiosk-test-cookie-key'] },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
    },
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'birthdate'],
      email: ['email', 'email_verified'],
      phone: ['phone_number'],
      address: ['address'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'],
    async findAccount (ctx, sub) {
      return { accountId: sub, claims: async () => ({ sub, ...(citizens[sub] || {}) }) };
    },
    ttl: { AccessToken: 1800, DeviceCode: 600, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  writeFileSync(`${portFile}.tmp`, `${issuer}\n`);
  renameSync(`${portFile}.tmp`, portFile);
  console.error(`provider: listening at ${issuer}`);
});
