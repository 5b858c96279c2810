import { defineCheck, fail, pass, resources, unknown, type CheckResult } from '../check.js';
import { daysBetween } from '../../time.js';

/**
 * Whether a token is due for rotation: it never expires and is older than
 * the setting. The one rule both this check and `herowatch tokens` apply.
 */
export function rotationDue(
  authorization: { created_at: string; expires_at: string | null },
  now: Date,
  maxAgeDays: number,
): { ageDays: number; due: boolean } {
  const ageDays = daysBetween(authorization.created_at, now);
  return { ageDays, due: authorization.expires_at === null && ageDays > maxAgeDays };
}

export const oauthAuthorizationRotated = defineCheck({
  id: 'oauth_authorization_rotated',
  title: 'Long-lived tokens are rotated',
  severity: 'medium',
  resourceType: 'oauth_authorization',
  reads: ['oauthAuthorizations'],
  risk: 'A token that never expires and has lived for months has had time to end up in scripts, CI settings and laptops; leaked, it works forever.',
  remediation: {
    text: 'Create a replacement with an expiry (and the narrowest scope that works), switch its users over, then revoke the old one.',
    command: 'heroku authorizations:rotate ID',
  },
  references: ['https://devcenter.heroku.com/articles/oauth#direct-authorization', 'https://devcenter.heroku.com/articles/authentication'],
  evaluate(inventory, settings) {
    const gap = inventory.coverage.gap('oauth_authorizations');
    if (gap) return [unknown(resources.connection(inventory), gap)];
    const results: CheckResult[] = [];
    for (const authorization of inventory.oauthAuthorizations) {
      const resource = resources.authorization(authorization);
      const { ageDays: age, due } = rotationDue(authorization, inventory.now, settings.token_max_age_days);
      const label = `"${authorization.description ?? authorization.id}" (${authorization.scope.join(', ')})`;
      if (authorization.expires_at) results.push(pass(resource, `${label} expires on ${authorization.expires_at.slice(0, 10)}.`));
      else if (due) results.push(fail(resource, `${label} never expires and is ${age} days old (rotate after ${settings.token_max_age_days}).`));
      else results.push(pass(resource, `${label} never expires but is only ${age} days old.`));
    }
    return results;
  },
});
