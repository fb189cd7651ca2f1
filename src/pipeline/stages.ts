/**
 * What a completion runs through, in the order app.ts calls it: receive,
 * model routing, the five stages (resolveAuth, mergeCapabilities, translate,
 * forward, streamBack) and what runs beside them (account failover,
 * auto_compact, the plan's figures from the stream). One module, so that
 * app.ts loads the whole pipeline with the first completion instead of at
 * start: `/health` and the other routes answer without it
 * (docs/operations.md#startup).
 *
 * @module
 */
export { receiveRequest } from "./receive_request.ts";
export { resolveModel, withAvailableModels } from "../models/resolve_model.ts";
export { withContextWindow } from "../models/context_window_error.ts";
export { conversationKey } from "../translate/conversation_id.ts";
export { resolveAuth } from "./resolve_auth.ts";
export { mergeCapabilities } from "./merge_capabilities.ts";
export { translate } from "./translate.ts";
export { forwardOnAccount, runOnAccounts } from "./account_failover.ts";
export { COMPACTION_HEADER, compactionHeaderValue, forwardCompacting } from "./auto_compact.ts";
export { streamBack } from "./stream_back.ts";
export { parseRateLimitsEvent } from "../limits/rate_limits_event.ts";
export { updateQuota } from "../state/quota_store.ts";
