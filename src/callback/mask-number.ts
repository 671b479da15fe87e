/**
 * A phone number as logs and the operations API show it: the `+` and two
 * digits of country prefix, the last 4 digits, bullets between (one per
 * hidden digit). Enough to tell two customers' call-backs apart, not enough
 * to call anyone.
 *
 * @example
 *   maskNumber('+34600001222'); // '+34•••••1222'
 */
export function maskNumber(number: string): string {
  const head = number.startsWith('+') ? number.slice(0, 3) : '';
  const hidden = number.length - head.length - 4;
  // Too short to keep a prefix and 4 digits and still hide something: show the last 2 only.
  if (hidden < 1) return '•'.repeat(Math.max(0, number.length - 2)) + number.slice(-2);
  return head + '•'.repeat(hidden) + number.slice(-4);
}
