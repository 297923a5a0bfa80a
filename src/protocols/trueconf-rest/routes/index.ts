import type { RouteSpec } from '../route.js';
import { userRoutes } from './users.js';

/** Every TrueConf REST route; each module owns one group of the seed. */
export const ROUTES: RouteSpec[] = [
  ...userRoutes,
];
