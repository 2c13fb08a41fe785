/**
 * Whether an agent's failure looks like its API's rate limit (or a transient overload), from
 * the messages the CLIs document or print: Claude Code's "API Error: Rate limit reached" /
 * `rate_limit_error` / 429 and `overloaded_error` / 529, Codex's "429 Too Many Requests" in
 * its `turn.failed` event, Aider's (litellm's) `RateLimitError`. Waiting helps these; it does
 * not help a failed test, so nothing else matches. A subscription's "usage limit" resets hours
 * later: not a rate limit to wait out within a run.
 */
export function looksRateLimited(text: string): boolean {
  return RATE_LIMITED.some((pattern) => pattern.test(text))
}

const RATE_LIMITED = [
  /\brate[ _-]?limit/i,
  /RateLimitError/,
  /(status|code|error)\W{0,3}\s?429\b|\(429\)/i,
  /too many requests/i,
  /overloaded_error|\b529\b.{0,20}overloaded/i,
  /quota (?:exceeded|exhausted)|exceeded (?:your|the) (?:current )?quota|insufficient_quota/i,
  /resource[ _]exhausted/i,
  /\bthrottl/i
]
