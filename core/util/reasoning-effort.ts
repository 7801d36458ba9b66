/**
 * The reasoning effort closest to a thinking budget in tokens, for upstreams that take only an
 * effort: the inverse of the usual effort budgets (low 1,024, medium 4,096, high 16,384), cut
 * halfway between them on a log scale, so an effort turned into a budget and back is itself.
 * Claude Code's "think" (4,000) is medium, "think hard" (10,000) and "ultrathink" (31,999) high.
 * A budget of 0 or less is the caller's case (thinking off): it answers `low` here.
 */
export function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= 2048) return 'low';
  return budget <= 8192 ? 'medium' : 'high';
}
