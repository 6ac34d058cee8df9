/** Verdicts as the calling organization sees them (its accepted false positives, packages/store org-verdict.ts): every verdict read goes through it. */
import { versionInRange } from '@airlock/registry';
import { recordAsSeen, type PackageRef, type Store, type VerdictSummary } from '@airlock/store';

export type OrgLens = <T extends PackageRef & { verdict: VerdictSummary | null }>(record: T) => ReturnType<typeof recordAsSeen<T>>;

/** Reads the organization's settings once; the lens then applies them to any number of records. */
export async function orgLens(store: Store, orgId: string): Promise<OrgLens> {
  const settings = await store.settings.get(orgId);
  return (record) => recordAsSeen(record, settings, versionInRange);
}
