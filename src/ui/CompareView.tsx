/**
 * The compare view (`roleplay diff a b` on a terminal): two runs in two columns, aligned turn by turn, with the
 * pairs that differ marked; n / N jump to the next and previous difference. Only the rows on screen are drawn.
 */
import { Box, Text, useInput } from 'ink';
import { useMemo, useRef, useState } from 'react';
import type { SessionDiff } from '../session/sessionDiff.js';
import { sanitize } from '../text/sanitize.js';
import { layCompare } from './compareLayout.js';
import { COMPARE_KEYS, compareCommandFor } from './compareKeys.js';
import { useTerminalSize } from './useTerminalSize.js';

/** Where a jump lands: the next (or previous) difference from the row `top`. */
function jump(differences: readonly number[], top: number, direction: 1 | -1): number | undefined {
  return direction === 1 ? differences.find((row) => row > top) : [...differences].reverse().find((row) => row < top);
}

export function CompareView({ diff, onClose }: { diff: SessionDiff; onClose: () => void }) {
  const { columns, rows } = useTerminalSize();
  const laid = useMemo(() => layCompare(diff, columns), [diff, columns]);
  const height = Math.max(3, rows - 4);
  const maxTop = Math.max(0, laid.rows.length - height);
  const [top, setTop] = useState(() => Math.min(maxTop, laid.differences[0] ?? 0));
  // Keys can come faster than renders: each reads where the one before left the view.
  const at = useRef(top);
  const [note, setNote] = useState('');
  const go = (row: number) => {
    at.current = Math.max(0, Math.min(maxTop, row));
    setTop(at.current);
  };
  useInput((input, key) => {
    const top = at.current;
    const command = compareCommandFor(input, key);
    setNote('');
    switch (command) {
      case 'close':
        return onClose();
      case 'up':
        return go(top - 1);
      case 'down':
        return go(top + 1);
      case 'pageUp':
        return go(top - height);
      case 'pageDown':
        return go(top + height);
      case 'top':
        return go(0);
      case 'bottom':
        return go(maxTop);
      case 'nextDifference':
      case 'previousDifference': {
        const row = jump(laid.differences, top, command === 'nextDifference' ? 1 : -1);
        if (row === undefined) setNote(command === 'nextDifference' ? 'no difference below' : 'no difference above');
        else go(row);
        return;
      }
      default:
        return;
    }
  });
  const index = laid.differences.filter((row) => row <= top).length;
  const first = diff.firstDifference === null ? undefined : diff.turns[diff.firstDifference];
  const visible = laid.rows.slice(top, top + height);
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Text wrap="truncate-end" bold>
        a: {diff.a.id} ({sanitize(diff.a.model)}) vs b: {diff.b.id} ({sanitize(diff.b.model)})
      </Text>
      <Text wrap="truncate-end" color={first ? 'yellow' : 'green'}>
        {first
          ? `${laid.differences.length} of ${diff.turns.length} turns differ; the first: ${sanitize(first.where)}${index ? ` · at difference ${index}` : ''}`
          : `the runs are the same: ${diff.turns.length} replies`}
      </Text>
      <Box flexDirection="column" height={height}>
        {visible.map((row, i) => (
          <Text key={top + i} wrap="truncate-end">
            {row || ' '}
          </Text>
        ))}
      </Box>
      <Text wrap="truncate-end" dimColor>
        {note ||
          COMPARE_KEYS.filter((k) => k.label)
            .map((k) => `${k.label} ${k.hint}`)
            .join(' · ')}
      </Text>
    </Box>
  );
}
