/**
 * Request and response shapes: the zod schemas validate requests and generate the OpenAPI document,
 * so the document cannot drift from what the server accepts.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { VERDICT_LABELS } from '@airlock/core';
import { isExactVersion } from '@airlock/registry';
import { scheduleProblem } from './schedule.js';

extendZodWithOpenApi(z);

const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]{0,213}$/;
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?$/;

export const Ecosystem = z.enum(['npm', 'pypi']).openapi('Ecosystem');

export const SubmitAnalysis = z
  .object({
    ecosystem: Ecosystem,
    name: z.string().min(1).max(214),
    version: z.string().min(1).max(64),
    force: z.boolean().optional().openapi({ description: 'Run again even when a verdict for this version is known.' }),
  })
  .strict()
  .superRefine((value, ctx) => {
    const nameRe = value.ecosystem === 'npm' ? NPM_NAME : PYPI_NAME;
    if (!nameRe.test(value.name)) ctx.addIssue({ code: 'custom', path: ['name'], message: `not a valid ${value.ecosystem} package name` });
    // Exact versions only (a verdict belongs to one version), by the ecosystems' own version libraries.
    if (!isExactVersion(value.ecosystem, value.version))
      ctx.addIssue({
        code: 'custom',
        path: ['version'],
        message: `not an exact ${value.ecosystem} version (ranges and tags are not accepted)`,
      });
  })
  .openapi('SubmitAnalysis');

export const UploadQuery = z
  .object({
    filename: z
      .string()
      .regex(/^[\w.+@-]{1,200}\.(?:tgz|tar\.gz|whl|zip)$/, 'a file name ending in .tgz, .tar.gz, .whl or .zip (it tells the archive type)'),
    force: z.enum(['true', 'false']).optional(),
  })
  .openapi('UploadQuery');

/** A list's page cursor (`next` of the previous page); parsed by the store's parseListCursor. */
const PageCursor = z
  .string()
  .regex(/^\d{1,16}(?::[A-Za-z0-9_-]{1,64})?$/, 'a cursor: the `next` of the previous page (`<ms>:<id>`), or a time in ms since epoch')
  .optional()
  .openapi({
    description:
      'The `next` of the previous page (`<ms>:<id>`: continues after that row, rows of the same millisecond included); a bare time in ms since epoch lists rows strictly before it.',
  });
const NextCursor = z
  .string()
  .nullable()
  .openapi({ description: 'Pass as `before` for the next page (`<ms>:<last id>`); null on the last one.' });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: PageCursor,
  verdict: z
    .enum(VERDICT_LABELS)
    .optional()
    .openapi({ description: 'Only completed analyses with this verdict (e.g. `inconclusive`, to review and rerun them).' }),
});

export const InventoryQuery = z
  .object({
    filename: z
      .string()
      .min(1)
      .max(200)
      .openapi({ description: 'package-lock.json, yarn.lock, pnpm-lock.yaml, requirements.txt, poetry.lock, *.cdx.json, *.spdx.json' }),
    schedule: z
      .string()
      .max(200)
      .regex(
        /^(?:hourly|daily|weekly|every:\d+[smhd]|cron:(?:\S+\s+){4,5}\S+)$/,
        'hourly, daily, weekly, every:<n>[s|m|h|d] or cron:<5 or 6 fields>',
      )
      .superRefine((text, ctx) => {
        const problem = scheduleProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .openapi({ description: 'Rescan the whole inventory on this schedule.' }),
  })
  .openapi('InventoryQuery');

export const CreateWebhook = z
  .object({
    url: z.string().min(1).max(2048),
    events: z
      .array(z.enum(['analysis.verdict', 'analysis.verdict_changed', 'inventory.completed', 'inventory.rescanned']))
      .min(1)
      .openapi({
        description:
          'inventory.rescanned: one event per rescan with the verdicts that changed; a webhook subscribed to it gets no analysis.verdict for the packages of a rescan.',
      }),
  })
  .strict()
  .openapi('CreateWebhook');

export const CreateOrganization = z
  .object({ name: z.string().min(1).max(100) })
  .strict()
  .openapi('CreateOrganization');

const Phases = z.array(z.object({ name: z.string(), status: z.string(), durationMs: z.number() }));

const VerdictSummary = z
  .object({
    verdict: z.enum(VERDICT_LABELS).openapi({
      description: '`inconclusive`: nothing malicious was proven and something could have hidden behaviour (see `notObserved`).',
    }),
    score: z.number(),
    reasons: z.array(
      z.object({
        rule: z.string(),
        severity: z.string(),
        explanation: z.string(),
        conclusive: z
          .boolean()
          .optional()
          .openapi({ description: 'The rule is proof, not a heuristic: no package or range acceptance covers it.' }),
        evidenceSha256: z
          .string()
          .optional()
          .openapi({ description: "This rule's evidence signature: what a `signature` accepted false positive names." }),
      }),
    ),
    notObserved: z.array(
      z.object({
        kind: z.string(),
        phase: z.string().nullable(),
        message: z.string(),
        hidesBehaviour: z.boolean().openapi({ description: 'This blind spot could hide behaviour: it makes the run inconclusive.' }),
      }),
    ),
  })
  .openapi('VerdictSummary');

/** How an organization's accepted false positives changed what it sees (org-verdict.ts). */
const AcceptedView = {
  originalVerdict: VerdictSummary.nullable().openapi({
    description: 'The stored verdict, when one of your accepted false positives applies (`verdict` is then benign for you only).',
  }),
  acceptedFalsePositive: z
    .object({ id: z.string(), by: z.object({ keyId: z.string(), keyName: z.string() }), at: z.string(), reason: z.string() })
    .nullable()
    .openapi({ description: 'The accepted false positive of your organization that applies, if any.' }),
};

export const Analysis = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
    ecosystem: Ecosystem,
    name: z.string(),
    version: z.string(),
    source: z.enum(['registry', 'upload']),
    archiveSha256: z.string().nullable(),
    cached: z.boolean(),
    inventoryId: z.string().nullable(),
    submittedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    verdict: VerdictSummary.nullable(),
    phases: Phases,
    error: z.string().nullable(),
    links: z.record(z.string(), z.string()).openapi({
      description:
        'self; with a report: report, trace, network, and reportHtml (the HTML page, signed and short-lived: opens in a browser with no key; absent when the service has no secrets key)',
    }),
    ...AcceptedView,
  })
  .openapi('Analysis');

export const VerdictLookup = z
  .object({
    ecosystem: Ecosystem,
    name: z.string(),
    version: z.string(),
    archiveSha256: z.string(),
    reportId: z.string(),
    analyzedAt: z.string(),
    verdict: VerdictSummary,
    phases: Phases,
    previousVerdict: z
      .enum(VERDICT_LABELS)
      .nullable()
      .openapi({ description: 'The public verdict before this one, when this run changed it.' }),
    ...AcceptedView,
    private: z
      .boolean()
      .openapi({ description: "A package of your organization's private registry: your own verdict, no shared history." }),
    override: z
      .object({ at: z.string(), reason: z.string(), previous: z.enum(VERDICT_LABELS) })
      .nullable()
      .optional()
      .openapi({ description: 'Set when an operator set this verdict by hand.' }),
    pendingRuns: z.number().int().openapi({
      description: 'Newer runs that disagreed with the public verdict and were held (a malicious verdict needs more than one benign run).',
    }),
    history: z
      .array(
        z.object({
          reportId: z.string(),
          analyzedAt: z.string(),
          verdict: z.enum(VERDICT_LABELS),
          score: z.number(),
          forced: z.boolean().openapi({ description: 'A forced run or rescan (a verdict was already known).' }),
          changedPublic: z.boolean().openapi({ description: 'This run changed the public verdict.' }),
          held: z
            .boolean()
            .openapi({ description: 'This run disagreed with the public verdict and did not replace it (pending evidence).' }),
          note: z.string(),
          override: z.boolean().optional().openapi({ description: 'Not a run: an operator set the verdict (the reason is in `note`).' }),
          requestedByYou: z.boolean().openapi({ description: 'Your organization asked for this run.' }),
          organizations: z.number().int().openapi({ description: 'How many organizations asked for this run (never which).' }),
        }),
      )
      .openapi({ description: 'Every recorded run of this version, newest first (at most 50).' }),
  })
  .openapi('VerdictLookup');

export const CreateApiKey = z
  .object({ name: z.string().min(1).max(100).openapi({ description: 'What the key is for (a CI system, a team).' }) })
  .strict()
  .openapi('CreateApiKey');

export const RotateApiKey = z
  .object({
    gracePeriodSeconds: z.number().int().min(0).max(86400).default(0).openapi({
      description: 'How long the old key keeps working (at most 24 h); 0, the default, revokes it at once.',
    }),
  })
  .strict()
  .openapi('RotateApiKey');

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart.' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: 'Last request with this key, to the minute.' }),
    expiresAt: z.string().nullable().openapi({ description: 'A rotated key with a grace period works until then.' }),
    revokedAt: z.string().nullable(),
    replacedBy: z.string().nullable().openapi({ description: 'The key that replaced this one by rotation.' }),
    active: z.boolean(),
    current: z.boolean().openapi({ description: 'The key this request was made with.' }),
  })
  .openapi('ApiKey');

export const ApiKeyWithSecret = ApiKey.extend({
  secret: z.string().openapi({ description: 'The key itself (alk_...): shown in this answer only.' }),
}).openapi('ApiKeyWithSecret');

export const ApiKeyRotated = ApiKeyWithSecret.extend({ previous: ApiKey }).openapi('ApiKeyRotated');

export const ApiKeyList = z.object({ keys: z.array(ApiKey) }).openapi('ApiKeyList');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: PageCursor,
});

export const AnalysisList = z
  .object({
    analyses: z.array(Analysis),
    next: NextCursor,
  })
  .openapi('AnalysisList');

export const Report = z
  .object({ reportVersion: z.union([z.string(), z.number()]), id: z.string(), createdAt: z.string(), package: z.object({}).passthrough() })
  .passthrough()
  .openapi('Report', { description: 'The full report: packages/core/schema/report.schema.json' });

const Schedule = z.object({ pattern: z.string().optional(), everyMs: z.number().optional() }).nullable();
const Skipped = z.array(z.object({ name: z.string(), spec: z.string(), reason: z.string() }));

export const InventoryCreated = z
  .object({
    id: z.string(),
    format: z.string(),
    status: z.string(),
    packages: z.number().int(),
    skipped: Skipped,
    schedule: Schedule,
    links: z.record(z.string(), z.string()),
  })
  .openapi('InventoryCreated');

const InventoryBase = z.object({
  id: z.string(),
  fileName: z.string(),
  format: z.string(),
  createdAt: z.string(),
  status: z.enum(['expanding', 'analysing', 'completed', 'failed']),
  schedule: Schedule,
  completedAt: z.string().nullable(),
  rescans: z.number().int(),
  error: z.string().nullable(),
});

const InventorySummaryItem = InventoryBase.extend({
  packages: z.number().int(),
  skipped: z.number().int(),
  links: z.record(z.string(), z.string()),
}).openapi('InventorySummaryItem');

export const InventoryList = z
  .object({
    inventories: z.array(InventorySummaryItem),
    next: NextCursor,
  })
  .openapi('InventoryList');

export const Inventory = InventoryBase.extend({
  skipped: Skipped,
  integrityMismatches: z.array(
    z.object({ ecosystem: Ecosystem, name: z.string(), version: z.string(), lockfile: z.string(), registry: z.string() }),
  ),
  integrityUnchecked: z.array(z.object({ name: z.string(), version: z.string(), reason: z.string() })),
  summary: z.object({
    total: z.number().int(),
    finished: z.number().int(),
    byStatus: z.record(z.string(), z.number()),
    byVerdict: z.record(z.string(), z.number()),
    findings: z.array(
      z.object({
        ecosystem: z.string(),
        name: z.string(),
        version: z.string(),
        verdict: z.string(),
        score: z.number(),
        analysisId: z.string(),
        reasons: z.array(z.object({ rule: z.string(), explanation: z.string() })),
      }),
    ),
    failed: z.array(z.object({ name: z.string(), version: z.string(), error: z.string() })),
  }),
  packages: z.array(
    z.object({
      ecosystem: Ecosystem,
      name: z.string(),
      version: z.string(),
      integrity: z.string().nullable(),
      analysisId: z.string().nullable(),
      status: z.string(),
      verdict: z.enum(VERDICT_LABELS).nullable(),
    }),
  ),
}).openapi('Inventory');

export const RescanQueued = z.object({ id: z.string(), rescan: z.number().int() }).openapi('RescanQueued');

const Webhook = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), createdAt: z.string() }).openapi('Webhook');

export const WebhookWithSecret = Webhook.extend({
  secret: z.string().openapi({ description: 'The signing secret (whsec_...): shown in this answer only.' }),
}).openapi('WebhookWithSecret');

export const WebhookList = z.object({ webhooks: z.array(Webhook) }).openapi('WebhookList');

export const DeliveryList = z
  .object({
    deliveries: z.array(
      z.object({
        id: z.string(),
        webhookId: z.string(),
        orgId: z.string(),
        event: z.string(),
        body: z.string(),
        createdAt: z.string(),
        status: z.enum(['pending', 'delivered', 'failed']),
        attempts: z.array(
          z.object({
            at: z.string(),
            ok: z.boolean(),
            status: z.number().nullable(),
            error: z.string().nullable(),
            durationMs: z.number(),
          }),
        ),
      }),
    ),
  })
  .openapi('DeliveryList');

const Organization = z.object({ id: z.string(), name: z.string(), createdAt: z.string() }).openapi('Organization');

export const OrganizationWithKey = z
  .object({
    organization: Organization,
    apiKey: z.string().openapi({ description: 'A new API key (alk_...): shown in this answer only.' }),
  })
  .openapi('OrganizationWithKey');

export const Health = z.object({ status: z.string() }).openapi('Health');
export const Ready = z.object({ status: z.string(), redis: z.string() }).openapi('Ready');

export const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), instance: z.string() })
  .openapi('Problem');

const VerdictLabel = z.enum(VERDICT_LABELS);
const NPM_SCOPE = /^@[a-z0-9][\w.-]{0,213}$/;
const BudgetValue = z.number().int().min(0).max(1_000_000).nullable();

const AcceptanceMatch = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('package'), ecosystem: Ecosystem, name: z.string().min(1).max(214) }).strict(),
    z
      .object({
        kind: z.literal('range'),
        ecosystem: Ecosystem,
        name: z.string().min(1).max(214),
        range: z
          .string()
          .min(1)
          .max(200)
          .openapi({ description: 'npm: a semver range (`>=1.2.0 <2`); PyPI: a PEP 440 specifier set (`>=1.0,<2`).' }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('signature'),
        ecosystem: Ecosystem,
        name: z.string().min(1).max(214),
        rule: z.string().min(1).max(100),
        evidenceSha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .openapi({ description: "The reason's `evidenceSha256` in the verdict: this rule with this evidence only." }),
      })
      .strict(),
  ])
  .openapi('AcceptanceMatch');

export const CreateAcceptedFalsePositive = z
  .object({ match: AcceptanceMatch, reason: z.string().min(1).max(500) })
  .strict()
  .openapi('CreateAcceptedFalsePositive');

export const AcceptedFalsePositive = z
  .object({
    id: z.string(),
    match: AcceptanceMatch,
    reason: z.string(),
    by: z.object({ keyId: z.string(), keyName: z.string() }).openapi({ description: 'The API key that accepted it.' }),
    at: z.string(),
  })
  .openapi('AcceptedFalsePositive');

export const Settings = z
  .object({
    acceptedFalsePositives: z.array(AcceptedFalsePositive),
    guardRefuses: z.array(VerdictLabel).openapi({ description: 'Verdicts an install-time guard refuses for this organization.' }),
    budgets: z.object({
      forcePerDay: z.number().int().openapi({ description: 'Forced runs per UTC day (this organization, else the service default).' }),
      rescanPerDay: z.number().int().openapi({ description: 'Inventory-rescan package runs per UTC day.' }),
      own: z.object({ forcePerDay: BudgetValue, rescanPerDay: BudgetValue }).openapi({ description: 'null: the service default applies.' }),
    }),
    registries: z.object({
      npm: z
        .object({
          url: z.string(),
          scopes: z.array(z.string()),
          tokenSet: z.boolean(),
          tokenLast4: z
            .string()
            .nullable()
            .openapi({ description: 'The last 4 characters of the token; the token itself is never returned.' }),
        })
        .nullable(),
    }),
    updatedAt: z.string().nullable(),
  })
  .openapi('Settings');

export const PatchSettings = z
  .object({
    guardRefuses: z.array(VerdictLabel).max(4).optional(),
    budgets: z.object({ forcePerDay: BudgetValue.optional(), rescanPerDay: BudgetValue.optional() }).strict().optional().openapi({
      description:
        'Lower only (at most the budget that applies now); raising one is an operator action (PATCH /v1/admin/organizations/{id}/settings). null: the service default.',
    }),
    registries: z
      .object({
        npm: z
          .object({
            url: z.string().url().max(2048),
            scopes: z
              .array(z.string().regex(NPM_SCOPE, 'an npm scope like @acme'))
              .max(50)
              .default([])
              .openapi({ description: 'Scopes fetched from this registry; empty: every npm package of this organization.' }),
            token: z.string().min(1).max(4096).nullable().optional().openapi({
              description:
                'Stored encrypted, never returned. Omitted: kept if the URL is unchanged (dropped when it changes); null: removed.',
            }),
          })
          .strict()
          .nullable(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('PatchSettings');

export const AdminPatchSettings = z
  .object({ budgets: z.object({ forcePerDay: BudgetValue.optional(), rescanPerDay: BudgetValue.optional() }).strict() })
  .strict()
  .openapi('AdminPatchSettings');

export const OverrideVerdict = z
  .object({
    ecosystem: Ecosystem,
    name: z.string().min(1).max(214),
    version: z.string().min(1).max(64),
    verdict: VerdictLabel,
    reason: z.string().min(1).max(1000).openapi({ description: 'Why: kept in the version history and sent with the change.' }),
  })
  .strict()
  .openapi('OverrideVerdict');

export const VerdictOverridden = z
  .object({
    ecosystem: Ecosystem,
    name: z.string(),
    version: z.string(),
    verdict: VerdictSummary,
    previousVerdict: VerdictLabel.nullable(),
    override: z.object({ at: z.string(), reason: z.string(), previous: VerdictLabel }),
    notified: z
      .number()
      .int()
      .openapi({ description: 'Organizations told by analysis.verdict_changed (those that received the old verdict).' }),
  })
  .openapi('VerdictOverridden');
