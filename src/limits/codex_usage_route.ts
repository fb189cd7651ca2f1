/**
 * The Codex CLI's own usage request, answered by codexgate: `GET
 * …/wham/usage` (a base URL with `/backend-api`) or `GET …/api/codex/usage`
 * (any other), under whatever base path the CLI is configured with. The
 * answer is the backend's document for the account the next request would
 * use, so the CLI shows the limits that really apply
 * (docs/limits-and-usage.md#the-codex-cli-asks-codexgate).
 *
 * @module
 */
import type { CredentialService } from "../auth/credential_service.ts";
import type { ResolvedConfig } from "../config/load_config.ts";
import type { QuotaStore } from "../state/quota_store.ts";
import type { LimitsPoller } from "./limits_poller.ts";
import { renderWhamUsage } from "./wham_usage.ts";

/** What the answer reads. */
export interface CodexUsageSources {
  config: ResolvedConfig;
  credentials: CredentialService;
  quota: QuotaStore;
  limits: LimitsPoller;
  now: () => number;
}

/**
 * The usage document and the account it describes.
 *
 * @throws {ProxyError} when the backend has no usable sign-in.
 */
export async function codexUsage(
  s: CodexUsageSources,
): Promise<{ body: Record<string, unknown>; account: string }> {
  const backend = s.config.default_backend;
  await s.limits.ensureFresh(backend);
  const credentials = await s.credentials.get(backend);
  const latest = await s.quota.latest(credentials.accountId);
  return {
    body: renderWhamUsage(latest, credentials.planType, s.now()),
    account: backend,
  };
}
