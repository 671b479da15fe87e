// Example messages shared by this folder's tests (never imported by production code).

/** RFC 3261 §4, the INVITE of the "SIP trapezoid" (its SDP, "not shown" there, left out). */
export const RFC3261_INVITE =
  'INVITE sip:bob@biloxi.com SIP/2.0\r\n' +
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n' +
  'Max-Forwards: 70\r\n' +
  'To: Bob <sip:bob@biloxi.com>\r\n' +
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n' +
  'Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n' +
  'CSeq: 314159 INVITE\r\n' +
  'Contact: <sip:alice@pc33.atlanta.com>\r\n' +
  'Content-Length: 0\r\n' +
  '\r\n';

/** RFC 3261 §4, Bob's 200 OK as Alice receives it: three Vias with received. */
export const RFC3261_200 =
  'SIP/2.0 200 OK\r\n' +
  'Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bKnashds8;received=192.0.2.3\r\n' +
  'Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n' +
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1\r\n' +
  'To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n' +
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n' +
  'Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n' +
  'CSeq: 314159 INVITE\r\n' +
  'Contact: <sip:bob@192.0.2.4>\r\n' +
  'Content-Length: 0\r\n' +
  '\r\n';

export const RFC3665_SDP =
  'v=0\r\n' +
  'o=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\r\n' +
  's=-\r\n' +
  'c=IN IP4 192.0.2.101\r\n' +
  't=0 0\r\n' +
  'm=audio 49172 RTP/AVP 0\r\n' +
  'a=rtpmap:0 PCMU/8000\r\n';

/** RFC 3665 §3.1 (successful session establishment), F1 INVITE Alice -> Bob. */
export const RFC3665_INVITE =
  'INVITE sip:bob@biloxi.example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n' +
  'Max-Forwards: 70\r\n' +
  'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n' +
  'To: Bob <sip:bob@biloxi.example.com>\r\n' +
  'Call-ID: 3848276298220188511@atlanta.example.com\r\n' +
  'CSeq: 1 INVITE\r\n' +
  'Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n' +
  'Content-Type: application/sdp\r\n' +
  'Content-Length: 151\r\n' +
  '\r\n' +
  RFC3665_SDP;

/** RFC 3665 §3.1, F2 180 Ringing Bob -> Alice. */
export const RFC3665_180 =
  'SIP/2.0 180 Ringing\r\n' +
  'Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;received=192.0.2.101\r\n' +
  'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n' +
  'To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n' +
  'Call-ID: 3848276298220188511@atlanta.example.com\r\n' +
  'CSeq: 1 INVITE\r\n' +
  'Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\r\n' +
  'Content-Length: 0\r\n' +
  '\r\n';

/** RFC 3665 §3.1, F6 BYE Bob -> Alice. */
export const RFC3665_BYE =
  'BYE sip:alice@client.atlanta.example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/TCP client.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n' +
  'Max-Forwards: 70\r\n' +
  'From: Bob <sip:bob@biloxi.example.com>;tag=8321234356\r\n' +
  'To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n' +
  'Call-ID: 3848276298220188511@atlanta.example.com\r\n' +
  'CSeq: 1 BYE\r\n' +
  'Content-Length: 0\r\n' +
  '\r\n';

/** The canonical examples above, as the wire has them. */
export const RFC_EXAMPLES: Readonly<Record<string, string>> = {
  'RFC 3261 INVITE': RFC3261_INVITE,
  'RFC 3261 200 OK': RFC3261_200,
  'RFC 3665 INVITE': RFC3665_INVITE,
  'RFC 3665 180 Ringing': RFC3665_180,
  'RFC 3665 BYE': RFC3665_BYE,
};

/** Compact names, several values per row, quoted commas, an IPv6 reference. */
export const COMPACT =
  'OPTIONS sip:clave@192.0.2.10 SIP/2.0\r\n' +
  'v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK-c1;rport, SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bK-c0\r\n' +
  'f: "Doe, Jane" <sip:jane@example.com>;tag=f1\r\n' +
  't: <sip:clave@192.0.2.10>\r\n' +
  'i: c1@192.0.2.20\r\n' +
  'CSeq: 1 OPTIONS\r\n' +
  'm: <sip:jane@192.0.2.20>;q=0.5, "Desk, 2" <sip:jane@desk.example.com;transport=tcp>\r\n' +
  'k: timer, 100rel\r\n' +
  'Supported: replaces\r\n' +
  'u: dialog\r\n' +
  'o: refer;id=7\r\n' +
  'r: <sip:agent@example.com?Replaces=a%40b>\r\n' +
  'b: <sip:jane@example.com>\r\n' +
  's: Unlock, please\r\n' +
  'e: gzip\r\n' +
  'c: text/plain\r\n' +
  'l: 5\r\n' +
  '\r\n' +
  'hello';
