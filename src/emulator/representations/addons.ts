import { deriveHex } from '../world/ids.js';
import type { Addon, AddonService, Attachment, Plan } from '../world/types.js';
import { cachedPer, withGiven, type Json } from './context.js';

export const addonJson = cachedPer((addon: Addon): Json =>
  withGiven(
    {
      actions: [],
      addon_service: { id: addon.service.id, name: addon.service.info.name },
      billing_entity: { id: addon.app.id, name: addon.app.name, type: 'app' },
      app: { id: addon.app.id, name: addon.app.name },
      billed_price: { cents: addon.plan.cents, contract: false, unit: 'month' },
      config_vars: addon.configVars,
      created_at: addon.createdAt,
      id: addon.id,
      name: addon.name,
      plan: { id: addon.plan.id, name: addon.plan.name },
      provider_id: `resource${deriveHex(8, 'provider', addon.name)}@${addon.service.info.name}.example`,
      state: 'provisioned',
      updated_at: addon.updatedAt,
      web_url: `https://addons-sso.heroku.com/apps/${addon.app.id}/addons/${addon.id}`,
    },
    addon.given,
  ),
);

/**
 * An add-on with `addon_service` and `plan` expanded to their full objects,
 * as Heroku answers `Accept-Expansion: addon_service,plan` (the CLI asks so).
 */
export function expandedAddonJson(addon: Addon, expansions: readonly string[]): Json {
  const json = { ...addonJson(addon) };
  if (expansions.includes('addon_service')) json.addon_service = addonServiceJson(addon.service);
  if (expansions.includes('plan')) json.plan = planJson(addon.plan);
  return json;
}

export const attachmentJson = cachedPer((attachment: Attachment): Json =>
  withGiven(
    {
      addon: {
        id: attachment.addon.id,
        name: attachment.addon.name,
        app: { id: attachment.addon.app.id, name: attachment.addon.app.name },
      },
      app: { id: attachment.app.id, name: attachment.app.name },
      created_at: attachment.createdAt,
      id: attachment.id,
      name: attachment.name,
      namespace: null,
      updated_at: attachment.updatedAt,
      web_url: `https://addons-sso.heroku.com/apps/${attachment.app.id}/addons/${attachment.addon.id}`,
      log_input_url: null,
    },
    attachment.given,
  ),
);

export const addonServiceJson = cachedPer((service: AddonService): Json =>
  withGiven(
    {
      cli_plugin_name: null,
      created_at: service.info.created_at,
      human_name: service.info.human_name,
      id: service.id,
      name: service.info.name,
      state: service.info.state,
      supports_multiple_installations: service.info.data_store,
      supports_sharing: service.info.data_store,
      updated_at: service.info.created_at,
      supported_generations: [],
    },
    service.given,
  ),
);

export const planJson = cachedPer((plan: Plan): Json => {
  const short = plan.name.split(':')[1] ?? plan.name;
  return withGiven(
    {
      addon_service: { id: plan.service.id, name: plan.service.info.name },
      created_at: plan.service.info.created_at,
      compliance: null,
      default: plan.service.plans[0] === plan,
      description: `${plan.service.info.human_name} ${short}`,
      human_name: short.replace(/(^|-)(\w)/g, (_, dash: string, c: string) => `${dash ? ' ' : ''}${c.toUpperCase()}`),
      id: plan.id,
      installable_inside_private_network: short.startsWith('private') || short.startsWith('shield'),
      installable_outside_private_network: !short.startsWith('private') && !short.startsWith('shield'),
      name: plan.name,
      price: { cents: plan.cents, contract: false, unit: 'month' },
      space_default: false,
      state: 'public',
      updated_at: plan.service.info.created_at,
      visible: true,
    },
    plan.given,
  );
});

/**
 * An attachment with what `Accept-Inclusion` asks for, beyond the schema as
 * Heroku serves it (the CLI asks for both): `addon:plan` adds the add-on's
 * plan, `config_vars` the config var names the attachment gives its app.
 */
export function includedAttachmentJson(attachment: Attachment, inclusions: readonly string[]): Json {
  const json = attachmentJson(attachment);
  const plan = inclusions.includes('addon:plan');
  const configVars = inclusions.includes('config_vars');
  if (!plan && !configVars) return json;
  return {
    ...json,
    ...(plan ? { addon: { ...(json.addon as Json), plan: { id: attachment.addon.plan.id, name: attachment.addon.plan.name } } } : {}),
    ...(configVars ? { config_vars: attachment.configVars } : {}),
  };
}
