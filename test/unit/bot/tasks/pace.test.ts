import { ChannelPacer, MIN_REFUSED_PAUSE_MS, type PaceEvent, type Timers } from '../../../../bot/tasks/pace';
import { SlackPacedError } from '../../../../workflow/errors';
import type { PostRate, PostSlot, PostSlots } from '../../../../workflow/ledger/post-slots';

const SETTINGS = { intervalMs: 1000, burst: 3, maxWaitMs: 20_000, refusedPauseMs: 5_000 };

/** Timers on a manual clock: sleep advances it and records the wait. */
function manualTimers(start = 1_000_000): Timers & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** Slots that answer what the test says and record what was asked. */
function scriptedSlots(answer: (nowMs: number, latestMs: number) => PostSlot) {
  const asked: { channel: string; rate: PostRate; nowMs: number; latestMs: number }[] = [];
  const held: { channel: string; untilMs: number }[] = [];
  const slots: PostSlots = {
    reserve: async (channel, rate, nowMs, latestMs) => {
      asked.push({ channel, rate, nowMs, latestMs });
      return answer(nowMs, latestMs);
    },
    holdUntil: async (channel, untilMs) => {
      held.push({ channel, untilMs });
    },
  };
  return { slots, asked, held };
}

/** A pacer whose every reservation is refused: the channel's next slot is `aheadMs` away. */
function refusedFor(aheadMs: number) {
  const timers = manualTimers();
  const { slots } = scriptedSlots((now) => ({ ok: false, nextAtMs: now + aheadMs }));
  return { pacer: new ChannelPacer(slots, SETTINGS, timers), timers };
}

describe('ChannelPacer', () => {
  it('sleeps until the reserved slot, asking for one no later than maxWaitMs ahead', async () => {
    const timers = manualTimers();
    const { slots, asked } = scriptedSlots((now) => ({ ok: true, atMs: now + 4_200 }));
    const events: PaceEvent[] = [];
    const pacer = new ChannelPacer(slots, SETTINGS, timers, (e) => events.push(e));
    await expect(pacer.take('C0SOC', { label: 'inc-1: post step x' })).resolves.toBe(4_200);
    expect(timers.slept).toEqual([4_200]);
    expect(asked).toEqual([{ channel: 'C0SOC', rate: SETTINGS, nowMs: 1_000_000, latestMs: 1_020_000 }]);
    expect(events).toEqual([
      {
        channel: 'C0SOC',
        label: 'inc-1: post step x',
        startedAtMs: 1_000_000,
        endedAtMs: 1_004_200,
        refused: false,
      },
    ]);
  });

  it('does not sleep for a slot that is free now', async () => {
    const timers = manualTimers();
    const pacer = new ChannelPacer(scriptedSlots((now) => ({ ok: true, atMs: now })).slots, SETTINGS, timers);
    await expect(pacer.take('C0SOC')).resolves.toBe(0);
    expect(timers.slept).toEqual([]);
  });

  it('hands a long queue back to the state machine: pauses (bounded), then throws SlackPacedError naming the channel', async () => {
    const timers = manualTimers();
    // The next slot is 60 s away: 40 s beyond what one invocation waits.
    const pacer = new ChannelPacer(
      scriptedSlots((now) => ({ ok: false, nextAtMs: now + 60_000 })).slots,
      SETTINGS,
      timers,
    );
    const error = await pacer.take('C0SOC').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackPacedError);
    expect((error as Error).name).toBe('SlackPacedError');
    expect((error as Error).message).toMatch(/channel C0SOC has no free post slot for 60 s/);
    expect(timers.slept).toEqual([5_000]);
  });

  it('pauses only until the slot would fit when that is sooner than refusedPauseMs', async () => {
    const { pacer, timers } = refusedFor(21_500);
    await expect(pacer.take('C0SOC')).rejects.toBeInstanceOf(SlackPacedError);
    expect(timers.slept).toEqual([1_500]);
  });

  it('holds the channel past Retry-After for everyone: the next slot (tat - tolerance) is not before it', async () => {
    const timers = manualTimers();
    const { slots, held } = scriptedSlots((now) => ({ ok: true, atMs: now }));
    await new ChannelPacer(slots, SETTINGS, timers).holdOff('C0SOC', 3_000);
    expect(held).toEqual([{ channel: 'C0SOC', untilMs: 1_000_000 + 3_000 + 2 * 1_000 }]);
  });

  it('pauses at least MIN_REFUSED_PAUSE_MS when the slot is only just out of reach (a retry must not spin)', async () => {
    const { pacer, timers } = refusedFor(20_010);
    await expect(pacer.take('C0SOC')).rejects.toBeInstanceOf(SlackPacedError);
    expect(timers.slept).toEqual([MIN_REFUSED_PAUSE_MS]);
  });

  it('does not pause at all when the caller asked for no pause (a deferrable post)', async () => {
    const { pacer, timers } = refusedFor(5_000);
    await expect(pacer.take('C0SOC', { maxWaitMs: 1_000, refusedPauseMs: 0 })).rejects.toBeInstanceOf(
      SlackPacedError,
    );
    expect(timers.slept).toEqual([]);
  });
});
