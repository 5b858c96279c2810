import type { CheckDefinition } from './check.js';
import { addonDataAttachmentScoped } from './checks/addon-data-attachment-scoped.js';
import { appCollaboratorInternal } from './checks/app-collaborator-internal.js';
import { appCustomDomainTls } from './checks/app-custom-domain-tls.js';
import { appRegionAllowed } from './checks/app-region-allowed.js';
import { appSensitiveConfigExternalAccess } from './checks/app-sensitive-config-external-access.js';
import { appStackSupported } from './checks/app-stack-supported.js';
import { connectionTokenLeastPrivilege } from './checks/connection-token-least-privilege.js';
import { enterpriseAuditTrailCollected } from './checks/enterprise-audit-trail-collected.js';
import { enterpriseManagePermissionLimited } from './checks/enterprise-manage-permission-limited.js';
import { enterpriseMember2faEnabled } from './checks/enterprise-member-2fa-enabled.js';
import { enterpriseMemberFederated } from './checks/enterprise-member-federated.js';
import { oauthAuthorizationRotated } from './checks/oauth-authorization-rotated.js';
import { productionAppLocked } from './checks/production-app-locked.js';
import { productionAppSevereVulnerabilitiesAbsent } from './checks/production-app-severe-vulnerabilities-absent.js';
import { productionAppLogDrainConfigured } from './checks/production-app-log-drain-configured.js';
import { sniEndpointCertificateValid } from './checks/sni-endpoint-certificate-valid.js';
import { teamAdminsLimited } from './checks/team-admins-limited.js';
import { teamMember2faEnabled } from './checks/team-member-2fa-enabled.js';

/** Every check, in the order reports list them. */
export const CHECKS: CheckDefinition[] = [
  teamMember2faEnabled,
  enterpriseMember2faEnabled,
  enterpriseMemberFederated,
  teamAdminsLimited,
  enterpriseManagePermissionLimited,
  appCollaboratorInternal,
  appSensitiveConfigExternalAccess,
  appCustomDomainTls,
  sniEndpointCertificateValid,
  appStackSupported,
  addonDataAttachmentScoped,
  productionAppLocked,
  productionAppSevereVulnerabilitiesAbsent,
  productionAppLogDrainConfigured,
  oauthAuthorizationRotated,
  connectionTokenLeastPrivilege,
  enterpriseAuditTrailCollected,
  appRegionAllowed,
];

export function checkNamed(id: string): CheckDefinition | undefined {
  return CHECKS.find((c) => c.id === id);
}
