// Starts a real unleash-server (7.x, installed outside package.json: it is heavy) for the flag
// suites: `node scripts/unleash-server.js` with
//   UNLEASH_PREFIX  the npm prefix it was installed into (npm install --prefix "$UNLEASH_PREFIX" unleash-server@7.5.1)
//   UNLEASH_DB_URL  postgres://postgres@127.0.0.1:PORT/unleash
//   UNLEASH_PORT    a free loopback port
//   UNLEASH_ADMIN_TOKEN / UNLEASH_CLIENT_TOKEN  the tokens it is seeded with (environment: development)
// Tokens follow Unleash's format `<project>:<environment>.<secret>` (src/lib/types/models/api-token.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// unleash-server is ESM whose package `exports` is dist/lib/server-impl.js; import that file from the prefix.
const { start } = await import(pathToFileURL(join(process.env.UNLEASH_PREFIX, 'node_modules', 'unleash-server', 'dist', 'lib', 'server-impl.js')).href);
const db = new URL(process.env.UNLEASH_DB_URL);
start({
  db: { host: db.hostname, port: Number(db.port), user: decodeURIComponent(db.username), password: decodeURIComponent(db.password), database: db.pathname.slice(1), ssl: false },
  server: { host: '127.0.0.1', port: Number(process.env.UNLEASH_PORT) },
  authentication: {
    type: 'open-source',
    initApiTokens: [
      { tokenName: 'rewind-admin', type: 'admin', environment: '*', project: '*', secret: process.env.UNLEASH_ADMIN_TOKEN },
      { tokenName: 'rewind-client', type: 'client', environment: 'development', project: '*', secret: process.env.UNLEASH_CLIENT_TOKEN },
    ],
  },
  getLogger: () => ({ debug() {}, info() {}, warn: console.warn, error: console.error, fatal: console.error }),
}).catch((e) => {
  console.error(e);
  process.exit(1);
});
