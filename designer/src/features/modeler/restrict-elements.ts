/**
 * A bpmn-js module that offers only what the Baton engine executes: complex gateways, business
 * rule tasks are dropped from the palette,
 * the replace menu and the append/create menus.
 */

/** Entry ids (palette and popup menus) of elements the engine rejects. */
// Conditional sequence flows and conditional events stay: the engine runs both.
export const UNSUPPORTED_ENTRY = /complex|rule-task|business-rule/i;

/** Removes unsupported entries from an entries record; keeps everything else as is. */
export function withoutUnsupported<T>(entries: Record<string, T>): Record<string, T> {
  const kept: Record<string, T> = {};
  for (const [id, entry] of Object.entries(entries)) if (!UNSUPPORTED_ENTRY.test(id)) kept[id] = entry;
  return kept;
}

type EntriesUpdater = (entries: Record<string, unknown>) => Record<string, unknown>;

interface PopupMenu {
  registerProvider(id: string, priority: number, provider: object): void;
}
interface Palette {
  registerProvider(priority: number, provider: object): void;
}

function RestrictElements(this: unknown, popupMenu: PopupMenu, palette: Palette) {
  const filter = { getPopupMenuEntries: (): EntriesUpdater => withoutUnsupported };
  for (const menu of ['bpmn-replace', 'bpmn-append', 'bpmn-create'])
    popupMenu.registerProvider(menu, 100, filter);
  // Low priority runs last, after bpmn-js's own palette provider added its entries.
  palette.registerProvider(100, {
    getPaletteEntries: (): EntriesUpdater => withoutUnsupported,
  });
}
RestrictElements.$inject = ['popupMenu', 'palette'];

/** The module, in bpmn-io's shape. */
export const restrictElementsModule = {
  __init__: ['batonRestrictElements'],
  batonRestrictElements: ['type', RestrictElements],
};
