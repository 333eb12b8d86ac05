import { DynamoPostSlots } from '../../../../workflow/ledger/post-slots';
import { useDynalite } from '../../../helpers/dynalite';

const db = useDynalite();
const RATE = { intervalMs: 1000, burst: 3 };
const NOW = 1_800_000_000_000;

async function freshSlots(): Promise<DynamoPostSlots> {
  const { tableName } = await db.freshTable();
  return new DynamoPostSlots({ doc: db.dynamo.doc, tableName });
}

describe('DynamoPostSlots (GCRA post slots per channel, in the ledger table)', () => {
  it('gives the burst at once, then one slot per interval, to concurrent callers, never the same slot twice', async () => {
    const slots = await freshSlots();
    // Ten containers asking at the same instant: every reservation is one conditional update.
    const got = await Promise.all(
      Array.from({ length: 10 }, () => slots.reserve('C0SOC', RATE, NOW, NOW + 60_000)),
    );
    const at = got.map((s) => (s.ok ? s.atMs - NOW : Number.NaN)).sort((a, b) => a - b);
    expect(at).toEqual([0, 0, 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]);
  });

  it('refuses a slot later than latestMs without reserving it, and says when the next one is', async () => {
    const slots = await freshSlots();
    for (let i = 0; i < 5; i += 1) await slots.reserve('C0SOC', RATE, NOW, NOW + 60_000);
    // Booked: 0, 0, 0, 1000, 2000; the next slot is at +3000.
    expect(await slots.reserve('C0SOC', RATE, NOW, NOW + 2500)).toEqual({ ok: false, nextAtMs: NOW + 3000 });
    expect(await slots.reserve('C0SOC', RATE, NOW, NOW + 3000)).toEqual({ ok: true, atMs: NOW + 3000 });
  });

  it('keeps channels apart and refills an idle channel', async () => {
    const slots = await freshSlots();
    for (let i = 0; i < 4; i += 1) await slots.reserve('C0SOC', RATE, NOW, NOW + 60_000);
    expect(await slots.reserve('C0REVIEW', RATE, NOW, NOW)).toEqual({ ok: true, atMs: NOW });
    // Ten seconds later the SOC channel is idle again: a full burst.
    const later = NOW + 10_000;
    const burst = await Promise.all([0, 1, 2].map(() => slots.reserve('C0SOC', RATE, later, later)));
    expect(burst).toEqual([0, 1, 2].map(() => ({ ok: true, atMs: later })));
    expect(await slots.reserve('C0SOC', RATE, later, later)).toEqual({ ok: false, nextAtMs: later + 1000 });
  });

  it('holdUntil books the channel past a 429 for every caller, and never moves a later booking back', async () => {
    const slots = await freshSlots();
    await slots.holdUntil('C0SOC', NOW + 7000);
    await slots.holdUntil('C0SOC', NOW + 1000);
    // tat = NOW + 7000: with a tolerance of 2 intervals, the next slot is at NOW + 5000.
    expect(await slots.reserve('C0SOC', RATE, NOW, NOW + 60_000)).toEqual({ ok: true, atMs: NOW + 5000 });
  });
});
