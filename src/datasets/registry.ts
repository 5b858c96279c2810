import type { ResourceDefinition } from './resource.js';
import account from './resources/account.js';
import addonAttachments from './resources/addon-attachments.js';
import addonServices from './resources/addon-services.js';
import addons from './resources/addons.js';
import apps from './resources/apps.js';
import collaborators from './resources/collaborators.js';
import configVars from './resources/config-vars.js';
import domains from './resources/domains.js';
import enterpriseAccounts from './resources/enterprise-accounts.js';
import enterpriseMembers from './resources/enterprise-members.js';
import formations from './resources/formations.js';
import logDrains from './resources/log-drains.js';
import oauthAuthorizations from './resources/oauth-authorizations.js';
import ociImages from './resources/oci-images.js';
import pipelineCouplings from './resources/pipeline-couplings.js';
import pipelines from './resources/pipelines.js';
import rateLimits from './resources/rate-limits.js';
import releases from './resources/releases.js';
import slugs from './resources/slugs.js';
import sniEndpoints from './resources/sni-endpoints.js';
import teamApps from './resources/team-apps.js';
import teamFeatures from './resources/team-features.js';
import teamMembers from './resources/team-members.js';
import teams from './resources/teams.js';

/** Every synced resource. Adding one is a file in resources/ and a line here. */
export const RESOURCES: ResourceDefinition[] = [
  account,
  rateLimits,
  teams,
  teamMembers,
  teamFeatures,
  teamApps,
  enterpriseAccounts,
  enterpriseMembers,
  apps,
  configVars,
  domains,
  sniEndpoints,
  collaborators,
  formations,
  logDrains,
  releases,
  slugs,
  ociImages,
  addons,
  addonAttachments,
  addonServices,
  pipelines,
  pipelineCouplings,
  oauthAuthorizations,
];

/** Resources in an order where every parent comes before its children. */
export function parentFirst(resources: ResourceDefinition[] = RESOURCES): ResourceDefinition[][] {
  const levels: ResourceDefinition[][] = [];
  const placed = new Map<string, number>();
  let remaining = [...resources];
  while (remaining.length > 0) {
    const level = remaining.filter((r) => !r.parent || placed.has(r.parent));
    if (level.length === 0) throw new Error(`resources with unknown parents: ${remaining.map((r) => `${r.name} (${r.parent})`).join(', ')}`);
    for (const r of level) placed.set(r.name, levels.length);
    levels.push(level);
    remaining = remaining.filter((r) => !level.includes(r));
  }
  return levels;
}
