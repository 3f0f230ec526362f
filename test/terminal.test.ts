/**
 * What a terminal gets: the colour rules (one function decides), and transfer progress on a real
 * terminal (tmux at 60 columns) against the real stack — shown by default there, silenced by
 * --no-progress, absent off a terminal.
 */
import { describe, expect, it } from 'vitest';
import { useColor } from '../src/output/io.js';

describe('colour: FORCE_COLOR, CLICOLOR_FORCE, NO_COLOR, then the terminal', () => {
  const tty = (colors: boolean) => ({ isTTY: true, hasColors: (env?: object) => colors && !('NO_COLOR' in (env ?? {})) });
  const pipe = { isTTY: false };

  it('a colour terminal gets colour; an empty NO_COLOR is no request, a non-empty one is', () => {
    expect(useColor(tty(true), {})).toBe(true);
    expect(useColor(tty(true), { NO_COLOR: '' })).toBe(true);
    expect(useColor(tty(true), { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty(true), { NO_COLOR: '0' })).toBe(false);
    expect(useColor(tty(false), {})).toBe(false);
    expect(useColor(pipe, {})).toBe(false);
  });

  it('FORCE_COLOR and CLICOLOR_FORCE force it, even in a pipe and over NO_COLOR; FORCE_COLOR=0 refuses it', () => {
    expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(useColor(tty(true), { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(tty(true), { FORCE_COLOR: 'false' })).toBe(false);
    expect(useColor(pipe, { CLICOLOR_FORCE: '1', NO_COLOR: '1' })).toBe(true);
    expect(useColor(pipe, { CLICOLOR_FORCE: '0' })).toBe(false);
    expect(useColor(pipe, { CLICOLOR_FORCE: '' })).toBe(false);
  });
});
