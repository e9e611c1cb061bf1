import { api } from '../api/client.js';
import type { Group, ListPage, UserRef } from '../api/types.js';

function itemsOf<T>(answer: ListPage<T> | T[]): T[] {
  return Array.isArray(answer) ? answer : answer.items;
}

/** Users for pickers (any signed-in user may list them). */
export async function listUsers(): Promise<UserRef[]> {
  return itemsOf(await api.get<ListPage<UserRef> | UserRef[]>('/api/users', { limit: 200 }));
}

/** Groups for pickers. */
export async function listGroups(): Promise<Group[]> {
  return itemsOf(await api.get<ListPage<Group> | Group[]>('/api/groups', { limit: 200 }));
}
