import { defineCheck, fail, pass, productionApps, resources, type CheckResult } from '../check.js';
import type { App } from '../inventory.js';

const holderOf = (app: App): string => (app.team_name ? `team ${app.team_name}` : `${app.owner_email ?? 'an unknown owner'}`);

export const addonDataAttachmentScoped = defineCheck({
  id: 'addon_data_attachment_scoped',
  title: 'Data stores are attached only where their data belongs',
  severity: 'critical',
  resourceType: 'addon_attachment',
  reads: ['addons', 'apps', 'addonAttachments', 'pipelineCouplings'],
  risk: "An attachment hands the data store's credentials to another app: a production database attached to a staging app, or to another team's app, is production data outside production's controls.",
  remediation: {
    text: 'Detach the data store from the app (give that app its own data store, or a sanitised copy).',
    command: 'heroku addons:detach ATTACHMENT --app APP',
  },
  references: [
    'https://devcenter.heroku.com/articles/managing-add-ons#using-the-command-line-interface-attaching-an-add-on-to-another-app',
    'https://devcenter.heroku.com/articles/pipelines',
  ],
  evaluate(inventory, settings) {
    const services = new Set(settings.data_store_services);
    const addons = new Map(inventory.addons.map((a) => [a.id, a]));
    const apps = new Map([...inventory.apps, ...inventory.referencedApps].map((a) => [a.id, a]));
    const production = productionApps(inventory);
    const results: CheckResult[] = [];
    for (const attachment of inventory.addonAttachments) {
      const addon = addons.get(attachment.addon_id);
      if (!addon?.service || !services.has(addon.service)) continue;
      const resource = resources.attachment(attachment);
      const ownerId = addon.app_id ?? attachment.addon_app_id;
      if (ownerId === attachment.app_id) {
        results.push(pass(resource, `${addon.name} (${addon.service}) is attached to its own app ${attachment.app_name}.`));
        continue;
      }
      const owner = ownerId ? apps.get(ownerId) : undefined;
      const target = apps.get(attachment.app_id);
      const ownerName = addon.app_name ?? attachment.addon_app_name ?? 'an unknown app';
      if (!owner || !target) {
        results.push(
          fail(
            resource,
            `${addon.name} (${addon.service}) of ${ownerName} is attached to ${attachment.app_name}, and one of the two apps is not visible to this connection: another team or owner.`,
          ),
        );
        continue;
      }
      if ((owner.team_id ?? owner.owner_email) !== (target.team_id ?? target.owner_email)) {
        results.push(
          fail(resource, `${addon.name} (${addon.service}) of ${owner.name} (${holderOf(owner)}) is attached to ${target.name} of ${holderOf(target)}.`),
        );
        continue;
      }
      const pipeline = production.get(owner.id);
      if (pipeline !== undefined && production.get(target.id) !== pipeline) {
        results.push(
          fail(
            resource,
            `Production data store ${addon.name} (${addon.service}) of ${owner.name} is attached to ${target.name}, which is not in the production stage of the same pipeline.`,
          ),
        );
        continue;
      }
      results.push(
        pass(
          resource,
          `${addon.name} (${addon.service}) of ${owner.name} is shared with ${target.name} of the same ${owner.team_name ? 'team' : 'owner'}${pipeline !== undefined ? ', both in production' : ''}.`,
        ),
      );
    }
    return results;
  },
});
