import { col, defineResource } from '../resource.js';

export default defineResource({
  name: 'pipelines',
  description: 'Pipelines the connection can see.',
  path: '/pipelines',
  shape: 'list',
  requires: 'read',
  columns: [
    col.id(),
    col.text('name', 'Pipeline name'),
    col.text('owner_id', 'Team or user owning it', 'owner.id'),
    col.text('owner_type', '`team` or `user`', 'owner.type'),
    col.text('generation', 'Platform generation', 'generation.name'),
    col.created(),
    col.updated(),
  ],
});
