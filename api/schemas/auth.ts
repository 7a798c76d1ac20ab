import { z } from 'zod';
import { ROLES } from '../../access/roles.ts';
import { MIN_PASSWORD_LENGTH } from '../../access/passwords.ts';

export const RoleSchema = z.enum(ROLES).meta({ id: 'Role', description: 'investigator | supervisor | liaison | admin' });
export const Username = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits and . _ - only');
export const Password = z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(256);

export const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).meta({ id: 'LoginRequest' });
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(4096) }).meta({ id: 'RefreshRequest' });

export const TokensSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'seconds until the access token expires' }),
    refreshExpiresIn: z.number().int(),
    user: z.object({ username: z.string(), displayName: z.string(), role: RoleSchema }),
  })
  .meta({ id: 'Tokens' });

export const UserSchema = z
  .object({
    username: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: 'User' });

export const CreateUserBody = z.object({ username: Username, displayName: z.string().min(1).max(100), role: RoleSchema, password: Password }).meta({ id: 'CreateUserRequest' });
export const UpdateUserBody = z
  .object({ displayName: z.string().min(1).max(100).optional(), role: RoleSchema.optional(), disabled: z.boolean().optional(), password: Password.optional() })
  .refine((b) => Object.keys(b).length > 0, 'change at least one field')
  .meta({ id: 'UpdateUserRequest' });
export const UsernameParams = z.object({ username: Username });
