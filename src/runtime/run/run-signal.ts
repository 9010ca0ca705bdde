// Tells the other tabs of this browser that a run's records changed (a step of its search or of a final
// training was saved here), so a tab that shows that run without driving it re-reads it at once instead of
// showing what it read when it opened the run. One BroadcastChannel per origin; a tab never hears its own
// messages.

export interface RunSignal {
  /** Says to the other tabs that run `runId`'s stored records changed. */
  saved(runId: string): void;
  /** Stops listening and sending. Safe to call more than once. */
  close(): void;
}

/** The channel's name (one per origin, shared by every run). */
export const RUN_SIGNAL_CHANNEL = 'petridish-runs';

interface SavedMessage {
  type: 'saved';
  runId: string;
}

function isSavedMessage(data: unknown): data is SavedMessage {
  const m = data as Partial<SavedMessage> | null;
  return typeof m === 'object' && m !== null && m.type === 'saved' && typeof m.runId === 'string';
}

/**
 * Opens the signal: `onSaved(runId)` is called when another tab saved something of run `runId`. Where the
 * browser has no BroadcastChannel, nothing is sent or heard (`available` is false), and the caller says so.
 */
export function openRunSignal(onSaved: (runId: string) => void, make: ((name: string) => BroadcastChannel) | null = defaultChannel()): RunSignal & { available: boolean } {
  if (!make) return { available: false, saved: () => undefined, close: () => undefined };
  const channel = make(RUN_SIGNAL_CHANNEL);
  let open = true;
  channel.onmessage = (e: MessageEvent) => {
    if (isSavedMessage(e.data)) onSaved(e.data.runId);
  };
  return {
    available: true,
    saved: (runId) => {
      if (open) channel.postMessage({ type: 'saved', runId } satisfies SavedMessage);
    },
    close: () => {
      if (!open) return;
      open = false;
      channel.close();
    },
  };
}

function defaultChannel(): ((name: string) => BroadcastChannel) | null {
  return typeof BroadcastChannel === 'function' ? (name) => new BroadcastChannel(name) : null;
}
