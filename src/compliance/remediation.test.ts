import { describe, expect, it } from 'vitest';
import { concreteCommand, shellWord } from './remediation.js';

describe('concrete fix commands', () => {
  it("name the finding's own resources and keep what only the user knows", () => {
    expect(concreteCommand('heroku access:remove EMAIL --app APP', 'app_collaborator', 'app/shop/x@gmail.example')).toBe(
      'heroku access:remove x@gmail.example --app shop',
    );
    expect(concreteCommand('heroku addons:detach ATTACHMENT --app APP', 'addon_attachment', 'addon/shop-db/analytics/SHOP_DB')).toBe(
      'heroku addons:detach SHOP_DB --app analytics',
    );
    expect(concreteCommand('heroku members:set EMAIL --team TEAM --role member', 'team_member', 'team/core/ann@acme.example')).toBe(
      'heroku members:set ann@acme.example --team core --role member',
    );
    expect(concreteCommand('heroku apps:create NEW-APP --region eu', 'app', 'app/shop')).toBe('heroku apps:create NEW-APP --region eu');
    expect(concreteCommand('heroku drains:add syslog+tls://LOGS.EXAMPLE.COM:PORT --app APP', 'app', 'app/shop')).toBe(
      'heroku drains:add syslog+tls://LOGS.EXAMPLE.COM:PORT --app shop',
    );
    expect(concreteCommand('heroku authorizations:rotate ID', 'oauth_authorization', 'authorization/0b8f6c2e-1c3a-4d7e-9f00-1234567890ab')).toBe(
      'heroku authorizations:rotate 0b8f6c2e-1c3a-4d7e-9f00-1234567890ab',
    );
    expect(concreteCommand(null, 'app', 'app/shop')).toBeNull();
  });

  it('quote what Heroku gave, so a copied command runs nothing else', () => {
    const hostile = concreteCommand('heroku access:remove EMAIL --app APP', 'app_collaborator', "app/shop/x@y.example; rm -rf ~ $(id) `id` 'q'");
    expect(hostile).toBe(`heroku access:remove 'x@y.example; rm -rf ~ $(id) \`id\` '\\''q'\\''' --app shop`);
    expect(shellWord('-rf')).toBe("'-rf'");
    expect(shellWord('plain-name_1.2@x')).toBe('plain-name_1.2@x');
    expect(shellWord('')).toBe("''");
  });
});
