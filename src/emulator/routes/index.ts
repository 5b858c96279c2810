import { absentRoutes } from './absent.js';
import { actionRoutes } from './actions.js';
import { accountRoutes } from './account.js';
import { addonRoutes } from './addons.js';
import { appRoutes } from './apps.js';
import { catalogRoutes } from './catalog.js';
import { enterpriseRoutes } from './enterprise.js';
import { platformRoutes } from './platform.js';
import type { RouteSpec } from './route.js';
import { teamRoutes } from './teams.js';

/** Every Platform API route the emulator serves. */
export const ROUTES: RouteSpec[] = [
  ...accountRoutes,
  ...appRoutes,
  ...teamRoutes,
  ...enterpriseRoutes,
  ...addonRoutes,
  ...platformRoutes,
  ...catalogRoutes,
  ...actionRoutes,
  ...absentRoutes,
];
