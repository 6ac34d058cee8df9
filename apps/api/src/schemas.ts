/**
 * Request and response shapes: the zod schemas validate requests and generate the OpenAPI document,
 * so the document cannot drift from what the server accepts.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { VERDICT_LABELS } from '@airlock/core';
import { scheduleProblem } from './schedule.js';

extendZodWithOpenApi(z);

const NPM_NAME = /^(?:@[a-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]{0,213}$/;
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?$/;
/** Exact versions only: a verdict belongs to one version. npm semver, PEP 440 loosely (both checked again by the registry). */
const NPM_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const PYPI_VERSION =
  /^(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|rc|alpha|beta|c|pre|preview)[-_.]?\d*)?(?:[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

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
    const [nameRe, versionRe] = value.ecosystem === 'npm' ? [NPM_NAME, NPM_VERSION] : [PYPI_NAME, PYPI_VERSION];
    if (!nameRe.test(value.name)) ctx.addIssue({ code: 'custom', path: ['name'], message: `not a valid ${value.ecosystem} package name` });
    if (!versionRe.test(value.version))
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

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().optional().openapi({ description: 'Submission time (ms since epoch) to page before.' }),
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
    events: z.array(z.enum(['analysis.verdict', 'analysis.verdict_changed', 'inventory.completed'])).min(1),
  })
  .strict()
  .openapi('CreateWebhook');

export const CreateOrganization = z
  .object({ name: z.string().min(1).max(100) })
  .strict()
  .openapi('CreateOrganization');

const VerdictSummary = z
  .object({
    verdict: z.enum(VERDICT_LABELS).openapi({
      description: '`inconclusive`: nothing malicious was proven and something could have hidden behaviour (see `notObserved`).',
    }),
    score: z.number(),
    reasons: z.array(z.object({ rule: z.string(), severity: z.string(), explanation: z.string() })),
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
    phases: z.array(z.object({ name: z.string(), status: z.string(), durationMs: z.number() })),
    error: z.string().nullable(),
    links: z.record(z.string(), z.string()),
  })
  .openapi('Analysis');

export const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), instance: z.string() })
  .openapi('Problem');
