import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiGet, apiGetAll, apiUrl } from '../src/lib/api';

const BASE = 'http://127.0.0.1:8550/';

/** A fetch that answers pages of `pages` (by cursor: none, "1", "2"…) with the index at `block`. */
function pagedFetch(pages: number[][], block = 7) {
  return vi.fn(async (url: string) => {
    const cursor = new URL(url).searchParams.get('cursor');
    const index = cursor === null ? 0 : Number(cursor);
    const next = index + 1 < pages.length ? String(index + 1) : null;
    return new Response(JSON.stringify({ items: pages[index], next_cursor: next }), { headers: { 'X-Index-Block': String(block) } });
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('the read API client', () => {
  it('joins paths and drops parameters left undefined', () => {
    expect(apiUrl(BASE, '/securities/ACME/register', { record_date: 2, cursor: undefined })).toBe(
      'http://127.0.0.1:8550/securities/ACME/register?record_date=2',
    );
  });

  it('reads every page, and says when it stopped at its page limit with more left', async () => {
    vi.stubGlobal('fetch', pagedFetch([[1, 2], [3], [4]]));
    expect(await apiGetAll<number>(BASE, 'investors')).toEqual({ data: [1, 2, 3, 4], indexBlock: 7n, more: false });
    vi.stubGlobal('fetch', pagedFetch([[1, 2], [3], [4]]));
    expect(await apiGetAll<number>(BASE, 'investors', {}, 2)).toEqual({ data: [1, 2, 3], indexBlock: 7n, more: true });
  });

  it("turns a refusal into the API's own sentence", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ detail: "no security with the symbol 'NOPE' in the index" }), { status: 404 })));
    const refused = apiGet(BASE, 'securities/NOPE');
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toThrow("The index refused: no security with the symbol 'NOPE' in the index.");
  });
});
