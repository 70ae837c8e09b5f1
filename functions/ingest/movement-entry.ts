import type { MovementDecision } from '../../shared/domain/policy/decide.js';
import type { MovementKind } from '../../shared/domain/policy/model.js';

/** The extension members of a 451 problem: which movement, which rule, why (no PHI). */
export function denialExtensions(
  kind: MovementKind,
  decision: MovementDecision,
  from: { country: string; cell: string },
  to: { country: string; cell: string },
): Record<string, unknown> {
  return {
    movement: kind,
    from,
    to,
    ruleId: decision.ruleId ?? null,
    basis: decision.basis,
    reason: decision.reason,
  };
}
