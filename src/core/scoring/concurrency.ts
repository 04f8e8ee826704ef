/**
 * Runs `fn` over `items` with at most `limit` in flight. `onIdle` is called whenever no new item can start
 * (all started, or waiting for slots), which lets a batcher run a part-filled batch instead of waiting.
 */
export async function mapWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  onIdle?: () => void,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
    onIdle?.();
  });
  await Promise.all(lanes);
}
