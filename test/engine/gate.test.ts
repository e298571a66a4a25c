import { describe, expect, it } from 'vitest';
import { Gate } from '../../src/engine/gate.js';

describe('the gate: a step taken back', () => {
  it('puts back the holds the step let go of, so a stopped run in auto mode stays stopped', () => {
    const gate = new Gate('auto', () => {});
    gate.hold({ kind: 'stopped', message: 'You stopped the reply' });
    gate.release();
    expect(gate.current()).toEqual([]);
    expect(gate.takeBack()).toBe(true);
    expect(gate.current()).toEqual([{ kind: 'stopped', message: 'You stopped the reply' }]);
    // Nothing more to take back.
    expect(gate.takeBack()).toBe(false);
  });

  it('in step mode, takes back one of two steps; a step already taken cannot be', () => {
    const gate = new Gate('step', () => {});
    gate.release();
    gate.release();
    expect(gate.takeBack()).toBe(true);
    expect(gate.current()).toEqual([]);
    gate.pass();
    expect(gate.current()).toEqual([{ kind: 'step' }]);
    expect(gate.takeBack()).toBe(false);
  });
});
