/**
 * The most intervals open at once (a sweep over starts and ends; an
 * interval that ends where another starts does not overlap it).
 *
 * @example
 *   peak([[0, 10], [5, 15], [10, 20]]); // 2
 */
export function peak(spans: [number, number][]): number {
  const edges = spans.flatMap(([a, b]): [number, number][] => [[a, 1], [b, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (open += step));
  return most;
}
