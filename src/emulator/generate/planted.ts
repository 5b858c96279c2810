/**
 * The imperfections a generated world contains, by natural key. Each list is
 * exactly what a correct check must flag; everything not listed is healthy.
 */
export interface Planted {
  company: string;
  domain: string;
  /** The account the world is meant to be inspected with. */
  auditor: string;
  /** Teams the auditor is not a member of; their apps are invisible to it. */
  hidden_teams: string[];
  /** `team/email` of members without 2FA who are not federated. */
  team_members_without_2fa: string[];
  enterprise_members_without_2fa: string[];
  /** Enterprise members who do not sign in through the identity provider. */
  enterprise_members_not_federated: string[];
  teams_with_excess_admins: string[];
  enterprise_excess_manage: string[];
  /** `app/email` of collaborators from outside the company. */
  external_collaborators: string[];
  /** Apps whose custom domains have neither ACM nor a certificate. */
  apps_without_tls: string[];
  /** Every custom domain without a valid certificate, whatever the cause. */
  custom_domains_without_tls: string[];
  acm_failing_domains: string[];
  /** `app/endpoint` of manual certificates. */
  expired_certificates: string[];
  expiring_certificates: string[];
  self_signed_certificates: string[];
  eol_stack_apps: string[];
  /** `addon -> app`: production data stores attached outside production. */
  production_db_on_non_production: string[];
  unlocked_production_apps: string[];
  production_apps_without_log_drain: string[];
  /** Descriptions of the auditor's never-expiring global authorizations older than 90 days. */
  old_global_tokens: string[];
  /** Apps whose current slug has vulnerable dependencies, with the packages (and those only development needs, which are not findings). */
  vulnerable_apps: Record<string, { ecosystem: string; packages: { name: string; version: string }[]; dev_only: { name: string; version: string }[] }>;
  /** Apps with no slug to read (Fir generation: OCI images): a vulnerability test reports them as coverage gaps. */
  apps_without_slug: string[];
  /** `app/vN` of releases whose slug expired (status expired; the slug answers 404). */
  expired_releases: string[];
}

export function emptyPlanted(company: string, domain: string): Planted {
  return {
    company,
    domain,
    auditor: '',
    hidden_teams: [],
    team_members_without_2fa: [],
    enterprise_members_without_2fa: [],
    enterprise_members_not_federated: [],
    teams_with_excess_admins: [],
    enterprise_excess_manage: [],
    external_collaborators: [],
    apps_without_tls: [],
    custom_domains_without_tls: [],
    acm_failing_domains: [],
    expired_certificates: [],
    expiring_certificates: [],
    self_signed_certificates: [],
    eol_stack_apps: [],
    production_db_on_non_production: [],
    unlocked_production_apps: [],
    production_apps_without_log_drain: [],
    old_global_tokens: [],
    vulnerable_apps: {},
    apps_without_slug: [],
    expired_releases: [],
  };
}
