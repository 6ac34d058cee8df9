/** Exit codes, osv-scanner style: 0 clean, 1 findings (--fail-on), 2 usage or input error, 3 sandbox or engine error. */
export const EXIT = { ok: 0, findings: 1, usage: 2, sandbox: 3 } as const;
