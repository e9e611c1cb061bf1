import { api } from '../api/client.js';
import type { Group, GroupList, UserList, UserRef } from '../api/types.js';

/** Users for pickers (any signed-in user may list them). */
export async function listUsers(): Promise<UserRef[]> {
  return (await api.get<UserList>('/api/users', { limit: 200 })).items;
}

/** Groups for pickers. */
export async function listGroups(): Promise<Group[]> {
  return (await api.get<GroupList>('/api/groups', { limit: 200 })).items;
}
