/** Status and outcome icons: each has its own shape, so nothing depends on colour alone. Decorative (aria-hidden). */
import type { Status } from '../../core/bundle';
import type { Outcome } from '../../core/eligibility';

export type StatusOrUnknown = Status | 'unknown';

const common = {
  viewBox: '0 0 24 24',
  width: 24,
  height: 24,
  focusable: 'false',
  class: 'icon',
} as const;

function Check() {
  return (
    <path
      d="M6.5 12.5l3.5 3.5 7.5-8"
      fill="none"
      stroke="currentColor"
      stroke-width="2.6"
      stroke-linecap="round"
      stroke-linejoin="round"
    />
  );
}
function Cross() {
  return (
    <path d="M7.5 7.5l9 9M16.5 7.5l-9 9" fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round" />
  );
}
function Question() {
  return (
    <>
      <path
        d="M9.2 9.3a2.9 2.9 0 1 1 4.3 2.5c-.9.5-1.5 1.1-1.5 2.1v.4"
        fill="none"
        stroke="currentColor"
        stroke-width="2.4"
        stroke-linecap="round"
      />
      <circle cx="12" cy="17.6" r="1.4" fill="currentColor" />
    </>
  );
}

export function StatusIcon({ status }: { status: StatusOrUnknown }) {
  switch (status) {
    case 'green':
      return (
        <svg {...common} aria-hidden="true">
          <circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="2" />
          <Check />
        </svg>
      );
    case 'yellow':
      return (
        <svg {...common} aria-hidden="true">
          <circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="2" />
          <path d="M12 2.5a9.5 9.5 0 0 1 0 19z" fill="currentColor" />
        </svg>
      );
    case 'red':
      return (
        <svg {...common} aria-hidden="true">
          <circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="2" />
          <Cross />
        </svg>
      );
    case 'black':
      return (
        <svg {...common} aria-hidden="true">
          <path
            d="M8 1.5h8L22.5 8v8L16 22.5H8L1.5 16V8z"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-linejoin="round"
          />
          <path d="M12 6.5v7" stroke="currentColor" stroke-width="2.6" stroke-linecap="round" />
          <circle cx="12" cy="17.2" r="1.5" fill="currentColor" />
        </svg>
      );
    default:
      return (
        <svg {...common} aria-hidden="true">
          <circle
            cx="12"
            cy="12"
            r="10.5"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
            stroke-dasharray="3 2.5"
          />
          <Question />
        </svg>
      );
  }
}

export function OutcomeIcon({ outcome }: { outcome: Outcome }) {
  return (
    <svg {...common} class="icon icon--large" aria-hidden="true">
      {outcome === 'ALLOWED' ? <Check /> : outcome === 'DENIED' ? <Cross /> : <Question />}
    </svg>
  );
}
