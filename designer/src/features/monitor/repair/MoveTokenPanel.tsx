import { useState } from 'react';
import { api } from '../../../api/client.js';
import { useI18n } from '../../../app/i18n.js';
import type { ElementLabels } from '../../../components/element-labels.js';
import { ErrorMessage } from '../../../components/ErrorMessage.js';
import { ElementSelect, ReasonField } from './fields.js';
import { activeElements, displayName, startableElements } from './repair-elements.js';
import type { TokenMove } from './use-token-move.js';

/**
 * Moves a token by hand (cancel one active element, start before another), through
 * `POST /api/instances/:id/modification`. The elements come from the lists here or from clicks on
 * the diagram (both fill `move`); nothing is sent before the plain-words preview is confirmed.
 */
export function MoveTokenPanel({
  instanceId,
  tokens,
  labels,
  move,
  onMoved,
  onClose,
}: {
  instanceId: string;
  tokens: Readonly<Record<string, number>>;
  labels: ElementLabels;
  move: TokenMove;
  onMoved: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const active = activeElements(labels, tokens);
  const targets = startableElements(labels);
  const ready = move.cancel !== '' && move.start !== '' && move.cancel !== move.start;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/instances/${instanceId}/modification`, {
        cancel: [move.cancel],
        startBefore: [{ elementId: move.start }],
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      move.clear();
      setReason('');
      onMoved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="repair-panel" aria-labelledby="move-token-title" data-testid="move-token">
      <h2 id="move-token-title">{t('repair.move.title')}</h2>
      <p className="muted">{t('repair.move.hint')}</p>
      <ElementSelect
        label={t('repair.move.cancel')}
        testId="move-cancel"
        value={move.cancel}
        onChange={move.setCancel}
        elements={active}
      />
      <ElementSelect
        label={t('repair.move.start')}
        testId="move-start"
        value={move.start}
        onChange={move.setStart}
        elements={targets}
      />
      <ReasonField testId="move-reason" value={reason} onChange={setReason} />
      <p className="repair-preview" data-testid="move-preview" aria-live="polite">
        {ready
          ? t('repair.move.preview', {
              from: displayName(labels, move.cancel),
              to: displayName(labels, move.start),
            })
          : t('repair.move.incomplete')}
      </p>
      <ErrorMessage error={error} />
      <div className="dialog-buttons">
        <button type="button" className="btn" onClick={onClose}>
          {t('repair.close')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="move-confirm"
          disabled={!ready || busy}
          onClick={() => void submit()}
        >
          {t('repair.move.confirm')}
        </button>
      </div>
    </section>
  );
}
