import type { Honeytoken, HoneytokenPlan, PlantedFile } from './types.js';
import { base32, base62, base64chars, digits, hex, type RandomBytes } from './random-text.js';

export interface PlanContext {
  /** The analysis user's home and scratch project inside the sandbox. */
  home: string;
  projectDir: string;
  /** A freshly generated private key in PEM (the caller has the crypto library). */
  sshPrivateKeyPem: string;
  random: RandomBytes;
  /** When the run happens; used for plausible file names and timestamps. */
  now: Date;
}

const text = (s: string) => new TextEncoder().encode(s);

/**
 * Plans the credentials of one run: each value is new (never a well-known example value, which
 * malware checks for) and has the shape of the real thing, in the files and variables where real
 * developers keep them.
 */
export function planHoneytokens(ctx: PlanContext): HoneytokenPlan {
  const r = ctx.random;
  const { home } = ctx;
  const tokens: Honeytoken[] = [];
  const files: PlantedFile[] = [];
  const env: Record<string, string> = {};
  const add = (kind: Honeytoken['kind'], value: string, where: { files?: string[]; envVars?: string[] }) =>
    tokens.push({
      id: `${kind}-${tokens.filter((t) => t.kind === kind).length + 1}`,
      kind,
      value,
      files: where.files ?? [],
      envVars: where.envVars ?? [],
    });
  const file = (path: string, content: string | Uint8Array, mode = 0o600) =>
    files.push({ path, content: typeof content === 'string' ? text(content) : content, mode });

  const npmToken = `npm_${base62(r, 36)}`;
  file(`${home}/.npmrc`, `//registry.npmjs.org/:_authToken=${npmToken}\nfund=false\n`);
  env.NPM_TOKEN = npmToken;
  add('npm-token', npmToken, { files: [`${home}/.npmrc`], envVars: ['NPM_TOKEN'] });

  const accessKey = `AKIA${base32(r, 16)}`;
  const secretKey = base64chars(r, 40);
  file(`${home}/.aws/credentials`, `[default]\naws_access_key_id = ${accessKey}\naws_secret_access_key = ${secretKey}\n`);
  file(`${home}/.aws/config`, '[default]\nregion = eu-central-1\noutput = json\n', 0o644);
  Object.assign(env, { AWS_ACCESS_KEY_ID: accessKey, AWS_SECRET_ACCESS_KEY: secretKey, AWS_DEFAULT_REGION: 'eu-central-1' });
  add('aws-access-key', accessKey, { files: [`${home}/.aws/credentials`], envVars: ['AWS_ACCESS_KEY_ID'] });
  add('aws-secret-key', secretKey, { files: [`${home}/.aws/credentials`], envVars: ['AWS_SECRET_ACCESS_KEY'] });

  file(`${home}/.ssh/id_rsa`, ctx.sshPrivateKeyPem);
  // The key's longest base64 line is distinctive enough to spot in egress, even if only part leaks.
  const keyLine =
    ctx.sshPrivateKeyPem
      .split('\n')
      .filter((l) => !l.startsWith('-----'))
      .sort((a, b) => b.length - a.length)[1] ?? '';
  add('ssh-private-key', keyLine, { files: [`${home}/.ssh/id_rsa`] });

  const ghEnv = `ghp_${base62(r, 36)}`;
  env.GITHUB_TOKEN = ghEnv;
  add('github-token', ghEnv, { envVars: ['GITHUB_TOKEN'] });
  const ghCli = `gho_${base62(r, 36)}`;
  file(`${home}/.config/gh/hosts.yml`, `github.com:\n    user: jordan-ellis\n    oauth_token: ${ghCli}\n    git_protocol: https\n`);
  add('github-token', ghCli, { files: [`${home}/.config/gh/hosts.yml`] });

  const stripe = `sk_live_${base62(r, 24)}`;
  const dbPassword = base62(r, 20);
  file(
    `${ctx.projectDir}/.env`,
    `NODE_ENV=production\nDATABASE_URL=postgres://app:${dbPassword}@db.internal:5432/app\nSTRIPE_SECRET_KEY=${stripe}\n`,
  );
  add('dotenv-secret', stripe, { files: [`${ctx.projectDir}/.env`] });
  add('dotenv-secret', dbPassword, { files: [`${ctx.projectDir}/.env`] });

  // Browser stores are SQLite files; these carry the header and the secret in clear, enough for a
  // stealer that uploads the file whole (one that parses SQLite sees a corrupt database).
  const profile = `${home}/.config/google-chrome/Default`;
  const sitePassword = base62(r, 18);
  const sessionCookie = base62(r, 32);
  file(`${profile}/Login Data`, sqliteLike(`https://accounts.google.com/signin jordan.ellis@fastmail.com ${sitePassword}`));
  file(`${profile}/Cookies`, sqliteLike(`.github.com user_session ${sessionCookie}`));
  add('browser-profile', sitePassword, { files: [`${profile}/Login Data`] });
  add('browser-profile', sessionCookie, { files: [`${profile}/Cookies`] });
  // A web app's session token in the browser's Local Storage, and the Discord desktop app's (Electron: the
  // same LevelDB store): token grabbers read these files and match the token's shape (id.timestamp.hmac).
  // An 18-digit account id in base64 is 24 characters, the first part grabbers match exactly.
  const chatToken = `${btoa(`1${digits(r, 17)}`)}.${base62(r, 6)}.${base62(r, 38)}`;
  const stores = [`${profile}/Local Storage/leveldb/000003.log`, `${home}/.config/discord/Local Storage/leveldb/000005.ldb`];
  for (const store of stores) file(store, levelDbLike('_https://discord.com', 'token', `"${chatToken}"`));
  add('browser-profile', chatToken, { files: stores });

  const address = hex(r, 40);
  const ciphertext = hex(r, 64);
  const stamp = ctx.now.toISOString().replace(/:/g, '-');
  const keystore = `${home}/.ethereum/keystore/UTC--${stamp}--${address}`;
  file(
    keystore,
    JSON.stringify({
      address,
      crypto: {
        cipher: 'aes-128-ctr',
        ciphertext,
        cipherparams: { iv: hex(r, 32) },
        kdf: 'scrypt',
        kdfparams: { dklen: 32, n: 262144, p: 1, r: 8, salt: hex(r, 64) },
        mac: hex(r, 64),
      },
      id: `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`,
      version: 3,
    }),
  );
  add('crypto-wallet', ciphertext, { files: [keystore] });

  // Planted nowhere: the call view passes it as an argument to the package's functions (a token handed to
  // an API client's login()); seen in egress to a host no baseline knows, the package stole its arguments.
  add('call-argument', `ghp_${base62(r, 36)}`, {});

  return { tokens, files, env };
}

function sqliteLike(row: string): Uint8Array {
  const header = text('SQLite format 3\0');
  const body = text(`\n${row}\n`);
  const out = new Uint8Array(4096);
  out.set(header, 0);
  out.set(body, 100);
  return out;
}

/** A LevelDB log record of Local Storage (origin, key, value), enough for a reader that greps the file. */
function levelDbLike(origin: string, key: string, value: string): Uint8Array {
  return text(`\u0000\u0000\u0000\u0001${origin}\u0000\u0001${key}\u0001${value}\u0000`);
}
