import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { Group, TaskDetail, UserRef, Variables } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { refocusIfLost } from '../../app/focus.js';
import { useI18n } from '../../app/i18n.js';
import { Dialog } from '../../components/Dialog.js';
import { listGroups, listUsers } from '../../components/pickers.js';
// The page's own rule for the form's data (variables overlaid by the draft, the form's fields only);
// a function called on click, so the two modules' mutual import is harmless.
import { initialFormData } from './TaskPage.js';

type Action = 'handoff' | 'delegate' | 'return' | 'assign' | null;

/**
 * Claim / unclaim / hand off / delegate / return / reassign / resolve, each confirmed by the
 * server. A delegated task goes back to its owner (resolve) instead of being completed by the
 * delegate, so the delegate gets Resolve and the page's Complete button is hidden for them.
 */
export function TaskActions({
  task,
  formData,
  onDone,
  onError,
}: {
  task: TaskDetail;
  /** The form as the user has filled it; without it the saved draft is what a delegate resolves with. */
  formData?: Variables;
  /** `gone` is true when the task left this user's hands (handed off, delegated, returned). */
  onDone: (message: string, gone: boolean) => void;
  onError: (error: unknown) => void;
}) {
  const { t } = useI18n();
  const { user, hasRole } = useAuth();
  const [open, setOpen] = useState<Action>(null);
  const [users, setUsers] = useState<UserRef[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [target, setTarget] = useState('');
  const [targetKind, setTargetKind] = useState<'user' | 'group'>('user');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const manager = hasRole('manager');

  useEffect(() => {
    if (!open) return;
    listUsers().then(setUsers, onError);
    listGroups().then(setGroups, () => setGroups([]));
  }, [open, onError]);

  const post = async (path: string, body: object, message: string) => {
    setBusy(true);
    try {
      await api.post(`/api/tasks/${task.id}/${path}`, body);
      setOpen(null);
      setReason('');
      setTarget('');
      onDone(message, ['handoff', 'delegate', 'return', 'resolve'].includes(path) && !manager);
      refocusIfLost();
    } catch (failure) {
      onError(failure);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (open === 'handoff')
      void post(
        'handoff',
        targetKind === 'user' ? { toUser: target, reason } : { toGroup: target, reason },
        t('task.handedOff'),
      );
    if (open === 'delegate')
      void post('delegate', { toUser: target, reason: reason || undefined }, t('task.delegated'));
    if (open === 'return') void post('return', { targetElementId: target, reason }, t('task.returned'));
    if (open === 'assign') void post('assign', { user: target }, t('task.assigned'));
  };

  const mine = !!user && task.assignee === user.username;
  const open_ = task.state === 'created';
  const delegate = open_ && mine && task.delegated;
  const dialogTitle: Record<Exclude<Action, null>, string> = {
    handoff: t('task.handoff'),
    delegate: t('task.delegate'),
    return: t('task.return'),
    assign: t('task.reassign'),
  };
  const showUsers = open === 'delegate' || open === 'assign' || (open === 'handoff' && targetKind === 'user');
  return (
    <div className="task-actions" data-delegate={delegate || undefined}>
      {delegate ? (
        <span className="resolve-hint muted">{t('task.resolveHint', { owner: task.owner ?? '—' })}</span>
      ) : null}
      {delegate ? (
        <button
          type="button"
          className="btn btn-primary"
          data-testid="resolve"
          disabled={busy}
          onClick={() =>
            void post('resolve', { variables: formData ?? initialFormData(task) }, t('task.resolved'))
          }
        >
          {t('task.resolve')}
        </button>
      ) : null}
      {open_ && !task.assignee ? (
        <button
          type="button"
          className="btn"
          data-testid="claim"
          onClick={() => void post('claim', {}, t('task.claimed'))}
        >
          {t('task.claim')}
        </button>
      ) : null}
      {open_ && mine ? (
        <button
          type="button"
          className="btn"
          data-testid="unclaim"
          onClick={() => void post('unclaim', {}, t('task.unclaimed'))}
        >
          {t('task.unclaim')}
        </button>
      ) : null}
      {open_ && (mine || manager) ? (
        <>
          <button type="button" className="btn" data-testid="open-handoff" onClick={() => setOpen('handoff')}>
            {t('task.handoff')}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="open-delegate"
            onClick={() => setOpen('delegate')}
          >
            {t('task.delegate')}
          </button>
          {task.returnTargets.length > 0 ? (
            <button type="button" className="btn" data-testid="open-return" onClick={() => setOpen('return')}>
              {t('task.return')}
            </button>
          ) : null}
        </>
      ) : null}
      {open_ && manager ? (
        <button type="button" className="btn" data-testid="open-reassign" onClick={() => setOpen('assign')}>
          {t('task.reassign')}
        </button>
      ) : null}
      <Dialog open={open !== null} title={open ? dialogTitle[open] : ''} onClose={() => setOpen(null)}>
        <form onSubmit={submit} className="dialog-form">
          {open === 'handoff' ? (
            <div className="segmented">
              <label>
                <input type="radio" checked={targetKind === 'user'} onChange={() => setTargetKind('user')} />{' '}
                {t('task.toUser')}
              </label>
              <label>
                <input
                  type="radio"
                  checked={targetKind === 'group'}
                  onChange={() => setTargetKind('group')}
                />{' '}
                {t('task.toGroup')}
              </label>
            </div>
          ) : null}
          <label className="field">
            <span>
              {open === 'return'
                ? t('task.returnTo')
                : targetKind === 'group' && open === 'handoff'
                  ? t('task.toGroup')
                  : t('task.toUser')}
            </span>
            <select
              required
              value={target}
              data-testid="action-target"
              onChange={(e) => setTarget(e.target.value)}
            >
              <option value="">—</option>
              {open === 'return'
                ? task.returnTargets.map((r) => (
                    <option key={r.elementId} value={r.elementId}>
                      {r.name || r.elementId}
                    </option>
                  ))
                : showUsers
                  ? users.map((u) => (
                      <option key={u.id} value={u.username}>
                        {u.displayName ? `${u.displayName} (${u.username})` : u.username}
                      </option>
                    ))
                  : groups.map((g) => (
                      <option key={g.id} value={g.name ?? g.id}>
                        {g.name ?? g.id}
                      </option>
                    ))}
            </select>
          </label>
          {open !== 'assign' ? (
            <label className="field">
              <span>{t('task.reason')}</span>
              <textarea
                rows={3}
                required={open !== 'delegate'}
                value={reason}
                data-testid="action-reason"
                onChange={(e) => setReason(e.target.value)}
              />
            </label>
          ) : null}
          <div className="dialog-buttons">
            <button type="button" className="btn btn-ghost" onClick={() => setOpen(null)}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={busy || !target}
              data-testid="action-submit"
            >
              {t('common.confirm')}
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
