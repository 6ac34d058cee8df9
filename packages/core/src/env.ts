/** Integer settings from the environment: unset or empty gives the fallback, anything else must be an integer >= min. */
export function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
  return n;
}
