import type { TeamDirectory, TeamMember } from '@baton/engine';
import { sql } from 'kysely';

/**
 * The engine's team directory, answered from the server's users and memberships, in the
 * engine's transaction (the same database). Attributes come from group membership
 * (docs/TEAMS.md): a group named `skill.german` gives its members the attribute skill=german, and
 * every group gives `group=<name>`. Deleted and deactivated users are never picked.
 */
export const serverTeamDirectory: TeamDirectory = {
  async members(request, db) {
    if (request.groups.length === 0 && request.users.length === 0) return [];
    const { rows } = await sql<{ username: string; groups: string[] }>`
      select u.username, array(
        select g.name from memberships m join groups g on g.id = m.group_id
        where m.user_id = u.id order by g.name
      ) as groups
      from users u
      where u.deleted_at is null and u.deactivated_at is null and (
        u.username in (select jsonb_array_elements_text(${JSON.stringify(request.users)}::jsonb))
        or exists (
          select 1 from memberships m join groups g on g.id = m.group_id
          where m.user_id = u.id
            and g.name in (select jsonb_array_elements_text(${JSON.stringify(request.groups)}::jsonb))
        )
      )
      order by u.username`.execute(db);
    return rows.map((row): TeamMember => ({ id: row.username, attributes: attributesOf(row.groups) }));
  },
};

/** `group` -> every group; `<key>` -> `<value>` for each group named `<key>.<value>`. */
export function attributesOf(groups: readonly string[]): Record<string, string[]> {
  const attributes: Record<string, string[]> = { group: [...groups] };
  for (const name of groups) {
    const dot = name.indexOf('.');
    if (dot <= 0 || dot === name.length - 1) continue;
    const key = name.slice(0, dot);
    const values = attributes[key] ?? [];
    values.push(name.slice(dot + 1));
    attributes[key] = values;
  }
  return attributes;
}
