import { always, col, defineResource } from '../resource.js';

export default defineResource({
  name: 'addons',
  description: 'Add-ons billed to the apps the connection can see.',
  path: '/addons',
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    always(col.text('name', 'Add-on name')),
    col.text('service', 'Add-on service', 'addon_service.name'),
    col.text('plan', 'Plan (`service:plan`)', 'plan.name'),
    ...col.app(),
    col.text('billing_entity_name', 'Who is billed', 'billing_entity.name'),
    col.text('billing_entity_type', '`app` or `team`', 'billing_entity.type'),
    col.json('config_vars', 'Names of the config vars the add-on sets on its billing app'),
    col.text('state', 'provisioning, provisioned or deprovisioned'),
    col.int('price_cents', 'Billed price in cents', 'billed_price.cents'),
    col.text('price_unit', 'Billing period', 'billed_price.unit'),
    col.created(),
    col.updated(),
  ],
});
