import { recordAfterSend } from '../../activities/record-after-send';

describe('recording a mail that already went out', () => {
  it('waits out a passing database outage instead of failing the activity (which would mail again)', async () => {
    let calls = 0;
    await recordAfterSend(async () => {
      calls++;
      if (calls < 3) throw new Error('the database system is shutting down');
    });
    expect(calls).toBe(3);
  });

  it('gives up with the last error once the outage outlasts the retry window', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error(`connect ECONNREFUSED (attempt ${calls})`);
    };
    await expect(recordAfterSend(failing, 600)).rejects.toThrow(/ECONNREFUSED/);
    expect(calls).toBeGreaterThan(1);
  });
});
