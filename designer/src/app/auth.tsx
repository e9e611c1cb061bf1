import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { api } from '../api/client.js';
import { ApiError } from '../api/problem.js';
import type { Role, SessionUser as User } from '../api/types.js';

interface AuthValue {
  /** undefined while the first /me call runs; null when signed out. */
  user: User | null | undefined;
  /** True after a signed-in session ended on its own (a 401): the login page says so. */
  expired: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  hasRole: (...roles: Role[]) => boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

interface AuthAnswer {
  user: User;
  csrfToken: string;
}

/** Knows who is signed in and keeps the API client's CSRF token current. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const signedIn = useRef(false);
  signedIn.current = !!user;

  // Any 401 while signed in means the session is gone: drop the user, and the app shows the login
  // page at the same address, so signing in again returns there.
  useEffect(
    () =>
      api.onUnauthorized(() => {
        if (!signedIn.current) return;
        signedIn.current = false;
        api.setCsrfToken(undefined);
        setExpired(true);
        setUser(null);
      }),
    [],
  );

  useEffect(() => {
    api
      .get<AuthAnswer>('/api/auth/me')
      .then((answer) => {
        api.setCsrfToken(answer.csrfToken);
        setUser(answer.user);
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.warn(error);
        setUser(null);
      });
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api.post<AuthAnswer>('/api/auth/login', { username, password });
    api.setCsrfToken(answer.csrfToken);
    setExpired(false);
    setUser(answer.user);
  }, []);

  const logout = useCallback(async () => {
    signedIn.current = false;
    await api.post('/api/auth/logout', {}).catch(() => undefined);
    api.setCsrfToken(undefined);
    setUser(null);
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      user,
      expired,
      login,
      logout,
      hasRole: (...roles) =>
        !!user && (user.roles.includes('admin') || roles.some((r) => user.roles.includes(r))),
    }),
    [user, expired, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The signed-in user and the login/logout actions. */
export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
