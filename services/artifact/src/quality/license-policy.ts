// spdx-expression-parse (the SPDX expression grammar, with the official license list) and spdx-satisfies (whether an
// expression can be honoured with only the allowed licenses, AND/OR/WITH/+ included) are the maintained SPDX
// libraries npm itself relies on; license logic written by hand gets OR-vs-AND and `-or-later` wrong.
import parseSpdx from 'spdx-expression-parse';
import satisfies from 'spdx-satisfies';

export interface LicensePolicy {
  allow: readonly string[];
  deny: readonly string[];
}

export interface LicenseVerdict {
  verdict: 'allowed' | 'denied' | 'unknown' | 'unasserted';
  reason: string;
}

function leaves(node: parseSpdx.Info): string[] {
  return 'conjunction' in node ? [...leaves(node.left), ...leaves(node.right)] : [node.license];
}

/**
 * Evaluates one SPDX expression: allowed when it can be satisfied with allowed licenses only (`MIT OR GPL-3.0-only`
 * can: choose MIT); denied when it cannot and names a denied license; unknown otherwise (an invalid expression, or
 * licenses the policy does not list) — unknown fails a gate like denied, but tells a reviewer what to look at;
 * unasserted when the component declares no license at all.
 */
export function evaluateLicense(expression: string, policy: LicensePolicy): LicenseVerdict {
  // NOASSERTION is SPDX for "nobody said": typically a workspace package without a `license` field. It is not an
  // unknown license to look up but a missing declaration to fix, so it gets its own verdict (it still fails a gate).
  if (expression.trim() === 'NOASSERTION') {
    return {
      verdict: 'unasserted',
      reason: 'no license declared (NOASSERTION): declare one in the component, or keep it out of the artifact',
    };
  }
  let tree: parseSpdx.Info;
  try {
    tree = parseSpdx(expression);
  } catch {
    return { verdict: 'unknown', reason: 'not a valid SPDX expression' };
  }
  if (policy.allow.length > 0 && satisfies(expression, policy.allow)) {
    return { verdict: 'allowed', reason: 'satisfied by the allow list' };
  }
  const denied = leaves(tree).filter((id) => policy.deny.includes(id));
  if (denied.length > 0) return { verdict: 'denied', reason: `denied by policy: ${[...new Set(denied)].join(', ')}` };
  return { verdict: 'unknown', reason: 'not covered by the allow list' };
}
