import { defineCheck, fail, pass, resources } from '../check.js';
import { LEAST_PRIVILEGE_COMMAND } from '../../inventory/coverage.js';

export const connectionTokenLeastPrivilege = defineCheck({
  id: 'connection_token_least_privilege',
  title: "herowatch's own token has the least privilege it needs",
  severity: 'medium',
  resourceType: 'connection',
  reads: [],
  risk: 'A global token can change and delete everything on the account; herowatch only reads, so a leak of its token should not be able to do more.',
  remediation: {
    text: 'Give herowatch a token limited to identity and read-protected, then revoke the global one.',
    command: LEAST_PRIVILEGE_COMMAND,
  },
  references: ['https://devcenter.heroku.com/articles/oauth#scopes'],
  evaluate(inventory) {
    const resource = resources.connection(inventory);
    if (!inventory.token) {
      return [
        {
          status: 'UNKNOWN',
          resource,
          message: `Cannot be evaluated: connection ${inventory.connection} has not been tested (fix: herowatch status ${inventory.connection}).`,
        },
      ];
    }
    const scope = inventory.token.scope.join(', ') || 'none';
    if (inventory.token.scope.includes('global')) return [fail(resource, `Connection ${inventory.connection} uses a token with the global scope (${scope}).`)];
    return [pass(resource, `Connection ${inventory.connection} uses a token scoped to ${scope}.`)];
  },
});
