/**
 * `GET /status`: per backend, the account in use (shortened), its plan,
 * when its access token expires, the latest usage figures the backend
 * reported (docs/backend-protocol.md#quota-headers) and where the model
 * catalog came from. No secret.
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import type { CatalogService } from "../models/catalog_service.ts";
import type { QuotaStore } from "../state/quota_store.ts";
import type { QuotaSnapshot } from "../upstream/quota_headers.ts";
import { VERSION } from "../version.ts";

/** What the report reads. */
export interface StatusSources {
  config: ResolvedConfig;
  credentials: CredentialService;
  catalogs: ReadonlyMap<string, CatalogService>;
  quota: QuotaStore;
  now: () => number;
  startedAt: number;
}

/** One backend's part of the report. */
export interface BackendStatus {
  type: string;
  base_url: string;
  account: {
    id: string;
    plan?: string;
    token_expires_at?: string;
    token_expires_in_seconds?: number;
    /** Set while refreshed tokens could not be written to auth.json (served from memory). */
    unsaved?: string;
  } | { error: string };
  usage: Omit<QuotaSnapshot, "headers"> | null;
  models: { source: string; count: number };
}

/** Builds the `/status` JSON. */
export async function statusReport(
  sources: StatusSources,
): Promise<
  {
    status: string;
    version: string;
    uptime_seconds: number;
    backends: Record<string, BackendStatus>;
  }
> {
  const now = sources.now();
  const entries = await Promise.all(
    Object.values(sources.config.backends).map(async (backend) => {
      let account: BackendStatus["account"];
      let usage: BackendStatus["usage"] = null;
      try {
        const c = await sources.credentials.get(backend.name);
        const latest = await sources.quota.latest(c.accountId);
        account = {
          id: shortenAccount(c.accountId),
          plan: c.planType ?? latest?.plan_type,
          token_expires_at: c.expiresAt ? new Date(c.expiresAt).toISOString() : undefined,
          token_expires_in_seconds: c.expiresAt
            ? Math.round((c.expiresAt - now) / 1000)
            : undefined,
          unsaved: sources.credentials.unsaved?.(backend.name),
        };
        if (latest) {
          const { headers: _raw, ...figures } = latest;
          usage = figures;
        }
      } catch (err) {
        account = { error: (err as Error).message };
      }
      const catalog = await sources.catalogs.get(backend.name)!.get();
      const status: BackendStatus = {
        type: backend.type,
        base_url: backend.base_url,
        account,
        usage,
        models: { source: catalog.source, count: catalog.models.length },
      };
      return [backend.name, status] as const;
    }),
  );
  return {
    status: "ok",
    version: VERSION,
    uptime_seconds: Math.round((now - sources.startedAt) / 1000),
    backends: Object.fromEntries(entries),
  };
}

/** `acct-1111-2222-3333` → `acct-111…3333`: enough to tell accounts apart. */
export function shortenAccount(id: string): string {
  return id.length <= 12 ? id : `${id.slice(0, 8)}…${id.slice(-4)}`;
}
