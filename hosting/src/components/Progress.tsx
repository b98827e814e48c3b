/** A rollout's steps and its live weights. */
import type { Rollout } from '../../../functions/src/domain/rollout.js';
import { liveWeights, progressLabel, stepsOf } from '../model/progress.js';

/** The rollout's steps: done, current, to come. */
export function Steps({ rollout }: { rollout: Rollout }) {
  const steps = stepsOf(rollout);
  return (
    <div class="steps">
      <p class="steps-label">{progressLabel(rollout)}</p>
      <ol aria-label="Steps">
        {steps.map((s, i) => (
          <li key={i} class={`step step-${s.state}`} aria-current={s.state === 'current' ? 'step' : undefined}>
            <span class="visually-hidden">{`step ${i + 1}, ${s.state}: `}</span>
            {s.weight}%
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The live split: a bar for the eye, the numbers in words. */
export function Weights({ rollout }: { rollout: Rollout }) {
  const w = liveWeights(rollout);
  const text =
    `candidate ${w.candidate}% · stable ${w.stable}%` +
    (w.pending !== null ? ` (moving the candidate to ${w.pending}%)` : '');
  return (
    <div class="weights">
      <div class="weights-bar" aria-hidden="true">
        <span class="candidate" style={{ width: `${w.candidate}%` }} />
      </div>
      <p class="weights-text" data-weights={w.candidate}>
        {text}
      </p>
    </div>
  );
}
