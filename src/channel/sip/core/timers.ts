/**
 * RFC 3261 §17 timer values, names kept verbatim (Table 4).
 * T1 is the RTT estimate, T2 the longest retransmit interval for non-INVITE
 * requests and INVITE responses, T4 the longest a message stays in the network.
 */
export const T1 = 500;
export const T2 = 4000;
export const T4 = 5000;

/** Timer B / F / H / J / L: 64*T1, the transaction timeout. */
export const TIMER_B = 64 * T1;
export const TIMER_F = 64 * T1;
export const TIMER_H = 64 * T1;
/** Timer J: wait for retransmitted non-INVITE requests (UDP), 0 for reliable transports. */
export const TIMER_J_UDP = 64 * T1;
/** Timer I: wait for ACK retransmits (UDP), 0 for reliable transports. */
export const TIMER_I_UDP = T4;
/** Timer K: wait for response retransmits (UDP), 0 for reliable transports. */
export const TIMER_K_UDP = T4;
/** RFC 6026 Timer L: an accepted INVITE server transaction absorbs retransmitted INVITEs this long. */
export const TIMER_L = 64 * T1;
/** Timer D: a completed INVITE client transaction absorbs retransmitted final responses (UDP: at least 32 s). */
export const TIMER_D_UDP = 32_000;
/** RFC 6026 Timer M: an accepted INVITE client transaction passes retransmitted 2xx responses to the TU this long. */
export const TIMER_M = 64 * T1;
