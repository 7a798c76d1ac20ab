import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from './api/client.ts';
import type { Role, SessionUser } from './api/types.ts';

const AuthContext = createContext<SessionUser | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(api.user);
  useEffect(() => api.onChange(setUser), []);
  return <AuthContext.Provider value={user}>{children}</AuthContext.Provider>;
}

export const useUser = () => useContext(AuthContext);

/** What each role may do in the workbench, mirroring the API's role matrix (docs/api.md). */
export const can = {
  explore: (r: Role) => r !== 'liaison',
  seeRuns: (r: Role) => r !== 'liaison',
  seeRatings: (r: Role) => r !== 'liaison',
  triggerRun: (r: Role) => r === 'supervisor' || r === 'admin',
  createCase: (r: Role) => r === 'investigator' || r === 'supervisor',
  assignCase: (r: Role) => r === 'supervisor',
  noteCase: (r: Role) => r !== 'admin',
  exportCase: (r: Role) => r === 'investigator' || r === 'supervisor' || r === 'liaison',
  masked: (r: Role) => r === 'supervisor' || r === 'admin',
  seeSchedules: (r: Role) => r === 'supervisor' || r === 'admin',
  jobBoard: (r: Role) => r === 'admin',
};
