/**
 * NTP-format wallclock for RTCP sender reports (RFC 3550 §4): seconds since
 * 1900-01-01 UTC in the high word, the fraction of a second in the low word.
 * The time is an input: these helpers never read a clock.
 */
export interface NtpTime {
  seconds: number;
  fraction: number;
}

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/**
 * @example
 *   ntpFromUnixMs(Date.parse('1970-01-01T00:00:00.500Z')); // { seconds: 2208988800, fraction: 0x80000000 }
 */
export function ntpFromUnixMs(ms: number): NtpTime {
  const whole = Math.floor(ms / 1000);
  const fraction = Math.floor(((ms - whole * 1000) / 1000) * 0x1_0000_0000);
  // Era wrap (2036) keeps working: RFC 3550 §4 only needs the low 32 bits to be consistent.
  return { seconds: (whole + NTP_UNIX_OFFSET_SECONDS) >>> 0, fraction: fraction >>> 0 };
}

/**
 * The middle 32 bits of an NTP timestamp, the unit of LSR in report blocks
 * (RFC 3550 §6.4.1 "last SR timestamp").
 *
 * @example
 *   ntpMiddle32({ seconds: 0x00012345, fraction: 0x6789abcd }); // 0x23456789
 */
export function ntpMiddle32(t: NtpTime): number {
  return (((t.seconds & 0xffff) << 16) | (t.fraction >>> 16)) >>> 0;
}

/**
 * DLSR for a report block (RFC 3550 §6.4.1): the delay since the peer's last
 * SR arrived, "expressed in units of 1/65536 seconds".
 *
 * @example
 *   delaySinceLastSr(1500); // 98304 (1.5 s)
 */
export function delaySinceLastSr(elapsedMs: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.round((elapsedMs * 65536) / 1000)));
}
