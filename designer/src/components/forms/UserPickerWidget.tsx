import type { WidgetProps } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { UserList, UserRef } from '../../api/types.js';

let usersPromise: Promise<UserRef[]> | null = null;

/** The people a form may name, loaded once per page load. */
function loadUsers(): Promise<UserRef[]> {
  usersPromise ??= api
    .get<UserList>('/api/users', { limit: 200 })
    .then((answer) => answer.items)
    .catch((error: unknown) => {
      usersPromise = null;
      throw error;
    });
  return usersPromise;
}

/** `ui:widget: "user"`: a select over Baton's users; the value is the username. */
export function UserPickerWidget({
  id,
  value,
  required,
  disabled,
  readonly,
  onChange,
  onBlur,
  onFocus,
}: WidgetProps) {
  const [users, setUsers] = useState<UserRef[]>([]);
  useEffect(() => {
    loadUsers().then(setUsers, () => setUsers([]));
  }, []);
  const current = typeof value === 'string' ? value : '';
  return (
    <select
      id={id}
      className="form-control"
      value={current}
      required={required}
      disabled={disabled || readonly}
      onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
      onBlur={() => onBlur(id, current)}
      onFocus={() => onFocus(id, current)}
    >
      <option value="">—</option>
      {current && !users.some((u) => u.username === current) ? (
        <option value={current}>{current}</option>
      ) : null}
      {users.map((user) => (
        <option key={user.id} value={user.username}>
          {user.displayName ? `${user.displayName} (${user.username})` : user.username}
        </option>
      ))}
    </select>
  );
}
