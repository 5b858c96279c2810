import type { TeamRole } from '../scenario/types.js';

/** The people and teams a generated world is made of, shared by the generators. */
export interface Person {
  email: string;
  name: string;
  federated: boolean;
  twoFactor: boolean;
  contractor: boolean;
}

export interface GeneratedTeam {
  name: string;
  short: string;
  dept: string;
  members: { email: string; role: TeamRole }[];
  hidden: boolean;
}
