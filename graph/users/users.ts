import type { Driver } from 'neo4j-driver';
import type { Role } from '../../access/roles.ts';

/**
 * Users live in Neo4j next to the data they are allowed to see. `tokenVersion` is bumped on logout,
 * password change, role change and disabling: refresh tokens carry it, so all of a user's sessions
 * end at once.
 */
export interface UserRecord {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  passwordHash: string;
  tokenVersion: number;
  createdAt: string;
  lastLoginAt: string | null;
}

export type PublicUser = Omit<UserRecord, 'passwordHash' | 'tokenVersion'>;

const FIELDS = `u.username AS username, u.displayName AS displayName, u.role AS role, coalesce(u.disabled, false) AS disabled,
  u.passwordHash AS passwordHash, coalesce(u.tokenVersion, 0) AS tokenVersion, toString(u.createdAt) AS createdAt, toString(u.lastLoginAt) AS lastLoginAt`;

export class UserExistsError extends Error {
  override name = 'UserExistsError';
}

export async function createUser(driver: Driver, u: { username: string; displayName: string; role: Role; passwordHash: string }): Promise<PublicUser> {
  try {
    const { records } = await driver.executeQuery(
      `CREATE (u:User {username: $username, displayName: $displayName, role: $role, passwordHash: $passwordHash, disabled: false, tokenVersion: 0, createdAt: datetime()})
       RETURN ${FIELDS}`,
      u,
    );
    return toPublic(records[0]!.toObject() as UserRecord);
  } catch (e) {
    if ((e as { code?: string }).code === 'Neo.ClientError.Schema.ConstraintValidationFailed') throw new UserExistsError(`user ${u.username} already exists`);
    throw e;
  }
}

export async function findUser(driver: Driver, username: string): Promise<UserRecord | null> {
  const { records } = await driver.executeQuery(`MATCH (u:User {username: $username}) RETURN ${FIELDS}`, { username }, { routing: 'READ' });
  return records[0] ? (records[0].toObject() as UserRecord) : null;
}

export async function listUsers(driver: Driver): Promise<PublicUser[]> {
  const { records } = await driver.executeQuery(`MATCH (u:User) RETURN ${FIELDS} ORDER BY u.username`, {}, { routing: 'READ' });
  return records.map((r) => toPublic(r.toObject() as UserRecord));
}

export async function countAdmins(driver: Driver): Promise<number> {
  const { records } = await driver.executeQuery(`MATCH (u:User {role: 'admin'}) WHERE NOT coalesce(u.disabled, false) RETURN count(u) AS n`, {}, { routing: 'READ' });
  return records[0]!.get('n') as number;
}

export interface UserChanges {
  displayName?: string | undefined;
  role?: Role | undefined;
  disabled?: boolean | undefined;
  passwordHash?: string | undefined;
}

/** Applies changes; anything that changes what the user may do also ends their sessions. */
export async function updateUser(driver: Driver, username: string, changes: UserChanges): Promise<PublicUser | null> {
  const endsSessions = changes.role !== undefined || changes.disabled !== undefined || changes.passwordHash !== undefined;
  const props = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const { records } = await driver.executeQuery(
    `MATCH (u:User {username: $username})
     SET u += $props, u.updatedAt = datetime(), u.tokenVersion = coalesce(u.tokenVersion, 0) + CASE WHEN $endsSessions THEN 1 ELSE 0 END
     RETURN ${FIELDS}`,
    { username, props, endsSessions },
  );
  return records[0] ? toPublic(records[0].toObject() as UserRecord) : null;
}

export async function bumpTokenVersion(driver: Driver, username: string): Promise<void> {
  await driver.executeQuery(`MATCH (u:User {username: $username}) SET u.tokenVersion = coalesce(u.tokenVersion, 0) + 1`, { username });
}

export async function recordLogin(driver: Driver, username: string): Promise<void> {
  await driver.executeQuery(`MATCH (u:User {username: $username}) SET u.lastLoginAt = datetime()`, { username });
}

export function toPublic(u: UserRecord): PublicUser {
  const { passwordHash: _h, tokenVersion: _v, ...rest } = u;
  return rest;
}

/**
 * A Cypher expression for a user's display name by username (found through the username constraint's
 * index); null when there is no such user. People are shown by name with the username second, and
 * cases, events and views store only the username, so the name is looked up when they are read.
 * `username` is a Cypher expression over the query's own variables, never user input.
 */
export const displayNameOf = (username: string) => `COLLECT { MATCH (u:User {username: ${username}}) RETURN u.displayName }[0]`;
