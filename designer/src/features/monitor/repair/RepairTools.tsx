import { useState } from 'react';
import type { InstanceDetail } from '../../../api/types.js';
import { useI18n } from '../../../app/i18n.js';
import type { ElementLabels } from '../../../components/element-labels.js';
import { Dialog } from '../../../components/Dialog.js';
import { MigrateDialog } from './MigrateDialog.js';
import { MoveTokenPanel } from './MoveTokenPanel.js';
import type { TokenMove } from './use-token-move.js';

/**
 * A manager's repair tools for one running instance: move a token (picked on the diagram or from
 * lists) and migrate to another version. The page shows them only to managers; the server decides
 * again, and its 403 reads as a message in the form, never a crash.
 */
export function RepairTools({
  detail,
  labels,
  move,
  onChanged,
}: {
  detail: InstanceDetail;
  labels: ElementLabels;
  move: TokenMove;
  onChanged: (notice: string) => void;
}) {
  const { t } = useI18n();
  const [migrating, setMigrating] = useState(false);
  return (
    <>
      <div
        className="repair-buttons"
        style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem', marginTop: '0.75rem' }}
      >
        <button
          type="button"
          className="btn"
          data-testid="open-move-token"
          aria-expanded={move.open}
          onClick={() => move.setOpen(!move.open)}
        >
          {t('repair.move.open')}
        </button>
        <button type="button" className="btn" data-testid="open-migrate" onClick={() => setMigrating(true)}>
          {t('repair.migrate.open')}
        </button>
      </div>
      {move.open ? (
        <MoveTokenPanel
          instanceId={detail.id}
          tokens={detail.activeElements}
          labels={labels}
          move={move}
          onMoved={() => onChanged(t('repair.move.done'))}
          onClose={() => {
            move.clear();
            move.setOpen(false);
          }}
        />
      ) : null}
      <Dialog open={migrating} title={t('repair.migrate.title')} onClose={() => setMigrating(false)}>
        <MigrateDialog
          instanceId={detail.id}
          processId={detail.processId}
          definitionId={detail.definitionId}
          labels={labels}
          onClose={() => setMigrating(false)}
          onMigrated={(version) => {
            setMigrating(false);
            onChanged(t('repair.migrate.done', { version }));
          }}
        />
      </Dialog>
    </>
  );
}
