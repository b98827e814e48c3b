/** A table that may be wider than the screen: it scrolls sideways, and can be focused to scroll it by keyboard. */
import type { ComponentChildren } from 'preact';

/** The scrollable region, named `label`. */
export function ScrollRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // A named, focusable region: keyboard users reach it with Tab and scroll it with the arrow keys.
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
