import type { AnyRoute } from '../route.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { ringRoutes } from './rings.ts';
import { entityRoutes } from './entities.ts';
import { caseRoutes } from './cases.ts';
import { jobRoutes } from './jobs.ts';
import { exportRoutes } from './exports.ts';
import { reportRoutes } from './reports.ts';
import { scheduleRoutes } from './schedules.ts';
import { ratingRoutes } from './ratings.ts';

/** The route registry: every route of the API, in the order the docs list them. */
export function allRoutes(): AnyRoute[] {
  return [...authRoutes(), ...ringRoutes(), ...entityRoutes(), ...caseRoutes(), ...exportRoutes(), ...jobRoutes(), ...scheduleRoutes(), ...reportRoutes(), ...ratingRoutes(), ...auditRoutes()];
}
