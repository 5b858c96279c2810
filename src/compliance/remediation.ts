/**
 * A check's fix command made concrete for one finding: the placeholders that
 * the finding's resource names (APP, EMAIL, TEAM, ENTERPRISE, ATTACHMENT,
 * ENDPOINT, ID) replaced by its values; those only the user knows (NEW-APP,
 * the log host, the certificate files) kept. Values come from Heroku and are
 * quoted for a POSIX shell where they hold anything but plain characters, so
 * that a copied command runs what it says and nothing else.
 */
export function concreteCommand(template: string | null, resourceType: string, resourceKey: string): string | null {
  if (template === null) return null;
  const values = placeholders(resourceType, resourceKey.split('/').slice(1));
  let command = template;
  for (const [name, value] of Object.entries(values)) {
    if (value) command = command.replace(new RegExp(`(?<![\\w.-])${name}(?![\\w.-])`, 'g'), () => shellWord(value));
  }
  return command;
}

function placeholders(type: string, parts: string[]): Record<string, string | undefined> {
  const [a, b, c] = parts;
  switch (type) {
    case 'app':
      return { APP: parts.join('/') };
    case 'app_collaborator':
      return { APP: a, EMAIL: b };
    case 'domain':
      return { APP: a };
    case 'sni_endpoint':
      return { APP: a, ENDPOINT: b };
    case 'addon_attachment':
      return { APP: b, ATTACHMENT: c };
    case 'team':
      return { TEAM: parts.join('/') };
    case 'team_member':
      return { TEAM: a, EMAIL: b };
    case 'enterprise_account':
      return { ENTERPRISE: parts.join('/') };
    case 'enterprise_member':
      return { ENTERPRISE: a, EMAIL: b };
    case 'oauth_authorization':
      return { ID: parts.join('/') };
    default:
      return {};
  }
}

/** A word a POSIX shell reads as itself: as it is when plain, else in single quotes. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9@%_+=:,./-]+$/.test(value) && !value.startsWith('-') ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
