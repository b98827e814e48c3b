/** Every event of a rollout, oldest first, with who, why and what became of it. */
import type { LogEntry } from '../data/documents.js';
import { formatTime } from '../model/format.js';
import { timelineOf } from '../model/timeline.js';

/** A rollout's timeline. */
export function Timeline({ log }: { log: readonly LogEntry[] }) {
  const items = timelineOf(log);
  if (items.length === 0) return <p class="muted">No events yet.</p>;
  return (
    <ol class="timeline">
      {items.map((item) => (
        <li key={item.id} class={`entry-${item.status}`} data-event-id={item.id}>
          <p class="timeline-head">
            <time dateTime={new Date(item.at).toISOString()}>{formatTime(item.at)}</time> <strong>{item.title}</strong>
            <span class="muted"> · {item.actor}</span>
          </p>
          {item.reason ? <p class="timeline-reason">Reason: {item.reason}</p> : null}
          <p class="timeline-outcome">
            <span class={`outcome outcome-${item.status}`}>{item.status}</span> {item.message}
          </p>
        </li>
      ))}
    </ol>
  );
}
