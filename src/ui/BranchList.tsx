/** The branch list (`b`): the session's parent, its siblings and its forks, with their labels and fork points. */
import { Box, Text } from 'ink';
import { sanitize } from '../text/sanitize.js';
import { BRANCH_KEYS } from './branchKeys.js';
import type { BranchEntry } from './branches.js';
import type { BranchListState } from './useBranches.js';

const RELATION: Record<BranchEntry['relation'], string> = { parent: 'parent', this: 'this', sibling: 'sibling', fork: 'fork of this' };

function row(entry: BranchEntry): string {
  const s = entry.summary;
  const at = s.fork ? ` @${s.fork.reply}` : '';
  const label = s.label ? ` [${sanitize(s.label)}]` : '';
  return `${RELATION[entry.relation].padEnd(12)} ${s.id}${at}${label} · ${s.status}, ${s.turns} turns, ${sanitize(s.model)}`;
}

export function BranchList({ list, height }: { list: BranchListState; height: number }) {
  const rows = Math.max(1, height - 3);
  const first = Math.max(0, Math.min(list.selected - Math.floor(rows / 2), list.entries.length - rows));
  const shown = list.entries.slice(first, first + rows);
  const hints = BRANCH_KEYS.filter((k) => k.label).map((k) => `${k.label} ${k.hint}`);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>
        Branches <Text dimColor>(the parent, its forks and this session's own)</Text>
      </Text>
      <Box flexDirection="column" height={rows}>
        {list.entries.length === 0 ? (
          <Text dimColor>
            No branches: this session is not one of an --out folder's sessions (the shipped example is not). f forks it into --out.
          </Text>
        ) : null}
        {shown.map((entry, i) => {
          const selected = first + i === list.selected;
          return (
            <Text key={entry.summary.id} wrap="truncate-end" inverse={selected} bold={entry.relation === 'this'}>
              {`${selected ? '▸' : ' '} ${row(entry)}`}
            </Text>
          );
        })}
      </Box>
      {list.draft !== null ? (
        <Text wrap="truncate-end">
          <Text color="cyan">label: </Text>
          {list.draft}
          <Text inverse> </Text>
          <Text dimColor> enter saves, esc cancels</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end" color={list.message ? 'yellow' : undefined} dimColor={!list.message}>
          {list.message ?? ' '}
        </Text>
      )}
      <Text wrap="truncate-end" dimColor>
        {hints.join(' · ')}
      </Text>
    </Box>
  );
}
