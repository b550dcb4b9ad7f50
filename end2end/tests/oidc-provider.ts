// A real OpenID Connect provider for the browser tests: panva's `oidc-provider` (certified
// implementation, see package.json for the pinned version), in memory, on plain http.
//
//   import { startProvider } from './oidc-provider';
//   const op = await startProvider({ port: 3190, proficioUrl: 'http://127.0.0.1:3100' });
//   // op.issuer === 'http://127.0.0.1:3190' (no trailing slash)
//   ...
//   await op.close();
//
// Endpoints (oidc-provider's defaults; discovery at `${issuer}/.well-known/openid-configuration`):
// authorization `/auth`, token `/token`, userinfo `/me`, JWKS `/jwks`, end session `/session/end`.
//
// Clients (confidential, client_secret_basic, code flow only, PKCE S256 required for all,
// redirect_uris [`${proficioUrl}/auth/oidc/callback`], scopes openid email profile):
//   proficio   / proficio-e2e-secret
//   other-app  / other-app-secret     (to prove Proficio refuses another client's code/token)
//
// Sign-in page (oidc-provider's built-in development interactions, page title and <h1>
// "Sign-in"): any login name is accepted, the password is ignored (but the field is
// `required`, so fill it with anything). Login names are e-mail addresses:
//   login field     input[name="login"]     (placeholder "Enter any login"; no <label>)
//   password field  input[name="password"]  (placeholder "and password")
//   submit button   button[type="submit"], text "Sign-in"
//                   (page.getByRole('button', { name: 'Sign-in' }))
//   cancel link     "[ Cancel ]" (ends the flow with error=access_denied)
// e.g.
//   await page.locator('input[name="login"]').fill('liam.chen@northwind.example');
//   await page.locator('input[name="password"]').fill('x');
//   await page.getByRole('button', { name: 'Sign-in' }).click();
// There is no consent screen: after the login the browser is redirected straight back to
// `${proficioUrl}/auth/oidc/callback?code=…&state=…&iss=…`. A second authorization request in
// the same browser context reuses the provider's session (no login page) unless the request
// says prompt=login.
//
// Accounts: the account id is the typed login. Claims: sub = email = the login;
// email_verified = false when the login starts with "unverified", else true;
// name from the local part ("liam.chen" -> "Liam Chen"). The scope claims (email,
// email_verified, name) are put in the ID token as well as in the userinfo response
// (conformIdTokenClaims: false). ID tokens are signed RS256 with a key generated at start.
//
// This is a TypeScript module (not .mjs) on purpose: Playwright's loader rewrites an .mjs file
// imported from a spec in this CommonJS package into CommonJS and Node then refuses it
// ("exports is not defined in ES module scope"). The ESM-only `oidc-provider` itself is
// loaded with a dynamic import() inside startProvider, which works from Playwright's loader.
//
// Errors that cannot be sent back to the client (unknown client_id, bad redirect_uri) are
// rendered as a small page: <h1>Sign-in error</h1> and <pre> lines "error: …",
// "error_description: …", "iss: …". Other errors (e.g. a request without PKCE) go back to the
// callback as ?error=…&error_description=…&state=…&iss=…. The built-in pages' @import of
// Google Fonts is removed (nothing outside is reachable).

import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

// oidc-provider 9 prints development-only notices on import and construction ("Unsupported
// runtime" on Node 20, dev interactions, in-memory adapter); they are expected here.
const EXPECTED_WARNINGS = [
  'Unsupported runtime',
  'devInteractions is enabled',
  'in-memory adapter is used',
];

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (!EXPECTED_WARNINGS.some((w) => text.includes(w))) warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

const SCOPE = 'openid email profile';

export interface OidcProvider {
  /** `http://127.0.0.1:${port}`, no trailing slash. */
  issuer: string;
  /** The oidc-provider instance. */
  provider: any;
  /** Stops the HTTP server (open keep-alive connections are closed too). */
  close(): Promise<void>;
}

/** "liam.chen@northwind.example" -> "Liam Chen". */
export function nameOf(login: string): string {
  return login
    .split('@')[0]
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join(' ');
}

export function claimsOf(login: string) {
  return {
    sub: login,
    email: login,
    email_verified: !login.startsWith('unverified'),
    name: nameOf(login),
  };
}

const escapeHtml = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Starts the provider on 127.0.0.1:`port`. `proficioUrl` is Proficio's base URL (e.g.
 * http://127.0.0.1:3100); the clients' redirect URI is `${proficioUrl}/auth/oidc/callback`.
 * `provider` is the oidc-provider instance (for event listeners or inspection, if ever needed).
 */
export async function startProvider({ port, proficioUrl }: { port: number; proficioUrl: string }): Promise<OidcProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  const redirectUri = `${proficioUrl.replace(/\/+$/, '')}/auth/oidc/callback`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'proficio-e2e-rs256', alg: 'RS256', use: 'sig' };

  const client = (client_id: string, client_secret: string) => ({
    client_id,
    client_secret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    scope: SCOPE,
  });

  const provider = await quietly(async () => {
    const { default: Provider } = await import('oidc-provider');
    return new Provider(issuer, {
      clients: [client('proficio', 'proficio-e2e-secret'), client('other-app', 'other-app-secret')],
      jwks: { keys: [signingKey] },
      scopes: ['openid', 'email', 'profile'],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      // Cookies are only marked Secure on https requests, so plain http works as is. The
      // names are made distinct from Proficio's (same host 127.0.0.1, cookies ignore ports).
      cookies: {
        keys: ['proficio-e2e-oidc-cookie-key'],
        names: {
          session: 'e2e_op_session',
          interaction: 'e2e_op_interaction',
          resume: 'e2e_op_interaction_resume',
        },
      },
      features: {
        devInteractions: { enabled: true },
        rpInitiatedLogout: { enabled: true },
      },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
      },
      async findAccount(_ctx: any, id: string) {
        return {
          accountId: id,
          async claims() {
            return claimsOf(id);
          },
        };
      },
      // No consent screen: an account signing in to a client gets a grant for openid email
      // profile straight away.
      async loadExistingGrant(ctx: any) {
        const { provider: op, client: rp, session } = ctx.oidc;
        const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(rp.clientId);
        if (grantId) {
          const existing = await op.Grant.find(grantId);
          if (existing) return existing;
        }
        const grant = new op.Grant({ accountId: session.accountId, clientId: rp.clientId });
        grant.addOIDCScope(SCOPE);
        await grant.save();
        return grant;
      },
      async renderError(ctx: any, out: Record<string, unknown>) {
        ctx.type = 'html';
        ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>`
          + `<body><main><h1>Sign-in error</h1>${Object.entries(out)
            .map(([k, v]) => `<pre>${escapeHtml(k)}: ${escapeHtml(v)}</pre>`)
            .join('')}</main></body></html>`;
      },
    });
  });

  // The built-in pages import Google Fonts; nothing outside is reachable from the tests.
  provider.use(async (ctx: any, next: () => Promise<void>) => {
    await next();
    if (typeof ctx.body === 'string' && ctx.response.is('html')) {
      ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, '');
    }
  });

  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    issuer,
    provider,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
