import { VirtualClock } from '../../../../local/engine/clock';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');

describe('VirtualClock (manual mode)', () => {
  it('stands still until advanced', async () => {
    const clock = new VirtualClock({ start: T0 });

    await new Promise((resolve) => setTimeout(resolve, 5));

    expect(clock.now()).toEqual(new Date(T0));
    expect(clock.advance(1500)).toBe(0);
    expect(clock.nowMs()).toBe(T0 + 1500);
  });

  it('fires due timers in time order, each at its own instant, then lands on the target', () => {
    const clock = new VirtualClock({ start: T0 });
    const fired: [string, number][] = [];
    clock.after(3000, () => fired.push(['c', clock.nowMs()]));
    clock.after(1000, () => fired.push(['a', clock.nowMs()]));
    clock.setTimer(T0 + 1000, () => fired.push(['a2', clock.nowMs()]));
    clock.after(9000, () => fired.push(['late', clock.nowMs()]));

    const count = clock.advance(5000);

    expect(count).toBe(3);
    expect(fired).toEqual([
      ['a', T0 + 1000],
      ['a2', T0 + 1000],
      ['c', T0 + 3000],
    ]);
    expect(clock.nowMs()).toBe(T0 + 5000);
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.nextTimerAt()).toEqual(new Date(T0 + 9000));
  });

  it('does not fire a cleared timer', () => {
    const clock = new VirtualClock({ start: T0 });
    let fired = false;
    const id = clock.after(10, () => {
      fired = true;
    });

    expect(clock.clearTimer(id)).toBe(true);
    clock.advance(100);

    expect(fired).toBe(false);
    expect(clock.clearTimer(id)).toBe(false);
  });

  it('fastForward lets promise continuations arm timers that fall inside the same window', async () => {
    const clock = new VirtualClock({ start: T0 });
    const fired: number[] = [];
    const wait = (ms: number) => new Promise<void>((resolve) => clock.after(ms, resolve));
    const chain = (async () => {
      await wait(4 * 3600_000);
      fired.push(clock.nowMs());
      await wait(2 * 3600_000);
      fired.push(clock.nowMs());
    })();

    await clock.fastForward(8 * 3600_000);
    await chain;

    expect(fired).toEqual([T0 + 4 * 3600_000, T0 + 6 * 3600_000]);
    expect(clock.nowMs()).toBe(T0 + 8 * 3600_000);
  });

  it('fastForward waits for busy work (I/O) a fired timer started before the next timer is armed, in the same window', async () => {
    const clock = new VirtualClock({ start: T0 });
    let running = 0;
    clock.setBusyCheck(() => running > 0);
    const fired: number[] = [];
    const wait = (ms: number) => new Promise<void>((resolve) => clock.after(ms, resolve));
    const io = async (ms: number) => {
      running += 1;
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
    };
    const chain = (async () => {
      await wait(4 * 3600_000);
      fired.push(clock.nowMs());
      await io(30); // e.g. a Page task's HTTP request between the approval timeout and Escalate
      await wait(4 * 3600_000);
      fired.push(clock.nowMs());
    })();

    await clock.fastForward(8 * 3600_000);
    await chain;

    expect(fired).toEqual([T0 + 4 * 3600_000, T0 + 8 * 3600_000]);
  });

  it('without a busy check, work slower than a few event-loop turns arms its timer after the window', async () => {
    const clock = new VirtualClock({ start: T0 });
    const fired: number[] = [];
    const chain = (async () => {
      await new Promise<void>((resolve) => clock.after(1000, resolve));
      await new Promise((resolve) => setTimeout(resolve, 30));
      await new Promise<void>((resolve) => clock.after(1000, resolve));
      fired.push(clock.nowMs());
    })();
    await clock.fastForward(5000);
    expect(fired).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await clock.fastForward(1000);
    await chain;
    expect(fired).toEqual([T0 + 6000]);
  });

  it('advance (sync) leaves continuations for after the call', async () => {
    const clock = new VirtualClock({ start: T0 });
    const fired: number[] = [];
    const chain = (async () => {
      await new Promise<void>((resolve) => clock.after(1000, resolve));
      fired.push(clock.nowMs());
    })();

    clock.advance(5000);
    await chain;

    expect(fired).toEqual([T0 + 5000]);
  });

  it('rejects a negative or non-finite move', () => {
    const clock = new VirtualClock({ start: T0 });

    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('VirtualClock (scaled mode)', () => {
  it('runs virtual time scale× faster than real time and fires timers by itself', async () => {
    const clock = new VirtualClock({ start: T0, scale: 3600 });
    const firedAt = new Promise<number>((resolve) =>
      clock.after(3600_000 * 0.05, () => resolve(clock.nowMs())),
    );
    const realStart = performance.now();

    const virtual = await firedAt;

    const realElapsed = performance.now() - realStart;
    expect(realElapsed).toBeGreaterThanOrEqual(40);
    expect(realElapsed).toBeLessThan(1000);
    expect(virtual).toBeGreaterThanOrEqual(T0 + 3600_000 * 0.05);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('keeps virtual time when switching modes and can still be advanced', () => {
    const clock = new VirtualClock({ start: T0, scale: 1000 });
    clock.advance(60_000);
    clock.setScale(0);
    const frozen = clock.nowMs();

    expect(frozen).toBeGreaterThanOrEqual(T0 + 60_000);
    expect(clock.nowMs()).toBe(frozen);
    expect(clock.scale).toBe(0);
  });

  it('dispose drops pending timers so nothing keeps the process alive', () => {
    const clock = new VirtualClock({ start: T0, scale: 10 });
    clock.after(3600_000, () => {});

    clock.dispose();

    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects a negative scale', () => {
    expect(() => new VirtualClock({ scale: -1 })).toThrow(RangeError);
  });
});
