import type { RouteSpec } from '../route.js';
import { userRoutes } from './users.js';
import { groupRoutes } from './groups.js';
import { groupMemberRoutes } from './group-members.js';
import { addressBookRoutes } from './addressbook.js';
import { avatarRoutes } from './avatars.js';
import { softwareRoutes } from './software.js';
import { conferenceRoutes } from './conferences.js';
import { templateRoutes } from './templates.js';
import { presetRoutes } from './presets.js';
import { logRoutes } from './logs.js';
import { invitationRoutes } from './invitations.js';
import { participantRoutes } from './participants.js';
import { sessionRoutes } from './sessions.js';
import { recordRoutes } from './records.js';

/** Every TrueConf REST route; each module owns one group of the seed. */
export const ROUTES: RouteSpec[] = [
  ...userRoutes,
  ...groupRoutes,
  ...groupMemberRoutes,
  ...addressBookRoutes,
  ...avatarRoutes,
  ...softwareRoutes,
  ...conferenceRoutes,
  ...templateRoutes,
  ...presetRoutes,
  ...logRoutes,
  ...invitationRoutes,
  ...participantRoutes,
  ...sessionRoutes,
  ...recordRoutes,
];
